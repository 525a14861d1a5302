"""The weekly digest (issue 15): reporters get their unit's open, warned and returned work, leaders a summary
(by warning level, overdue by unit, silent units), by email and in the bell, from the daily sweep on the
configured weekday, once a week however often the sweep runs."""

import datetime as dt

import pytest
from django.core import mail

from lawgov.models import Notification
from tasks import services
from tasks.digest import weekly_digests_send
from tasks.sweep import daily_sweep
from tests.conftest import make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def work(district, unit, other_unit, reporter, legal_officer, leader):
    """区编办 leads an overdue task and a task due in two months (its report on it was returned); 区财政局
    helps on both and has no reporter account."""
    reporter.email = "bianban@example.gov.cn"
    reporter.save()
    leader.email = "leader@example.gov.cn"
    leader.save()
    overdue = plan_factory(
        jurisdiction=district, tasks=1, lead=unit, cooperating=other_unit, due_on=dt.date(2026, 11, 2)
    ).tasks.get()
    later = plan_factory(
        jurisdiction=district, tasks=1, lead=unit, cooperating=other_unit, due_on=dt.date(2027, 1, 20)
    ).tasks.get()
    report = services.progress_report_create(
        task=later, unit=unit, by=reporter, reported_on=dt.date(2026, 11, 20), text="已起草", percent=30, today=MONDAY
    )
    services.progress_report_return(report=report, by=legal_officer, reason="请补充佐证材料")
    return overdue, later


def digests(to: str) -> list:
    return [m for m in mail.outbox if m.to == [to] and "周)" in m.subject]


def test_the_sweep_sends_each_reporter_and_leader_the_weeks_digest(work, reporter, leader, settings):
    settings.LAWGOV_DIGEST_WEEKDAY = 1
    run = daily_sweep(today=MONDAY, trigger="test")
    assert run.result["weekly_digests"] == {"reporters": 1, "leaders": 1}
    [ours] = digests("bianban@example.gov.cn")
    assert ours.subject == "区编办本周督办提醒(2026年第48周)"
    assert "本单位未完成的任务 2 项。" in ours.body
    assert "有预警的任务:红色1项" in ours.body
    assert "[红色] 1. 任务1:已逾期" in ours.body
    assert "被退回、待修改的进展 1 条" in ours.body and "退回理由:请补充佐证材料" in ours.body
    [summary] = digests("leader@example.gov.cn")
    assert summary.subject == "法治政府建设任务督办周报(2026年第48周)"
    assert "未完成任务预警:红色 1 项;黄色 1 项;蓝色 0 项。" in summary.body
    assert "逾期任务 1 项,按单位:\n区编办 1 项\n区财政局 1 项" in summary.body
    # A returned report is not a report this month: both units are silent.
    assert "本月未报送进展的单位 2 个:区编办、区财政局" in summary.body
    # In the bell too.
    notice = Notification.objects.get(user=reporter, kind="digest")
    assert notice.key == "weekly:reporter:2026-W48" and notice.emailed_at is not None
    assert Notification.objects.filter(user=leader, kind="digest", key="weekly:leader:2026-W48").exists()


def test_once_a_week_from_the_configured_weekday(work, reporter, leader, settings):
    settings.LAWGOV_DIGEST_WEEKDAY = 3  # Wednesday
    assert vars(weekly_digests_send(today=MONDAY)) == {"reporters": 0, "leaders": 0}
    wednesday = MONDAY + dt.timedelta(days=2)
    assert vars(weekly_digests_send(today=wednesday)) == {"reporters": 1, "leaders": 1}
    # Later the same week (the sweep runs daily, or twice): nothing more.
    for day in (wednesday, wednesday + dt.timedelta(days=1), wednesday + dt.timedelta(days=4)):
        assert vars(weekly_digests_send(today=day)) == {"reporters": 0, "leaders": 0}
    assert len(digests("bianban@example.gov.cn")) == 1 and len(digests("leader@example.gov.cn")) == 1
    # A sweep that missed Wednesday the next week catches up on Thursday.
    assert vars(weekly_digests_send(today=wednesday + dt.timedelta(days=8))) == {"reporters": 1, "leaders": 1}
    assert [m.subject for m in digests("bianban@example.gov.cn")][-1].endswith("(2026年第49周)")


def test_every_reporter_of_a_unit_gets_it_and_another_units_work_is_not_in_it(
    work, unit, other_unit, district, reporter, settings
):
    settings.LAWGOV_DIGEST_WEEKDAY = 1
    second = make_user("second", "reporter", unit=unit, jurisdiction=district, email="second@example.gov.cn")
    finance = make_user("finance", "reporter", unit=other_unit, jurisdiction=district, email="cz@example.gov.cn")
    plan_factory(jurisdiction=district, tasks=2, lead=other_unit, due_on=dt.date(2026, 10, 1))
    weekly_digests_send(today=MONDAY)
    assert digests("second@example.gov.cn")[0].body == digests("bianban@example.gov.cn")[0].body
    [theirs] = digests("cz@example.gov.cn")
    assert theirs.subject.startswith("区财政局本周督办提醒") and "本单位未完成的任务 4 项。" in theirs.body
    assert "退回理由" not in theirs.body
    assert second.pk and finance.pk


def test_the_legal_offices_weekly_summary_waits_for_the_digest_day_too(work, legal_officer, settings):
    settings.LAWGOV_DIGEST_WEEKDAY = 3  # Wednesday
    assert daily_sweep(today=MONDAY, trigger="test").result["digests_created"] == 0
    assert not Notification.objects.filter(user=legal_officer, kind="digest").exists()
    wednesday = MONDAY + dt.timedelta(days=2)
    assert daily_sweep(today=wednesday, trigger="test").result["digests_created"] == 1
    assert daily_sweep(today=wednesday + dt.timedelta(days=1), trigger="test").result["digests_created"] == 0
