"""The search page (issue 16): one box over tasks, reports, units, evidence and plans, each group through
its model's visibility rule; bad input answered with a message; a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawgov.models import Role
from plans.models import Task
from tasks import search as task_search
from tasks import services
from tasks.models import Evidence, ProgressReport
from tasks.selectors import evidence_readable
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory
from tests.tasks.conftest import TODAY, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(district, other_district, unit, other_unit, reporter, other_reporter, legal_officer):
    """区编办 (``unit``) leads plan A; 区财政局 (``other_unit``) alone leads plan B, where 区编办 has no part;
    南海区 has its own plan and report with the same words."""
    plan_a = plan_factory(jurisdiction=district, tasks=2, lead=unit, title="依法行政方案")
    plan_b = plan_factory(jurisdiction=district, tasks=2, lead=other_unit, title="财政专项方案")
    task_a, task_b = plan_a.tasks.order_by("position")[0], plan_b.tasks.order_by("position")[0]
    Task.objects.filter(pk=task_a.pk).update(text="开展行政复议案件评查,按季度通报。")
    own = services.progress_report_create(
        task=task_a,
        unit=unit,
        by=reporter,
        reported_on=TODAY,
        text="召开编制核查专题会议,完成100%清理。",
        percent=50,
        files=[pdf("编办会议纪要.pdf")],
        today=TODAY,
    )
    theirs = services.progress_report_create(
        task=task_b,
        unit=other_unit,
        by=other_reporter,
        reported_on=TODAY,
        text="召开预算绩效专题会议,财政资金_核查完成。",
        percent=40,
        files=[pdf("财政会议纪要.pdf")],
        today=TODAY,
    )
    nanhai_unit = make_unit(other_district, "南海区财政局")
    nanhai_reporter = make_user("nh", Role.REPORTER, unit=nanhai_unit, jurisdiction=other_district)
    plan_n = plan_factory(jurisdiction=other_district, tasks=1, lead=nanhai_unit, title="南海依法行政方案")
    nanhai = services.progress_report_create(
        task=plan_n.tasks.get(),
        unit=nanhai_unit,
        by=nanhai_reporter,
        reported_on=TODAY,
        text="召开专题会议,财政资金核查完成。",
        percent=30,
        files=[pdf("南海会议纪要.pdf")],
        today=TODAY,
    )
    return {"own": own, "theirs": theirs, "nanhai": nanhai, "task_a": task_a, "plan_a": plan_a}


def run(user, q):
    result = task_search.search(user=user, raw_query=q)
    return result, {g.key: g for g in result.groups}


def titles(group):
    return [h.title for h in group.hits]


def test_a_reporter_finds_only_its_own_units_reports_and_files(world, reporter, unit):
    _, groups = run(reporter, "专题会议")
    assert groups["reports"].count == 1
    assert groups["reports"].hits[0].url.endswith(f"#report-{world['own'].pk}")
    assert groups["reports"].hits[0].snippet.match == "专题会议"
    # The other unit's report on a task 区编办 has no part in, and 南海区's, are not there.
    _, groups = run(reporter, "预算绩效")
    assert groups["reports"].count == 0
    _, groups = run(reporter, "会议纪要")
    assert titles(groups["evidence"]) == ["编办会议纪要.pdf"]
    # Searching the other unit's name finds neither the unit's page nor its reports.
    _, groups = run(reporter, "财政局")
    assert groups["units"].count == 0
    assert groups["reports"].count == 0
    # Its own unit, by name and by alias, with the unit's reports.
    _, groups = run(reporter, "委编")
    assert titles(groups["units"]) == ["区编办"]
    _, groups = run(reporter, "区编办")
    assert titles(groups["units"]) == ["区编办"]
    assert [h.url for h in groups["reports"].hits] == [f"/tasks/{world['task_a'].pk}/#report-{world['own'].pk}"]


def test_a_lead_units_reporter_finds_the_helpers_submitted_reports_not_their_drafts(
    district, unit, other_unit, reporter, other_reporter
):
    """``ProgressReport.visible_to`` decides, also on the reporter's faster road (the listed ids)."""
    plan = plan_factory(jurisdiction=district, tasks=1, lead=unit, cooperating=other_unit)
    task = plan.tasks.get()
    for text, submit in (("配合提交的材料说明", True), ("配合草稿的材料说明", False)):
        services.progress_report_create(
            task=task,
            unit=other_unit,
            by=other_reporter,
            reported_on=TODAY,
            text=text,
            percent=10,
            submit=submit,
            files=[pdf(f"{text}.pdf")],
            today=TODAY,
        )
    _, groups = run(reporter, "材料说明")
    assert [h.snippet.before + h.snippet.match for h in groups["reports"].hits] == ["配合提交的材料说明"]
    assert titles(groups["evidence"]) == ["配合提交的材料说明.pdf"]
    _, groups = run(other_reporter, "材料说明")
    assert groups["reports"].count == 2


