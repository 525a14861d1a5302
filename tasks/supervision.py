"""The 督办 cycle's writes and reads: 交办 (a task given to a unit, its reporters told), 签收 (the unit
acknowledges it) and who has not signed; 催办 (the legal office or the schedule chases a unit on a task, in
the bell, by email and by the unit's group robot, logged and escalating to the unit's leader).

Assignments are made in plans (at import, by hand, in bulk), which must not know this app: so delivery is
a small sweep of its own, ``assignments_deliver``, idempotent and cheap when there is nothing new (one
anti-join), run every few minutes by beat (``tasks.jobs.assignments_deliver``), by the embedded schedule's
minute check, and by the daily sweep. It reads the assignments as they are, so an import, a hand edit and a
bulk insert that sends no signal are all delivered the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    JSONField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.constants import OnConflict
from django.db.models.functions import Cast, Concat, RowNumber
from django.urls import reverse
from django.utils import timezone

from lawgov.calendar import WorkCalendar
from lawgov.errors import DomainError
from lawgov.models import Notification, Role, Unit, UnitKind, User
from plans.models import Assignment, AssignmentRole, Task
from tasks.models import (
    ExtensionRequest,
    ExtensionStatus,
    Reminder,
    TaskProgress,
    TaskSignature,
    UnitReminderSettings,
    WarningLevel,
    WebhookKind,
)
from tasks.selectors import calendars_for
from tasks.services import Notice, notification_send, notifications_send_bulk, unit_roles_on_task
from tasks.status import TaskStatus, status_filter
from tasks.warnings import warnings_refresh
from tasks.wording import date_label

log = logging.getLogger(__name__)


class SupervisionError(DomainError):
    """A refused 督办 step (签收 by the wrong person, twice, …)."""


def _reporters_by_unit(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    users: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.REPORTER, is_active=True, unit_id__in=list(unit_ids)):
        users[user.unit_id].append(user)
    return users


# A unit given more new tasks than this in one delivery (a city's first delivery, a plan of 200 tasks imported at
# once) gets one notice listing them instead of one notice per task: a reporter cannot read 300 bell entries,
# and the city's first delivery would otherwise write half a million notices.
ASSIGNED_LIST_OVER = 20
LISTED_TASKS = 20  # how many of a unit's tasks a listing notice names before "等N项"


def _insert_select(model, columns: list[str], rows, *, ignore_conflicts: bool = False) -> int:
    """``INSERT INTO model (columns) SELECT …`` from a ``values_list`` queryset of the same columns, in the
    database: the sweep writes tens of thousands of rows a run, and building each as a model instance in
    Python costs minutes at city scale. Returns the number of rows inserted."""
    # values_list returns its columns in the order asked, but the SQL puts fields before annotations (in the order
    # they were annotated): the INSERT reads the SQL, so the two must agree.
    selected = [*rows.query.values_select, *rows.query.annotation_select]
    if selected != list(rows._fields) or len(selected) != len(columns):
        raise ValueError(f"INSERT … SELECT columns out of order: {selected} for {columns}")
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    suffix = connection.ops.on_conflict_suffix_sql([], on_conflict, [], []) if on_conflict else ""
    # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT's last join.
    with connection.cursor() as cursor:
        cursor.execute(
            f"{connection.ops.insert_statement(on_conflict=on_conflict)} {table} ({names}) "
            f"SELECT * FROM ({sql}) AS picked WHERE 1 = 1 {suffix}",
            params,
        )
        return max(cursor.rowcount, 0)


def _task_line(task: Task) -> str:
    due = f"(时限{task.due_on:%Y-%m-%d})" if task.due_on else ""
    return f"{task.label} {task.heading[:40]}{due}"


def assignments_deliver(*, task_ids: Iterable[int] | None = None) -> int:
    """交办: for every live assignment of an open task whose unit has no ``TaskSignature`` for it yet, create it and
    tell the unit's reporters. A group phrase (各镇街) is delivered to each unit it stands for, and a row
    for the phrase itself marks it delivered. Returns the number of rows created; a second call creates
    none and sends nothing.

    A unit given more than ``ASSIGNED_LIST_OVER`` tasks at once is told in one notice that lists them.
    """
    delivered = TaskSignature.objects.filter(task_id=OuterRef("clause__task_id"), unit_id=OuterRef("unit_id"))
    pending = (
        Assignment.objects.active()
        # Open tasks only: a task completed (销号 or a recurring one done for its period) or retired is not news
        # to a unit, and asking it to 签收 work finished years ago (an imported history) buries the new work.
        .filter(
            clause__task__deleted_at=None,
            clause__task__plan__deleted_at=None,
            clause__task__progress__completed_on=None,
        )
        .filter(~Exists(delivered))
    )
    if task_ids is not None:
        pending = pending.filter(clause__task_id__in=list(task_ids))
    now = timezone.now()
    # A group phrase's units are found in Python (few); every pair, the phrase's own included, is written by one
    # INSERT … SELECT, so a city's first delivery (a quarter of a million rows) never passes through Python.
    groups = list(pending.filter(unit__kind=UnitKind.GROUP).values_list("clause__task_id", "unit_id").distinct())
    _insert_select(
        TaskSignature,
        ["task", "unit", "assigned_at"],
        pending.order_by()
        .annotate(r_at=Value(now, output_field=DateTimeField()))
        .values_list("clause__task_id", "unit_id", "r_at")
        .distinct(),
        ignore_conflicts=True,
    )
    expanded: dict[int, list[int]] = {}
    for _task_id, unit_id in groups:
        if unit_id not in expanded:
            expanded[unit_id] = list(Unit.objects.get(pk=unit_id).expand().values_list("pk", flat=True))
    TaskSignature.objects.bulk_create(
        [TaskSignature(task_id=t, unit_id=m, assigned_at=now) for t, u in groups for m in expanded[u]],
        ignore_conflicts=True,
        batch_size=2000,
    )
    this_run = TaskSignature.objects.filter(assigned_at=now)
    given = dict(this_run.order_by().values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    created = sum(given.values())
    if not created:
        return 0
    # Per unit, its first tasks (enough to tell it task by task, or to list in one notice): one window query.
    first: dict[int, list[int]] = defaultdict(list)
    for unit_id, task_id in (
        this_run.annotate(row=Window(RowNumber(), partition_by=F("unit_id"), order_by=F("task_id").asc()))
        .filter(row__lte=max(ASSIGNED_LIST_OVER, LISTED_TASKS))
        .order_by("unit_id", "task_id")
        .values_list("unit_id", "task_id")
    ):
        first[unit_id].append(task_id)
    reporters = _reporters_by_unit(given)
    told = [u for u in given if reporters.get(u)]
    wanted = sorted({t for u in told for t in first[u][: max(ASSIGNED_LIST_OVER, LISTED_TASKS)]})
    tasks: dict[int, Task] = {}
    for start in range(0, len(wanted), 2000):  # a query's parameters are bounded
        tasks.update(Task.objects.only("id", "path", "heading", "due_on").in_bulk(wanted[start : start + 2000]))

    def notices():
        for unit_id in told:
            if given[unit_id] <= ASSIGNED_LIST_OVER:
                for task_id in first[unit_id]:
                    task = tasks[task_id]
                    for user in reporters[unit_id]:
                        yield Notice(
                            user=user,
                            kind=Notification.Kind.ASSIGNED,
                            key=f"assigned:{task_id}:{unit_id}",
                            title=f"新交办任务,请签收:{task.label} {task.heading[:40]}",
                            body=f"时限:{task.due_on:%Y-%m-%d}。" if task.due_on else "",
                            url=reverse("tasks:detail", args=[task_id]),
                        )
                continue
            n = given[unit_id]
            lines = [f"{i}. {_task_line(tasks[t])}" for i, t in enumerate(first[unit_id][:LISTED_TASKS], 1)]
            more = f"\n……等{n}项。" if n > LISTED_TASKS else ""
            for user in reporters[unit_id]:
                yield Notice(
                    user=user,
                    kind=Notification.Kind.ASSIGNED,
                    key=f"assigned-list:{unit_id}:{now.isoformat()}",
                    title=f"新交办任务{n}项,请在工作台逐项签收",
                    body="\n".join(lines) + more,
                    url=reverse("home"),
                )

    notifications_send_bulk(notices())
    return created


@transaction.atomic
def task_sign(*, task: Task, by: User) -> TaskSignature:
    """签收: the signed-in reporter acknowledges the task for its own unit, once. Nobody signs for another
    unit, the legal office included: the point is that the unit itself has seen it."""
    if by.role != Role.REPORTER or not by.unit_id or by.read_only:
        raise SupervisionError("not_reporter", "只有承办单位的填报员可以签收本单位的任务。", 403)
    signature = TaskSignature.objects.filter(task=task, unit_id=by.unit_id).first()
    if signature is None:
        raise SupervisionError("not_assigned", "本单位没有这项任务的交办记录,无需签收。", 404)
    now = timezone.now()
    done = TaskSignature.objects.filter(pk=signature.pk, signed_at=None).update(signed_at=now, signed_by=by)
    if not done:
        signature.refresh_from_db()
        when = timezone.localtime(signature.signed_at)
        raise SupervisionError("already_signed", f"本单位已于{when:%Y年%m月%d日 %H:%M}签收这项任务。", 409)
    Task.objects.filter(pk=task.pk).update(updated_at=now)  # a change for the API's incremental pull
    signature.refresh_from_db()
    return signature


# One POST of the 工作台's 全部签收 form; a unit's first delivery in a city runs to a few hundred tasks.
SIGN_BATCH_MAX = 2000


@dataclass
class BatchSignResult:
    """What ``tasks_sign`` did: the tasks it signed now and those the unit had signed already (skipped)."""

    signed: list[int]
    already_signed: list[int]


@transaction.atomic
def tasks_sign(*, task_ids: Iterable[int], by: User) -> BatchSignResult:
    """全部签收: the signed-in reporter acknowledges several tasks for its own unit in one go, on the same rules
    as ``task_sign``. All or nothing: a task not delivered to the unit (another unit's, another jurisdiction's,
    a deleted one, an id that does not exist) refuses the whole batch before anything is signed, so a stale or
    tampered form never half-succeeds. A task the unit has signed already is skipped and counted: two people
    of one unit clicking 全部签收 at once is not an error. Four queries whatever the batch size."""
    if by.role != Role.REPORTER or not by.unit_id or by.read_only:
        raise SupervisionError("not_reporter", "只有承办单位的填报员可以签收本单位的任务。", 403)
    ids = sorted({int(pk) for pk in task_ids})
    if not ids:
        raise SupervisionError("empty", "请先勾选要签收的任务。")
    if len(ids) > SIGN_BATCH_MAX:
        raise SupervisionError(
            "too_many", f"一次最多签收 {SIGN_BATCH_MAX} 项任务(所选 {len(ids)} 项),本次未签收任何任务。"
        )
    rows = dict(
        _concrete(TaskSignature.objects.filter(unit_id=by.unit_id, task_id__in=ids)).values_list("task_id", "pk")
    )
    foreign = [pk for pk in ids if pk not in rows]
    if foreign:
        # The ids are the person's own input: naming them leaks nothing about another unit's tasks.
        shown = "\u3001".join(str(pk) for pk in foreign[:5]) + ("\u7b49" if len(foreign) > 5 else "")
        raise SupervisionError(
            "not_assigned",
            f"所选任务中有 {len(foreign)} 项没有交办给本单位(任务编号 {shown}),本次未签收任何任务,请刷新后重新勾选。",
            404,
        )
    now = timezone.now()
    # The conditional UPDATE is the race guard, as in ``task_sign``: a row signed meanwhile is left alone, and
    # the rows this call signed are exactly those now carrying this call's moment and signer.
    TaskSignature.objects.filter(pk__in=rows.values(), signed_at=None).update(signed_at=now, signed_by=by)
    signed = sorted(
        TaskSignature.objects.filter(pk__in=rows.values(), signed_at=now, signed_by=by).values_list(
            "task_id", flat=True
        )
    )
    Task.objects.filter(pk__in=signed).update(updated_at=now)  # a change for the API's incremental pull
    done = set(signed)
    return BatchSignResult(signed=signed, already_signed=[pk for pk in ids if pk not in done])


def _concrete(signatures):
    """Rows of real units (the phrase's own row only marks it delivered), on live tasks."""
    return signatures.exclude(unit__kind=UnitKind.GROUP).filter(task__deleted_at=None, task__plan__deleted_at=None)


def _waiting(signatures):
    """Unsigned rows still asking for a 签收: on tasks not completed (a task delivered and then completed
    before its unit signed is not waiting for anything)."""
    return _concrete(signatures.filter(signed_at=None)).filter(task__progress__completed_on=None)


def sign_cutoff(*, today: dt.date, calendar: WorkCalendar, days: int | None = None) -> dt.datetime:
    """Assigned before this moment and still unsigned is late: more than ``days`` working days have passed.

    The first instant of the ``days``-th working day before today, in local time: a task given on that
    day has had exactly ``days`` working days and is not late yet.
    """
    days = settings.LAWGOV_SIGN_DAYS if days is None else days
    first = calendar.add_working_days(today, -days) if days else today
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


def unsigned_for_unit(*, user: User) -> list[TaskSignature]:
    """A reporter's 工作台: the open tasks its unit was given and has not signed, oldest first."""
    if not user.unit_id:
        return []
    return list(
        _waiting(TaskSignature.objects.filter(unit_id=user.unit_id))
        .select_related("task__plan")
        .order_by("assigned_at", "task_id")
    )


@dataclass
class UnsignedUnit:
    unit_id: int
    name: str
    pending: int
    late: int


def unsigned_by_unit(*, user: User, cutoff: dt.datetime) -> list[UnsignedUnit]:
    """The legal office's view: per unit of its jurisdictions, open tasks not signed, and of those the late ones
    (given before ``cutoff``); late first. One GROUP BY query."""
    tasks = Task.objects.visible_to(user)
    rows = (
        _waiting(TaskSignature.objects.filter(task__in=tasks))
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(pending=Count("pk"), late=Count("pk", filter=Q(assigned_at__lt=cutoff)))
    )
    out = [UnsignedUnit(r["unit_id"], r["unit__name"], r["pending"], r["late"]) for r in rows]
    return sorted(out, key=lambda u: (-u.late, -u.pending, u.name))


def task_signatures(*, task: Task) -> list[TaskSignature]:
    """Each unit's 交办 and 签收 on one task, for its page. ``waiting`` is the 工作台's rule (``_waiting``) for
    the row: the page offers 签收 only where the 工作台 lists the task, so not on a task completed before its
    unit signed."""
    return list(
        _concrete(TaskSignature.objects.filter(task=task))
        .annotate(waiting=Exists(_waiting(TaskSignature.objects.filter(pk=OuterRef("pk")))))
        .select_related("unit")
        .order_by("unit__name")
    )


# --- 催办 ------------------------------------------------------------------------------------------------

DEFAULT_URGE_TEXT = "请抓紧推进该项任务,并于3个工作日内在平台报送最新进展。"


def _webhook_body(kind: str, text: str) -> dict:
    """The vendor's text-message format (企业微信 and 钉钉 share one; 飞书 has its own)."""
    if kind == WebhookKind.FEISHU:
        return {"msg_type": "text", "content": {"text": text}}
    return {"msgtype": "text", "text": {"content": text}}


def webhook_post(*, kind: str, url: str, text: str, timeout: float | None = None) -> str:
    """Post a notice to a group robot; "ok", or what went wrong in words (logged on the 催办, never raised:
    a robot that is down must not stop the bell, the email or the rest of the sweep). The vendors answer
    200 with a non-zero ``errcode``/``code`` when they refuse a message."""
    timeout = settings.LAWGOV_WEBHOOK_TIMEOUT if timeout is None else timeout
    data = json.dumps(_webhook_body(kind, text), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read(4000)
    except urllib.error.HTTPError as exc:
        return f"群机器人返回 HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"群机器人无法送达:{reason}"
    try:
        answer = json.loads(payload or b"{}")
    except ValueError:
        return "ok"
    code = answer.get("errcode", answer.get("code", 0)) if isinstance(answer, dict) else 0
    if code:
        return f"群机器人拒收:{code} {answer.get('errmsg') or answer.get('msg') or ''}".strip()
    return "ok"


@dataclass
class UrgeResult:
    sent: list[Reminder]
    # Units that could not be told in the platform (no reporter account), with their contact person.
    no_reporters: list[tuple[str, str]]  # (unit name, its contact or "" when none is on record)


def reminders_urge(
    *,
    tasks: Iterable[Task],
    by: User | None,
    text: str = "",
    unit_ids: Iterable[int] | None = None,
    only: set[tuple[int, int]] | None = None,
) -> UrgeResult:
    """催办 each unit of each task (or only ``unit_ids``, or only the (task, unit) pairs in ``only``, as
    ``units_urge`` chases each chosen unit on its own open tasks): its reporters get it in the bell and by email, its
    group robot is posted to, and the 催办 is logged on the task. A unit already chased on the task has its
    leader copied (escalation). ``by`` is the legal officer (the schedule's own 催办 is ``reminders_auto``).

    A unit without a reporter account is not logged as chased: the result names it with its contact person,
    for the office to call.
    """
    tasks = list(tasks)
    if by is not None:
        allowed = set(Task.objects.editable_by(by).filter(pk__in=[t.pk for t in tasks]).values_list("pk", flat=True))
        if not tasks or len(allowed) != len({t.pk for t in tasks}):
            raise SupervisionError("not_yours", "只能对本辖区的任务催办。", 403)
    text = (text or "").strip() or DEFAULT_URGE_TEXT
    if len(text) > 1000:
        raise SupervisionError("text", "催办内容不能超过1000字。")
    assignments_deliver(task_ids=[t.pk for t in tasks])
    wanted = set(unit_ids) if unit_ids is not None else None
    pairs = list(
        _concrete(TaskSignature.objects.filter(task__in=tasks))
        .order_by("task_id", "unit__name")
        .values_list("task_id", "unit_id", "unit__name", "unit__contact_person", "unit__contact_phone")
    )
    pairs = [p for p in pairs if (wanted is None or p[1] in wanted) and (only is None or (p[0], p[1]) in only)]
    unit_set = {p[1] for p in pairs}
    reporters = _reporters_by_unit(unit_set)
    unit_settings = UnitReminderSettings.objects.select_related("leader").in_bulk(list(unit_set))
    before = {
        (r["task_id"], r["unit_id"]): r["n"]
        for r in Reminder.objects.filter(task__in=tasks, unit_id__in=unit_set)
        .values("task_id", "unit_id")
        .annotate(n=Count("pk"))
    }
    by_id = {t.pk: t for t in tasks}
    now = timezone.now()
    result = UrgeResult(sent=[], no_reporters=[])
    # Reminders and their notices are written in bulk (the schedule's 催办 covers every red task of a city);
    # only the group robots are posted one by one, since each is its own HTTP call.
    planned: list[tuple[Reminder, list[User], str]] = []
    for task_id, unit_id, unit_name, contact_person, contact_phone in pairs:
        task, extra = by_id[task_id], unit_settings.get(unit_id)
        users = list(reporters.get(unit_id, []))
        if not users:
            # The 催办 settings' contact, else the unit directory's (单位 page), else "" (the page says there is none).
            directory = " ".join(v for v in (contact_person, contact_phone) if v)
            contact = (extra.contact if extra and extra.contact else "") or directory
            if (unit_name, contact) not in result.no_reporters:
                result.no_reporters.append((unit_name, contact))
            continue
        escalated = bool(before.get((task_id, unit_id)) and extra and extra.leader and extra.leader.is_active)
        if escalated:
            users.append(extra.leader)
        body = text
        nth = before.get((task_id, unit_id), 0) + 1
        title = f"第{nth}次催办:{task.label} {task.heading[:40]}"
        channels: dict = {"bell": len(users), "email": sum(bool(u.email) for u in users)}
        if extra and extra.webhook_url:
            channels["webhook"] = webhook_post(
                kind=extra.webhook_kind or WebhookKind.WECOM,
                url=extra.webhook_url,
                text=f"【{unit_name}】{title}\n{body}",
            )
            if channels["webhook"] != "ok":
                log.warning("催办 of task %s: webhook of unit %s failed: %s", task_id, unit_id, channels["webhook"])
        reminder = Reminder(
            task=task,
            unit_id=unit_id,
            sent_by=by,
            sent_at=now,
            text=body,
            escalated=escalated,
            recipients=[{"id": u.pk, "name": u.display_name or u.username} for u in users],
            channels=channels,
        )
        planned.append((reminder, users, title))
    Reminder.objects.bulk_create([r for r, _, _ in planned], batch_size=1000)
    notifications_send_bulk(
        Notice(
            user=user,
            kind=Notification.Kind.URGED,
            key=f"reminder:{reminder.pk}:{user.pk}",
            title=title,
            body=reminder.text,
            url=reverse("tasks:detail", args=[reminder.task_id]),
        )
        for reminder, users, title in planned
        for user in users
    )
    result.sent.extend(r for r, _, _ in planned)
    if result.sent:
        Task.objects.filter(pk__in={r.task_id for r in result.sent}).update(updated_at=now)
    return result


@dataclass
class UnitsUrgeResult(UrgeResult):
    # Units chosen that have no open task to be chased on.
    nothing_open: list[str]


def units_urge(*, unit_ids: Iterable[int], by: User, text: str = "", today: dt.date | None = None) -> UnitsUrgeResult:
    """催办 units (chosen on the silent-unit list): each unit on every open task of the office's
    jurisdiction it works on, through ``reminders_urge`` (bell, email, robot, logged, escalating). A unit of
    another jurisdiction, or none chosen, is refused and nothing is sent."""
    today = today or timezone.localdate()
    wanted = {int(u) for u in unit_ids}
    if by.role != Role.LEGAL_OFFICE and not by.is_superuser:
        raise SupervisionError("not_yours", "只有法制办可以催办。", 403)
    units = list(Unit.objects.in_directory_of(by).exclude(kind=UnitKind.GROUP).filter(pk__in=wanted).order_by("name"))
    if not wanted or len(units) != len(wanted):
        raise SupervisionError("units", "请选择本辖区的单位再催办。")
    open_tasks = Task.objects.editable_by(by).exclude(status_filter(TaskStatus.DONE, today=today))
    only: set[tuple[int, int]] = set()
    nothing_open: list[str] = []
    for unit in units:
        ids = set(open_tasks.with_unit(unit.covering_ids()).values_list("pk", flat=True))
        if not ids:
            nothing_open.append(unit.name)
        only |= {(t, unit.pk) for t in ids}
    result = UnitsUrgeResult(sent=[], no_reporters=[], nothing_open=nothing_open)
    if only:
        tasks = list(Task.objects.filter(pk__in={t for t, _ in only}))
        urged = reminders_urge(tasks=tasks, by=by, text=text, unit_ids=wanted, only=only)
        result.sent, result.no_reporters = urged.sent, urged.no_reporters
    return result


def _recipients_json(users: list[User]) -> str:
    return json.dumps([{"id": u.pk, "name": u.display_name or u.username} for u in users], ensure_ascii=False)


def reminders_auto(*, today: dt.date, now: dt.datetime | None = None) -> int:
    """The schedule's 催办: every red task, each of its units at most once in ``LAWGOV_AUTO_REMIND_DAYS``.
    Returns the number of 催办 sent; run by the daily sweep after the warnings are stored.

    Every 催办 is logged on its task (a ``Reminder`` row per task and unit, written by one INSERT … SELECT per
    unit), but a unit hears of the run's 催办 in one notice listing its tasks, by bell, email and its group robot
    alike: a city has tens of thousands of red tasks, and a reporter cannot work through a bell entry for each.
    The leader of a unit chased again on a task is copied on that notice. Each log row names the notice
    (``channels["notice"]``), so the task's 催办 log shows whether it was read.
    """
    now = now or timezone.now()
    assignments_deliver()  # the units of a task are its 交办 rows
    since = now - dt.timedelta(days=settings.LAWGOV_AUTO_REMIND_DAYS)
    recent = Reminder.objects.filter(task=OuterRef("task_id"), unit=OuterRef("unit_id"), sent_at__gte=since)
    # Plain joins (not ``task__in=<subquery>``): per unit, the planner starts from the unit's few 交办 rows.
    due = _concrete(TaskSignature.objects.filter(task__warning__level=WarningLevel.RED)).filter(~Exists(recent))
    per_unit = dict(due.order_by().values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    reporters = _reporters_by_unit(per_unit)
    unit_settings = UnitReminderSettings.objects.select_related("leader", "unit").in_bulk(list(reporters))
    earlier = Reminder.objects.filter(task=OuterRef("task_id"), unit=OuterRef("unit_id"))
    text = Concat(
        Value("该项任务已超过时限("),
        Cast("task__due_on", CharField()),
        Value("),请抓紧办理并报送进展。"),
        output_field=TextField(),
    )
    keys: dict[int, str] = {}
    leaders: dict[int, User] = {}
    # Per unit, what its log rows say (whom, how), as CASE branches: one INSERT … SELECT writes the whole run.
    recipients: list[When] = []
    channel_values: list[When] = []
    for unit_id, users in sorted(reporters.items()):
        extra = unit_settings.get(unit_id)
        leader = extra.leader if extra and extra.leader and extra.leader.is_active else None
        keys[unit_id] = key = f"reminders:auto:{unit_id}:{now.isoformat()}"
        channels: dict = {"bell": len(users), "email": sum(bool(u.email) for u in users), "notice": key}
        if extra and extra.webhook_url:
            # One post per unit and run, with what its notice says in short.
            channels["webhook"] = webhook_post(
                kind=extra.webhook_kind or WebhookKind.WECOM,
                url=extra.webhook_url,
                text=f"【{extra.unit.name}】催办:本单位有{per_unit[unit_id]}项任务已超过时限,请登录平台办理并报送进展。",
            )
            if channels["webhook"] != "ok":
                log.warning("automatic 催办: webhook of unit %s failed: %s", unit_id, channels["webhook"])
        if leader is not None:  # copied where the unit was chased on the task before
            leaders[unit_id] = leader
            copied = {**channels, "bell": len(users) + 1, "email": channels["email"] + bool(leader.email)}
            again = Q(unit_id=unit_id) & Exists(earlier)
            recipients.append(When(again, then=Value(_recipients_json([*users, leader]))))
            channel_values.append(When(again, then=Value(json.dumps(copied, ensure_ascii=False))))
        recipients.append(When(unit_id=unit_id, then=Value(_recipients_json(users))))
        channel_values.append(When(unit_id=unit_id, then=Value(json.dumps(channels, ensure_ascii=False))))
    if not reporters:
        return 0
    escalated = Q(unit_id__in=list(leaders)) & Exists(earlier) if leaders else Value(False)
    rows = (
        due.filter(unit_id__in=list(reporters))
        .order_by()
        .annotate(
            r_sent_at=Value(now, output_field=DateTimeField()),
            r_text=text,
            r_escalated=ExpressionWrapper(escalated, output_field=BooleanField()),
            r_recipients=Cast(Case(*recipients, output_field=TextField()), JSONField()),
            r_channels=Cast(Case(*channel_values, output_field=TextField()), JSONField()),
        )
        .values_list("task_id", "unit_id", "r_sent_at", "r_text", "r_escalated", "r_recipients", "r_channels")
    )
    sent = _insert_select(Reminder, ["task", "unit", "sent_at", "text", "escalated", "recipients", "channels"], rows)
    if not sent:
        return 0
    this_run = Reminder.objects.filter(sent_at=now, sent_by=None)
    Task.objects.filter(pk__in=this_run.values("task_id")).update(updated_at=now)  # seen by the incremental pull
    totals = {
        r["unit_id"]: (r["n"], r["copied"])
        for r in this_run.order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), copied=Count("pk", filter=Q(escalated=True)))
    }
    listed = (
        this_run.annotate(row=Window(RowNumber(), partition_by=F("unit_id"), order_by=F("task_id").asc()))
        .filter(row__lte=LISTED_TASKS)
        .select_related("task")
        .only("unit_id", "task__id", "task__path", "task__heading", "task__due_on")
        .order_by("unit_id", "task_id")
    )
    lines: dict[int, list[str]] = defaultdict(list)
    for reminder in listed:
        lines[reminder.unit_id].append(f"{len(lines[reminder.unit_id]) + 1}. {_task_line(reminder.task)}")

    def notices():
        for unit_id, (count, copied) in totals.items():
            more = f"\n……等{count}项。" if count > LISTED_TASKS else ""
            copy = f"\n其中{copied}项为再次催办,已抄送分管领导。" if copied else ""
            body = "以下任务已超过时限,请抓紧办理并报送进展:\n" + "\n".join(lines[unit_id]) + more + copy
            for user in reporters[unit_id] + ([leaders[unit_id]] if copied else []):
                yield Notice(
                    user=user,
                    kind=Notification.Kind.URGED,
                    key=f"{keys[unit_id]}:{user.pk}",
                    title=f"催办:本单位{count}项任务已超过时限",
                    body=body,
                    url=reverse("tasks:list") + "?warning=red",
                )

    notifications_send_bulk(notices())
    return sent


def task_reminders(*, task: Task) -> list[Reminder]:
    """The 催办 log of a task, newest first, each with ``read_by`` (names of recipients who opened it):
    two queries."""
    reminders = list(Reminder.objects.filter(task=task).select_related("unit", "sent_by"))
    # A scheduled 催办 reached its unit in one notice listing its tasks (its key is in ``channels["notice"]``).
    keys = {
        f"{r.channels.get('notice') or f'reminder:{r.pk}'}:{p['id']}": (r.pk, p["name"])
        for r in reminders
        for p in r.recipients
    }
    read: dict[int, list[str]] = defaultdict(list)
    for key in Notification.objects.filter(key__in=list(keys)).exclude(read_at=None).values_list("key", flat=True):
        reminder_id, name = keys[key]
        read[reminder_id].append(name)
    for r in reminders:
        r.read_by = read.get(r.pk, [])
    return reminders


# --- 延期申请 ----------------------------------------------------------------------------------------------

EXTENSION_MAX_DAYS = 2 * 366  # an extension further than two years ahead is a typo, not a plan


@transaction.atomic
def extension_request(
    *, task: Task, by: User, new_due_on: dt.date, reason: str, today: dt.date | None = None
) -> ExtensionRequest:
    """延期申请 by a reporter for its own unit's part in the task, before the deadline (after it, only the
    legal office can move it), to a later date within two years, with a reason; one pending at a time."""
    today = today or timezone.localdate()
    if by.role != Role.REPORTER or not by.unit_id or by.read_only:
        raise SupervisionError("not_reporter", "只有承办单位的填报员可以为本单位申请延期。", 403)
    if not unit_roles_on_task(task=task, unit=by.unit):
        raise SupervisionError("not_your_task", "本单位不承担这项任务,不能申请延期。", 403)
    if task.due_on is None:
        raise SupervisionError("no_deadline", "这项任务没有时限,无需延期。")
    done = TaskProgress.objects.filter(task=task, completed_on__isnull=False).values_list("completed_on", flat=True)
    if done:
        raise SupervisionError(
            "closed", f"这项任务已于{date_label(done[0])}确认完成,无需申请延期;如需继续办理请联系法制办重新打开。", 409
        )
    if today > task.due_on:
        raise SupervisionError(
            "past_deadline", f"时限({task.due_on:%Y-%m-%d})已过,不能再申请延期;如确需延期请联系法制办。"
        )
    if new_due_on <= task.due_on:
        raise SupervisionError("new_due_on", f"延期后的时限须晚于现时限 {task.due_on:%Y-%m-%d}。")
    if (new_due_on - today).days > EXTENSION_MAX_DAYS:
        raise SupervisionError("new_due_on", "延期后的时限不能超过两年以后。")
    if not (reason or "").strip():
        raise SupervisionError("reason", "请写明延期理由。")
    if ExtensionRequest.objects.filter(task=task, unit_id=by.unit_id, status=ExtensionStatus.PENDING).exists():
        raise SupervisionError("pending", "本单位已有一份待审批的延期申请。", 409)
    request = ExtensionRequest.objects.create(
        task=task,
        unit_id=by.unit_id,
        requested_by=by,
        requested_at=timezone.now(),
        reason=reason.strip(),
        old_due_on=task.due_on,
        new_due_on=new_due_on,
    )
    Task.objects.filter(pk=task.pk).update(updated_at=timezone.now())  # seen by the API's incremental pull
    for officer in User.objects.filter(
        role=Role.LEGAL_OFFICE, is_active=True, jurisdiction_id=task.plan.jurisdiction_id
    ):
        notification_send(
            user=officer,
            kind=Notification.Kind.EXTENSION,
            key=f"extension:{request.pk}:{officer.pk}",
            title=f"延期申请待审批:{task.label} {task.heading[:30]}({by.unit.name})",
            body=f"申请延至 {new_due_on:%Y-%m-%d}。理由:{request.reason}",
            url=reverse("tasks:detail", args=[task.pk]),
        )
    return request


def extension_decide(*, request: ExtensionRequest, by: User, approve: bool, comment: str = "") -> ExtensionRequest:
    """The legal office approves (the task's deadline moves to the new date and its warning is recomputed
    at once) or refuses (a comment is required) a pending request; the unit's reporters are told."""
    with transaction.atomic():
        if not Task.objects.editable_by(by).filter(pk=request.task_id).exists():
            raise SupervisionError("not_yours", "只能审批本辖区任务的延期申请。", 403)
        if not approve and not (comment or "").strip():
            raise SupervisionError("comment", "不批准时请写明意见。")
        status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        now = timezone.now()
        done = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
            status=status, decided_by=by, decided_at=now, comment=(comment or "").strip()
        )
        if not done:
            raise SupervisionError("decided", "这份延期申请已审批过。", 409)
        task = Task.objects.get(pk=request.task_id)
        if approve and TaskProgress.objects.filter(task=task, completed_on__isnull=False).exists():
            # The request was made before the task was completed: a finished task's deadline no longer moves.
            raise SupervisionError(
                "closed", "任务已确认完成(销号),不能批准延期;可不予批准,或先重新打开任务再审批。", 409
            )
        if approve:
            task.due_on = request.new_due_on
            task._history_user = by  # the task's history keeps the deadline it had
            task.save(update_fields=["due_on", "updated_at"])
        else:
            Task.objects.filter(pk=task.pk).update(updated_at=now)
    if approve:
        jurisdiction = Task.objects.filter(pk=task.pk).values_list("plan__jurisdiction_id", flat=True).get()
        warnings_refresh(today=timezone.localdate(), calendars=calendars_for([jurisdiction]), task_ids=[task.pk])
    request.refresh_from_db()
    verdict = f"已批准,时限延至 {request.new_due_on:%Y-%m-%d}" if approve else f"未批准:{request.comment}"
    for user in User.objects.filter(role=Role.REPORTER, is_active=True, unit_id=request.unit_id):
        notification_send(
            user=user,
            kind=Notification.Kind.EXTENSION,
            key=f"extension-decided:{request.pk}:{user.pk}",
            title=f"延期申请{verdict[:3]}:{task.label} {task.heading[:30]}",
            body=verdict,
            url=reverse("tasks:detail", args=[task.pk]),
        )
    return request


