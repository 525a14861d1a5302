"""From a unit's progress notes to a measure in a government report: pure functions over text.

A progress report is written by a unit about itself ("我局高度重视……下一步,我局将……"); the annual report is
the government's voice about its units ("区司法局……"). So a report's text is cut into sentences, the
first person is put in the third (我局/本单位 → the unit's short name), what the unit *plans* (下一步, 计划,
将继续…) is left out of the results, empty phrases without a fact (高度重视, 认真贯彻) are dropped where a
factual sentence exists, and the sentences that carry a fact — a count with its measure word, a 《》 title,
a 文号 — come first. Nothing is added: each sentence of a measure is a sentence some unit wrote.
"""

from __future__ import annotations

import re

# 我局 / 我办 / 本单位 / 我委 … : a unit speaking of itself. 我区/我市/我县 are the government's own words, kept.
_FIRST_PERSON = re.compile(r"(?:我|本)(?:单位|街道|中心|办公室|局|办|委|院|镇|乡|部|所|队|处|科|站|会)")
_SENTENCE_END = re.compile(r"(?<=[。!?;\uff01\uff1f\uff1b])")
# A sentence about the future is not a result of the year.
_PLAN = re.compile(
    r"^(?:下一步|下步|今后|明年|下阶段|下一阶段|接下来|下半年)"
    r"|(?:将继续|将进一步|将持续|将加快|将着力|将全面|计划于|计划在|计划明年|拟于|拟在|拟制定|拟出台)"
)
# A sentence with a fact: a number with a measure word, a document title, a 文号, a date.
_FACT = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|件|次|个|项|人|场|份|篇|条|家|期|批|起|宗|万|亿|元|户|名|天|小时|学时|课时|部|本|所|余)"
    r"|《[^》]{2,}》|〔\d{4}〕|\d{4}年\d{1,2}月"
)
# Phrases that say nothing checkable on their own.
_EMPTY = re.compile(
    r"^[^\d《,\uff0c]{0,12}?(?:高度重视|认真贯彻|积极推进|切实加强|深入学习|扎实推进|全面落实)[^\d《]{0,20}[。;]?$"
)


def sentences(text: str) -> list[str]:
    """The text's sentences, each ending with its own mark (。 added where the writer left none)."""
    text = re.sub(r"\s+", "", text or "")
    out = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip(";\uff1b")
        if len(piece) < 4:
            continue
        if piece[-1] not in "。!?\uff01\uff1f":
            piece += "。"
        out.append(piece)
    return out


def third_person(text: str, unit: str) -> str:
    """``text`` with the unit's words about itself (我局, 本单位…) replaced by the unit's name."""
    return _FIRST_PERSON.sub(unit, text) if unit else text


def is_plan(sentence: str) -> bool:
    return bool(_PLAN.search(sentence))


def has_fact(sentence: str) -> bool:
    return bool(_FACT.search(sentence))


def key(sentence: str) -> str:
    """What two sentences share when one repeats the other (punctuation and the unit's name aside)."""
    return re.sub(r"[\W\d_]", "", sentence)[:40]


def results(texts: list[str], unit: str, *, seen: set[str]) -> list[str]:
    """The sentences of a unit's notes that state what it did: third person, no plans, no repeats (``seen``
    is shared across a paragraph so that two units' identical sentences appear once), facts first."""
    picked: list[str] = []
    for text in texts:
        for sentence in sentences(third_person(text, unit)):
            if is_plan(sentence):
                continue
            k = key(sentence)
            if not k or k in seen:
                continue
            seen.add(k)
            picked.append(sentence)
    if any(has_fact(s) for s in picked):
        picked = [s for s in picked if not _EMPTY.match(s)]
    return sorted(picked, key=lambda s: not has_fact(s))


def starts_with_unit(sentence: str, names: list[str]) -> bool:
    return any(name and sentence.startswith(name) for name in names)


def trim(parts: list[str], *, limit: int) -> list[str]:
    """As many of ``parts`` as fit in ``limit`` characters, at least the first."""
    kept, total = [], 0
    for part in parts:
        if kept and total + len(part) > limit:
            break
        kept.append(part)
        total += len(part)
    return kept
