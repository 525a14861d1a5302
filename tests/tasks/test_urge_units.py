"""催办 from the legal office's 工作台 (issue 15): the silent-unit list and the overdue list were plain text;
each unit (task) is now selectable and one button chases the selection through ``reminders_urge``. A unit
without a reporter account is named with the contact person of the unit directory."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from lawgov.models import Notification
from tasks import services
from tasks.models import Reminder
from tests.conftest import make_unit
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def silent(district, unit, other_unit, legal_officer):
    """区编办 (with a reporter) leads two open tasks and one done; 区财政局 (no reporter, a contact in the
    directory) helps on them. Neither has reported this month."""
    other_unit.contact_person, other_unit.contact_phone = "李四", "020-87654321"
    other_unit.save()
    plan = plan_factory(
        jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit, due_on=TODAY - dt.timedelta(days=5)
    )
    tasks = list(plan.tasks.order_by("position"))
    return tasks


def _done(task, unit, reporter, legal_officer):
    report = services.progress_report_create(
        task=task,
        unit=unit,
        by=reporter,
        reported_on=TODAY - dt.timedelta(days=40),
        text="已完成",
        percent=100,
        claims_completion=True,
    )
    services.progress_report_accept(report=report, by=legal_officer)


def test_the_workbench_offers_each_silent_unit_and_overdue_task_to_choose(
    client, silent, legal_officer, unit, other_unit
):
    client.force_login(legal_officer)
    page = client.get("/").content.decode()
    section = page[page.index("data-silent>") :]
    assert f'name="unit" value="{unit.pk}" form="silent-urge-form"' in section
    assert f'name="unit" value="{other_unit.pk}" form="silent-urge-form"' in section
    assert "没有填报员账号,联系人:李四 020-87654321" in section
    assert "催办所选单位" in section
    overdue = page[page.index("data-overdue>") : page.index("data-silent>")]
    assert len(re.findall(r'name="task" value="\d+" form="overdue-urge-form"', overdue)) == 3
    assert "催办所选任务" in overdue


def test_urging_chosen_units_chases_each_on_its_open_tasks(client, silent, legal_officer, reporter, unit, other_unit):
    _done(silent[2], unit, reporter, legal_officer)
    client.force_login(legal_officer)
    response = client.post(
        "/tasks/urge/units/",
        {"unit": [unit.pk, other_unit.pk], "urge_text": "本月尚未报送进展,请于周五前报送"},
        follow=True,
    )
    text = response.content.decode()
    assert "已催办 2 条(涉及 1 个单位)" in text
    assert "区财政局没有填报员账号,无法在平台催办,请电话联系:李四 020-87654321" in text
    assert sorted(Reminder.objects.values_list("task_id", "unit_id")) == [
        (silent[0].pk, unit.pk),
        (silent[1].pk, unit.pk),
    ]
    notices = Notification.objects.filter(user=reporter, kind="urged")
    assert notices.count() == 2 and {n.body for n in notices} == {"本月尚未报送进展,请于周五前报送"}


def test_a_unit_with_nothing_open_is_said_so(client, silent, legal_officer, reporter, unit, district):
    idle = make_unit(district, "区档案馆")
    client.force_login(legal_officer)
    text = client.post("/tasks/urge/units/", {"unit": [idle.pk]}, follow=True).content.decode()
    assert "区档案馆没有未完成的任务,未发出催办。" in text
    assert not Reminder.objects.exists()


def test_another_jurisdictions_unit_or_none_is_refused_and_nothing_sent(
    client, silent, legal_officer, unit, other_district
):
    stranger = make_unit(other_district, "南海区司法局")
    client.force_login(legal_officer)
    text = client.post("/tasks/urge/units/", {"unit": [unit.pk, stranger.pk]}, follow=True).content.decode()
    assert "请选择本辖区的单位再催办" in text
    assert "请先勾选要催办的单位" in client.post("/tasks/urge/units/", {}, follow=True).content.decode()
    assert not Reminder.objects.exists()


def test_only_the_legal_office_urges_units(client, silent, reporter, leader, unit):
    for user in (reporter, leader):
        client.force_login(user)
        assert client.post("/tasks/urge/units/", {"unit": [unit.pk]}).status_code == 403
    assert not Reminder.objects.exists()


def test_urging_chosen_overdue_tasks_from_the_workbench(client, silent, legal_officer, reporter, unit):
    client.force_login(legal_officer)
    response = client.post(
        "/tasks/urge/", {"task": [silent[1].pk], "next": "/", "urge_text": "已逾期,请尽快办理"}, follow=True
    )
    assert "已催办 1 条(涉及 1 个单位)" in response.content.decode()
    assert list(Reminder.objects.values_list("task_id", "text")) == [(silent[1].pk, "已逾期,请尽快办理")]


def test_a_unit_with_no_reporter_and_no_contact_is_said_so_plainly(client, silent, legal_officer, other_unit):
    """No reporter account, no contact person, no phone: the office is told to fill in the directory, not
    "请电话联系:未登记联系人"."""
    other_unit.contact_person, other_unit.contact_phone = "", ""
    other_unit.save()
    client.force_login(legal_officer)
    section = client.get("/").content.decode().split("data-silent>", 1)[1]
    assert "没有填报员账号,也未登记联系人和电话" in section
    text = client.post("/tasks/urge/units/", {"unit": [other_unit.pk]}, follow=True).content.decode()
    assert "区财政局没有填报员账号,也未登记联系人和电话,请在单位目录中补充后联系。" in text
    assert "未登记联系人。" not in text and "请电话联系" not in text
