"""The search page's reads (issue 16): one query string over everything the user may see, in five groups:
tasks (heading, text, printed number), progress reports (text, or the name of the unit that reported),
units (name, short name, aliases), evidence files (file name) and plans (title, 文号).

Who sees what is each model's own rule, never restated here: ``Task.objects.visible_to``,
``ProgressReport.objects.visible_to``, ``Unit.objects.visible_to`` (names matched against the user's
directory, ``in_directory_of``), ``tasks.selectors.evidence_readable`` and ``Plan.objects.visible_to``. A
reporter therefore finds only its own unit's reports (and, on tasks it leads, the helpers' submitted ones),
and nobody finds another jurisdiction's rows.

Input: the words are matched literally (Django's ``icontains`` escapes ``%``, ``_`` and ``\\``; nothing is
a regular expression); whitespace is collapsed, control characters (PostgreSQL refuses NUL) dropped, and
the query cut to ``MAX_QUERY_LENGTH`` characters with a message. An empty query shows a message and runs no
query; a single character searches only the short things (task numbers, unit names, plan titles).

Speed (``manage.py bench_search``, budget < 300 ms at city scale on PostgreSQL): every group is capped. A
group reads at most ``COUNT_CAP + 1`` matching ids in whatever order the index gives them (shown as
"500+" when full), then lists the newest ``GROUP_LIMIT`` of those. Below the cap that is the true newest;
above it, a sample, and the page asks for more specific words. Sorting every match of a common word
(100,000 reports say 会议) would read the whole heap; and where a word is that common PostgreSQL tests it
row by row rather than through the index, so the cap bounds that work too (1000 took 200 ms for 佐证
over a district's evidence files, 500 half that).

A reporter's search starts from its own rows: the ids of the tasks it sees and of the reports it may read
(a few thousand at most), passed as one array parameter (``= ANY(%s)``), not from the text indexes.

The indexes (tasks/migrations/0014_search_trigram_indexes.py, PostgreSQL only): queries of three
characters or more go through pg_trgm GIN indexes on ``UPPER(column)``, the very expression of Django's
``icontains``. **A two-character query has no trigram** (pg_trgm's LIKE support needs three characters
in a row; EXPLAIN shows the index read in full and every row rechecked, 3 s over 850,000 reports), so for
exactly two characters the search asks ``lawgov_bigrams(column) @> ARRAY['XY']`` instead, served by a GIN
index over the distinct two-character pieces of each value; containing the piece is containing the
substring, so no LIKE is added. On SQLite every group is a plain ``LIKE``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.db import connection
from django.db.models import BooleanField, Exists, Expression, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan
from django.urls import reverse

from lawgov.models import Role, Unit, UnitKind, User
from plans.models import Plan, Task
from tasks.models import Evidence, ProgressReport
from tasks.selectors import evidence_readable

MAX_QUERY_LENGTH = 50
MIN_TEXT_LENGTH = 2  # report text, task text and file names need two characters; one finds numbers and names
GROUP_LIMIT = 20
COUNT_CAP = 500

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_NUMBER_TAIL = re.compile(r"[.\u3001\uff0e]$")  # "5." / "5、" find task 5


class _HasBigram(Expression):
    """``lawgov_bigrams(column) @> ARRAY[%s]``: the PostgreSQL-only test for a two-character query."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, bigram: str):
        super().__init__()
        self.column = F(column)
        self.bigram = bigram

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        return f"lawgov_bigrams({sql}) @> ARRAY[%s]::text[]", [*params, self.bigram.upper()]


