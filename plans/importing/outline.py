"""The numbering outline of a document as printed, and the level of it that holds the tasks.

Chinese official documents number their headings by convention (GB/T 9704): 一、 above (一) above 1. above
(1) above ①, with 第一部分/第一章 above all and 第一条 for articles. A document uses any subset of these,
skips levels, runs numbers straight through or restarts them per section, and puts its tasks at whatever
level it likes: 番禺 at 1. under (一) under 二、, 西平-style arrangements at (一) paragraphs under 一、,
a 成都-style plan at (1) under 1. headings. So the outline is read as printed, to any depth, and the task
level is chosen per document from the shape of the tree (see ``choose_task_style``). Pure functions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_CN = "一二三四五六七八九十百零〇"
_CN_VALUES = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零三 → 103; 二〇一六 (digit by digit) → 2016."""
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        return (_CN_VALUES.get(hundreds, 1) if hundreds else 1) * 100 + (
            chinese_number(rest.lstrip("零〇")) if rest else 0
        )
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_VALUES.get(tens, 1) if tens else 1) * 10 + (_CN_VALUES.get(units, 0) if units else 0)
    digits = "".join(str(_CN_VALUES[char]) for char in text if char in _CN_VALUES)
    return int(digits) if digits else 0


_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """The writer beside ``chinese_number`` (the reader): 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 100 → 一百,
    101 → 一百零一, 110 → 一百一十, 123 → 一百二十三. The counting style of 一、 and (一) headings and of a report's
    numbered themes; outside 1–999 the number is written in digits."""
    if not 0 < number < 1000:
        return str(number)
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    if not hundreds:
        if not tens:
            return _CN_DIGITS[units]
        return ("十" if tens == 1 else _CN_DIGITS[tens] + "十") + (_CN_DIGITS[units] if units else "")
    text = _CN_DIGITS[hundreds] + "百"
    if tens:
        text += _CN_DIGITS[tens] + "十"  # 一百一十, not 一百十
    elif units:
        text += "零"
    return text + (_CN_DIGITS[units] if units else "")


@dataclass(frozen=True)
class _Style:
    """One way of numbering: its canonical label (what ``task_level`` reports), conventional rank (smaller
    is more senior) and the pattern of a line it starts."""

    name: str
    rank: int
    pattern: re.Pattern[str]
    # How a printed number becomes the path component and the label: (一) keeps its parentheses.
    path_format: str
    chinese: bool = False
    circled: bool = False


_STYLES: tuple[_Style, ...] = (
    _Style("第一部分", 0, re.compile(rf"^(第([{_CN}]{{1,4}})(?:部分|章|篇))\s*(.*)$"), "{label}", chinese=True),
    _Style("一、", 1, re.compile(r"^(([一二三四五六七八九十]{1,3})\s*[、.])\s*(.*)$"), "{number}", chinese=True),
    _Style("(一)", 2, re.compile(r"^(\(([一二三四五六七八九十]{1,3})\))\s*(.*)$"), "({number})", chinese=True),
    _Style("第一条", 3, re.compile(rf"^(第([{_CN}]{{1,5}})条)\s*(.*)$"), "{label}", chinese=True),
    # 1. 1、 1． 1.、 ; not a year (2016.), not a decimal (1.5万元), not 3、4月 (two months).
    _Style("1.", 3, re.compile(r"^((?!(?:19|20)\d\d[.、])(\d{1,4})\s*[.、]{1,2})(?!\d)\s*(.*)$"), "{number}"),
    _Style("(1)", 4, re.compile(r"^(\((\d{1,3})\))\s*(.*)$"), "({number})"),
    _Style("①", 5, re.compile(r"^(([\u2460-\u2473]))\s*(.*)$"), "{number}", circled=True),
)
_STYLE_BY_NAME = {style.name: style for style in _STYLES}


