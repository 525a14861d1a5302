"""Reminders: the right units hear of due, overdue and returned work, once per task, unit and day."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from lawgov.models import Notification
from tasks import jobs, services
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory
from tests.tasks.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_daily_reminders_are_sent_once(district, unit, other_unit, reporter, other_reporter):
    reporter.email = "bianban@example.gov.cn"
    reporter.save()
    plan_factory(jurisdiction=district, tasks=2, lead=unit, cooperating=other_unit, due_on=TODAY + dt.timedelta(days=3))
    plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=TODAY - dt.timedelta(days=5))
    plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=TODAY + dt.timedelta(days=200))
    first = services.reminders_send(today=TODAY)
    # 区编办: 2 due soon + 1 overdue; 区财政局 (cooperating): 2 due soon.
    assert first.created == 5
    kinds = sorted(Notification.objects.filter(user=reporter).values_list("kind", flat=True))
    assert kinds == ["due_soon", "due_soon", "overdue"]
    due = TODAY + dt.timedelta(days=3)  # the date in the title carries its year (2016年9月15日)
    soon = Notification.objects.filter(user=reporter, kind="due_soon").first()
    assert soon.title.startswith(f"任务将于 {due.year}年{due.month}月{due.day}日 到期")
    assert Notification.objects.filter(user=other_reporter).count() == 2
    assert len(mail.outbox) == 3 and first.emailed == 3
    second = services.reminders_send(today=TODAY)
    assert second.created == 0 and second.skipped == 5
    assert len(mail.outbox) == 3
    # The next day is a new day.
    assert services.reminders_send(today=TODAY + dt.timedelta(days=1)).created == 5


def test_group_phrase_reaches_every_township(district, legal_officer):
    towns = [make_unit(district, name, "township") for name in ("南村镇", "石楼镇")]
    group = make_unit(district, "各镇街", "group", group_kinds=["township"])
    users = [make_user(f"t{i}", "reporter", unit=town, jurisdiction=district) for i, town in enumerate(towns)]
    plan_factory(jurisdiction=district, tasks=1, lead=group, due_on=TODAY - dt.timedelta(days=1))
    services.reminders_send(today=TODAY)
    for user in users:
        assert Notification.objects.filter(user=user, kind="overdue").count() == 1


def test_done_tasks_are_not_chased(district, unit, reporter, legal_officer):
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=TODAY - dt.timedelta(days=1)).tasks.get()
    report = services.progress_report_create(
        task=task,
        unit=unit,
        by=reporter,
        reported_on=TODAY - dt.timedelta(days=2),
        text="完成",
        percent=100,
        claims_completion=True,
        today=TODAY,
    )
    services.progress_report_accept(report=report, by=legal_officer)
    Notification.objects.all().delete()
    assert services.reminders_send(today=TODAY).created == 0


def test_returned_reports_are_reminded(district, unit, reporter, legal_officer):
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=TODAY + dt.timedelta(days=100)).tasks.get()
    report = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=TODAY, text="x", percent=10, today=TODAY
    )
    services.progress_report_return(report=report, by=legal_officer, reason="补充材料")
    services.reminders_send(today=TODAY)
    assert Notification.objects.filter(user=reporter, kind="returned", key__startswith="returned:").count() >= 1
    before = Notification.objects.count()
    services.reminders_send(today=TODAY)
    assert Notification.objects.count() == before


def test_weekly_digest_once_a_week(district, unit, legal_officer):
    plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=TODAY - dt.timedelta(days=1))
    assert services.weekly_digest_send(today=TODAY).created == 1
    # 2026-11-22 is a Sunday: the Saturday before is the same ISO week, the Monday after is the next.
    assert services.weekly_digest_send(today=TODAY - dt.timedelta(days=1)).created == 0
    assert services.weekly_digest_send(today=TODAY + dt.timedelta(days=1)).created == 1
    digest = Notification.objects.filter(user=legal_officer).order_by("created_at").first()
    assert "逾期任务 2 项" in digest.body


def test_the_beat_job_runs_the_service(district, unit, reporter):
    plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=timezone.localdate())
    result = jobs.reminders_daily.delay().get()
    assert result["created"] == 1
    assert jobs.reminders_daily.delay().get()["created"] == 0


def test_recurring_deadline_rolls_forward(district, unit):
    from plans.models import Deadline

    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=dt.date(2026, 3, 31)).tasks.get()
    Deadline.objects.create(task=task, text="每年第一季度", recurrence={"rule": "yearly", "quarter": 1})
    assert services.recurring_deadlines_roll(today=TODAY) == 1
    task.refresh_from_db()
    assert task.due_on == dt.date(2027, 3, 31)


def test_review_notices_name_the_report_they_are_about(district, unit, reporter, legal_officer):
    """Two weekly reports on one task accepted: the bell shows two titles a reporter can tell apart."""
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit).tasks.get()
    for day in (TODAY - dt.timedelta(days=7), TODAY):
        report = services.progress_report_create(
            task=task, unit=unit, by=reporter, reported_on=day, text="本周进展", percent=10
        )
        services.progress_report_accept(report=report, by=legal_officer)
    titles = list(Notification.objects.filter(user=reporter, kind="reviewed").values_list("title", flat=True))
    assert len(titles) == len(set(titles)) == 2
    assert any(title.startswith(f"{TODAY.year}年{TODAY.month}月{TODAY.day}日的进展已采纳") for title in titles)
