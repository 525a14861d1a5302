"""The city-scale data set for benchmarks (../shared/bench/CITY_DATASET.md), generated deterministically.

A hash of the row number decides every choice, so two runs give the same rows. Rows go straight into
the tables (COPY on PostgreSQL, multi-row INSERT elsewhere) with explicit ids: loading a million reports
takes a minute or two, not an hour. This is benchmark tooling, never called by the application.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from lawgov.models import Role, Unit, UnitKind, User
from plans.models import Assignment, Clause, Plan, PlanKind, Section, Task
from tasks.models import Evidence, ProgressReport, ReportStatus, TaskProgress

DISTRICTS = [
    "越秀区",
    "海珠区",
    "荔湾区",
    "天河区",
    "白云区",
    "黄埔区",
    "番禺区",
    "花都区",
    "南沙区",
    "从化区",
    "增城区",
]
DEPARTMENTS = [
    "政府办公室",
    "发展和改革局",
    "教育局",
    "科技工业商务和信息化局",
    "公安分局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "规划和自然资源局",
    "生态环境分局",
    "住房和城乡建设局",
    "交通运输局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化广电旅游体育局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "国有资产监督管理局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理和综合执法局",
    "政务服务数据管理局",
    "信访局",
    "林业和园林局",
    "税务局",
    "消防救援大队",
    "档案馆",
    "地方志办公室",
    "投资促进局",
    "金融工作局",
]
SUBDISTRICTS = [f"第{n:02d}街道办事处" for n in range(1, 21)]
PLAN_TITLES = [
    ("法治政府建设实施方案(2016—2020年)", PlanKind.SCHEME, 2016, 2020),
    ("法治政府建设规划(2021—2025年)", PlanKind.FIVE_YEAR_PLAN, 2021, 2025),
    ("2023年法治政府建设工作要点", PlanKind.KEY_POINTS, 2023, 2023),
    ("2024年法治政府建设工作要点", PlanKind.KEY_POINTS, 2024, 2024),
    ("2025年法治政府建设工作要点", PlanKind.KEY_POINTS, 2025, 2025),
]
SECTION_TITLES = [
    "依法全面履行政府职能",
    "完善依法行政制度体系",
    "推进严格规范公正文明执法",
    "强化对行政权力的制约和监督",
]
TASK_TITLES = [
    "推行权责清单制度",
    "深化行政审批制度改革",
    "加强规范性文件备案审查",
    "健全重大行政决策程序",
    "推行法律顾问制度",
    "深化行政执法体制改革",
    "全面落实行政执法责任制",
    "推行行政执法公示制度",
    "健全行政裁量权基准制度",
    "加强行政执法人员资格管理",
    "推进政务公开",
    "加强审计监督",
    "完善行政复议体制",
    "做好行政应诉工作",
    "健全矛盾纠纷多元化解机制",
    "加强领导干部学法用法",
    "开展法治政府建设示范创建",
    "加强法治宣传教育",
    "推进诚信政府建设",
    "强化行政监察",
    "规范政府合同管理",
    "优化法治化营商环境",
    "推进数字法治政府建设",
    "加强基层法治建设",
]
REPORT_TEXTS = [
    "召开专题会议研究部署。",
    "完成阶段性工作并形成台账。",
    "组织业务培训一次。",
    "修订完善相关制度。",
    "开展专项检查,发现问题已整改。",
    "按月报送工作信息。",
    "完成年度目标任务的一半。",
    "配合牵头单位提供材料。",
]
START, END = dt.date(2016, 1, 1), dt.date(2025, 12, 31)


def h(i: int, salt: str) -> int:
    """The deterministic choice for row ``i``: a 64-bit hash of (salt, i)."""
    return int.from_bytes(hashlib.blake2b(f"{salt}:{i}".encode(), digest_size=8).digest(), "big")


@dataclass
class Shape:
    districts: int = 11
    tasks: int = 100_000
    # "hash": 0–20 reports per task by hash (10 on average); a number: exactly that many per task.
    reports_per_task: str | int = "hash"
    evidence_every: int = 0  # one evidence row every N reports (0 = none)
    year: int | None = None  # spread due dates over this year only (the progress benchmark's "city year")


@dataclass
class Built:
    districts: int
    units: int
    users: int
    plans: int
    tasks: int
    assignments: int
    reports: int
    evidence: int
    seconds: float


def _plain(value):
    """A model default as COPY and INSERT take it: JSON as text, the rest as it is."""
    return json.dumps(value) if isinstance(value, (list, dict)) else value


def _insert(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY rows into ``model``'s table on PostgreSQL; batched multi-row INSERT elsewhere."""
    table = model._meta.db_table
    columns = [model._meta.get_field(f).column for f in fields]
    # Columns the caller does not name but the table requires (NOT NULL with a model default, added to the
    # model after this data set was written: a unit's contact person, a report's form token…) get that
    # default, so a new field never breaks the benchmarks.
    named = {model._meta.get_field(f).column for f in fields}
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.column not in named
        and not f.null
        and not f.primary_key
        and (f.has_default() or (f.blank and f.empty_strings_allowed))
    ]
    if extra:
        defaults = tuple(_plain(f.get_default()) for f in extra)
        columns += [f.column for f in extra]
        rows = (tuple(row) + defaults for row in rows)
    count = 0
    if connection.vendor == "postgresql":
        quoted = ", ".join(f'"{c}"' for c in columns)
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({placeholders})'
    batch: list[Sequence] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def city_build(shape: Shape, *, log: Callable[[str], object] = print, password: str = "bench-pass-1234") -> Built:
    """Load the city into the current database (which should hold no other data)."""
    started = time.perf_counter()
    now = timezone.now()
    pw = make_password(password)  # hashed once: PBKDF2 per user would take minutes
    with transaction.atomic():
        city = Unit.objects.create(name="广州市", kind=UnitKind.CITY)
        unit_id = _next_id(Unit)
        district_ids: list[int] = []
        units_of: dict[int, list[int]] = {}
        unit_rows, user_rows = [], []
        user_id = _next_id(User)
        for d in range(shape.districts):
            did = unit_id
            unit_id += 1
            district_ids.append(did)
            unit_rows.append((did, DISTRICTS[d], "", UnitKind.DISTRICT, city.pk, None, [], [], now, None))
            units_of[did] = []
            for k, name in enumerate(DEPARTMENTS + SUBDISTRICTS):
                kind = UnitKind.DEPARTMENT if k < len(DEPARTMENTS) else UnitKind.TOWNSHIP
                unit_rows.append((unit_id, f"{DISTRICTS[d]}{name}", "", kind, did, did, [], [], now, None))
                units_of[did].append(unit_id)
                for r in range(2):
                    user_rows.append((user_id, f"u{unit_id}_{r}", pw, Role.REPORTER, unit_id, did))
                    user_id += 1
                unit_id += 1
            user_rows.append((user_id, f"fzb{d + 1:02d}", pw, Role.LEGAL_OFFICE, None, did))
            user_id += 1
            user_rows.append((user_id, f"leader{d + 1:02d}", pw, Role.LEADER, None, did))
            user_id += 1
            user_rows.append((user_id, f"api{d + 1:02d}", pw, Role.API_CLIENT, None, did))
            user_id += 1
        _insert(
            Unit,
            [
                "id",
                "name",
                "short_name",
                "kind",
                "parent",
                "jurisdiction",
                "aliases",
                "group_kinds",
                "created_at",
                "deleted_at",
            ],
            ((r[0], r[1], r[2], r[3], r[4], r[5], "[]", "[]", r[8], r[9]) for r in unit_rows),
        )
        _insert(
            User,
            [
                "id",
                "username",
                "password",
                "role",
                "unit",
                "jurisdiction",
                "is_superuser",
                "is_staff",
                "is_active",
                "first_name",
                "last_name",
                "email",
                "date_joined",
                "display_name",
                "phone",
            ],
            ((r[0], r[1], r[2], r[3], r[4], r[5], False, False, True, "", "", "", now, r[1], "") for r in user_rows),
        )
        log(f"单位 {len(unit_rows)} 个,账号 {len(user_rows)} 个")

        plan_id, section_id = _next_id(Plan), _next_id(Section)
        plans: list[tuple[int, int, list[int]]] = []  # (plan id, district id, section ids)
        plan_rows, section_rows = [], []
        for did in district_ids:
            for title, kind, start, end in PLAN_TITLES:
                district_name = next(r[1] for r in unit_rows if r[0] == did)
                plan_rows.append(
                    (
                        plan_id,
                        did,
                        f"{district_name}{title}",
                        kind,
                        "",
                        "",
                        dt.date(start, 3, 1),
                        start,
                        end,
                        "",
                        "",
                        "[]",
                        None,
                        None,
                        None,
                    )
                )
                sections = []
                for s, stitle in enumerate(SECTION_TITLES):
                    label = "(" + "一二三四"[s] + ")"
                    section_rows.append((section_id, plan_id, None, label, stitle, f"二/{label}", s))
                    sections.append(section_id)
                    section_id += 1
                plans.append((plan_id, did, sections))
                plan_id += 1
        _insert(
            Plan,
            [
                "id",
                "jurisdiction",
                "title",
                "kind",
                "doc_number",
                "issuer",
                "issued_on",
                "period_start",
                "period_end",
                "source_name",
                "source_sha256",
                "import_warnings",
                "imported_at",
                "imported_by",
                "deleted_at",
            ],
            plan_rows,
        )
        _insert(Section, ["id", "plan", "parent", "label", "title", "path", "position"], section_rows)

        first_task = _next_id(Task)
        span = (END - START).days
        counts = {"assignments": 0, "reports": 0, "evidence": 0}
        reporters_of = {
            u: [u_row[0] for u_row in user_rows if u_row[4] == u]
            for u in [uid for ids in units_of.values() for uid in ids]
        }

        def task_rows():
            for i in range(1, shape.tasks + 1):
                plan_pk, _, sections = plans[(i - 1) % len(plans)]
                if shape.year:
                    due = dt.date(shape.year, 1, 1) + dt.timedelta(days=h(i, "due") % 365)
                else:
                    due = START + dt.timedelta(days=(i - 1) * span // max(shape.tasks - 1, 1))
                title = TASK_TITLES[h(i, "title") % len(TASK_TITLES)]
                yield (
                    first_task + i - 1,
                    plan_pk,
                    sections[h(i, "section") % len(sections)],
                    str(i),
                    f"二/{i}",
                    f"{title} 第{i}项",
                    f"{title},按要求推进落实。第{i}项",
                    i,
                    due,
                    now,
                    now,
                    None,
                )

        _insert(
            Task,
            [
                "id",
                "plan",
                "section",
                "number",
                "path",
                "heading",
                "text",
                "position",
                "due_on",
                "created_at",
                "updated_at",
                "deleted_at",
            ],
            task_rows(),
        )
        log(f"任务 {shape.tasks} 项")

        first_clause = _next_id(Clause)
        _insert(
            Clause,
            ["id", "task", "position", "text"],
            ((first_clause + i - 1, first_task + i - 1, 0, f"第{i}项任务") for i in range(1, shape.tasks + 1)),
        )

        def lead_of(i: int) -> int:
            did = plans[(i - 1) % len(plans)][1]
            return units_of[did][h(i, "lead") % len(units_of[did])]

        # Ids are taken before COPY starts: no other query may run on the connection while it is open.
        first_assignment = _next_id(Assignment)

        def assignment_rows():
            aid = first_assignment
            for i in range(1, shape.tasks + 1):
                did = plans[(i - 1) % len(plans)][1]
                lead = lead_of(i)
                yield (aid, first_clause + i - 1, lead, "lead", "", 0, "imported", None)
                aid += 1
                pool = units_of[did]
                chosen = {lead}
                for c in range(h(i, "coop") % 4):
                    unit = pool[h(i * 7 + c, "coop-unit") % len(pool)]
                    if unit in chosen:
                        continue
                    chosen.add(unit)
                    yield (aid, first_clause + i - 1, unit, "cooperating", "", c + 1, "imported", None)
                    aid += 1
            counts["assignments"] = aid - first_assignment

        _insert(
            Assignment,
            ["id", "clause", "unit", "role", "printed_name", "position", "source", "deleted_at"],
            assignment_rows(),
        )
        log(f"分工 {counts['assignments']} 条")

        progress_rows = []
        first_report = _next_id(ProgressReport)
        first_evidence = _next_id(Evidence)

        def report_rows():
            rid = first_report
            eid_rows = []
            for i in range(1, shape.tasks + 1):
                state = h(i, "state") % 100  # 15 not started, 45 in progress, 15 claimed, 25 done
                if shape.reports_per_task == "hash":
                    n = 0 if state < 15 else max(1, h(i, "reports") % 21)
                else:
                    n = int(shape.reports_per_task)
                lead = lead_of(i)
                reporters = reporters_of[lead]
                task_due = (
                    (dt.date(shape.year, 1, 1) + dt.timedelta(days=h(i, "due") % 365))
                    if shape.year
                    else (START + dt.timedelta(days=(i - 1) * span // max(shape.tasks - 1, 1)))
                )
                begin = task_due - dt.timedelta(days=300)
                last = None
                for k in range(n):
                    day = begin + dt.timedelta(days=k * 300 // max(n, 1))
                    last = day
                    final = k == n - 1
                    claim = final and state >= 60
                    status = ReportStatus.ACCEPTED if (final and state >= 75) or not final else ReportStatus.SUBMITTED
                    yield (
                        rid,
                        first_task + i - 1,
                        lead,
                        day,
                        REPORT_TEXTS[h(rid, "text") % len(REPORT_TEXTS)],
                        min(100, (k + 1) * 100 // n),
                        claim,
                        status,
                        "",
                        reporters[k % 2],
                        False,
                        now,
                        None,
                        None,
                        1,
                        now,
                        now,
                        None,
                        None,
                    )
                    if shape.evidence_every and rid % shape.evidence_every == 0:
                        eid_rows.append(rid)
                    rid += 1
                if n:
                    progress_rows.append((first_task + i - 1, last, last if state >= 75 else None, None))
            counts["reports"] = rid - first_report
            counts["evidence_rows"] = eid_rows

        _insert(
            ProgressReport,
            [
                "id",
                "task",
                "unit",
                "reported_on",
                "text",
                "percent",
                "claims_completion",
                "status",
                "return_reason",
                "entered_by",
                "on_behalf",
                "submitted_at",
                "reviewed_by",
                "reviewed_at",
                "version",
                "created_at",
                "updated_at",
                "deleted_at",
                "deleted_by",
            ],
            report_rows(),
        )
        log(f"进展 {counts['reports']} 条")
        _insert(TaskProgress, ["task", "last_report_on", "completed_on", "completed_by"], progress_rows)
        evidence_ids = counts.pop("evidence_rows")
        _insert(
            Evidence,
            ["id", "report", "file", "original_name", "size", "uploaded_by", "uploaded_at", "deleted_at"],
            (
                (
                    first_evidence + k,
                    rid,
                    f"evidence/bench/{rid}.pdf",
                    f"佐证{rid}.pdf",
                    1024,
                    user_rows[0][0],
                    now,
                    None,
                )
                for k, rid in enumerate(evidence_ids)
            ),
        )
        counts["evidence"] = len(evidence_ids)
        _reset_sequences()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Built(
        districts=shape.districts,
        units=len(unit_rows),
        users=len(user_rows),
        plans=len(plans),
        tasks=shape.tasks,
        assignments=counts["assignments"],
        reports=counts["reports"],
        evidence=counts["evidence"],
        seconds=time.perf_counter() - started,
    )


def city_in_database(shape: Shape, *, log: Callable[[str], object] = print) -> Built | None:
    """The data set of ``shape`` for a benchmark: reused when this database already holds it (as many tasks),
    built when the database is empty (the Built is returned), refused otherwise: timing another data set's
    rows would measure nothing comparable."""
    existing = Task.objects.count()
    if existing and existing != shape.tasks:
        raise CommandError(f"数据库里已有 {existing} 项任务(不是 {shape.tasks} 项):请用一个空的数据库运行基准测试。")
    return None if existing else city_build(shape, log=log)


def _reset_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the loaded rows."""
    if connection.vendor != "postgresql":
        return
    models = [Unit, User, Plan, Section, Task, Clause, Assignment, ProgressReport, Evidence]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