def extension_grant(
    *, task: Task, by: User, new_due_on: dt.date, reason: str, today: dt.date | None = None
) -> ExtensionRequest:
    """The legal office moves a task's deadline itself: the way to extend once the deadline has passed, when a
    unit may no longer ask. Kept as an approved ``ExtensionRequest`` (``office_granted``) so that the deadline
    history, the API and the dashboard's "finished after an extension" read one table; the warning is recomputed
    at once and the units' reporters are told."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if not Task.objects.editable_by(by).filter(pk=task.pk).exists():
            raise SupervisionError("not_yours", "只有本辖区法制办可以直接延期。", 403)
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.due_on is None:
            raise SupervisionError("no_deadline", "这项任务没有时限,无需延期。")
        if TaskProgress.objects.filter(task=task, completed_on__isnull=False).exists():
            raise SupervisionError("closed", "任务已办结销号,不能延期;如需继续办理请先重新打开。", 409)
        if new_due_on <= max(task.due_on, today):
            later = max(task.due_on, today)
            raise SupervisionError("new_due_on", f"延期后的时限须晚于 {later:%Y-%m-%d}(现时限与今天中较晚的一天)。")
        if (new_due_on - today).days > EXTENSION_MAX_DAYS:
            raise SupervisionError("new_due_on", "延期后的时限不能超过两年以后。")
        if not (reason or "").strip():
            raise SupervisionError("reason", "请写明延期理由。")
        unit_id = (
            Assignment.objects.active()
            .filter(clause__task=task)
            .order_by(Case(When(role=AssignmentRole.LEAD, then=0), default=1), "pk")
            .values_list("unit_id", flat=True)
            .first()
        )
        if unit_id is None:
            raise SupervisionError("no_unit", "这项任务还没有承办单位,请先分配单位。")
        now = timezone.now()
        grant = ExtensionRequest.objects.create(
            task=task,
            unit_id=unit_id,
            requested_by=by,
            requested_at=now,
            reason=reason.strip(),
            old_due_on=task.due_on,
            new_due_on=new_due_on,
            status=ExtensionStatus.APPROVED,
            decided_by=by,
            decided_at=now,
            office_granted=True,
        )
        task.due_on = new_due_on
        task._history_user = by
        task._change_reason = f"法制办直接延期:{reason.strip()}"[:100]
        task.save(update_fields=["due_on", "updated_at"])
    jurisdiction = Task.objects.filter(pk=task.pk).values_list("plan__jurisdiction_id", flat=True).get()
    warnings_refresh(today=today, calendars=calendars_for([jurisdiction]), task_ids=[task.pk])
    units = set(TaskSignature.objects.filter(task=task).values_list("unit_id", flat=True)) | {unit_id}
    for user in User.objects.filter(role=Role.REPORTER, is_active=True, unit_id__in=units):
        notification_send(
            user=user,
            kind=Notification.Kind.EXTENSION,
            key=f"extension-granted:{grant.pk}:{user.pk}",
            title=f"法制办已将时限延至 {new_due_on:%Y-%m-%d}:{task.label} {task.heading[:30]}",
            body=reason.strip(),
            url=reverse("tasks:detail", args=[task.pk]),
        )
    return grant


def task_extensions(*, task: Task) -> list[ExtensionRequest]:
    return list(ExtensionRequest.objects.filter(task=task).select_related("unit", "requested_by", "decided_by"))


def extensions_waiting(*, user: User) -> list[ExtensionRequest]:
    """The legal office's 工作台: pending requests of its jurisdictions, oldest first."""
    return list(
        ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING, task__in=Task.objects.editable_by(user))
        .select_related("task", "unit")
        .order_by("requested_at")[:100]
    )


