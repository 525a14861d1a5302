"""Issue 15: notices people can work with: every notice on one page, filtered by kind, read or unread and
date, each with its date and year and a link to the thing; never another user's."""

import datetime as dt

import pytest
from django.utils import timezone

from lawgov.models import Notification

pytestmark = pytest.mark.django_db


def _notice(user, kind, title, *, days_ago=0, read=False, url="/tasks/"):
    n = Notification.objects.create(user=user, kind=kind, key=f"{kind}:{title}", title=title, url=url)
    at = timezone.now() - dt.timedelta(days=days_ago)
    Notification.objects.filter(pk=n.pk).update(created_at=at, read_at=at if read else None)
    return n


@pytest.fixture
def notices(reporter, other_reporter):
    return {
        "urged": _notice(reporter, "urged", "催办:任务1", url="/tasks/1/"),
        "old": _notice(reporter, "overdue", "逾期:任务2", days_ago=400, read=True),
        "assigned": _notice(reporter, "assigned", "交办:任务3", days_ago=3),
        "theirs": _notice(other_reporter, "urged", "催办:别人的任务"),
    }


def _titles(client, query=""):
    page = client.get(f"/tasks/notifications/{query}").content.decode()
    return {t for t in ("催办:任务1", "逾期:任务2", "交办:任务3", "催办:别人的任务") if t in page}, page


def test_all_notices_with_year_and_link(client, reporter, notices):
    client.force_login(reporter)
    titles, page = _titles(client)
    assert titles == {"催办:任务1", "逾期:任务2", "交办:任务3"}
    old = timezone.localtime(Notification.objects.get(pk=notices["old"].pk).created_at)
    assert f"{old:%Y-%m-%d}" in page  # the date with its year (last year's notice is told apart)
    assert f"/tasks/notifications/{notices['urged'].pk}/" in page
    assert client.get(f"/tasks/notifications/{notices['urged'].pk}/").url == "/tasks/1/"
    assert Notification.objects.get(pk=notices["urged"].pk).read_at is not None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?kind=urged", {"催办:任务1"}),
        ("?kind=assigned", {"交办:任务3"}),
        ("?state=unread", {"催办:任务1", "交办:任务3"}),
        ("?state=read", {"逾期:任务2"}),
        ("?since={week}", {"催办:任务1", "交办:任务3"}),
        ("?until={week}", {"逾期:任务2"}),
        ("?kind=urged&state=read", set()),
    ],
)
def test_filters(client, reporter, notices, query, expected):
    client.force_login(reporter)
    week = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert _titles(client, query.format(week=week))[0] == expected


def test_bad_filter_says_so_and_lists_nothing(client, reporter, notices):
    client.force_login(reporter)
    titles, page = _titles(client, "?since=2026-13-45&kind=nonsense")
    assert titles == set() and "筛选条件有误" in page
