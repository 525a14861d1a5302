"""What the legal office fixes in an import preview, as pure operations on the parsed-document JSON.

The parser guesses the task level and the tasks; a person sometimes knows better. Each correction is a
small operation ``{"kind", "target", "value"}`` applied in order to ``ParsedDocument.to_dict()``:

| kind | target | value | does |
| --- | --- | --- | --- |
| ``task_level`` | ``""`` | a style (``(一)``, ``1.`` …) | re-derive sections and tasks at that numbering level |
| ``task`` | a heading's path | ``None`` | the heading, with everything under it, becomes one task |
| ``not_task`` | a task's path | ``None`` | the task becomes a heading; its numbered sub-items become tasks |
| ``merge`` | a task's path | the next task's path | the two adjacent tasks of one heading become one |
| ``split`` | a task's path | the sentence the new task starts with | one task becomes two |
| ``unit_role`` | a task's path | ``{"unit": name, "role": "lead"/"cooperating"}`` | the unit takes that role |

Operations name their targets by path and by text, never by position, so the same list can be applied
again to a revised version of the document: an operation whose target is gone is skipped and reported,
the others still apply (``apply_corrections``). Nothing here touches Django.

The tree is rebuilt from the JSON alone: sections keep their headings, tasks keep their text with the
numbered sub-items as printed, so re-deriving at a deeper level reads the sub-items back out of the text
with the parser's own outline reader and clause, deadline and target extractors.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from .classify import KIND_NAMES
from .deadlines import extract_deadlines
from .normalize import comparison_key
from .outline import Node, build_outline, match_marker, task_label
from .parser import split_clauses, task_heading
from .targets import extract_targets

TASK_LEVEL = "task_level"
MAKE_TASK = "task"
NOT_TASK = "not_task"
MERGE = "merge"
SPLIT = "split"
UNIT_ROLE = "unit_role"
KINDS = {
    TASK_LEVEL: "调整任务层级",
    MAKE_TASK: "设为任务",
    NOT_TASK: "设为标题(不是任务)",
    MERGE: "合并相邻任务",
    SPLIT: "拆分任务",
    UNIT_ROLE: "调整单位角色",
}
ROLE_NAMES = {"lead": "牵头", "cooperating": "配合"}

# Styles in the conventional order (GB/T 9704), for the level chooser; outline.py keeps the patterns.
STYLE_ORDER = ("第一部分", "一、", "(一)", "第一条", "1.", "(1)", "①")

_UNIT_WARNINGS = ("task_without_units", "clause_without_units")
_SENTENCE_END_RE = re.compile(r"[。;!?]|\n")


class CorrectionError(ValueError):
    """An operation that cannot apply; ``message`` is Chinese, for the person who asked for it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Skipped:
    """An operation that did not apply to this document, and why."""

    index: int
    operation: dict[str, Any]
    reason: str


@dataclass
class LevelOption:
    style: str
    tasks: int


# ---------------------------------------------------------------------------------------------------
# The outline rebuilt from the JSON


@dataclass
class _Item:
    """A node of the outline with where it came from: a parsed section, a parsed task, or a numbered
    sub-item read back out of a task's text."""

    node: Node
    path: str
    origin: str  # section | task | sub
    data: dict[str, Any] | None = None
    children: list[_Item] = field(default_factory=list)

    @property
    def role(self) -> str:
        return (self.data or {}).get("role", "tasks") if self.origin == "section" else "tasks"

    def printed_lines(self) -> list[str]:
        out = [self.node.rest, *self.node.lines]
        for child in self.children:
            lines = child.printed_lines()
            out.append(child.node.label + lines[0])
            out.extend(lines[1:])
        return out

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def _label_for(path_part: str) -> str:
    """How a path component was printed: 二 → 二、, (三) → (三), 12 → 12., ① and 第五条 as they are."""
    part = path_part.split("#", 1)[0]
    if part.startswith("(") or part.startswith("第") or not part:
        return part
    if part.isdigit():
        return part + "."
    if "\u2460" <= part[0] <= "\u2473":
        return part
    return part + "、"


def path_label(path: str) -> str:
    """二/(三)/2 → 2.; a split's second part 二/(一)-2 → (一)-2."""
    last = path.rsplit("/", 1)[-1]
    base, dash, rest = last.partition("-")
    return _label_for(base) + (f"{dash}{rest}" if dash else "")


