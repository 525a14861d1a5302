"""Which unit of the directory a printed name means: the decisions the import preview shows.

Pure (no database, no Django): ``Directory`` is built from plain rows the service loads in one query,
then ``Directory.resolve(names)`` groups the printed names of one document into decisions and proposes, for
each, the unit it most probably means, in this order of trust:

1. 名称相同: the printed name is the unit's name (spaces, bracket widths aside).
2. 别名 / 简称: it is one of the unit's aliases or its short name (aliases grow with every confirmed import).
3. 规范化后相同: equal once the ways documents vary a name are folded: traditional characters, full/half
   width and spaces; the district's own place name (佛山市南海区, 南海) and level prefix (区 in a district, 县 in
   a county); the owner marker 区委/区政府 (区委编办 = 区编办, 区政府法制办 = 区法制办, 区府办 = 区政府办);
   办公室/委员会 written out; 和 inside a name; a bracketed qualifier such as (发改)/(城管); and the
   generic ending of a 局/委/办 (区信访办 = 区信访局), of a 街道 (市桥街 = 市桥街道办事处) or 分局.
4. 相似度: what is left is compared on the stem (the name without its generic ending, which only says what
   kind of body it is). A ratio of at least ``PROPOSE_AT`` (difflib, character level) is proposed, and so
   is an abbreviation that keeps the stem's first character and picks the rest in order (市场监管局 for
   市场监督管理局, 人社局 for 人力资源和社会保障局); from ``CANDIDATE_AT`` a unit is only offered as a
   candidate. Why 0.8: on the stems a one-character difference scores 0.5 in two characters (东城/西城
   街道), 0.67 in three, 0.75 in four (行政服务/政务服务) and 0.8 only from five (an OCR slip in
   人力资源社会保障), so no pair of distinct real bodies in the test table reaches it, while every
   slip of one character in a name of five or more does. tests/plans/test_resolution.py holds the table.
5. 新建 when nothing reaches the bar.

Names that stand for many units (各镇街, 区政府各部门) and role phrases (行政决策起草和主办部门) are decided
apart: they only ever match a group of the directory, and a department never matches a group.
A name printed with a foreign level (市司法局 in a district's document, 广州市司法局) never matches the
district's own 区司法局: it names another government's body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from plans.importing.normalize import fold_width, to_simplified
from plans.importing.units import is_group_phrase

PROPOSE_AT = 0.8
CANDIDATE_AT = 0.5
MAX_CANDIDATES = 5

EXACT, ALIAS, NORMALISED, SIMILAR, NEW = "exact", "alias", "normalised", "similar", "new"
_RULE_RANK = {EXACT: 0, ALIAS: 1, NORMALISED: 2, SIMILAR: 3}


@dataclass(frozen=True)
class DirectoryUnit:
    """One unit of the jurisdiction as the resolver needs it: its names and whether it is a group."""

    pk: int
    name: str
    is_group: bool = False
    short_name: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A unit a printed name may mean, with the rule that found it and the reason shown to the person."""

    pk: int
    name: str
    rule: str
    reason: str
    score: float

    def to_dict(self) -> dict:
        return {"unit_id": self.pk, "name": self.name, "rule": self.rule, "reason": self.reason, "score": self.score}


@dataclass
class Decision:
    """One choice for the legal office: the printed variants of one name, the proposed unit (None: 新建) and
    the other candidates. ``key`` (the first printed form) names the choice in forms and JSON."""

    printed: list[str]
    is_group: bool
    match: Match | None
    candidates: list[Match] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.printed[0]

    @property
    def reason(self) -> str:
        return self.match.reason if self.match else "新建"

    def to_dict(self) -> dict:
        return {
            "printed": self.printed,
            "group": self.is_group,
            "match": self.match.to_dict() if self.match else None,
            "reason": self.reason,
            "candidates": [c.to_dict() for c in self.candidates],
        }


# ---------------------------------------------------------------------------------------------------
# Normal forms


