"""Unit assignments as plans print them: ``(牵头单位:A、B,配合单位:C和各镇、街)``, ``(A牵头,B配合)``,
``〔责任单位:…〕``.

Names are kept as printed (after normalization): matching them to ``Unit`` rows, aliases and group
expansion is the importer's job, not the parser's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Assignment roles; 责任单位 and 负责 name a responsible unit with no lead/helper split."""

    LEAD = "lead"
    COOPERATING = "cooperating"
    RESPONSIBLE = "responsible"


@dataclass(frozen=True)
class UnitMention:
    """A unit named in a clause's parenthesis, with the role the parenthesis gives it."""

    name: str
    role: Role

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "role": str(self.role)}


# Phrases that stand for many units. The canonical spelling is the key the rest of the project matches;
# the Unit tree knows what each expands to (各镇街 → every township and subdistrict of the district).
GROUP_PHRASES: frozenset[str] = frozenset(
    {
        "各镇街",
        "各镇街道",
        "各镇(街道)",
        "各镇(街)",
        "各乡镇(街道)",
        "各乡镇",
        "各街道",
        "各镇人民政府",
        "各街道办事处",
        "区政府各部门",
        "区政府有关部门",
        "区政府相关部门",
        "区政府各委办局",
        "区级各部门",
        "区级相关部门",
        "区级有关部门",
        "区直各部门",
        "区直有关部门",
        "区属各部门",
        "各有关部门",
        "各相关部门",
        "有关部门",
        "相关部门",
        "各部门",
        "各单位",
        "各有关单位",
        "有关单位",
        "相关单位",
        "各成员单位",
        "市级有关部门",
    }
)
_GROUP_RE = re.compile(
    r"^(?:区政府|区级|区直|区属|市政府|市级|市直|市属|县级|县政府|县直|县属|旗政府|旗直|旗县级|镇政府)?"
    r"(?:各有关|各相关|各|有关|相关|其他有关|其他相关)"
    r"(?:部门|单位|镇街|镇|街道|乡镇|委办局|成员单位|责任单位|职能部门|执法部门)"
)


# A role, not a body: a phrase ending in 部门/单位/机关 that says what the unit does in this task (起草,
# 主办, 执法, 相关 …) names whichever department that turns out to be (行政决策起草和主办部门, 行政执法部门,
# 行业主管部门). Proper names of bodies end in 局/委/办/院/中心…, never in the bare 部门/单位/机关.
_ROLE_PHRASE_RE = re.compile(
    r"(?:起草|主办|承办|执法|相关|有关|责任|主管|职能|实施|业务|监管|行业|牵头|配合|涉及|属地|政府工作|各级|行政)"
    r"[^、,;]{0,8}(?:部门|单位|机关)$"
)


# A tier of local government named without any place (乡镇人民政府, 街道办事处, 镇(街道)): every township or
# subdistrict, as 各乡镇 is; one body's name always begins with its place (城关镇人民政府).
_BARE_TIER_RE = re.compile(
    r"^(?:乡镇|乡|镇|街道|街|镇街)(?:[、和及/]?\(?(?:乡镇|乡|镇|街道|街)\)?)*"
    r"(?:人民政府|政府|党委|办事处|街道办事处)?(?:\((?:街道|街道办事处|街道办)\))?$"
)


_INNER_EACH_RE = re.compile(r"^[\u4e00-\u9fff]{1,8}各(?:有关|相关)?[\u4e00-\u9fff]{1,5}$")


def is_group_phrase(name: str) -> bool:
    """Whether a unit name stands for a set of units (各镇街, 区政府各部门, 区级相关部门 …) or for a role
    that some unit fills (行政决策起草和主办部门): either way not one department, so the legal office
    names the units behind it."""
    # 各 ("each") never begins the name of one body: 各县区人民政府, 各开发区管委会 stand for many.
    if name in GROUP_PHRASES or name.startswith("各"):
        return True
    # Nor does it stand inside one: 县直各部门, 全区经济运行各专班, 市级各有关部门 are sets of units.
    if _INNER_EACH_RE.search(name):
        return True
    if _BARE_TIER_RE.match(name):
        return True
    return bool(_GROUP_RE.match(name)) or bool(_ROLE_PHRASE_RE.search(name))


# Printed variants of one group phrase, rewritten before names are split on 、 (which they contain).
_GROUP_REWRITES = (
    ("各镇、街道", "各镇街道"),
    ("各镇、街", "各镇街"),
    ("各乡镇、街道", "各乡镇街道"),
    ("镇、街", "镇街"),
)