def _node(label: str, text: str) -> Node:
    """A Node for a label and its text; a label the outline reader does not know stays a plain node."""
    first, *lines = text.split("\n") if text else [""]
    node = match_marker(label + "\u3000")
    if node is None:
        node = Node(style="", rank=9, label=label, number=label, value=0, path_part=label, rest="")
    node.rest = first
    node.lines = lines
    return node


def _task_item(task: dict[str, Any]) -> _Item:
    path = task["path"]
    lines = task.get("text", "").split("\n")
    own, roots = build_outline(lines[1:])
    node = _node(_label_for(path.rsplit("/", 1)[-1]), lines[0])
    node.lines = own
    item = _Item(node=node, path=path, origin="task", data=task)
    item.children = [_sub_item(root, path) for root in roots]
    return item


def _sub_item(node: Node, parent_path: str) -> _Item:
    path = f"{parent_path}/{node.path_part}"
    item = _Item(node=node, path=path, origin="sub")
    item.children = [_sub_item(child, path) for child in node.children]
    return item


def _section_item(section: dict[str, Any], tasks_by_section: dict[str, list[dict]]) -> _Item:
    title, text = section.get("title", ""), section.get("text", "")
    # The parser cut "加强领导。我区…" at its first 。 or :; the mark itself is not kept, 。 reads right.
    first, *rest = text.split("\n") if text else [""]
    rest_line = f"{title}。{first}" if first and title and title[-1] not in "。:" else title + first
    node = _node(section.get("label", ""), "\n".join([rest_line, *rest]))
    item = _Item(node=node, path=section["path"], origin="section", data=section)
    children = [_section_item(child, tasks_by_section) for child in section.get("children", [])]
    children += [_task_item(task) for task in tasks_by_section.get(section["path"], [])]
    item.children = _in_order(children)
    return item


def _in_order(items: list[_Item]) -> list[_Item]:
    """Child headings and tasks of one parent in document order: by number within one numbering style,
    the junior style first between styles (items 93–95 before 五、 in a fragment)."""
    ordered: list[_Item] = []
    for item in items:
        position = len(ordered)
        for index, other in enumerate(ordered):
            a, b = item.node, other.node
            before = a.value < b.value if a.style == b.style else a.rank > b.rank
            if before and not (a.style == b.style and item.origin == other.origin):
                position = index
                break
        ordered.insert(position, item)
    return ordered


def _tree(parsed: dict[str, Any]) -> list[_Item]:
    by_section: dict[str, list[dict]] = {}
    for task in parsed.get("tasks", []):
        by_section.setdefault(task.get("section_path", ""), []).append(task)
    items = [_section_item(section, by_section) for section in parsed.get("sections", [])]
    items += [_task_item(task) for task in by_section.get("", [])]
    return _in_order(items)


def _find(items: list[_Item], path: str) -> _Item | None:
    for item in items:
        for found in item.walk():
            if found.path == path:
                return found
    return None


# ---------------------------------------------------------------------------------------------------
# Emitting sections and tasks from the tree at a level


def _split_heading(rest: str) -> tuple[str, str]:
    # The parser's rule for a heading line (parser._split_heading), repeated because it is private there;
    # tests/plans/test_corrections.py holds the two to the same seeds.
    match = re.search(r"[。:]", rest)
    if match and match.start() <= 40 and rest[match.end() :].strip():
        return rest[: match.start()], rest[match.end() :].strip()
    return rest.rstrip("。"), ""


class _Context:
    """What building a task needs from the document: its year for yearless dates, the day recurring
    deadlines count from (as parse_document computes them)."""

    def __init__(self, parsed: dict[str, Any]) -> None:
        issued = date.fromisoformat(parsed["issued"]) if parsed.get("issued") else None
        period = parsed.get("period") or None
        self.plan_year = issued.year if issued else (period["start"] if period else None)
        if parsed.get("plan_kind") == "annual_arrangement" and period:
            self.plan_year = period["start"]
        self.reference = issued or (date(self.plan_year, 1, 1) if self.plan_year else None)