def name_key(name: str) -> str:
    """The printed name with only its typography folded (spaces, full-width brackets): equal keys are
    the same name (名称相同)."""
    return "".join(fold_width(name).split()).replace("〔", "(").replace("〕", ")")


# Generic endings: what kind of body, not which. Longest first; the class is what must agree.
_ENDINGS = (
    ("街道办事处", "街道"),
    ("办事处", "街道"),
    ("办公室", "局"),
    ("委员会", "局"),
    ("街道", "街道"),
    ("分局", "局"),
    ("局", "局"),
    ("委", "局"),
    ("办", "局"),
    ("街", "街道"),
    ("镇", "镇"),
    ("中心", "中心"),
    ("大队", "队"),
    ("支队", "队"),
    ("检察院", "检察院"),
    ("法院", "法院"),
    ("院", "院"),
    ("部", "部"),
    ("所", "所"),
    ("馆", "馆"),
    ("站", "站"),
    ("室", "室"),
)
_WRITTEN_OUT = (
    ("办公室", "办"),
    ("委员会", "委"),
    ("人民政府", "政府"),
    ("人民法院", "法院"),
    ("人民检察院", "检察院"),
)
# Words that begin with a level character without being a level prefix (市场监管局 is not 市 + 场监管局;
# 市政 neither, unless it is 市政府).
_NOT_LEVEL = ("市场", "市容", "区域", "县域")
_LEVELS = "区县市镇"
_TOWNSHIP_ENDINGS = ("街道办事处", "办事处", "街道", "街", "镇", "乡")
_TAG_RE = re.compile(r"\(([^()]*)\)$")
_UNITISH_TAG_RE = re.compile(r"^[区县市镇].{1,}|.+(?:局|办|委|院|中心|会|联|部|所|队)$")


@dataclass(frozen=True)
class Form:
    """A printed name folded for comparison.

    ``level``: a foreign level prefix (市 in a district) that must agree; ``owner``: 委 or 政府 after the
    level (区委编办, 区政府法制办), compatible with none but not with each other (区委督查室 is not
    区政府督查室); ``core``: the rest with its ending written short; ``stem`` and ``ending``: the core
    split into which body and what kind of body; ``tags``: bracketed qualifiers; ``alternates``: bracketed
    names of the same body (区委办(区府办)).
    """

    level: str
    owner: str
    core: str
    stem: str
    ending: str
    tags: tuple[str, ...]
    alternates: tuple[str, ...]

    @property
    def grouping(self) -> tuple:
        """Printed names with the same grouping are variants of one name within a document."""
        return (self.level, self.core, self.tags)


