"""The daily sweep: recurring deadlines roll, warnings are stored, reminders and the weekly digest go out.

It runs in every setup: under Celery beat in production (``tasks.jobs.sweep_daily``), and in the embedded
default without Redis from the web process itself (``tasks.schedule``) and from ``make run`` at start-up
(``manage.py sweep_daily``). Whichever starts first on a day runs it; the ``SweepRun`` row of the day is the
lock, so a second start (the same day, or at the same moment from another process) exits at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from lawgov.daily import run_daily
from plans.models import Plan
from tasks import selectors, services, supervision
from tasks.digest import digest_week, weekly_digests_send
from tasks.models import SweepRun
from tasks.warnings import warnings_refresh

log = logging.getLogger(__name__)


def daily_sweep(*, today: dt.date, trigger: str) -> SweepRun | None:
    """Run the day's sweep once; ``None`` when it already ran (or is running) for ``today``.

    A failure is recorded on the day's row (the admin shows it) and raised for the caller's log; the day is
    then done: the next day's run starts afresh, and an operator can delete the row to run it again.
    """
    try:
        with transaction.atomic():
            run = SweepRun.objects.create(day=today, started_at=timezone.now(), trigger=trigger)
    except IntegrityError:
        return None
    result: dict = {}
    seconds: dict[str, float] = {}  # each step's wall time: the ops page and `make bench-sweep` read where it goes
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[step] = round(now - clock, 2)
        clock = now

    try:
        result["deadlines_rolled"] = services.recurring_deadlines_roll(today=today)
        lap("deadlines")
        result["assignments_delivered"] = supervision.assignments_deliver()
        lap("assignments")
        jurisdictions = list(Plan.objects.active().values_list("jurisdiction_id", flat=True).distinct())
        refreshed = warnings_refresh(today=today, calendars=selectors.calendars_for(jurisdictions))
        result["warnings_checked"], result["warnings_changed"] = refreshed.checked, refreshed.changed
        lap("warnings")
        result["auto_urged"] = supervision.reminders_auto(today=today)
        lap("auto_urge")
        reminders = services.reminders_send(today=today)
        result["reminders_created"], result["reminders_emailed"] = reminders.created, reminders.emailed
        lap("reminders")
        # The legal office's weekly summary goes out with the others, from LAWGOV_DIGEST_WEEKDAY on.
        due = digest_week(today) is not None
        result["digests_created"] = services.weekly_digest_send(today=today).created if due else 0
        result["weekly_digests"] = vars(weekly_digests_send(today=today))
        lap("digest")
        # The other apps' daily duties (the annual report's statutory calendar…), lawgov.daily.
        result["daily_hooks"] = run_daily(today)
        lap("hooks")
        result["seconds"] = seconds
    except Exception as exc:
        result["seconds"] = seconds
        SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result, error=repr(exc)[:2000])
        log.exception("daily sweep of %s failed", today)
        raise
    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result)
    run.refresh_from_db()
    return run


def last_run() -> SweepRun | None:
    """The latest sweep, for the ops page and the legal office's 工作台 ("巡检于 …")."""
    return SweepRun.objects.order_by("-day").first()
