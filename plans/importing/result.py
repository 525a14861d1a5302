"""What parsing a plan document yields: plain dataclasses with ``to_dict()`` giving the JSON described in
docs/import-json.md. The import preview renders these; the saving service maps them onto the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .deadlines import Deadline
from .outline import task_label
from .targets import Target
from .units import Role, UnitMention


@dataclass
class Clause:
    """The stretch of a task followed by its own unit parenthesis; the units are who does that stretch."""

    text: str
    units: list[UnitMention] = field(default_factory=list)

    def units_with_role(self, role: Role) -> list[str]:
        return [unit.name for unit in self.units if unit.role == role]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "units": [unit.to_dict() for unit in self.units]}


@dataclass
class Task:
    """A numbered node at the document's task level (or a childless node above it that says what to do);
    ``path`` is its identity (numbers restart in 南海)."""

    path: str
    number: str
    section_path: str
    heading: str
    text: str
    clauses: list[Clause] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    @property
    def units(self) -> list[UnitMention]:
        """Every (unit, role) of the task once, in order of appearance."""
        seen: dict[tuple[str, Role], UnitMention] = {}
        for clause in self.clauses:
            for unit in clause.units:
                seen.setdefault((unit.name, unit.role), unit)
        return list(seen.values())

    @property
    def label(self) -> str:
        """The number as printed, for display: ``(一)``, ``3.``, ``(2)``, ``第五条``."""
        return task_label(self.path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "number": self.number,
            "label": self.label,
            "section_path": self.section_path,
            "heading": self.heading,
            "text": self.text,
            "clauses": [clause.to_dict() for clause in self.clauses],
            "deadlines": [deadline.to_dict() for deadline in self.deadlines],
            "targets": [target.to_dict() for target in self.targets],
        }


@dataclass
class Section:
    """A heading as printed (一、 (一) 1. … at any depth above the tasks); ``role`` says whether it holds
    tasks, closing duties or prose."""

    label: str
    title: str
    path: str
    level: int
    role: str = "other"
    text: str = ""
    children: list[Section] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "title": self.title,
            "path": self.path,
            "level": self.level,
            "role": self.role,
            "text": self.text,
            "children": [child.to_dict() for child in self.children],
        }


@dataclass
class Phase:
    """A stage of a multi-year plan: 2011年至2014年为全面实施阶段."""

    name: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "start": self.start, "end": self.end}


@dataclass
class Requirement:
    """A closing duty (工作要求, 组织保障, 实施步骤): who reports what when, in which phase."""

    path: str
    label: str
    title: str
    text: str
    deadlines: list[Deadline] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "label": self.label,
            "title": self.title,
            "text": self.text,
            "deadlines": [deadline.to_dict() for deadline in self.deadlines],
            "phases": [phase.to_dict() for phase in self.phases],
        }


@dataclass
class Annex:
    """An attachment after the plan (目标责任书, 考核评分细则), kept as lines for the rubric importer."""

    number: int
    title: str
    start_line: int | None = None
    end_line: int | None = None
    lines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "lines": list(self.lines),
        }


@dataclass
class ParseWarning:
    """Something the legal office should look at in the preview; never stops the import."""

    code: str
    message: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "path": self.path}


@dataclass
class Period:
    start: int
    end: int

    def to_dict(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end}


@dataclass
class ReportInfo:
    """The shape of an annual report (法治政府建设情况报告): its year and its themed sections."""

    year: int | None
    section_titles: list[str] = field(default_factory=list)
    shortcomings: str | None = None
    next_steps: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "section_titles": list(self.section_titles),
            "shortcomings": self.shortcomings,
            "next_steps": self.next_steps,
        }


@dataclass
class ParsedDocument:
    """Everything read from one document, before anything is saved."""

    title: str | None
    kind: str
    kind_reason: str = ""
    task_level: str = ""
    plan_kind: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issued: date | None = None
    period: Period | None = None
    preamble: str = ""
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    report: ReportInfo | None = None
    meta: dict[str, str] = field(default_factory=dict)
    source_format: str | None = None  # txt, html, docx, doc, wps, pdf, pdf_scan, image, xlsx, xls
    ocr_doubts: list[Any] = field(default_factory=list)  # formats.base.OcrDoubt: lines OCR read uncertainly

    def task(self, path: str) -> Task:
        """The task with a path (KeyError if none): convenient in previews and tests."""
        for task in self.tasks:
            if task.path == path:
                return task
        raise KeyError(path)

    def unit_names(self) -> list[str]:
        """Every unit name the plan mentions, once, in order: what the importer must match to Unit rows."""
        names: dict[str, None] = {}
        for task in self.tasks:
            for unit in task.units:
                names.setdefault(unit.name, None)
        return list(names)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "kind": self.kind,
            "kind_reason": self.kind_reason,
            "task_level": self.task_level,
            "plan_kind": self.plan_kind,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issued": self.issued.isoformat() if self.issued else None,
            "period": self.period.to_dict() if self.period else None,
            "preamble": self.preamble,
            "sections": [section.to_dict() for section in self.sections],
            "tasks": [task.to_dict() for task in self.tasks],
            "requirements": [requirement.to_dict() for requirement in self.requirements],
            "annexes": [annex.to_dict() for annex in self.annexes],
            "warnings": [warning.to_dict() for warning in self.warnings],
            "report": self.report.to_dict() if self.report else None,
            "meta": dict(self.meta),
            "source_format": self.source_format,
            "ocr_doubts": [doubt.to_dict() for doubt in self.ocr_doubts],
        }