@dataclass
class Node:
    """A numbered line and what follows it up to the next numbered line, with its numbered children."""

    style: str
    rank: int
    label: str  # as printed, trimmed: 二、 (三) 12. 第五条
    number: str  # without punctuation: 二 三 12
    value: int  # 2 3 12, for numbering checks
    path_part: str  # 二 (三) 12
    rest: str  # the line after its number: 加强领导。我区…
    lines: list[str] = field(default_factory=list)  # continuation lines before the next numbered line
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None

    @property
    def own_text(self) -> str:
        return "\n".join([self.rest, *self.lines]).strip()

    def printed_lines(self) -> list[str]:
        """This node and everything under it, as printed (markers included for the descendants)."""
        out = [self.rest, *self.lines]
        for child in self.children:
            child_lines = child.printed_lines()
            out.append(child.label + child_lines[0])
            out.extend(child_lines[1:])
        return out

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def task_label(path: str) -> str:
    """How a task's number is shown, from its path, in the document's own style: ``二/(一)`` → ``(一)``,
    ``二/(一)/3`` → ``3.``, ``一/1/(2)`` → ``(2)``, ``三`` → ``三、``, ``第五条`` and ``①`` as printed. The
    stored ``number`` drops the punctuation (``一`` for ``(一)``), so ``f"{number}. "`` would misprint a
    (一)-level task as ``一.``."""
    part = path.rsplit("/", 1)[-1].split("#", 1)[0]
    if not part:
        return ""
    if part.isascii() and part.isdigit():  # ① is a digit to str.isdigit
        return f"{part}."
    if all(char in _CN for char in part):
        return f"{part}、"
    return part  # (一) (1) ① 第五条 第一部分: the path keeps the printed form


# The styles a line can start, by its first character, in the order of _STYLES: 第 (第一部分, 第一条), a
# Chinese numeral (一、), an opening parenthesis ((一), (1)), a circled number (①) or a decimal digit (1.;
# any Unicode digit, as \d). A line starting otherwise is plain, and is spared seven failing matches.
_STYLES_BY_FIRST: dict[str, tuple[_Style, ...]] = {"第": (_STYLES[0], _STYLES[3]), "(": (_STYLES[2], _STYLES[5])}
_STYLES_BY_FIRST.update({char: (_STYLES[1],) for char in "一二三四五六七八九十"})
_STYLES_BY_FIRST.update({chr(code): (_STYLES[6],) for code in range(0x2460, 0x2474)})
_DIGIT_STYLES = (_STYLES[4],)


def match_marker(line: str) -> Node | None:
    """The numbered node a line starts, or None for a plain line (一是… run-in numbering is plain text)."""
    first = line[:1]
    styles = _STYLES_BY_FIRST.get(first) or (_DIGIT_STYLES if first.isdecimal() else ())
    for style in styles:
        match = style.pattern.match(line)
        if not match:
            continue
        label, number, rest = match.group(1), match.group(2), match.group(3)
        if style.circled:
            value = ord(number) - 0x245F
        elif style.chinese:
            value = chinese_number(number)
        else:
            value = int(number)
        label = label.replace(" ", "")
        if style.name == "1.":
            number = number.strip()
        return Node(
            style=style.name,
            rank=style.rank,
            label=label,
            number=number,
            value=value,
            path_part=style.path_format.format(number=number, label=label),
            rest=rest.strip(),
        )
    return None


def build_outline(lines: list[str]) -> tuple[list[str], list[Node]]:
    """Lines before the first numbered line, and the tree of numbered nodes as printed.

    A numbered line closes every open node of its own style or a junior one (by convention 1. is junior
    to (一)), then opens under what remains: skipped levels (1. right under 一、) and fragments that start
    at item 93 with 五、 after them nest as printed."""
    preamble: list[str] = []
    roots: list[Node] = []
    stack: list[Node] = []
    for line in lines:
        node = match_marker(line)
        if node is None:
            (stack[-1].lines if stack else preamble).append(line)
            continue
        while stack and stack[-1].rank >= node.rank:
            stack.pop()
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
    return preamble, roots


