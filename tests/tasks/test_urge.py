"""催办: the legal office chases units on tasks (bell, email, group robot), every 催办 logged and counted; the
second copies the unit's leader; the schedule chases red tasks by itself at most once per interval. The group
robot is a real HTTP server the test starts."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from lawgov.models import Notification
from tasks import supervision
from tasks.models import Reminder, UnitReminderSettings
from tasks.selectors import calendars_for
from tasks.warnings import warnings_refresh
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory
from tests.tasks.conftest import TODAY

pytestmark = pytest.mark.django_db


class Robot(BaseHTTPRequestHandler):
    """A group robot: records what it was posted; answers as configured (ok, an error code, or too late)."""

    received: list = []
    mode = "ok"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, body))
        if self.mode == "slow":
            threading.Event().wait(2)
        if self.mode == "http500":
            self.send_response(500)
            self.end_headers()
            return
        answer = {"errcode": 0, "errmsg": "ok"} if self.mode != "refuse" else {"errcode": 93000, "errmsg": "invalid"}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    Robot.received = []
    Robot.mode = "ok"
    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def red_tasks(district, unit, other_unit):
    return list(
        plan_factory(
            jurisdiction=district, tasks=2, lead=unit, cooperating=other_unit, due_on=TODAY - dt.timedelta(days=10)
        ).tasks.order_by("position")
    )


def test_urge_reaches_reporters_is_logged_and_escalates(red_tasks, unit, reporter, legal_officer, district):
    reporter.email = "bianban@example.gov.cn"
    reporter.save()
    chief = make_user("chief", "leader", jurisdiction=district)
    chief.email = "chief@example.gov.cn"
    chief.save()
    UnitReminderSettings.objects.create(unit=unit, leader=chief, contact="张三 020-12345678")
    task = red_tasks[0]
    first = supervision.reminders_urge(tasks=[task], by=legal_officer, text="请本周内报送", unit_ids=[unit.pk])
    assert [r.unit_id for r in first.sent] == [unit.pk] and not first.sent[0].escalated
    notice = Notification.objects.get(user=reporter, kind="urged")
    assert notice.title.startswith("第1次催办") and notice.body == "请本周内报送"
    assert mail.outbox[-1].to == ["bianban@example.gov.cn"]
    assert not Notification.objects.filter(user=chief).exists()
    second = supervision.reminders_urge(tasks=[task], by=legal_officer, text="", unit_ids=[unit.pk])
    assert second.sent[0].escalated
    assert Notification.objects.get(user=chief, kind="urged").title.startswith("第2次催办")
    assert Notification.objects.filter(user=reporter, kind="urged").count() == 2
    # The log: who, when, to whom, how, read or not.
    Notification.objects.filter(user=reporter, kind="urged").update(read_at=timezone.now())
    log = supervision.task_reminders(task=task)
    assert len(log) == 2 and log[0].escalated and log[0].sent_by == legal_officer
    assert {p["name"] for p in log[0].recipients} == {reporter.display_name or reporter.username, "chief"}
    assert log[0].read_by == [reporter.display_name or reporter.username]
    assert log[0].channels == {"bell": 2, "email": 2}


def test_a_unit_without_reporters_is_named_with_its_contact(red_tasks, other_unit, legal_officer, unit, reporter):
    UnitReminderSettings.objects.create(unit=other_unit, contact="李四 020-87654321")
    result = supervision.reminders_urge(tasks=red_tasks, by=legal_officer)
    assert {r.unit_id for r in result.sent} == {unit.pk}
    assert result.no_reporters == [("区财政局", "李四 020-87654321")]
    assert not Reminder.objects.filter(unit=other_unit).exists()


def test_only_the_office_of_the_jurisdiction_urges(red_tasks, outsider_officer, reporter):
    for who in (outsider_officer, reporter):
        with pytest.raises(supervision.SupervisionError):
            supervision.reminders_urge(tasks=red_tasks, by=who)
    assert not Reminder.objects.exists()


@pytest.mark.parametrize(
    ("kind", "shape"),
    [("wecom", {"msgtype": "text"}), ("dingtalk", {"msgtype": "text"}), ("feishu", {"msg_type": "text"})],
)
def test_the_group_robot_gets_the_vendor_format(robot, red_tasks, unit, reporter, legal_officer, kind, shape):
    UnitReminderSettings.objects.create(unit=unit, webhook_kind=kind, webhook_url=f"{robot}/relay/{kind}?key=abc")
    result = supervision.reminders_urge(tasks=[red_tasks[0]], by=legal_officer, unit_ids=[unit.pk])
    assert result.sent[0].channels["webhook"] == "ok"
    path, body = Robot.received[0]
    assert path == f"/relay/{kind}?key=abc"
    assert shape.items() <= body.items()
    text = body["content"]["text"] if kind == "feishu" else body["text"]["content"]
    assert "【区编办】第1次催办" in text


@pytest.mark.parametrize(("mode", "words"), [("http500", "HTTP 500"), ("refuse", "93000"), ("slow", "无法送达")])
def test_a_failing_robot_is_logged_and_the_bell_still_rings(
    robot, red_tasks, unit, reporter, legal_officer, mode, words, settings
):
    settings.LAWGOV_WEBHOOK_TIMEOUT = 1
    Robot.mode = mode
    UnitReminderSettings.objects.create(unit=unit, webhook_kind="wecom", webhook_url=f"{robot}/hook")
    result = supervision.reminders_urge(tasks=red_tasks, by=legal_officer, unit_ids=[unit.pk])
    assert len(result.sent) == 2
    assert all(words in r.channels["webhook"] for r in result.sent)
    assert Notification.objects.filter(user=reporter, kind="urged").count() == 2


def test_the_schedule_urges_red_tasks_once_per_interval(red_tasks, unit, reporter, settings):
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    assert supervision.reminders_auto(today=TODAY) == 2  # two red tasks, 区编办 has a reporter
    assert supervision.reminders_auto(today=TODAY) == 0
    auto = Reminder.objects.filter(sent_by=None)
    assert auto.count() == 2 and "超过时限" in auto.first().text
    Reminder.objects.update(sent_at=auto.first().sent_at - dt.timedelta(days=settings.LAWGOV_AUTO_REMIND_DAYS + 1))
    assert supervision.reminders_auto(today=TODAY) == 2


def test_urge_a_selection_from_the_task_list(client, red_tasks, legal_officer, reporter, district):
    towns_unit = make_unit(district, "南村镇", "township")
    make_user("nancun", "reporter", unit=towns_unit, jurisdiction=district)
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    client.force_login(legal_officer)
    page = client.get("/tasks/?warning=red").content.decode()
    assert 'id="urge-form"' in page and page.count('form="urge-form"') == 2
    response = client.post(
        "/tasks/urge/", {"task": [t.pk for t in red_tasks], "urge_text": "请加快进度", "next": "/tasks/"}, follow=True
    )
    body = response.content.decode()
    assert "已催办 2 条" in body and "区财政局没有填报员账号" in body
    assert Notification.objects.filter(user=reporter, kind="urged", body="请加快进度").count() == 2
    detail = client.get(f"/tasks/{red_tasks[0].pk}/").content.decode()
    assert "data-reminders" in detail and "共 1 次" in detail
    # Bad input: nothing selected, or another jurisdiction's task id: refused, nothing sent.
    before = Reminder.objects.count()
    assert "请选择本辖区的任务" in client.post("/tasks/urge/", {"next": "/tasks/"}, follow=True).content.decode()
    assert Reminder.objects.count() == before


def test_reporters_cannot_urge(client, red_tasks, reporter):
    client.force_login(reporter)
    assert client.post("/tasks/urge/", {"task": [red_tasks[0].pk]}).status_code == 403
    assert not Reminder.objects.exists()
