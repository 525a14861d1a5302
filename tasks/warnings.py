"""预警: a task's warning level, as one pure rule, and the sweep that stores it for every open task.

The rule (``task_warning``) reads one task's facts, the jurisdiction's thresholds and the working-day calendar,
and is tested from one table of cases (tests/tasks/test_warnings.py). The level changes when only the date
moves, so lists cannot compute it in SQL the way they compute status: the daily sweep (``warnings_refresh``)
stores it in ``TaskWarning`` with the time it changed, and every list, count and filter reads that column.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from lawgov.calendar import WorkCalendar
from plans.models import Task
from tasks.models import ProgressReport, ReportStatus, TaskWarning, WarningLevel, WarningPolicy

# Severity order, for "the worst of" and sorting.
SEVERITY = {WarningLevel.NONE: 0, WarningLevel.BLUE: 1, WarningLevel.YELLOW: 2, WarningLevel.RED: 3}


@dataclass(frozen=True)
class Thresholds:
    """A jurisdiction's thresholds: blue within ``blue_days`` working days of the deadline; yellow when the
    reported percent is ``behind_margin`` points below the share of working time elapsed, or nothing was
    reported for ``silent_days`` working days, or the last report was returned."""

    blue_days: int
    behind_margin: int
    silent_days: int


def default_thresholds() -> Thresholds:
    """The settings' thresholds, for a jurisdiction without a ``WarningPolicy`` row."""
    return Thresholds(
        blue_days=settings.LAWGOV_WARN_DAYS,
        behind_margin=settings.LAWGOV_WARN_BEHIND_MARGIN,
        silent_days=settings.LAWGOV_WARN_SILENT_DAYS,
    )


def thresholds_for(jurisdiction_ids: Iterable[int]) -> dict[int, Thresholds]:
    """Each jurisdiction's thresholds (its policy row, or the defaults): one query."""
    default = default_thresholds()
    out = dict.fromkeys(jurisdiction_ids, default)
    for policy in WarningPolicy.objects.filter(jurisdiction_id__in=list(out)):
        out[policy.jurisdiction_id] = Thresholds(policy.blue_days, policy.behind_margin, policy.silent_days)
    return out


def task_warning(
    *,
    due_on: dt.date | None,
    completed_on: dt.date | None,
    started_on: dt.date | None,
    last_report_on: dt.date | None,
    last_percent: int | None,
    last_returned: bool,
    today: dt.date,
    calendar: WorkCalendar,
    thresholds: Thresholds,
) -> tuple[WarningLevel, str]:
    """The warning a task carries today and why, in the words the 工作台 shows.

    Red (overdue) outranks yellow (behind, silent or returned), which outranks blue (deadline near): a
    leader reads the worst thing about a task. A completed task carries none. ``last_report_on`` and
    ``last_percent`` are the latest report the unit sent (not a draft); ``started_on`` is when the work
    began (the plan's issue date), from which silence and the elapsed share of time are counted.
    """
    if completed_on:
        return WarningLevel.NONE, ""
    if due_on and today > due_on:
        return WarningLevel.RED, f"已逾期{(today - due_on).days}天(时限{due_on:%Y-%m-%d})"
    if last_returned:
        return WarningLevel.YELLOW, "最近一次进展被退回,尚未重新报送"
    since = last_report_on or started_on
    if since and since < today:
        quiet = calendar.working_days_between(since, today)
        if quiet >= thresholds.silent_days:
            what = "未报送进展" if last_report_on else "从未报送进展"
            return WarningLevel.YELLOW, f"已{quiet}个工作日{what}"
    if due_on and started_on and started_on < today:
        span = calendar.working_days_between(started_on, due_on)
        if span > 0:
            elapsed = round(100 * calendar.working_days_between(started_on, today) / span)
            percent = last_percent or 0
            if percent + thresholds.behind_margin < elapsed:
                return WarningLevel.YELLOW, f"进度落后:报送完成{percent}%,时间已过{elapsed}%"
    if due_on:
        left = calendar.working_days_between(today, due_on)
        if left <= thresholds.blue_days:
            holiday = calendar.holiday_name(due_on)
            note = f",时限当天为{holiday}假期" if holiday else ""
            return WarningLevel.BLUE, f"距时限{due_on:%Y-%m-%d}还有{left}个工作日{note}"
    return WarningLevel.NONE, ""


