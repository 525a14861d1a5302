"""Score the importer against a corpus of documents with hand-written gold (fixtures/corpus/).

Each document ``X.<ext>`` sits next to ``X.gold.json`` (or the gold names its document with a relative
``"document"`` path, as the seed variants do for the original seeds). The gold records what a careful human
reader would: whether the document is a plan at all, its tasks in document order, and for each task the
units by role, the group phrases and the deadlines as printed. See fixtures/corpus/README.md.

What is scored, per document and over the corpus:

- **task count exact**: the importer found as many tasks as the gold lists (0 for a rubric or a report);
- **unit F1 by role**: lead and cooperating separately, micro-averaged over matched tasks. Tasks are matched
  in document order (an order-preserving alignment on the task's first words), so one missed task does
  not shift every later one onto the wrong partner; a task without a partner counts only in the task count;
- **class**: plan or not. The importer has no classifier yet, so "found ≥1 task" means plan; no task (or the
  ``no_tasks`` refusal) means not a plan. A future ``kind`` of rubric/report/other is honoured.

Conventions shared by gold and scorer (one rule in one place: ``found_units`` applies them to the parse):

- a 责任单位 / 负责 unit is scored as **lead**: it is the unit that carries the task (the gold has no
  separate responsible role);
- a **group phrase** (各有关部门, 县政府各部门, or a role phrase such as 行政决策起草和主办部门) is not a
  unit: it goes to ``groups`` whatever its role; the importer's ``is_group_phrase`` decides for the parse,
  and a name the gold lists among the task's groups is moved there too, so calling a role phrase a unit
  costs a false positive only if the importer also misses that it is a group;
- names compare after removing whitespace; nothing else is forgiven (``市监察局等部门`` ≠ ``市监察局``).

A document the importer cannot read (``unsupported_type``: .odt, say) is recorded as
``unsupported``, counts as a miss on task count and class, and adds no matched task. Any other failure is
recorded as ``error`` with its message, never raised: the benchmark prints it beside the figures.

Pure: no Django, no database; reads only the files under the corpus directory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DocumentError, ErrorCode
from .parser import parse_bytes
from .result import ParsedDocument
from .units import Role, is_group_phrase

CLASSES = ("plan", "rubric", "report", "other")
ROLES = ("lead", "cooperating")
BINARY_SUFFIXES = frozenset({".docx", ".xlsx", ".pdf", ".doc"})
_GOLD_SUFFIX = ".gold.json"
_DOCUMENT_KEYS = {"models", "class", "tasks", "document", "sections", "title"}
_TASK_KEYS = {"path", "heading", "lead", "cooperating", "groups", "deadlines"}
_KEY_LENGTH = 8  # characters of a task's first words that identify it when aligning
# How far into a found task's heading or text the gold's first words may start: room for a label the
# importer kept (序号 1, 第三条, (一)), not for a parent task that swallowed its (1) children.
_START_SLACK = 8
# Formats whose bytes the importer reads as text: there a ``binary`` refusal is the importer's error, on any
# other suffix it means the format is not read.
_TEXT_SUFFIXES = frozenset({".txt", ".html", ".htm"})
_NOISE_RE = re.compile(r"[\s\u3000,,。.、;;::!?!?“”\"'‘’()()〔〕【】\[\]《》…|·—\-]")


class GoldError(ValueError):
    """A gold file that does not follow the format (the test of the corpus reports these)."""


@dataclass(frozen=True)
class GoldTask:
    """One task as a careful reader records it."""

    path: str
    heading: str
    lead: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gold:
    """A corpus document's gold: which real format it models, its class, its tasks in document order."""

    name: str
    gold_path: Path
    document: Path
    models: str
    klass: str
    tasks: tuple[GoldTask, ...]
    sections: dict[str, int] | None = None  # tasks per section path, recorded for the seed variants
    title: str | None = None  # the plan's title as a reader gives it, where the document makes it a question


@dataclass(frozen=True)
class FoundTask:
    """A task the importer found, reduced to what is scored (same conventions as the gold)."""

    path: str
    heading: str
    text: str
    lead: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = ()


