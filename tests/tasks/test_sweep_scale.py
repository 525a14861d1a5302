"""Issue 15, speed: the daily sweep's bulk paths. A unit given many tasks at once (交办), chased on many red tasks
by the schedule (催办) or with many overdue tasks (reminders) hears of them in one notice that lists them, while
every 催办 is still logged on its own task; and running the sweep twice sends nothing twice."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from lawgov.models import Notification
from tasks import services, supervision
from tasks.models import Reminder, SweepRun, TaskSignature, UnitReminderSettings
from tasks.selectors import calendars_for
from tasks.sweep import daily_sweep
from tasks.warnings import warnings_refresh
from tests.conftest import make_user
from tests.factories import plan_factory
from tests.tasks.conftest import TODAY

pytestmark = pytest.mark.django_db
MANY = 25  # more than a unit is told of one by one (supervision.ASSIGNED_LIST_OVER)


@pytest.fixture
def many_red(district, unit, other_unit):
    """MANY overdue tasks led by 区编办 (with a reporter), 区财政局 cooperating (without one)."""
    plan = plan_factory(
        jurisdiction=district, tasks=MANY, lead=unit, cooperating=other_unit, due_on=TODAY - dt.timedelta(days=30)
    )
    return list(plan.tasks.order_by("position"))


def test_many_tasks_given_at_once_are_listed_in_one_notice(many_red, reporter):
    assert supervision.assignments_deliver() == 2 * MANY  # both units, every task: each signs for itself
    assert TaskSignature.objects.filter(signed_at=None).count() == 2 * MANY
    notice = Notification.objects.get(user=reporter, kind="assigned")
    assert notice.title == f"新交办任务{MANY}项,请在工作台逐项签收"
    assert notice.body.count("\n") >= 19 and f"等{MANY}项" in notice.body
    assert notice.url == "/"
    assert supervision.assignments_deliver() == 0
    assert Notification.objects.filter(user=reporter).count() == 1


def test_a_few_tasks_are_still_told_one_by_one(district, unit, reporter):
    plan_factory(jurisdiction=district, tasks=3, lead=unit, due_on=TODAY)
    assert supervision.assignments_deliver() == 3
    titles = list(Notification.objects.filter(user=reporter, kind="assigned").values_list("title", flat=True))
    assert len(titles) == 3 and all(t.startswith("新交办任务,请签收") for t in titles)


def test_the_schedule_logs_each_task_and_tells_the_unit_once(many_red, district, unit, reporter):
    reporter.email = "bianban@example.gov.cn"
    reporter.save()
    chief = make_user("chief", "leader", jurisdiction=district)
    UnitReminderSettings.objects.create(unit=unit, leader=chief)
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    supervision.assignments_deliver()
    mail.outbox.clear()

    assert supervision.reminders_auto(today=TODAY) == MANY  # 区财政局 has no reporter: not logged
    log = Reminder.objects.filter(sent_by=None)
    assert log.count() == MANY and set(log.values_list("unit_id", flat=True)) == {unit.pk}
    assert set(log.values_list("task_id", flat=True)) == {t.pk for t in many_red}
    first = log.get(task=many_red[0])
    assert first.text == f"该项任务已超过时限({many_red[0].due_on:%Y-%m-%d}),请抓紧办理并报送进展。"
    assert not first.escalated and [p["id"] for p in first.recipients] == [reporter.pk]
    assert first.channels["bell"] == 1 and first.channels["email"] == 1
    notice = Notification.objects.get(user=reporter, kind="urged")
    assert notice.title == f"催办:本单位{MANY}项任务已超过时限" and f"等{MANY}项" in notice.body
    assert len(mail.outbox) == 1  # one email for the unit, not one per task
    assert not Notification.objects.filter(user=chief).exists()

    # Read in the bell: every task's 催办 log shows it read.
    Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    assert supervision.task_reminders(task=many_red[-1])[0].read_by == [reporter.display_name or reporter.username]

    # After the interval, the second 催办 of each task copies the leader, in one notice too.
    Reminder.objects.update(sent_at=timezone.now() - dt.timedelta(days=30))
    assert supervision.reminders_auto(today=TODAY) == MANY
    again = Reminder.objects.filter(escalated=True)
    assert again.count() == MANY
    assert {p["id"] for p in again.first().recipients} == {reporter.pk, chief.pk}
    copied = Notification.objects.get(user=chief, kind="urged")
    assert f"其中{MANY}项为再次催办" in copied.body
    assert Notification.objects.filter(user=reporter, kind="urged").count() == 2


def test_the_robot_is_posted_once_per_unit(many_red, unit, reporter):
    UnitReminderSettings.objects.create(unit=unit, webhook_kind="wecom", webhook_url="http://127.0.0.1:9/hook")
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    assert supervision.reminders_auto(today=TODAY) == MANY
    channels = set(Reminder.objects.values_list("channels__webhook", flat=True))
    assert len(channels) == 1 and "无法送达" in channels.pop()  # nothing listens on port 9: logged, not raised
    assert Notification.objects.filter(user=reporter, kind="urged").count() == 1


def test_many_overdue_tasks_make_one_reminder_a_day(many_red, reporter):
    first = services.reminders_send(today=TODAY)
    assert first.created == 1
    notice = Notification.objects.get(user=reporter, kind="overdue")
    assert notice.title == f"本单位有{MANY}项任务已逾期" and notice.url == "/tasks/?status=overdue"
    assert services.reminders_send(today=TODAY).created == 0
    assert services.reminders_send(today=TODAY + dt.timedelta(days=1)).created == 1


def test_the_sweep_run_again_the_same_day_sends_nothing(many_red, unit, reporter):
    """The day's lock removed, the work itself finds nothing new to send (what `make bench-sweep` checks)."""
    run = daily_sweep(today=TODAY, trigger="test")
    assert run.result["assignments_delivered"] == 2 * MANY and run.result["auto_urged"] == MANY
    assert set(run.result["seconds"]) >= {"assignments", "warnings", "auto_urge", "reminders"}
    before = (Notification.objects.count(), Reminder.objects.count(), TaskSignature.objects.count())
    SweepRun.objects.all().delete()
    again = daily_sweep(today=TODAY, trigger="test").result
    assert again["assignments_delivered"] == again["auto_urged"] == again["reminders_created"] == 0
    assert again["warnings_changed"] == 0
    assert (Notification.objects.count(), Reminder.objects.count(), TaskSignature.objects.count()) == before