def build_task(
    *, path: str, number: str, section_path: str, text: str, context: _Context | dict[str, Any]
) -> dict[str, Any]:
    """A task dict from its printed text, as the parser builds one (clauses, deadlines, targets)."""
    if isinstance(context, dict):
        context = _Context(context)
    clauses = split_clauses(text)
    deadlines, targets = [], []
    for index, clause in enumerate(clauses):
        found, _ = extract_deadlines(
            clause.text, plan_year=context.plan_year, reference=context.reference, clause=index
        )
        deadlines.extend(d.to_dict() for d in found)
        targets.extend(t.to_dict() for t in extract_targets(clause.text, clause=index))
    return {
        "path": path,
        "number": number,
        "label": task_label(path),
        "section_path": section_path,
        # A heading line without 。 runs into the next printed line; the name of the task stops there.
        "heading": task_heading(clauses[0].text or text).split("\n", 1)[0],
        "text": text,
        "clauses": [clause.to_dict() for clause in clauses],
        "deadlines": deadlines,
        "targets": targets,
    }


def _emit(
    parsed: dict[str, Any],
    items: list[_Item],
    *,
    style: str,
    make_task: str | None = None,
    not_task: str | None = None,
) -> dict[str, Any]:
    context = _Context(parsed)
    tasks: list[dict[str, Any]] = []
    dropped_requirements: list[str] = []

    def is_task(item: _Item) -> bool:
        if item.path == not_task:
            return False
        if item.path == make_task:
            return True
        if item.origin == "section" and item.role != "tasks":
            return False  # prose (指导思想) and closing duties keep their headings
        if item.node.style == style:
            return True
        return not item.children and item.origin in ("task", "sub")

    def as_task(item: _Item, section_path: str) -> None:
        text = "\n".join(item.printed_lines()).strip("\n")
        if item.origin == "task" and item.data and item.data.get("text") == text:
            task = dict(item.data, section_path=section_path)
        else:
            number = item.node.number if item.node.style else item.path.rsplit("/", 1)[-1]
            task = build_task(path=item.path, number=number, section_path=section_path, text=text, context=context)
        tasks.append(task)

    def as_section(item: _Item, parent_path: str, level: int) -> dict[str, Any]:
        if item.origin == "section" and item.role == "requirements" and item.path != make_task:
            return copy.deepcopy(item.data)
        if item.origin == "section":
            section = {key: value for key, value in item.data.items() if key != "children"}
        else:
            title, body = _split_heading(item.node.rest)
            section = {
                "label": item.node.label,
                "title": title,
                "path": item.path,
                "role": "other",
                "text": "\n".join(([body] if body else []) + item.node.lines),
            }
        section["level"] = level
        section["children"] = []
        for child in item.children:
            if is_task(child):
                as_task(child, item.path)
            else:
                section["children"].append(as_section(child, item.path, level + 1))
        return section

    sections = []
    for item in items:
        if is_task(item):
            as_task(item, "")
            if item.origin == "section" and item.role == "requirements":
                dropped_requirements.append(item.path)
        else:
            sections.append(as_section(item, "", 1))
    result = copy.deepcopy(parsed)
    result["sections"] = sections
    result["tasks"] = tasks
    result["requirements"] = [
        r
        for r in result.get("requirements", [])
        if not any(r["path"] == p or r["path"].startswith(p + "/") for p in dropped_requirements)
    ]
    _mark_roles(result)
    result["task_level"] = style
    return result


def _mark_roles(parsed: dict[str, Any]) -> None:
    """A heading holds tasks when a task sits anywhere under it (as the parser marks them)."""
    holding = {task.get("section_path", "") for task in parsed["tasks"]}

    def mark(sections: list[dict]) -> bool:
        any_tasks = False
        for section in sections:
            has = mark(section.get("children", [])) or section["path"] in holding
            if section.get("role") != "requirements":
                section["role"] = "tasks" if has else "other"
            any_tasks = any_tasks or has
        return any_tasks

    mark(parsed["sections"])