@dataclass
class Counts:
    """True positives, false positives and false negatives; F1 is computed from the sums (micro)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """None when there was nothing to find and nothing found (no evidence either way)."""
        if not (self.tp or self.fp or self.fn):
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


def compare(gold: Iterable[str], found: Iterable[str]) -> Counts:
    """Set comparison of two name lists after removing whitespace."""
    gold_set = {_name_key(name) for name in gold}
    found_set = {_name_key(name) for name in found}
    gold_set.discard("")
    found_set.discard("")
    return Counts(len(gold_set & found_set), len(found_set - gold_set), len(gold_set - found_set))


@dataclass
class DocumentScore:
    """How the importer did on one document."""

    name: str
    suffix: str
    status: str  # ok | no_tasks | unsupported | error
    detail: str
    gold_class: str
    found_class: str
    gold_tasks: int
    found_tasks: int
    matched: int
    units: dict[str, Counts] = field(default_factory=dict)
    deadlines: Counts = field(default_factory=Counts)
    group: str = "written"  # "written" for the hand-written corpus, else its folder (seed_variants)

    @property
    def exact_count(self) -> bool:
        return self.status in ("ok", "no_tasks") and self.found_tasks == self.gold_tasks

    @property
    def class_correct(self) -> bool:
        if self.status not in ("ok", "no_tasks"):
            return False
        return (self.gold_class == "plan") == (self.found_class == "plan")

    @property
    def perfect(self) -> bool:
        return (
            self.exact_count
            and self.class_correct
            and self.matched == self.gold_tasks
            and all(counts.fp == 0 and counts.fn == 0 for counts in self.units.values())
        )

    def line(self) -> str:
        """One line for the benchmark's list of failures."""
        if self.status in ("unsupported", "error"):
            return f"{self.name}: {self.status} ({self.detail})"
        parts = [f"tasks {self.found_tasks}/{self.gold_tasks}", f"matched {self.matched}"]
        for role in (*ROLES, "groups"):
            f1 = self.units[role].f1
            parts.append(f"{role} F1 {'-' if f1 is None else f'{f1:.2f}'}")
        parts.append(f"class {self.found_class} (gold {self.gold_class})")
        return f"{self.name}: " + ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": self.group,
            "status": self.status,
            "detail": self.detail,
            "gold_class": self.gold_class,
            "found_class": self.found_class,
            "gold_tasks": self.gold_tasks,
            "found_tasks": self.found_tasks,
            "matched": self.matched,
            "exact_count": self.exact_count,
            "class_correct": self.class_correct,
            "units": {role: _counts_dict(counts) for role, counts in self.units.items()},
            "deadlines": _counts_dict(self.deadlines),
        }