class Folder:
    """Folds names for one jurisdiction: its own place names and level prefix are dropped, others kept."""

    def __init__(self, *, jurisdiction: str = "", parent: str = "") -> None:
        own_level = jurisdiction[-1:] if jurisdiction[-1:] in "区县市" else ""
        self.own_level = own_level
        places = []
        if jurisdiction:
            short = jurisdiction[:-1] if own_level and len(jurisdiction) >= 3 else jurisdiction
            if parent:
                places += [parent + jurisdiction, parent + short]
            places += [jurisdiction]
            if len(short) >= 2:
                places.append(short)
        self.places = tuple(sorted(set(places), key=len, reverse=True))
        self.parent = parent
        self._cache: dict[str, Form] = {}

    def fold(self, name: str) -> Form:
        cached = self._cache.get(name)
        if cached is None:
            cached = self._cache[name] = self._fold(name)
        return cached

    def _fold(self, name: str) -> Form:
        text = to_simplified(name_key(name))
        tags: list[str] = []
        alternates: list[str] = []
        while (tag := _TAG_RE.search(text)) and tag.start() > 0:
            inner = tag.group(1)
            (alternates if len(inner) >= 3 and _UNITISH_TAG_RE.match(inner) else tags).insert(0, inner)
            text = text[: tag.start()]
        level = ""
        for place in self.places:
            if place in text and len(text.replace(place, "")) >= 2:
                text = text.replace(place, "")
                break
        else:
            if self.parent and text.startswith(self.parent) and len(text) > len(self.parent) + 1:
                level, text = "市", text[len(self.parent) :]  # 广州市司法局 in a district: the city's body
        township = text.endswith(_TOWNSHIP_ENDINGS)  # 市桥街道: a place name, never a level prefix
        word = text.startswith(_NOT_LEVEL) or (text.startswith("市政") and not text.startswith("市政府"))
        if text[:1] in _LEVELS and len(text) >= 3 and not township and not word:
            if text[0] != self.own_level:
                level = level or text[0]
            text = text[1:]
            if text.startswith("府"):
                text = "政" + text  # 区府办 = 区政府办
        owner = ""
        for written, short in _WRITTEN_OUT:
            if text.endswith(written):
                text = text[: -len(written)] + short
        for marker in ("政府", "委"):
            rest = text[len(marker) :]
            if text.startswith(marker) and len(rest) >= 2 and not rest.startswith("员"):
                owner, text = marker, rest
                break
        if len(text) > 2:
            text = text[0] + text[1:].replace("和", "").replace("与", "")
        stem, ending = text, ""
        for printed, kind in _ENDINGS:
            if text.endswith(printed) and len(text) - len(printed) >= 2:
                stem, ending = text[: -len(printed)], kind
                break
        return Form(level, owner, text, stem, ending, tuple(tags), tuple(alternates))


def _owners_agree(a: Form, b: Form) -> bool:
    return a.level == b.level and (not a.owner or not b.owner or a.owner == b.owner)


def _tags_agree(a: Form, b: Form) -> bool:
    return not a.tags or not b.tags or a.tags == b.tags


def _abbreviates(short: str, long: str) -> bool:
    """市场监管 in 市场监督管理, 人社 in 人力资源社会保障: same first character, the others picked in order
    from further on. A plain prefix (应急 in 应急管理, 公安 in 公安交通) is a narrower body, not a short form."""
    if len(short) < 2 or len(long) <= len(short) or short[0] != long[0] or long.startswith(short):
        return False
    position = 1
    for char in short[1:]:
        position = long.find(char, position) + 1
        if position == 0:
            return False
    return True


# ---------------------------------------------------------------------------------------------------
# The directory


@dataclass
class _Entry:
    unit: DirectoryUnit
    printed: str  # the name of the unit this entry indexes (its name, short name or an alias)
    rule: str  # how a printed name equal to it is reported: exact or alias
    form: Form