def test_the_reporters_evidence_group_is_evidence_readable(world, reporter, other_reporter, legal_officer):
    """The reporter's evidence group lists the reports first (for speed); it must equal the shared rule."""
    for user in (reporter, other_reporter, legal_officer):
        _, groups = run(user, "纪要")
        readable = evidence_readable(user).filter(original_name__icontains="纪要")
        expected = list(readable.values_list("original_name", flat=True))
        assert sorted(titles(groups["evidence"])) == sorted(expected)
        assert groups["evidence"].count == len(expected)


def test_the_legal_office_finds_every_unit_of_its_district_and_nothing_of_another(
    world, legal_officer, outsider_officer
):
    _, groups = run(legal_officer, "专题会议")
    assert groups["reports"].count == 2
    _, groups = run(legal_officer, "会议纪要")
    assert sorted(titles(groups["evidence"])) == ["编办会议纪要.pdf", "财政会议纪要.pdf"]
    _, groups = run(legal_officer, "财政")
    assert titles(groups["units"]) == ["区财政局"]
    assert groups["plans"].count == 1
    # The reports of 区财政局 come with its name, not only with their own words.
    assert groups["reports"].count == 1
    _, groups = run(outsider_officer, "编办")
    assert all(g.count == 0 for g in groups.values())
    _, groups = run(outsider_officer, "专题会议")
    assert [h.url for h in groups["reports"].hits] == [f"/tasks/{world['nanhai'].task_id}/#report-{world['nanhai'].pk}"]


def test_tasks_by_text_heading_and_number(world, leader):
    _, groups = run(leader, "复议案件")
    assert groups["tasks"].count == 1
    assert groups["tasks"].hits[0].url == f"/tasks/{world['task_a'].pk}/"
    # "2" and "2." find the tasks numbered 2 (one per plan of the district); 南海区's plan has no task 2.
    for q in ("2", "2."):
        _, groups = run(leader, q)
        assert groups["tasks"].count == 2, q
    # A leader never sees a unit's draft.
    draft = services.progress_report_create(
        task=world["task_a"],
        unit=world["own"].unit,
        by=world["own"].entered_by,
        reported_on=TODAY,
        text="草稿里的独特词",
        percent=10,
        submit=False,
        today=TODAY,
    )
    assert draft.status == "draft"
    _, groups = run(leader, "独特词")
    assert groups["reports"].count == 0
    _, groups = run(draft.entered_by, "独特词")
    assert groups["reports"].count == 1


@pytest.mark.parametrize(
    ("query", "reports"),
    [
        ("0%", 1),  # "100%清理": the percent sign is a character, not LIKE's wildcard
        ("%%", 0),
        ("_核", 1),  # "财政资金_核查"
        ("金_", 1),
        ("__", 0),
        ("\\", 0),
        (".*", 0),
        ("会议.*", 0),
        ("'; DROP TABLE tasks_progressreport; --", 0),
        ('"专题', 0),
        ("专题会议\x00", 2),  # NUL dropped (PostgreSQL refuses it in a string)
    ],
)
def test_metacharacters_are_matched_literally(world, legal_officer, query, reports):
    _, groups = run(legal_officer, query)
    assert groups["reports"].count == reports
    assert ProgressReport.objects.count() == 3


def test_bad_input_on_the_page(client, world, legal_officer):
    client.force_login(legal_officer)
    response = client.get("/search/", {"q": "专题会议" + "长" * 10_000})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"已只按前{task_search.MAX_QUERY_LENGTH}个字搜索" in page
    assert response.context["result"].query == ("专题会议" + "长" * 10_000)[: task_search.MAX_QUERY_LENGTH]
    response = client.get("/search/", {"q": "   "})
    assert response.status_code == 200
    assert "请输入要搜索的词" in response.content.decode()
    assert response.context["result"].groups == []
    response = client.get("/search/")
    assert "请输入要搜索的词" in response.content.decode()
    response = client.get("/search/", {"q": "会"})
    assert "只输入了一个字" in response.content.decode()
    response = client.get("/search/", {"q": "%_\\'\"\x00.*[a-"})
    assert response.status_code == 200