@dataclass
class CorpusScore:
    """The corpus-wide figures: the bar the importer must meet is stated in tests/plans/test_corpus.py."""

    documents: list[DocumentScore]

    def subset(self, group: str) -> CorpusScore:
        return CorpusScore([document for document in self.documents if document.group == group])

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(document.group for document in self.documents))

    def _sum(self, role: str) -> Counts:
        total = Counts()
        for document in self.documents:
            total = total + document.units.get(role, Counts())
        return total

    @property
    def exact_rate(self) -> float:
        return _rate(sum(d.exact_count for d in self.documents), len(self.documents))

    @property
    def class_accuracy(self) -> float:
        return _rate(sum(d.class_correct for d in self.documents), len(self.documents))

    def f1(self, role: str) -> float | None:
        return self._sum(role).f1

    @property
    def deadline_recall(self) -> float | None:
        total = Counts()
        for document in self.documents:
            total = total + document.deadlines
        return total.recall

    @property
    def unsupported(self) -> list[DocumentScore]:
        return [d for d in self.documents if d.status == "unsupported"]

    @property
    def failures(self) -> list[DocumentScore]:
        return [d for d in self.documents if not d.perfect]

    def non_plans_recognised(self) -> bool:
        return all(d.class_correct for d in self.documents if d.gold_class != "plan")

    def summary(self) -> dict[str, Any]:
        """A flat mapping the benchmark prints as a table."""
        return {
            "documents": len(self.documents),
            "unsupported": len(self.unsupported),
            "exact_task_counts": round(self.exact_rate, 3),
            "unit_f1_lead": _round(self.f1("lead")),
            "unit_f1_cooperating": _round(self.f1("cooperating")),
            "unit_f1_groups": _round(self.f1("groups")),
            "deadline_recall": _round(self.deadline_recall),
            "class_accuracy": round(self.class_accuracy, 3),
            "matched_tasks": sum(d.matched for d in self.documents),
            "gold_tasks": sum(d.gold_tasks for d in self.documents),
        }

    def lines(self) -> list[str]:
        """A table of the figures (all documents, then each group) and one line per imperfect document."""

        def show(value: float | None) -> str:
            return "      -" if value is None else f"{value:7.3f}"

        columns = [("all", self)] + [(group, self.subset(group)) for group in self.groups]
        out = ["corpus".ljust(22) + "".join(f"{name:>15}" for name, _ in columns)]
        rows: list[tuple[str, Callable[[CorpusScore], str]]] = [
            ("documents", lambda c: f"{len(c.documents)}"),
            ("unsupported", lambda c: f"{len(c.unsupported)}"),
            (
                "gold tasks matched",
                lambda c: f"{sum(d.matched for d in c.documents)}/{sum(d.gold_tasks for d in c.documents)}",
            ),
            ("exact task counts", lambda c: f"{c.exact_rate:.1%}"),
            ("unit F1 lead", lambda c: show(c.f1("lead")).strip()),
            ("unit F1 cooperating", lambda c: show(c.f1("cooperating")).strip()),
            ("unit F1 groups", lambda c: show(c.f1("groups")).strip()),
            ("deadline recall", lambda c: show(c.deadline_recall).strip()),
            ("class accuracy", lambda c: f"{c.class_accuracy:.1%}"),
        ]
        for label, cell in rows:
            out.append(f"  {label:<20}" + "".join(f"{cell(score):>15}" for _, score in columns))
        failures = self.failures
        if failures:
            out.append(f"  not perfect ({len(failures)}):")
            out.extend(f"    {document.line()}" for document in failures)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "documents": [d.to_dict() for d in self.documents]}


# --- gold ---------------------------------------------------------------------------------------------


def gold_files(root: str | Path) -> list[Path]:
    """Every ``*.gold.json`` under ``root``, sorted, seed variants included."""
    return sorted(Path(root).rglob(f"*{_GOLD_SUFFIX}"))