@dataclass
class RefreshResult:
    checked: int = 0
    changed: int = 0


def _latest(field: str):
    """The latest sent (not draft, not deleted) report's ``field`` for each task, as a subquery."""
    latest = (
        ProgressReport.objects.filter(task=OuterRef("pk"), deleted_at=None)
        .exclude(status=ReportStatus.DRAFT)
        .order_by("-reported_on", "-id")
        .values(field)[:1]
    )
    return Subquery(latest)


def warnings_refresh(
    *, today: dt.date, calendars: dict[int, WorkCalendar], task_ids: Iterable[int] | None = None, chunk: int = 2000
) -> RefreshResult:
    """Compute and store the warning of every active task (or of ``task_ids``), in chunks of ``chunk`` tasks:
    memory stays bounded whatever the number of tasks, and only rows whose level or reason changed are
    written. ``changed_at`` moves only when the level does (an API pull sees a task whose warning changed,
    not one whose countdown ticked). ``calendars`` maps a jurisdiction id to its calendar
    (``tasks.selectors.calendars_for``)."""
    now = timezone.now()
    tasks = Task.objects.active()
    if task_ids is not None:
        tasks = tasks.filter(pk__in=list(task_ids))
    rows = (
        tasks.order_by("pk")
        .annotate(
            jurisdiction_id=F("plan__jurisdiction_id"),
            started_on=Coalesce(F("plan__issued_on"), TruncDate("created_at")),
            completed_on=F("progress__completed_on"),
            last_on=_latest("reported_on"),
            last_percent=_latest("percent"),
            last_status=_latest("status"),
        )
        .values(
            "pk", "due_on", "jurisdiction_id", "started_on", "completed_on", "last_on", "last_percent", "last_status"
        )
    )
    thresholds: dict[int, Thresholds] = {}
    result = RefreshResult()
    last_pk = 0
    while True:
        page = list(rows.filter(pk__gt=last_pk)[:chunk])
        if not page:
            break
        last_pk = page[-1]["pk"]
        missing = {r["jurisdiction_id"] for r in page} - set(thresholds)
        if missing:
            thresholds.update(thresholds_for(missing))
        stored = {w.task_id: w for w in TaskWarning.objects.filter(task_id__in=[r["pk"] for r in page])}
        create, update = [], []
        for r in page:
            level, reason = task_warning(
                due_on=r["due_on"],
                completed_on=r["completed_on"],
                started_on=_as_date(r["started_on"]),
                last_report_on=r["last_on"],
                last_percent=r["last_percent"],
                last_returned=r["last_status"] == ReportStatus.RETURNED,
                today=today,
                calendar=calendars.get(r["jurisdiction_id"]) or calendars[None],
                thresholds=thresholds[r["jurisdiction_id"]],
            )
            result.checked += 1
            old = stored.get(r["pk"])
            if old is None:
                if level != WarningLevel.NONE:
                    create.append(TaskWarning(task_id=r["pk"], level=level, reason=reason, changed_at=now))
                    result.changed += 1
            elif old.level != level or old.reason != reason:
                if old.level != level:
                    old.changed_at = now
                    result.changed += 1
                old.level, old.reason = level, reason
                update.append(old)
        # One upsert for new and changed rows: the reason of every overdue task changes daily ("已逾期N天"), and
        # bulk_update's CASE per row took minutes over a city's 75,000 red tasks.
        TaskWarning.objects.bulk_create(
            create + update,
            update_conflicts=True,
            unique_fields=["task"],
            update_fields=["level", "reason", "changed_at"],
        )
    return result


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def level_filter(levels: Iterable[str], *, prefix: str = "") -> Q:
    """Tasks at any of ``levels`` (stored by the sweep): "none" includes tasks the sweep never warned."""
    levels = set(levels)
    q = Q(**{f"{prefix}warning__level__in": sorted(levels)})
    if WarningLevel.NONE in levels:
        q |= Q(**{f"{prefix}warning__isnull": True})
    return q


def counts_by_level(rows: Iterable[dict]) -> dict[str, int]:
    """``{"blue": 3, ...}`` from ``values("warning__level").annotate(n=Count(...))`` rows."""
    out: dict[str, int] = defaultdict(int)
    for row in rows:
        out[row["warning__level"] or WarningLevel.NONE] += row["n"]
    return dict(out)