def test_the_page_shows_groups_with_counts_and_links(client, world, legal_officer):
    client.force_login(legal_officer)
    page = client.get("/search/", {"q": "会议"}).content.decode()
    assert 'data-group-count="reports">进展 2<' in page
    assert 'data-group-count="evidence">佐证材料 2<' in page
    assert f'href="/tasks/{world["task_a"].pk}/#report-{world["own"].pk}"' in page
    own_file = Evidence.objects.get(report=world["own"])
    assert f'href="/tasks/evidence/{own_file.pk}/"' in page
    assert "<mark>会议</mark>" in page


def test_the_header_box_is_on_every_persons_pages(client, reporter, legal_officer, leader, api_client_user):
    for user in (reporter, legal_officer, leader):
        client.force_login(user)
        page = client.get("/", follow=True).content.decode()  # a leader lands on the 驾驶舱
        assert 'action="/search/"' in page and 'name="q"' in page, user.role
    client.force_login(api_client_user)
    assert client.get("/search/", {"q": "会议"}).status_code == 403
    client.logout()
    assert client.get("/search/", {"q": "会议"}).status_code == 302


def _grow(world, n):
    own = world["own"]
    for i in range(n):
        report = services.progress_report_create(
            task=own.task,
            unit=own.unit,
            by=own.entered_by,
            reported_on=TODAY - dt.timedelta(days=i + 1),
            text=f"专题会议第{i}次",
            percent=50,
            files=[pdf(f"会议纪要{i}.pdf")],
            today=TODAY,
        )
        assert report.pk


@pytest.mark.parametrize("who", ["legal_officer", "reporter"])
def test_query_count_is_constant(client, world, request, django_assert_num_queries, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    # Legal office, 10 queries: session; user; its jurisdictions; the directory's units with who may open
    # each; tasks (nothing matches: only the capped ids); reports and evidence (each: the capped ids, then
    # the newest 20 of them with their task and unit); plans.
    # A reporter, 18: session; user; its unit; its unit's covering groups (Unit.covering_ids, asked by each
    # visibility rule it meets: 4 times in all) and the two id lists its search starts from (its tasks, its
    # reports); its jurisdictions; the directory; tasks (1), reports (2), evidence (2), plans.
    queries = {"legal_officer": 10, "reporter": 18}[who]
    for grow in (0, 25):
        _grow(world, grow)
        with django_assert_num_queries(queries):
            response = client.get("/search/", {"q": "会议"})
        assert response.status_code == 200
    result = response.context["result"]
    groups = {g.key: g for g in result.groups}
    assert groups["reports"].count == (27 if who == "legal_officer" else 26)
    assert len(groups["reports"].hits) == task_search.GROUP_LIMIT
    assert len(groups["evidence"].hits) == task_search.GROUP_LIMIT


def test_counts_are_capped(world, legal_officer, monkeypatch):
    monkeypatch.setattr(task_search, "COUNT_CAP", 3)
    monkeypatch.setattr(task_search, "GROUP_LIMIT", 2)
    _grow(world, 5)
    _, groups = run(legal_officer, "专题会议")
    assert groups["reports"].capped and groups["reports"].count_label == "3+"
    assert len(groups["reports"].hits) == 2
    _, groups = run(legal_officer, "预算绩效")
    assert not groups["reports"].capped and groups["reports"].count_label == "1"


def test_clean_query_and_excerpt():
    assert task_search.clean_query("  行政\t\n复议\x00 ") == ("行政 复议", [])
    cut, notes = task_search.clean_query("法" * 10_000)
    assert len(cut) == task_search.MAX_QUERY_LENGTH and "10000" in notes[0]
    # Full-width punctuation is kept: unit names print it.
    assert task_search.clean_query("区政府办公室\uff08外事办\uff09")[0] == "区政府办公室\uff08外事办\uff09"
    e = task_search.excerpt("甲" * 50 + "Meeting" + "乙" * 50, "meet", width=5)
    assert (e.before, e.match, e.after) == ("…甲甲甲甲甲", "Meet", "ing乙乙…")


def test_the_two_character_strategy_uses_an_index_on_postgresql(world, legal_officer):
    """Two characters have no trigram: on PostgreSQL they go to the bigram index, three or more to the
    trigram index (EXPLAIN with sequential scans off proves the expression matches the index); SQLite
    searches with an escaped LIKE."""
    two = ProgressReport.objects.filter(task_search.contains_text("text", "专题"))
    three = ProgressReport.objects.filter(task_search.contains_text("text", "专题会"))
    assert two.count() == three.count() == 3
    if connection.vendor != "postgresql":
        with CaptureQueriesContext(connection) as captured:
            list(two)
        assert "LIKE" in captured[0]["sql"] and "ESCAPE" in captured[0]["sql"]
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for queryset, index in ((two, "report_text_bigrams"), (three, "report_text_trgm")):
            plan = queryset.explain()
            assert index in plan, plan