def _refresh_warnings(parsed: dict[str, Any]) -> None:
    """Unit warnings follow the tasks as they now are; warnings about a path that is gone go with it."""
    tasks = parsed["tasks"]
    paths = {task["path"] for task in tasks}
    kept = [
        w
        for w in parsed.get("warnings", [])
        if w.get("code") not in _UNIT_WARNINGS and (not w.get("path") or w["path"] in paths)
    ]
    numbers = [task["number"] for task in tasks]
    # 任务 1 is clear when all tasks are numbered alike; beside (一) paragraphs it needs its path.
    unique = len(set(numbers)) == len(numbers) and len({task["path"].count("/") for task in tasks}) <= 1
    for task in tasks:
        shown = task["number"] if unique else task["path"]
        clauses = task.get("clauses", [])
        if not any(clause.get("units") for clause in clauses):
            kept.append({"code": "task_without_units", "message": f"任务 {shown}:未找到责任单位", "path": task["path"]})
        elif len(clauses) > 1:
            for index, clause in enumerate(clauses, start=1):
                if not clause.get("units"):
                    kept.append(
                        {
                            "code": "clause_without_units",
                            "message": f"任务 {shown} 第{index}句:未找到责任单位",
                            "path": task["path"],
                        }
                    )
    parsed["warnings"] = kept


# ---------------------------------------------------------------------------------------------------
# Reading the tree: which levels exist, why this one


def task_levels(parsed: dict[str, Any]) -> list[LevelOption]:
    """Every numbering style in the part of the document that holds work, senior first, with how many
    tasks choosing it would give: what the level chooser offers."""
    items = [item for item in _tree(parsed) if item.role == "tasks"]
    styles = {found.node.style for item in items for found in item.walk() if found.node.style}
    options = []
    for style in sorted(styles, key=lambda s: STYLE_ORDER.index(s) if s in STYLE_ORDER else 99):
        options.append(LevelOption(style=style, tasks=len(_emit(parsed, _tree(parsed), style=style)["tasks"])))
    return options


def level_summary(parsed: dict[str, Any]) -> tuple[str, str]:
    """The chosen level in a line (按“(一)”一级识别为任务(共5项)) and why, in plain Chinese."""
    style = parsed.get("task_level") or ""
    count = len(parsed.get("tasks", []))
    if not style:
        return f"识别出任务{count}项", ""
    headline = f"按“{style}”一级识别为任务(共{count}项)"
    items = [item for item in _tree(parsed) if item.role == "tasks"]
    at_level = [found for item in items for found in item.walk() if found.node.style == style]
    above = [
        found
        for item in items
        for found in item.walk()
        if found.node.style != style and any(child.node.style == style for child in found.children)
    ]
    reasons = []
    if above:
        frames = "、".join(dict.fromkeys(f"“{found.node.style}”" for found in above))
        reasons.append(f"{frames}一级是归类的标题")
    with_subs = [found for found in at_level if found.children]
    if with_subs:
        sub_styles = "、".join(dict.fromkeys(f"“{child.node.style}”" for f in with_subs for child in f.children))
        reasons.append(
            f"“{style}”共{len(at_level)}项,只有{len(with_subs)}项再分{sub_styles}细项,细项作为任务内容保留"
            if len(with_subs) * 2 < len(at_level)
            else f"{sub_styles}是“{style}”各项的细项,作为任务内容保留"
        )
    elif at_level:
        reasons.append(f"“{style}”是文件中最细的编号层级")
    return headline, ";".join(reasons) + ("。" if reasons else "")


def outline(parsed: dict[str, Any]) -> list[dict[str, Any]]:
    """Headings and tasks as one tree in document order, for the preview: ``{"section": dict, "children":
    [...]}`` or ``{"task": dict, "merge_with": next path in the same heading or None, "split_points": [...],
    "ocr_doubts": [the OCR doubts read in this task]}``.
    """
    tasks = parsed.get("tasks", [])
    following = {a["path"]: b["path"] for a, b in pairwise(tasks) if a["section_path"] == b["section_path"]}
    doubts = task_ocr_doubts(parsed)

    def node(item: _Item) -> dict[str, Any]:
        if item.origin == "task":
            return {
                "task": item.data,
                "merge_with": following.get(item.path),
                "split_points": split_points(item.data.get("text", "")),
                "ocr_doubts": doubts.get(item.path, []),
            }
        return {
            "section": item.data,
            "children": [node(child) for child in item.children if child.origin != "sub"],
        }

    return [node(item) for item in _tree(parsed)]


# A doubt shorter than this (a page number, a lone 牵头) says too little to place it in one task.
_DOUBT_MIN_KEY = 4


