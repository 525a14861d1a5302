"""The unit picker's search (issue 14): a person types part of a name, a short name, an alias or the pinyin
initials ("sfj" → 区司法局) and gets the matching units of a jurisdiction, best first.

The directory of a city is about 600 units; the candidates are read in one query of a few columns and
matched in Python, because pinyin is not something the database knows. The pinyin of a name is computed
once per process (``functools.lru_cache``: names change rarely, and a renamed unit is simply a new key), so
a search costs the query and a loop over strings, well under the 100 ms budget (``bench_bulk`` measures it);
the first search of a process loads pypinyin's dictionaries and reads every name once (a few hundred ms).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import QuerySet

from lawgov.models import JURISDICTION_KINDS, Unit, UnitKind, User

MAX_RESULTS = 20


@lru_cache(maxsize=20_000)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name, lower case, without separators: 区司法局 → ("qsfj", "qusifaju").

    Characters that are not Chinese (brackets, digits, Latin letters) are kept as they are, lower-cased, so
    "12345热线" still finds by "12345".
    """
    # pypinyin loads its dictionaries on import (about a second): only a process that searches pays it, not
    # every manage.py command and worker that imports the views.
    from pypinyin import Style, lazy_pinyin

    syllables = [_plain(s) for s in lazy_pinyin(name, style=Style.NORMAL, errors="default")]
    # One call for both: an initial is the first letter of its syllable (zhong → z, as Style.FIRST_LETTER says).
    return "".join(s[:1] for s in syllables if s), "".join(syllables)


def _plain(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


@lru_cache(maxsize=20_000)
def _plain_cached(name: str) -> str:
    return _plain(name)


@dataclass(frozen=True)
class UnitHit:
    """One unit found, with why it matched (shown beside the name: 别名“区委编办”, 拼音 sfj)."""

    id: int
    name: str
    kind: str
    kind_label: str
    jurisdiction: str
    is_group: bool
    reason: str
    rank: int

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "jurisdiction": self.jurisdiction,
            "is_group": self.is_group,
            "reason": self.reason,
        }


def picker_candidates(*, user: User, jurisdiction_id: int | None = None) -> QuerySet[Unit]:
    """The units a person may pick: the user's directory (``Unit.objects.in_directory_of``: active, so
    retired units are not offered), without the jurisdictions themselves; group phrases (各镇街) stay,
    selectable as groups. ``jurisdiction_id`` narrows to one district (a plan's)."""
    units = Unit.objects.in_directory_of(user).exclude(kind__in=JURISDICTION_KINDS)
    if jurisdiction_id is not None:
        units = units.filter(jurisdiction_id=jurisdiction_id)
    return units


def _match(query: str, ascii_query: bool, names: list[tuple[str, str]]) -> tuple[int, str] | None:
    """The best rank (lower is better) of a query against a unit's names, and the reason."""
    best: tuple[int, str] | None = None

    def take(rank: int, reason: str) -> None:
        nonlocal best
        if best is None or rank < best[0]:
            best = (rank, reason)

    for name, label in names:
        key = _plain_cached(name)
        own = not label
        why = "" if own else f"{label}“{name}”"
        if key in (query, "区" + query):  # 司法局 is 区司法局: a district's units drop the 区 in speech
            take(0 if own else 1, why)
        elif key.startswith(query) or key.startswith("区" + query):
            take(2 if own else 4, why)
        elif query in key:
            take(3 if own else 5, why)
        if ascii_query and query.isalpha():
            initials, full = pinyin_keys(name)
            if initials.startswith(query) or (name.startswith("区") and initials.startswith("q" + query)):
                take(6, f"拼音 {initials}")
            elif query in initials:
                take(7, f"拼音 {initials}")
            elif len(query) >= 2 and query in full:
                take(8, f"拼音 {full}")
    return best


def unit_search(
    *, user: User, query: str, jurisdiction_id: int | None = None, limit: int = MAX_RESULTS
) -> list[UnitHit]:
    """Units matching ``query`` by name, short name, alias, pinyin initials or full pinyin, best first
    (exact, then prefix, then anywhere; own name before alias before pinyin; departments before groups on
    a tie, shorter names first). An empty query lists the first units by kind and name."""
    query = _plain(query or "")[:40]
    rows = picker_candidates(user=user, jurisdiction_id=jurisdiction_id).values_list(
        "id", "name", "short_name", "aliases", "kind", "jurisdiction__name"
    )
    labels = dict(UnitKind.choices)
    hits: list[UnitHit] = []
    ascii_query = query.isascii()
    for pk, name, short_name, aliases, kind, jurisdiction in rows:
        names = [
            (name, ""),
            *([(short_name, "简称")] if short_name else []),
            *[(a, "别名") for a in aliases or [] if a],
        ]
        if query:
            found = _match(query, ascii_query, names)
            if found is None:
                continue
            rank, reason = found
        else:
            rank, reason = 9, ""
        hits.append(
            UnitHit(
                id=pk,
                name=name,
                kind=kind,
                kind_label=labels.get(kind, kind),
                jurisdiction=jurisdiction or "",
                is_group=kind == UnitKind.GROUP,
                reason=reason,
                rank=rank,
            )
        )
    hits.sort(key=lambda h: (h.rank, h.is_group, h.kind, len(h.name), h.name))
    return hits[:limit]