class Directory:
    """A jurisdiction's units indexed every way the resolver looks them up; build once per request."""

    def __init__(self, units: Iterable[DirectoryUnit], *, jurisdiction: str = "", parent: str = "") -> None:
        self.folder = Folder(jurisdiction=jurisdiction, parent=parent)
        self.units = list(units)
        self._by_key: dict[str, list[_Entry]] = {}
        self._by_core: dict[tuple, list[_Entry]] = {}
        self._by_stem: dict[tuple, list[_Entry]] = {}
        self._by_bigram: dict[tuple[bool, str], list[int]] = {}
        self._by_first: dict[tuple[bool, str], list[int]] = {}
        self._entries: list[_Entry] = []
        for unit in self.units:
            names = [(unit.name, EXACT), (unit.short_name, ALIAS), *((a, ALIAS) for a in unit.aliases)]
            for printed, rule in names:
                if not printed:
                    continue
                form = self.folder.fold(printed)
                entry = _Entry(unit, printed, rule, form)
                index = len(self._entries)
                self._entries.append(entry)
                self._by_key.setdefault(name_key(printed), []).append(entry)
                self._by_core.setdefault((unit.is_group, form.level, form.core), []).append(entry)
                if form.ending:
                    self._by_stem.setdefault((unit.is_group, form.level, form.stem, form.ending), []).append(entry)
                for bigram in {form.stem[i : i + 2] for i in range(len(form.stem) - 1)}:
                    self._by_bigram.setdefault((unit.is_group, bigram), []).append(index)
                self._by_first.setdefault((unit.is_group, form.stem[:1]), []).append(index)

    def resolve(self, names: Iterable[str]) -> list[Decision]:
        """One decision per printed name, variants of one name (with and without 区, the same qualifier)
        grouped into one decision, decided on its most trusted variant (区法制办 beside 法制办: 名称相同);
        units before groups, each in document order."""
        groups: list[tuple[bool, list[str]]] = []
        by_grouping: dict[tuple, list[str]] = {}
        for name in dict.fromkeys(names):
            if not name:
                continue
            is_group = is_group_phrase(name)
            form = self.folder.fold(name)
            grouping = (is_group, *form.grouping)
            known = by_grouping.get(grouping)
            if known is not None and all(_owners_agree(form, self.folder.fold(p)) for p in known):
                known.append(name)
                continue
            printed = [name]
            by_grouping.setdefault(grouping, printed)
            groups.append((is_group, printed))
        decisions = []
        for is_group, printed in groups:
            tried = [self._decide(name, is_group) for name in printed]
            best = min(tried, key=_trust)
            best.printed = printed
            decisions.append(best)
        return [d for d in decisions if not d.is_group] + [d for d in decisions if d.is_group]

    def _decide(self, name: str, is_group: bool) -> Decision:
        form = self.folder.fold(name)
        found: dict[int, Match] = {}

        def offer(match: Match) -> None:
            known = found.get(match.pk)
            if known is None or (_RULE_RANK[match.rule], -match.score) < (_RULE_RANK[known.rule], -known.score):
                found[match.pk] = match

        for entry in self._by_key.get(name_key(name), []):
            if entry.unit.is_group == is_group:
                reason = "名称相同" if entry.rule == EXACT else _alias_reason(entry)
                offer(Match(entry.unit.pk, entry.unit.name, entry.rule, reason, 1.0))
        for printed, alternate in [(name, False), *((a, True) for a in form.alternates)]:
            folded = self.folder.fold(printed)
            if alternate:
                for entry in self._by_key.get(name_key(printed), []):
                    if entry.unit.is_group == is_group:
                        offer(Match(entry.unit.pk, entry.unit.name, NORMALISED, f"括注“{printed}”即此单位", 1.0))
            self._normalised(folded, printed, alternate, is_group, offer)
        if not any(m.rule != SIMILAR for m in found.values()):
            for printed in (name, *form.alternates):
                self._similar(self.folder.fold(printed), is_group, offer)
        ranked = sorted(found.values(), key=lambda m: (_RULE_RANK[m.rule], -m.score, m.name))
        best = ranked[0] if ranked and (ranked[0].rule != SIMILAR or ranked[0].score >= PROPOSE_AT) else None
        others = [m for m in ranked if m is not best][:MAX_CANDIDATES]
        if best is not None and len(ranked) > 1 and ranked[1].rule == best.rule == NORMALISED:
            best = Match(best.pk, best.name, best.rule, best.reason + "(另有相同写法的单位,请核对)", best.score)
        return Decision(printed=[name], is_group=is_group, match=best, candidates=others)

    def _normalised(self, form: Form, printed: str, alternate: bool, is_group: bool, offer) -> None:
        note = f"(括注“{printed}”)" if alternate else ""
        for entry in self._by_core.get((is_group, form.level, form.core), []):
            if _owners_agree(form, entry.form) and _tags_agree(form, entry.form):
                offer(Match(entry.unit.pk, entry.unit.name, NORMALISED, "规范化后相同" + note, 1.0))
        if form.ending:
            for entry in self._by_stem.get((is_group, form.level, form.stem, form.ending), []):
                if _owners_agree(form, entry.form) and _tags_agree(form, entry.form):
                    reason = f"规范化后相同(名称主干“{form.stem}”相同){note}"
                    offer(Match(entry.unit.pk, entry.unit.name, NORMALISED, reason, 0.99))

    def _similar(self, form: Form, is_group: bool, offer) -> None:
        # Compared: the entries sharing a pair of characters with the stem (a ratio of CANDIDATE_AT needs
        # one), and for abbreviations those whose stem begins with the same character; a few dozen of 600.
        # The printed stem is difflib's second sequence, whose index it builds once for all of them.
        stem = form.stem
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(stem)
        # A pair found in more than a tenth of the directory (the district's name, 街道) says little about
        # which unit is meant; the rarer pairs pick the candidates, unless the stem has no rarer pair.
        postings = [self._by_bigram.get((is_group, stem[i : i + 2]), ()) for i in range(len(stem) - 1)]
        common = max(20, len(self._entries) // 10)
        rare = [p for p in postings if len(p) <= common] or postings
        nearby: set[int] = set()
        for posting in rare:
            nearby.update(posting)
        for index in nearby:
            entry = self._entries[index]
            if not _owners_agree(form, entry.form) or form.ending != entry.form.ending:
                continue
            matcher.set_seq1(entry.form.stem)
            if matcher.real_quick_ratio() < CANDIDATE_AT or matcher.quick_ratio() < CANDIDATE_AT:
                continue
            ratio = round(matcher.ratio(), 2)
            if ratio >= CANDIDATE_AT:
                offer(Match(entry.unit.pk, entry.unit.name, SIMILAR, f"相似度 {ratio:.2f}", ratio))
        for index in self._by_first.get((is_group, stem[:1]), ()):
            entry = self._entries[index]
            short, long = sorted((stem, entry.form.stem), key=len)
            if _abbreviates(short, long) and _owners_agree(form, entry.form) and form.ending == entry.form.ending:
                matcher.set_seq1(entry.form.stem)
                score = round(max(matcher.ratio(), PROPOSE_AT + 0.05), 2)
                offer(Match(entry.unit.pk, entry.unit.name, SIMILAR, f"相似度 {score:.2f}(简称)", score))


def _trust(decision: Decision) -> tuple[int, float]:
    if decision.match is None:
        return (len(_RULE_RANK), 0.0)
    return (_RULE_RANK[decision.match.rule], -decision.match.score)


def _alias_reason(entry: _Entry) -> str:
    return "简称" if entry.printed == entry.unit.short_name else "别名"


# ---------------------------------------------------------------------------------------------------
# Whose document: the place names a document opens its issuer and title with


_PLACE_RE = re.compile(r"(?:(?![委政府人民关于的])[\u4e00-\u9fff]){2,6}?(?:自治区|省|市|区|县|旗)")


def document_places(text: str) -> list[str]:
    """The chain of place names a title or issuer begins with: 佛山市南海区人民政府 → [佛山市, 南海区];
    中共大兴区委… → [大兴区]; 区人民政府办公室 → [] (no place named)."""
    text = name_key(to_simplified(text or "")).removeprefix("中共")
    places: list[str] = []
    position = 0
    while match := _PLACE_RE.match(text, position):
        places.append(match.group(0))
        position = match.end()
    return places


def foreign_places(texts: Iterable[str], *, jurisdiction: str, parent: str = "") -> list[str]:
    """Places named at the head of the texts that are not the jurisdiction nor its city: a 大兴区 document
    chosen for 番禺区 (广州市) gives [大兴区]. A province, or a district when the jurisdiction is a city
    (the city's office importing for a district is done from the district), is not compared."""
    district_level = jurisdiction[-1:] in "区县旗"
    city = parent if district_level else jurisdiction
    foreign: list[str] = []
    for text in texts:
        for place in document_places(text):
            if place.endswith(("省", "自治区")):
                continue
            if place.endswith("市") and city and place != city and place != jurisdiction:
                foreign.append(place)
            elif place.endswith(("区", "县", "旗")) and district_level and place != jurisdiction:
                foreign.append(place)
    return list(dict.fromkeys(foreign))