def task_ocr_doubts(parsed: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The OCR doubts (``parsed["ocr_doubts"]``: page, line, text) by the path of the task they were read
    in, so the preview shows each beside its task: the person checks the task against the paper where the
    unit names and dates are, not in a list at the foot of the page.

    A doubt is a raw OCR line; the task's text is that line after wrap repair and folding. The line, its
    number (一、 (三) 2.) taken off and both reduced to ``comparison_key``, is found in the first task whose
    heading and text hold it; a line that ran across two tasks or was misread past recognition is found by
    either half. A doubt that lands in no task (the title, a heading) stays in the list only.
    """
    raw = parsed.get("ocr_doubts") or []
    if not raw:
        return {}
    keys = [
        (task["path"], comparison_key(task.get("heading", "") + task.get("text", "")))
        for task in parsed.get("tasks", [])
    ]
    found: dict[str, list[dict[str, Any]]] = {}
    for doubt in raw:
        if not isinstance(doubt, dict):
            continue
        line = str(doubt.get("text", "")).strip()
        marker = match_marker(line)
        key = comparison_key(marker.rest if marker else line)
        if len(key) < _DOUBT_MIN_KEY:
            continue
        half = len(key) // 2
        pieces = [key] + ([key[:half], key[half:]] if half >= _DOUBT_MIN_KEY else [])
        for piece in pieces:
            path = next((path for path, text in keys if piece in text), None)
            if path is not None:
                found.setdefault(path, []).append(doubt)
                break
    return found


def kind_name(parsed: dict[str, Any]) -> str:
    return KIND_NAMES.get(parsed.get("kind", ""), parsed.get("kind", ""))


def split_points(text: str) -> list[str]:
    """The sentences a task can be split before (not its first, not a unit line): what the page offers."""
    points = []
    position = 0
    for match in _SENTENCE_END_RE.finditer(text + "\n"):
        sentence = text[position : match.end()].strip()
        if position > 0 and sentence and not re.match(r"^(牵头|配合|责任|协办|主办)单位", sentence):
            points.append(sentence)
        position = match.end()
    return [p for p in points if len(re.findall(r"[\u4e00-\u9fff]", p)) >= 2]


# ---------------------------------------------------------------------------------------------------
# The operations


def _task_index(parsed: dict[str, Any], path: str) -> int:
    for index, task in enumerate(parsed.get("tasks", [])):
        if task["path"] == path:
            return index
    raise CorrectionError(f"找不到任务“{path}”")


def _set_level(parsed: dict[str, Any], target: str, value: Any) -> dict[str, Any]:
    styles = [option.style for option in task_levels(parsed)]
    if value not in styles:
        shown = "、".join(f"“{s}”" for s in styles) or "无"
        raise CorrectionError(f"文件中没有“{value}”这一级编号,可选:{shown}")
    return _emit(parsed, _tree(parsed), style=value)


def _make_task(parsed: dict[str, Any], target: str, value: Any) -> dict[str, Any]:
    items = _tree(parsed)
    item = _find(items, target)
    if item is None or item.origin != "section":
        raise CorrectionError(f"找不到标题“{target}”")
    return _emit(parsed, items, style=parsed.get("task_level", ""), make_task=target)


def _not_task(parsed: dict[str, Any], target: str, value: Any) -> dict[str, Any]:
    _task_index(parsed, target)
    return _emit(parsed, _tree(parsed), style=parsed.get("task_level", ""), not_task=target)


def _merge(parsed: dict[str, Any], target: str, value: Any) -> dict[str, Any]:
    index = _task_index(parsed, target)
    tasks = parsed["tasks"]
    following = tasks[index + 1] if index + 1 < len(tasks) else None
    if following is None or following["path"] != value:
        raise CorrectionError(f"任务“{target}”后面紧接的不是任务“{value}”,只能合并相邻的两项任务")
    first = tasks[index]
    if first.get("section_path") != following.get("section_path"):
        raise CorrectionError("只能合并同一标题下的两项任务")
    label = _label_for(following["path"].rsplit("/", 1)[-1])
    text = f"{first['text']}\n{label}{following['text']}"
    merged = build_task(
        path=first["path"], number=first["number"], section_path=first["section_path"], text=text, context=parsed
    )
    result = copy.deepcopy(parsed)
    result["tasks"][index : index + 2] = [merged]
    return result


def _split(parsed: dict[str, Any], target: str, value: Any) -> dict[str, Any]:
    index = _task_index(parsed, target)
    task = parsed["tasks"][index]
    sentence = (value or "").strip() if isinstance(value, str) else ""
    position = task["text"].find(sentence, 1) if sentence else -1
    if position <= 0:
        raise CorrectionError(f"任务“{target}”中找不到“{sentence[:20]}”这句话,无法拆分")
    head, tail = task["text"][:position].rstrip("\n "), task["text"][position:].lstrip("\n ")
    if not head.strip(" 。;,\n") or not tail.strip(" 。;,\n"):
        raise CorrectionError("拆分后的两部分都要有内容")
    paths = {t["path"] for t in parsed["tasks"]}
    suffix = 2
    while f"{target}-{suffix}" in paths:
        suffix += 1
    common = {"section_path": task["section_path"], "context": parsed}
    first = build_task(path=target, number=task["number"], text=head, **common)
    second = build_task(path=f"{target}-{suffix}", number=f"{task['number']}-{suffix}"[:20], text=tail, **common)
    result = copy.deepcopy(parsed)
    result["tasks"][index : index + 1] = [first, second]
    return result


def _unit_role(parsed: dict[str, Any], target: str, value: Any) -> dict[str, Any]:
    index = _task_index(parsed, target)
    if not isinstance(value, dict) or value.get("role") not in ROLE_NAMES or not value.get("unit"):
        raise CorrectionError("单位角色只能在牵头和配合之间调整")
    result = copy.deepcopy(parsed)
    found = False
    for clause in result["tasks"][index]["clauses"]:
        for unit in clause["units"]:
            if unit["name"] == value["unit"] and unit["role"] in ROLE_NAMES:
                unit["role"] = value["role"]
                found = True
        # One unit once per clause and role: moving 区司法局 to 配合 where it already helps merges the two.
        unique: dict[tuple[str, str], dict] = {}
        for unit in clause["units"]:
            unique.setdefault((unit["name"], unit["role"]), unit)
        clause["units"] = list(unique.values())
    if not found:
        raise CorrectionError(f"任务“{target}”中没有牵头或配合单位“{value['unit']}”")
    return result


_OPERATIONS = {
    TASK_LEVEL: _set_level,
    MAKE_TASK: _make_task,
    NOT_TASK: _not_task,
    MERGE: _merge,
    SPLIT: _split,
    UNIT_ROLE: _unit_role,
}


def apply_correction(parsed: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """One operation on a parsed document: a new dict (the argument is not changed), or CorrectionError."""
    handler = _OPERATIONS.get(operation.get("kind", ""))
    if handler is None:
        raise CorrectionError(f"不支持的修改:{operation.get('kind')}")
    if parsed.get("kind") != "plan":
        raise CorrectionError("只有工作规划可以调整任务")
    result = handler(parsed, operation.get("target") or "", operation.get("value"))
    _refresh_warnings(result)
    return result


def apply_corrections(parsed: dict[str, Any], operations: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Skipped]]:
    """Apply operations in order; one that no longer fits (its task is gone in a revised document) is
    skipped with its reason and the rest still apply."""
    skipped: list[Skipped] = []
    for index, operation in enumerate(operations):
        try:
            parsed = apply_correction(parsed, operation)
        except CorrectionError as exc:
            skipped.append(Skipped(index=index, operation=operation, reason=exc.message))
    return parsed, skipped


def describe(operation: dict[str, Any]) -> str:
    """An operation in a line, for the list of changes in the preview."""
    kind, target, value = operation.get("kind"), operation.get("target") or "", operation.get("value")
    if kind == TASK_LEVEL:
        return f"按“{value}”一级识别任务"
    if kind == MAKE_TASK:
        return f"把标题 {target} 设为任务"
    if kind == NOT_TASK:
        return f"把任务 {target} 设为标题(不是任务)"
    if kind == MERGE:
        return f"把任务 {target} 与 {value} 合并"
    if kind == SPLIT:
        return f"把任务 {target} 从“{str(value)[:16]}”起拆为两项"
    if kind == UNIT_ROLE and isinstance(value, dict):
        return f"任务 {target}:{value.get('unit')}改为{ROLE_NAMES.get(value.get('role'), '')}单位"
    return str(kind)