class _AnyOf(Expression):
    """``column = ANY(%s)`` with the ids as one array parameter (PostgreSQL): a reporter's few thousand
    report ids as an ``IN (%s, %s, …)`` cost more in Django and psycopg than the query itself."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: list[int]):
        super().__init__()
        self.column = F(column)
        self.ids = ids

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        return f"{sql} = ANY(%s::bigint[])", [*params, self.ids]


def _id_in(column: str, ids: list[int]) -> Q:
    if connection.vendor == "postgresql":
        return Q(_AnyOf(column, ids))
    return Q(**{f"{column}__in": ids})


def contains_text(column: str, query: str, *, narrow: bool = False) -> Q:
    """Rows whose ``column`` contains ``query`` literally, case-insensitive for Latin letters.

    ``narrow``: the user sees few rows (a reporter: one unit's, a few thousand at most), so the search should
    start from those (the unit and task indexes of the visibility rule) and test the text of each, instead
    of starting from the text index, whose matches may be 100,000 rows city-wide, and checking each for
    visibility (1.5 s for 专题会议). ``STRPOS`` (SQLite ``INSTR``) has no index, so the planner takes that
    road; the test is the same substring test as the LIKE.
    """
    if narrow:
        return Q(GreaterThan(StrIndex(Upper(column), Upper(Value(query))), 0))
    if connection.vendor == "postgresql" and len(query) == 2:
        return Q(_HasBigram(column, query))
    return Q(**{f"{column}__icontains": query})


def clean_query(raw: str | None) -> tuple[str, list[str]]:
    """The query as searched and the messages about what was done to it."""
    notes: list[str] = []
    # No NFKC folding: the data keeps its full-width punctuation ((外事办)), and so must the words.
    text = _SPACES.sub(" ", _CONTROL.sub(" ", raw or "")).strip()
    if len(text) > MAX_QUERY_LENGTH:
        notes.append(f"搜索词过长({len(text)}个字),已只按前{MAX_QUERY_LENGTH}个字搜索。")
        text = text[:MAX_QUERY_LENGTH].strip()
    return text, notes


@dataclass
class Excerpt:
    before: str
    match: str
    after: str


def excerpt(text: str, query: str, *, width: int = 40) -> Excerpt:
    """The stretch of ``text`` around the first match (case-insensitive), for the result line."""
    text = " ".join(text.split())
    at = text.upper().find(query.upper()) if query else -1
    if at < 0:
        return Excerpt(text[: 2 * width] + ("…" if len(text) > 2 * width else ""), "", "")
    start, end = max(0, at - width), at + len(query)
    after = text[end : end + width]
    return Excerpt(
        ("…" if start else "") + text[start:at],
        text[at:end],
        after + ("…" if end + width < len(text) else ""),
    )


@dataclass
class Hit:
    title: str
    url: str
    meta: str = ""
    snippet: Excerpt | None = None
    extra: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit]
    count: int
    capped: bool = False
    more_url: str = ""

    @property
    def count_label(self) -> str:
        return f"{COUNT_CAP}+" if self.capped else str(self.count)


@dataclass
class SearchResult:
    query: str
    notes: list[str]
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def empty_labels(self) -> list[str]:
        return [g.label for g in self.groups if not g.hits]


def _capped(matching: QuerySet, model, order: list[str], related: list[str]) -> tuple[list[Any], int, bool]:
    """Two queries whatever the data (one when nothing matches): at most ``COUNT_CAP + 1`` matching ids
    (no order, so the database stops at the cap), then the newest ``GROUP_LIMIT`` of them with what their
    lines show. As one statement (``pk IN (capped subquery)``) PostgreSQL planned a nested-loop semi join
    over every match: 13 s for 佐证 over 85,000 file names."""
    ids = list(matching.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    if not ids:
        # Nothing matched: no second query (the count stays the same however much data there is).
        return list(model.objects.none()), 0, False
    rows = list(model.objects.filter(_id_in("id", ids)).select_related(*related).order_by(*order)[:GROUP_LIMIT])
    return rows, min(len(ids), COUNT_CAP), len(ids) > COUNT_CAP


def _unit_matches(query: str, names: list[str]) -> bool:
    wanted = query.upper()
    return any(wanted in n.upper() for n in names if n)


def search(*, user: User, raw_query: str | None) -> SearchResult:
    query, notes = clean_query(raw_query)
    if not query:
        return SearchResult(
            query="",
            notes=[*notes, "请输入要搜索的词:任务内容或序号、进展内容、单位名称、佐证材料文件名、规划标题。"],
            groups=[],
        )
    short = len(query) < MIN_TEXT_LENGTH
    narrow = user.role == Role.REPORTER and not user.is_superuser
    # A reporter's reports are its unit's or on tasks it sees (``ProgressReport.visible_to`` is a subset of
    # that). Saying so with the task ids as a list lets PostgreSQL start from the unit and task indexes (a
    # BitmapOr); ``visible_to``'s own OR over a subquery is read by a scan of every report (0.7 s). The list
    # only narrows where to look: ``visible_to`` still decides, and the few thousand report ids it gives are
    # where the report and evidence groups look.
    report_scope = ProgressReport.objects.visible_to(user)
    evidence_scope = evidence_readable(user)
    if narrow:
        seen_tasks = list(Task.objects.visible_to(user).values_list("pk", flat=True))
        near = Q(unit_id=user.unit_id) | _id_in("task_id", seen_tasks)
        seen_reports = list(report_scope.filter(near).values_list("pk", flat=True))
        report_scope = ProgressReport.objects.filter(_id_in("id", seen_reports))
        # ``evidence_readable``'s rule (active files of the reports ``with_deleted_for`` gives, which for a
        # reporter is ``visible_to``) over the listed reports: its subquery would again scan every report.
        evidence_scope = Evidence.objects.active().filter(_id_in("report_id", seen_reports))
    if short:
        notes.append("只输入了一个字:只查找任务序号、单位和规划;任务内容、进展和佐证材料至少需要两个字。")

    # Units: the directory is hundreds of rows at most; names, short names and aliases (a JSON list, stored
    # escaped on SQLite) are matched here, in one query, with who may open each unit's page beside it.
    directory = (
        Unit.objects.in_directory_of(user)
        .annotate(openable=Exists(Unit.objects.visible_to(user).filter(pk=OuterRef("pk"))))
        .values_list("pk", "name", "short_name", "aliases", "kind", "openable")
        .order_by("kind", "name")
    )
    kinds = dict(UnitKind.choices)
    matched_unit_ids: list[int] = []
    unit_hits: list[Hit] = []
    for pk, name, short_name, aliases, kind, openable in directory:
        if not _unit_matches(query, [name, short_name, *(aliases or [])]):
            continue
        matched_unit_ids.append(pk)
        if openable:
            also = [a for a in [short_name, *(aliases or [])] if a and a != name]
            unit_hits.append(
                Hit(
                    title=name,
                    url=reverse("unit-detail", args=[pk]),
                    meta=kinds.get(kind, kind) + (" · 又称 " + "、".join(also) if also else ""),
                    extra=[("任务", reverse("tasks:list") + f"?unit={pk}")],
                )
            )
    units = Group("units", "单位", unit_hits[:GROUP_LIMIT], len(unit_hits))

    groups: list[Group] = []

    # Tasks: heading, text, or the printed number ("5", "5.", "(一)").
    number = _NUMBER_TAIL.sub("", query)
    task_condition = Q(number=number)
    if not short:
        task_condition |= contains_text("heading", query, narrow=narrow) | contains_text("text", query, narrow=narrow)
    tasks, count, capped = _capped(
        Task.objects.visible_to(user).filter(task_condition),
        Task,
        ["-plan__issued_on", "plan_id", "position"],
        ["plan"],
    )
    groups.append(
        Group(
            "tasks",
            "任务",
            [
                Hit(
                    title=f"{t.label} {t.heading}",
                    url=reverse("tasks:detail", args=[t.pk]),
                    meta=t.plan.title,
                    snippet=excerpt(t.text, query),
                )
                for t in tasks
            ],
            count,
            capped,
            more_url=reverse("tasks:list") + "?search=" + quote(query) if not short else "",
        )
    )

    if not short or matched_unit_ids:
        report_condition = Q(unit_id__in=matched_unit_ids)
        if not short:
            report_condition |= contains_text("text", query, narrow=narrow)
        reports, count, capped = _capped(
            report_scope.filter(report_condition),
            ProgressReport,
            ["-reported_on", "-id"],
            ["task", "unit"],
        )
        groups.append(
            Group(
                "reports",
                "进展",
                [
                    Hit(
                        title=f"{r.unit.name} · {r.reported_on:%Y-%m-%d} · {r.get_status_display()}",
                        url=reverse("tasks:detail", args=[r.task_id]) + f"#report-{r.pk}",
                        meta=f"任务 {r.task.label} {r.task.heading}",
                        snippet=excerpt(r.text, query),
                    )
                    for r in reports
                ],
                count,
                capped,
            )
        )
    else:
        groups.append(Group("reports", "进展", [], 0))

    groups.append(units)

    if not short:
        files, count, capped = _capped(
            evidence_scope.filter(contains_text("original_name", query, narrow=narrow)),
            Evidence,
            ["-uploaded_at", "-id"],
            ["report__task", "report__unit"],
        )
        evidence_hits = [
            Hit(
                title=e.original_name,
                url=reverse("tasks:evidence", args=[e.pk]),
                meta=f"{e.report.unit.name} · {e.report.reported_on:%Y-%m-%d} · "
                f"任务 {e.report.task.label} {e.report.task.heading}",
                extra=[("所在进展", reverse("tasks:detail", args=[e.report.task_id]) + f"#report-{e.report_id}")],
            )
            for e in files
        ]
        groups.append(Group("evidence", "佐证材料", evidence_hits, count, capped))
    else:
        groups.append(Group("evidence", "佐证材料", [], 0))

    plans = list(
        Plan.objects.visible_to(user)
        .filter(Q(title__icontains=query) | Q(doc_number__icontains=query))
        .order_by("-issued_on", "title")[: COUNT_CAP + 1]
    )
    groups.append(
        Group(
            "plans",
            "规划",
            [
                Hit(
                    title=p.title,
                    url=reverse("tasks:plan", args=[p.pk]),
                    meta=" · ".join(x for x in [p.doc_number, p.period_label] if x),
                )
                for p in plans[:GROUP_LIMIT]
            ],
            min(len(plans), COUNT_CAP),
            len(plans) > COUNT_CAP,
        )
    )
    return SearchResult(query=query, notes=notes, groups=groups)