def _dominant(nodes: list[Node]) -> str:
    counts = Counter(node.style for node in nodes)
    best = max(counts.values())
    # A tie goes to the senior style: the level the document itself treats as the frame.
    return min((style for style, count in counts.items() if count == best), key=lambda s: _STYLE_BY_NAME[s].rank)


def _closed_by_one_assignment(parents: list[Node], child_style: str, carries_units) -> bool:
    """Whether most parents list their children and then name the units once, after the last of them:
    1.深化改革。①…;②…;③…。(X牵头,Y配合). The units are the whole item's, so the children are its
    sub-points, not tasks."""
    closed = 0
    for node in parents:
        children = [child for child in node.children if child.style == child_style]
        if len(children) < 2:
            continue
        # Earlier children first: in most plans the first one names units and settles it. Node by node, so a
        # group of fifty tasks is not read as one text.
        if not any(_names_units(child, carries_units) for child in children[:-1]) and _names_units(
            children[-1], carries_units
        ):
            closed += 1
    return closed * 2 > len(parents)


def _names_units(node: Node, carries_units) -> bool:
    return any(carries_units(part.own_text) for part in node.walk())


# A label line heading a list of work (措施:, 主要任务:), as sections that set 目标: then 措施: print it: the
# items below are the section's tasks, not sub-points of one sentence that introduces them (…包括:).
_WORK_LABEL_LINE_RE = re.compile(r"(?:^|\n)\s*(?:主要|具体|工作|重点|推进)?(?:措施|任务|举措)\s*:\s*$")


def _introduces_sub_points(own_text: str) -> bool:
    text = own_text.rstrip()
    return text.endswith(":") and not _WORK_LABEL_LINE_RE.search(text)


def choose_task_style(roots: list[Node], *, carries_units) -> str | None:
    """The numbering style that holds the tasks: descend from the top while the level's nodes are a frame
    for a numbered level below them, stop where the level below is only sub-points of its parent.

    A level is a frame when at least half its nodes have children of the dominant child style, or when
    those children outnumber the childless nodes (a few (一) paragraphs beside groups of 1. items). The
    level below is sub-points, not tasks, when most parents introduce it with a colon (…包括:) or carry
    the units themselves (…(区编办负责)。具体:(1)…(2)…), or list them and name the units once after the
    last (①…;②…;③….(X牵头)); ① items are sub-points unless most of them name their own units.
    """
    current = roots
    if not current:
        return None
    while True:
        style = _dominant(current)
        level = [node for node in current if node.style == style]
        kids = [child for node in current for child in node.children]
        if not kids:
            return style
        child_style = _dominant(kids)
        parents = [node for node in current if any(child.style == child_style for child in node.children)]
        childless = [node for node in current if not node.children]
        frame = len(parents) * 2 >= len(level) or sum(
            1 for node in parents for child in node.children if child.style == child_style
        ) >= len(childless)
        if not frame:
            return style
        introducing = sum(1 for node in parents if _introduces_sub_points(node.own_text))
        if introducing * 2 > len(parents):
            return style
        owning_units = sum(1 for node in parents if carries_units(node.own_text))
        if owning_units * 2 > len(parents):
            children_with_units = sum(
                1 for node in parents for child in node.children if carries_units("\n".join(child.printed_lines()))
            )
            if children_with_units < owning_units:
                return style
        if _closed_by_one_assignment(parents, child_style, carries_units):
            return style
        if child_style == "①":
            # ① is below the four levels GB/T 9704 numbers: by convention a sub-point of an item, a task
            # only where the circled items name their own units (most of them).
            circled = [child for node in parents for child in node.children if child.style == child_style]
            if sum(1 for child in circled if carries_units(child.own_text)) * 2 <= len(circled):
                return style
        current = kids