# --- 销号 and reopening ------------------------------------------------------------------------------------


def task_reopen(*, task: Task, by: User, reason: str) -> None:
    """Reopen a closed (销号) task: the legal office, with a reason kept in the task's progress history; the
    task takes reports again and its warning is recomputed."""
    if not Task.objects.editable_by(by).filter(pk=task.pk).exists():
        raise SupervisionError("not_yours", "只有本辖区法制办可以重新打开任务。", 403)
    if not (reason or "").strip():
        raise SupervisionError("reason", "重新打开任务时请写明理由。")
    with transaction.atomic():
        progress = TaskProgress.objects.select_for_update().filter(task=task, completed_on__isnull=False).first()
        if progress is None:
            raise SupervisionError("not_closed", "该任务尚未办结销号,无需重新打开。", 409)
        progress.completed_on = None
        progress.completed_by = None
        progress._history_user = by
        progress._change_reason = f"重新打开:{reason.strip()}"[:100]
        progress.save()
        Task.objects.filter(pk=task.pk).update(updated_at=timezone.now())
    jurisdiction = Task.objects.filter(pk=task.pk).values_list("plan__jurisdiction_id", flat=True).get()
    warnings_refresh(today=timezone.localdate(), calendars=calendars_for([jurisdiction]), task_ids=[task.pk])