_LABELS = {
    "牵头单位": Role.LEAD,
    "牵头部门": Role.LEAD,
    "主办单位": Role.LEAD,
    "主责单位": Role.LEAD,
    "配合单位": Role.COOPERATING,
    "配合部门": Role.COOPERATING,
    "协办单位": Role.COOPERATING,
    "参与单位": Role.COOPERATING,
    "协同单位": Role.COOPERATING,
    "责任单位": Role.RESPONSIBLE,
    "责任部门": Role.RESPONSIBLE,
    "负责单位": Role.RESPONSIBLE,
    "实施单位": Role.RESPONSIBLE,
    "承办单位": Role.RESPONSIBLE,
    "落实单位": Role.RESPONSIBLE,
    "牵头领导": Role.LEAD,
}
LABEL_PATTERN = "|".join(sorted(_LABELS, key=len, reverse=True))
UNIT_LABELS: tuple[str, ...] = tuple(_LABELS)
_LABEL_RE = re.compile("(" + LABEL_PATTERN + r")\s*:\s*")
_VERBS = {
    "牵头负责": Role.LEAD,
    "牵头": Role.LEAD,
    "负责": Role.RESPONSIBLE,
    "配合": Role.COOPERATING,
    "协助": Role.COOPERATING,
    "协办": Role.COOPERATING,
    "参与": Role.COOPERATING,
    "共同负责": Role.RESPONSIBLE,
}
_VERB_RE = re.compile("(" + "|".join(sorted(_VERBS, key=len, reverse=True)) + r")$")
# 按职责分工负责, 按照各自职责分别负责, 分别负责, 共同推进: how the units share the work, not who they are.
_DUTY_RE = re.compile(
    r"(?:(?:按照?|根据|依据?)(?:各自)?(?:职责|职能)(?:分工)?|分别|共同|具体|抓好?|做好)+"
    r"(?=(?:牵头负责|牵头|负责|配合|落实|推进|实施)$)"
)
_VERB_TAIL_RE = re.compile(r"(?:落实|推进|实施)$")

# What a unit name ends with; a 和 right after one of these separates two units (区财政局和各镇街),
# elsewhere it is inside a name (区人力资源和社会保障局, 行政决策起草和主办部门).
_UNIT_SUFFIXES = (
    "局", "办", "委", "院", "部", "中心", "街", "镇", "会", "队", "所", "处", "站", "组", "团", "室",
    "厅", "府", "署", "社", "馆", "单位", "部门", "街道", "乡", "庭", "科", "办公室", "机关", "法院",
    "检察院", ")",
)  # fmt: skip
_CONJUNCTIONS = ("以及", "和", "及", "与")
_MAX_NAME_LENGTH = 40


def parse_assignment(content: str) -> list[UnitMention] | None:
    """Units and roles from the inside of a parenthesis, or None when it is not a unit parenthesis.

    Recognised: labelled lists (牵头单位:…,配合单位:…; 责任单位:…) and verb lists (A牵头,B配合;
    A负责). Anything else (a qualifier such as (街道), an aside, a year range) is not an assignment.
    """
    # A line break inside a unit parenthesis is where a PDF copy wrapped the line (县委组\n织部, 牵\n头):
    # a name or a label never holds one.
    content = content.replace("\n", "").strip()
    if not content:
        return None
    labels = list(_LABEL_RE.finditer(content))
    mentions: list[UnitMention] = []
    if labels and not content[: labels[0].start()].strip(" ,;、"):
        for index, match in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(content)
            role = _LABELS[match.group(1)]
            segment = _strip_duty(content[match.end() : end].strip(" ,;、。"))
            segment = _VERB_RE.sub("", segment)
            mentions.extend(_marked_role(name, role) for name in split_unit_names(segment))
        return _dedupe(mentions) or None

    parts = [part.strip(" 、。") for part in _split_top_level(content, ",;")]
    parts = [part for part in parts if part]
    if not parts:
        return None
    for part in parts:
        part = _strip_duty(part)
        verb = _VERB_RE.search(part)
        if verb is None:
            return None
        names = split_unit_names(part[: verb.start()])
        if not names or any(len(name) > _MAX_NAME_LENGTH for name in names):
            return None
        mentions.extend(UnitMention(name, _VERBS[verb.group(1)]) for name in names)
    return _dedupe(mentions) or None


_ROLE_MARK_RE = re.compile(r"\((牵头|牵头单位|配合|配合单位|负责)\)$")


def _marked_role(name: str, role: Role) -> UnitMention:
    """责任单位:区司法局(牵头)、区财政局: the mark after a name gives that unit its own role."""
    mark = _ROLE_MARK_RE.search(name)
    if mark is None:
        return UnitMention(name, role)
    return UnitMention(name[: mark.start()], _VERBS[mark.group(1).removesuffix("单位")])


