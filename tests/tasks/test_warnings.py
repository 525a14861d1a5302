"""预警: the rule from one table of cases (calendar and today passed in), and the sweep that stores it."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.models import Task
from tasks import services
from tasks.calendar import build_calendar, national_days
from tasks.models import SweepRun, TaskWarning, WarningLevel, WarningPolicy
from tasks.selectors import calendars_for
from tasks.sweep import daily_sweep
from tasks.warnings import Thresholds, task_warning, warnings_refresh
from tests.factories import plan_factory
from tests.tasks.conftest import TODAY

D = dt.date.fromisoformat
CALENDAR = build_calendar(national_days())
T = Thresholds(blue_days=10, behind_margin=20, silent_days=22)
START = D("2026-01-01")

# today, due_on, completed_on, last report on, its percent, returned → level, words in the reason
CASES = [
    ("2026-11-22", "2026-12-31", "2026-11-01", None, None, False, WarningLevel.NONE, ""),
    ("2026-11-22", "2026-11-20", None, "2026-11-20", 80, False, WarningLevel.RED, "已逾期2天"),
    ("2026-11-22", None, None, None, None, False, WarningLevel.YELLOW, "从未报送进展"),
    ("2026-11-22", "2026-12-31", None, "2026-11-20", 50, True, WarningLevel.YELLOW, "被退回"),
    ("2026-11-22", "2026-12-31", None, "2026-11-20", 90, False, WarningLevel.NONE, ""),
    ("2026-11-22", "2026-12-31", None, "2026-11-20", 30, False, WarningLevel.YELLOW, "进度落后:报送完成30%"),
    ("2026-11-22", "2026-12-31", None, "2026-10-20", 95, False, WarningLevel.YELLOW, "个工作日未报送进展"),
    ("2026-11-22", "2026-12-31", None, "2026-11-02", 95, False, WarningLevel.NONE, ""),
    # 10 working days from Sunday 11-22 is Friday 12-04 (blue); Monday 12-07 is the 11th (none).
    ("2026-11-22", "2026-12-04", None, "2026-11-20", 95, False, WarningLevel.BLUE, "还有10个工作日"),
    ("2026-11-22", "2026-12-07", None, "2026-11-20", 95, False, WarningLevel.NONE, ""),
    # A deadline on a holiday is said to be one.
    ("2026-09-22", "2026-10-01", None, "2026-09-21", 95, False, WarningLevel.BLUE, "时限当天为国庆节假期"),
    # 18 calendar days but 7 working days across 中秋 and 国庆 (with the 调休 Saturday 10-10): blue.
    ("2026-09-24", "2026-10-12", None, "2026-09-23", 95, False, WarningLevel.BLUE, "还有7个工作日"),
    # Overdue outranks everything, returned or silent.
    ("2026-11-22", "2026-11-01", None, None, None, True, WarningLevel.RED, "已逾期21天"),
    # Done on the day after the deadline: no warning.
    ("2026-11-22", "2026-11-01", "2026-11-02", None, None, False, WarningLevel.NONE, ""),
]


@pytest.mark.parametrize(("today", "due", "done", "last", "percent", "returned", "level", "words"), CASES)
def test_the_rule(today, due, done, last, percent, returned, level, words):
    got, reason = task_warning(
        due_on=D(due) if due else None,
        completed_on=D(done) if done else None,
        started_on=START,
        last_report_on=D(last) if last else None,
        last_percent=percent,
        last_returned=returned,
        today=D(today),
        calendar=CALENDAR,
        thresholds=T,
    )
    assert got == level
    assert words in reason
    assert (reason == "") is (level == WarningLevel.NONE)


def test_thresholds_are_per_jurisdiction():
    args = dict(
        due_on=D("2026-12-18"),
        completed_on=None,
        started_on=START,
        last_report_on=D("2026-11-20"),
        last_percent=95,
        last_returned=False,
        today=TODAY,
        calendar=CALENDAR,
    )
    assert task_warning(**args, thresholds=T)[0] == WarningLevel.NONE
    assert task_warning(**args, thresholds=Thresholds(20, 20, 22))[0] == WarningLevel.BLUE


pytestmark = pytest.mark.django_db


def _refresh(today=TODAY, **kwargs):
    return warnings_refresh(today=today, calendars=calendars_for([]), **kwargs)


def test_the_sweep_stores_levels_and_moves_changed_at_only_when_the_level_changes(district, unit, reporter):
    overdue = plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=D("2026-11-01"))
    near = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=D("2026-12-04")).tasks.get()
    services.progress_report_create(
        task=near, unit=unit, by=reporter, reported_on=D("2026-11-20"), text="推进中", percent=95, today=TODAY
    )
    first = _refresh(chunk=2)  # chunks smaller than the data: the paging is exercised
    assert first.checked == 3 and first.changed == 3
    levels = dict(TaskWarning.objects.values_list("task_id", "level"))
    assert [levels[t.pk] for t in overdue.tasks.all()] == ["red", "red"]
    assert levels[near.pk] == "blue"
    stamp = TaskWarning.objects.get(task=near).changed_at
    # The next day: still blue, one working day fewer: the reason changes, changed_at does not.
    second = _refresh(today=D("2026-11-23"))
    assert second.changed == 0
    warning = TaskWarning.objects.get(task=near)
    assert warning.changed_at == stamp and "还有9个工作日" in warning.reason
    # Past its deadline it turns red, and changed_at moves.
    _refresh(today=D("2026-12-05"))
    warning.refresh_from_db()
    assert warning.level == "red" and warning.changed_at > stamp


def test_a_jurisdiction_policy_changes_the_stored_level(district, unit, reporter):
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=D("2026-12-18")).tasks.get()
    services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=D("2026-11-20"), text="x", percent=95, today=TODAY
    )
    _refresh()
    assert not TaskWarning.objects.filter(task=task).exclude(level="none").exists()
    WarningPolicy.objects.create(jurisdiction=district, blue_days=20, behind_margin=20, silent_days=22)
    _refresh()
    assert TaskWarning.objects.get(task=task).level == "blue"


def test_a_completed_task_loses_its_warning(district, unit, reporter, legal_officer):
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=D("2026-11-01")).tasks.get()
    _refresh()
    assert TaskWarning.objects.get(task=task).level == "red"
    report = services.progress_report_create(
        task=task,
        unit=unit,
        by=reporter,
        reported_on=TODAY,
        text="完成",
        percent=100,
        claims_completion=True,
        today=TODAY,
    )
    services.progress_report_accept(report=report, by=legal_officer)
    _refresh()
    assert TaskWarning.objects.get(task=task).level == "none"


def test_the_daily_sweep_runs_once_a_day(district, unit, reporter):
    plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=D("2026-11-01"))
    run = daily_sweep(today=TODAY, trigger="test")
    assert run.finished_at and not run.error
    assert run.result["warnings_changed"] == 2 and run.result["reminders_created"] == 2
    assert daily_sweep(today=TODAY, trigger="test") is None
    assert SweepRun.objects.count() == 1
    assert daily_sweep(today=TODAY + dt.timedelta(days=1), trigger="test") is not None


def test_updated_since_returns_tasks_whose_warning_changed(client, district, unit, api_client_user):
    from rest_framework.authtoken.models import Token

    tasks = list(plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=D("2027-06-30")).tasks.all())
    _refresh()
    since = timezone.now()
    Task.objects.update(updated_at=since - dt.timedelta(days=1))
    token = Token.objects.create(user=api_client_user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    url = f"/api/v1/tasks/?updated_since={since.isoformat().replace('+', '%2B')}"
    assert client.get(url, **headers).json()["count"] == 0
    # Only the date moved (and the first task's deadline was reached): the sweep changes its warning.
    Task.objects.filter(pk=tasks[0].pk).update(due_on=D("2026-11-01"))
    Task.objects.update(updated_at=since - dt.timedelta(days=1))
    _refresh()
    body = client.get(url, **headers).json()
    assert [r["id"] for r in body["results"]] == [tasks[0].pk]
    assert body["results"][0]["warning"] == "red" and "已逾期" in body["results"][0]["warning_reason"]