def load_gold(gold_path: str | Path) -> Gold:
    """Read and check one gold file; raises ``GoldError`` saying what is wrong."""
    gold_path = Path(gold_path)
    try:
        raw = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GoldError(f"{gold_path.name}: not readable JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise GoldError(f"{gold_path.name}: not a JSON object")
    name = gold_path.name.removesuffix(_GOLD_SUFFIX)
    unknown = set(raw) - _DOCUMENT_KEYS
    if unknown:
        raise GoldError(f"{name}: unknown keys {sorted(unknown)}")
    models = raw.get("models")
    if not isinstance(models, str) or len(models.strip()) < 10:
        raise GoldError(f"{name}: 'models' must say in a sentence which real format the document models")
    klass = raw.get("class")
    if klass not in CLASSES:
        raise GoldError(f"{name}: 'class' must be one of {', '.join(CLASSES)}, not {klass!r}")
    tasks_raw = raw.get("tasks")
    if not isinstance(tasks_raw, list):
        raise GoldError(f"{name}: 'tasks' must be a list")
    if klass != "plan" and tasks_raw:
        raise GoldError(f"{name}: a {klass} has no tasks")
    if klass == "plan" and not tasks_raw:
        raise GoldError(f"{name}: a plan lists its tasks")
    tasks = tuple(_gold_task(name, index, task) for index, task in enumerate(tasks_raw, start=1))
    paths = [task.path for task in tasks]
    if len(set(paths)) != len(paths):
        raise GoldError(f"{name}: task paths repeat")
    sections = raw.get("sections")
    if sections is not None:
        if not isinstance(sections, dict) or not all(
            isinstance(key, str) and isinstance(value, int) and value > 0 for key, value in sections.items()
        ):
            raise GoldError(f"{name}: 'sections' maps a section path to its number of tasks")
        if sum(sections.values()) != len(tasks):
            raise GoldError(f"{name}: 'sections' counts {sum(sections.values())} tasks, 'tasks' lists {len(tasks)}")
    title = raw.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise GoldError(f"{name}: 'title' is the plan's title as a string")
    return Gold(
        title=title,
        name=name,
        gold_path=gold_path,
        document=_document_for(gold_path, name, raw.get("document")),
        models=models,
        klass=klass,
        tasks=tasks,
        sections=sections,
    )


def _gold_task(name: str, index: int, raw: Any) -> GoldTask:
    where = f"{name}: task {index}"
    if not isinstance(raw, dict):
        raise GoldError(f"{where}: not an object")
    unknown = set(raw) - _TASK_KEYS
    if unknown:
        raise GoldError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("path", "heading"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise GoldError(f"{where}: '{key}' must be a non-empty string")
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("lead", "cooperating", "groups", "deadlines"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise GoldError(f"{where}: '{key}' must be a list of non-empty strings")
        if any(re.search(r"\s", item) for item in value):
            raise GoldError(f"{where}: '{key}' names are written without spaces")
        lists[key] = tuple(value)
    if len(_heading_key(raw["heading"])) < 4:
        raise GoldError(f"{where}: the heading is too short to identify the task")
    # A unit may lead one clause and help in another (番禺 task 32): both roles are kept.
    return GoldTask(path=raw["path"], heading=raw["heading"], **lists)


def _document_for(gold_path: Path, name: str, declared: Any) -> Path:
    if declared is not None:
        if not isinstance(declared, str):
            raise GoldError(f"{name}: 'document' must be a relative path")
        document = (gold_path.parent / declared).resolve()
        if not document.is_file():
            raise GoldError(f"{name}: document {declared} does not exist")
        return document
    candidates = [
        path for path in gold_path.parent.glob(f"{name}.*") if path.is_file() and not path.name.endswith(".json")
    ]
    if len(candidates) != 1:
        raise GoldError(f"{name}: expected one document named {name}.<ext>, found {len(candidates)}")
    return candidates[0]


# --- what the importer found ----------------------------------------------------------------------------


def found_units(names_roles: Iterable[tuple[str, str]]) -> tuple[list[str], list[str], list[str]]:
    """(lead, cooperating, groups) from (name, role) pairs, by the conventions in the module docstring."""
    lead: list[str] = []
    cooperating: list[str] = []
    groups: list[str] = []
    for name, role in names_roles:
        if is_group_phrase(name):
            target = groups
        elif role == Role.COOPERATING:
            target = cooperating
        else:  # lead and responsible
            target = lead
        if name not in target:
            target.append(name)
    return lead, cooperating, groups


def found_tasks(document: ParsedDocument) -> list[FoundTask]:
    tasks = []
    for task in document.tasks:
        lead, cooperating, groups = found_units((unit.name, str(unit.role)) for unit in task.units)
        tasks.append(
            FoundTask(
                path=task.path,
                heading=task.heading,
                text=task.text,
                lead=tuple(lead),
                cooperating=tuple(cooperating),
                groups=tuple(groups),
                deadlines=tuple(deadline.text for deadline in task.deadlines),
            )
        )
    return tasks


def found_class(document: ParsedDocument | None) -> str:
    """Plan when the importer found a task; a non-plan kind the importer states is taken as it is."""
    if document is None:
        return "other"
    kind = getattr(document, "kind", None)
    if kind in ("rubric", "other") or (kind == "report" and not document.tasks):
        return kind
    return "plan" if document.tasks else "other"


# --- matching and scoring ------------------------------------------------------------------------------


def align(gold: Sequence[GoldTask], found: Sequence[FoundTask]) -> list[tuple[int, int]]:
    """Order-preserving matching of gold tasks to found tasks (longest common subsequence on first words).

    A gold task matches a found task when the gold heading's first characters (punctuation and spaces
    removed) start within a few characters of the beginning of the found task's heading or of its text.
    """
    keys = [_heading_key(task.heading)[:_KEY_LENGTH] for task in gold]
    window = _START_SLACK + _KEY_LENGTH
    starts = [(_heading_key(task.heading)[:window], _heading_key(task.text)[:window]) for task in found]

    def same(i: int, j: int) -> bool:
        return bool(keys[i]) and any(keys[i] in start for start in starts[j])

    rows, cols = len(gold), len(found)
    best = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            if same(i, j):
                best[i][j] = best[i + 1][j + 1] + 1
            else:
                best[i][j] = max(best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < rows and j < cols:
        if same(i, j) and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i += 1
            j += 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def score_task(gold: GoldTask, found: FoundTask) -> dict[str, Counts]:
    """Counts per role for one matched pair; a found name the gold calls a group is scored as a group."""
    gold_groups = {_name_key(name) for name in gold.groups}
    moved = [name for name in (*found.lead, *found.cooperating) if _name_key(name) in gold_groups]
    return {
        "lead": compare(gold.lead, [name for name in found.lead if name not in moved]),
        "cooperating": compare(gold.cooperating, [name for name in found.cooperating if name not in moved]),
        "groups": compare(gold.groups, [*found.groups, *moved]),
    }


Parse = Callable[[bytes, str], ParsedDocument]


def score_document(gold: Gold, *, parse: Parse = parse_bytes) -> DocumentScore:
    """Parse the gold's document and score it; never raises on what the importer does."""
    suffix = gold.document.suffix.lower()
    score = DocumentScore(
        name=gold.name,
        suffix=suffix,
        status="ok",
        detail="",
        gold_class=gold.klass,
        found_class="other",
        gold_tasks=len(gold.tasks),
        found_tasks=0,
        matched=0,
        units={role: Counts() for role in (*ROLES, "groups")},
    )
    try:
        document: ParsedDocument | None = parse(gold.document.read_bytes(), gold.document.name)
    except DocumentError as exc:
        document = None
        if exc.code == ErrorCode.NO_TASKS:
            score.status = "no_tasks"
        elif exc.code == ErrorCode.UNSUPPORTED_TYPE or (exc.code == ErrorCode.BINARY and suffix not in _TEXT_SUFFIXES):
            score.status, score.detail = "unsupported", f"{suffix} not read"
        else:
            score.status, score.detail = "error", f"{exc.code.value}: {exc.message}"
    except Exception as exc:  # a parser bug must show as a failing document, not stop the benchmark
        document = None
        score.status, score.detail = "error", f"{type(exc).__name__}: {exc}"
    score.found_class = found_class(document)
    if document is None:
        return score
    found = found_tasks(document)
    score.found_tasks = len(found)
    pairs = align(gold.tasks, found)
    score.matched = len(pairs)
    for gold_index, found_index in pairs:
        gold_task, found_task = gold.tasks[gold_index], found[found_index]
        for role, counts in score_task(gold_task, found_task).items():
            score.units[role] = score.units[role] + counts
        score.deadlines = score.deadlines + compare(gold_task.deadlines, found_task.deadlines)
    return score


def score_corpus(root: str | Path, *, skip_suffixes: Iterable[str] = (), parse: Parse = parse_bytes) -> CorpusScore:
    """Score every gold document under ``root``; ``skip_suffixes`` (e.g. the binary formats) leaves some out."""
    skip = {suffix.lower() for suffix in skip_suffixes}
    scores = []
    for gold_path in gold_files(root):
        gold = load_gold(gold_path)
        if gold.document.suffix.lower() in skip:
            continue
        score = score_document(gold, parse=parse)
        folder = gold_path.parent.relative_to(root).as_posix()
        score.group = "written" if folder == "." else folder
        scores.append(score)
    return CorpusScore(scores)


# --- helpers ---------------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _heading_key(text: str) -> str:
    return _NOISE_RE.sub("", text.rstrip("….")).replace("...", "")


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _counts_dict(counts: Counts) -> dict[str, int]:
    return {"tp": counts.tp, "fp": counts.fp, "fn": counts.fn}