def _strip_duty(text: str) -> str:
    """区司法局、区财政局按职责分工分别负责 → 区司法局、区财政局负责; …按职责落实 → …负责."""
    text = _DUTY_RE.sub("", text)
    if _VERB_TAIL_RE.search(text) and not _VERB_RE.search(text):
        text = _VERB_TAIL_RE.sub("负责", text)
    return text


def ends_unit_name(text: str) -> bool:
    """Whether a unit list can end here: its last name ends as a body's name does (局, 办, 镇街, 部门 …),
    or it is a group phrase. 县生态 (a name cut by a line wrap) cannot."""
    last = re.split(r"[、,;和及与]", text.strip(" 。;,"))[-1]
    last = _VERB_RE.sub("", _strip_duty(last)).removesuffix("等")  # 区财政局配合, 区司法局等
    return not last or last.endswith(_UNIT_SUFFIXES) or is_group_phrase(last)


def split_unit_names(segment: str) -> list[str]:
    """``区法制办和各镇、街`` → [区法制办, 各镇街]; names with 和 inside (区人力资源和社会保障局) stay whole,
    and so do qualifiers in parentheses (区民政和外事侨务局(民政))."""
    for printed, canonical in _GROUP_REWRITES:
        segment = segment.replace(printed, canonical)
    names: list[str] = []
    for piece in _split_top_level(segment, "、,;"):
        for name in _split_conjunctions(piece.strip()):
            names.extend(_expand_etc(name))
    # A time limit written inside the unit parenthesis (牵头单位:区司法局,2026年12月底前完成) is not a unit.
    return [name for name in names if name and not _DEADLINE_RE.search(name)]


_DEADLINE_RE = re.compile(r"\d+\s*(年|月|日|季度)|(年底|月底|年内|上半年|下半年)|前完成$|完成$|^(每年|每月|每季度)")


def _expand_etc(name: str) -> list[str]:
    """``法制办等有关部门`` → [法制办, 有关部门]; a trailing 等 alone is dropped."""
    name = name.strip(" 、。:").removeprefix("由")
    name = _VERB_RE.sub("", name)
    head, sep, tail = name.partition("等")
    if sep and head and tail and _BARE_GROUP_RE.match(tail):
        return [head]  # 市监察局等部门, 区发改局等5个单位: the others are not named
    if sep and head and tail and is_group_phrase(tail):
        return [head, tail]
    if sep and head and not tail:
        return [head]
    return [name]


_BARE_GROUP_RE = re.compile(r"^(?:\d+|[一二三四五六七八九十]+)?个?(?:部门|单位|机关|镇街|乡镇|街道)$")


def _split_conjunctions(piece: str) -> list[str]:
    if not any(conjunction in piece for conjunction in _CONJUNCTIONS):
        return [piece] if piece else []
    names: list[str] = []
    start = 0
    depth = 0
    index = 0
    while index < len(piece):
        char = piece[index]
        if char in "(〔":
            depth += 1
        elif char in ")〕":
            depth = max(0, depth - 1)
        elif depth == 0:
            for conjunction in _CONJUNCTIONS:
                if piece.startswith(conjunction, index):
                    left = piece[start:index]
                    right = piece[index + len(conjunction) :]
                    if left.endswith(_UNIT_SUFFIXES) and right.strip():
                        names.append(left)
                        start = index + len(conjunction)
                        index = start - 1
                    break
        index += 1
    names.append(piece[start:])
    return [name.strip() for name in names if name.strip()]


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split on separators outside parentheses, so 各乡镇(街道) and 区委办(区府办) stay whole."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "(〔【":
            depth += 1
        elif char in ")〕】":
            depth = max(0, depth - 1)
        elif depth == 0 and char in separators:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _dedupe(mentions: list[UnitMention]) -> list[UnitMention]:
    seen: set[tuple[str, Role]] = set()
    unique = []
    for mention in mentions:
        key = (mention.name, mention.role)
        if key not in seen:
            seen.add(key)
            unique.append(mention)
    return unique


def find_groups(text: str) -> list[tuple[int, int, str]]:
    """Top-level bracket groups of a text as (start, end, inner text), ``()``, ``〔〕`` and ``【】`` alike.

    Scraped text has stray closers (各镇道) lost its opener): a closer with nothing open is ignored,
    and a group left open at the end of the text is not a group.
    """
    groups: list[tuple[int, int, str]] = []
    if "(" not in text and "〔" not in text and "【" not in text:
        return groups  # most lines open no bracket: no need to walk them character by character
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "(〔【":
            if depth == 0:
                start = index
            depth += 1
        elif char in ")〕】" and depth:
            depth -= 1
            if depth == 0:
                groups.append((start, index + 1, text[start + 1 : index]))
    return groups
