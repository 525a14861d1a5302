"""The daily sweep runs in every setup: from the web process when there is no Celery beat (the embedded
default), once a day however many times it is started, and from the command ``make run`` calls."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lawgov.models import Notification
from tasks import jobs, schedule
from tasks.models import SweepRun, TaskWarning
from tasks.sweep import daily_sweep
from tests.factories import plan_factory

TODAY = timezone.localdate()


def _overdue_task(district, unit):
    return plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=TODAY - dt.timedelta(days=30)).tasks.get()


def _wait_for_sweep_thread() -> None:
    for thread in threading.enumerate():
        if thread.name == "lawgov-daily-sweep":
            thread.join(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_the_embedded_schedule_runs_on_a_request(client, settings, district, unit, reporter, monkeypatch):
    """No beat, no Redis: the first request of the day starts the sweep in a thread; the overdue task turns
    red and the unit's reporter is told, without anyone running a command."""
    task = _overdue_task(district, unit)
    settings.LAWGOV_EMBEDDED_SWEEP = True
    settings.LAWGOV_SWEEP_HOUR = 0
    monkeypatch.setattr(schedule, "_next_check", 0.0)
    client.get("/login/")
    _wait_for_sweep_thread()
    run = SweepRun.objects.get(day=TODAY)
    assert run.trigger == "embedded" and run.finished_at and not run.error
    assert TaskWarning.objects.get(task=task).level == "red"
    assert Notification.objects.filter(user=reporter, kind="overdue").count() == 1
    # Within the minute no second check starts; after it, the check finds today's run and sends nothing.
    client.get("/login/")
    assert not any(t.name == "lawgov-daily-sweep" for t in threading.enumerate())
    monkeypatch.setattr(schedule, "_next_check", 0.0)
    client.get("/login/")
    _wait_for_sweep_thread()
    assert SweepRun.objects.count() == 1
    assert Notification.objects.filter(user=reporter, kind="overdue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_embedded_schedule_is_off_when_beat_runs_it(client, settings, district, unit, monkeypatch):
    _overdue_task(district, unit)
    settings.LAWGOV_EMBEDDED_SWEEP = False
    monkeypatch.setattr(schedule, "_next_check", 0.0)
    client.get("/login/")
    _wait_for_sweep_thread()
    assert not SweepRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_sweep_started_twice_at_once_runs_once(district, unit, reporter):
    _overdue_task(district, unit)
    results = []
    barrier = threading.Barrier(2)

    def start():
        barrier.wait()
        try:
            results.append(daily_sweep(today=TODAY, trigger="test"))
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r is None for r in results) == [False, True]
    assert Notification.objects.filter(user=reporter, kind="overdue").count() == 1


@pytest.mark.django_db
def test_the_command_and_the_beat_job(district, unit, reporter, capsys):
    _overdue_task(district, unit)
    call_command("sweep_daily")
    assert "每日巡检完成" in capsys.readouterr().out
    call_command("sweep_daily")
    assert "已运行过" in capsys.readouterr().out
    assert jobs.sweep_daily.delay().get() == {"skipped": True}
    SweepRun.objects.all().delete()
    assert jobs.sweep_daily.delay().get()["warnings_checked"] == 1
