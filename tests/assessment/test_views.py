"""The assessment pages: who may open what (302/403/404), bad input through the forms (400/403/409 with a
Chinese message and nothing saved), and query counts that do not grow with the number of units."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from assessment import services
from assessment.benchdata import cycle_build
from assessment.models import AssessmentCycle, ItemScore, Rubric, Submission, SubmissionStatus, WindowExtension
from assessment.rules import RubricRules
from lawgov.models import Role, User
from tests.assessment.conftest import SEED, TODAY
from tests.assessment.helpers import item_by_path, self_inputs
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def open_cycle(cycle):
    """The cycle with its window around today (the views use the real date)."""
    today = timezone.localdate()
    AssessmentCycle.objects.filter(pk=cycle.pk).update(
        self_start=today - dt.timedelta(days=2), self_end=today + dt.timedelta(days=7)
    )
    cycle.refresh_from_db()
    return cycle


def form_data(submission: Submission, by_path: dict | None = None, **extra) -> dict:
    """What the unit's page posts: every rule of every item (unticked boxes absent)."""
    rules = RubricRules.load(submission.rubric_id)
    data = {"version": submission.version, "summary_text": "年度工作总结正文。", "action": "draft"}
    for item in rules.items:
        for rule in rules.by_item[item.pk]:
            if rule.kind == "per_shortfall":
                for m in rule.months:
                    data[f"f-{rule.pk}-{m}"] = "2"
            elif rule.kind in ("per_occurrence", "discretionary"):
                data[f"f-{rule.pk}"] = "0"
    for path, facts in (by_path or {}).items():
        item = item_by_path(rules, path)
        for position, value in facts.items():
            data[f"f-{rules.by_item[item.pk][position].pk}"] = value
    data.update(extra)
    return data


def url(name: str, *args) -> str:
    return reverse(f"assessment:{name}", args=args)


# --- access ----------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, submission):
    for target in (url("home"), url("submission", submission.pk), url("queue", submission.cycle_id)):
        response = client.get(target)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["legal_officer", "reporter", "leader"])
def test_home_answers_every_staff_role_even_without_cycles(request, client, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url("home"))
    assert response.status_code == 200 and "法治政府建设考核" in response.content.decode()


def test_api_client_has_no_pages(client, api_client_user):
    client.force_login(api_client_user)
    response = client.get(url("home"))
    assert response.status_code == 403 and "无权访问此页面" in response.content.decode()


def test_reporter_sees_only_its_own_submission(client, cycle, submission, reporter, town_submission):
    client.force_login(reporter)
    home = client.get(url("home")).content.decode()
    assert f'data-submission="{submission.pk}"' in home and "元坝镇" not in home
    assert client.get(url("submission", submission.pk)).status_code == 200
    other = client.get(url("submission", town_submission.pk))
    assert other.status_code == 403 and "只能查看本单位的自评" in other.content.decode()
    assert client.get(url("cycle", cycle.pk))["Location"] == url("submission", submission.pk)
    for name in ("queue", "ranking"):
        denied = client.get(url(name, cycle.pk))
        assert denied.status_code == 403 and "单位填报员" in denied.content.decode()
    assert client.get(url("review", submission.pk)).status_code == 403


def test_another_jurisdiction_is_404(client, cycle, submission, outsider_officer):
    client.force_login(outsider_officer)
    for target in (
        url("cycle", cycle.pk),
        url("queue", cycle.pk),
        url("submission", submission.pk),
        url("review", submission.pk),
    ):
        assert client.get(target).status_code == 404, target
    assert client.get(url("rubric", submission.rubric_id)).status_code == 404


def test_leader_reads_ranking_and_submissions_but_writes_nothing(client, cycle, submission, leader):
    client.force_login(leader)
    assert client.get(url("ranking", cycle.pk)).status_code == 200
    assert client.get(url("cycle", cycle.pk)).status_code == 200
    assert client.get(url("submission", submission.pk)).status_code == 200
    assert client.get(url("summary", cycle.pk)).status_code == 200
    assert client.get(url("review", submission.pk)).status_code == 403
    assert client.post(url("approve", cycle.pk)).status_code == 403
    response = client.post(url("submission", submission.pk), form_data(submission))
    assert response.status_code == 403 and "只读角色" in response.content.decode()


# --- the unit's self-assessment -------------------------------------------------------------------------


def test_unit_saves_a_draft_and_submits(client, open_cycle, submission, reporter):
    client.force_login(reporter)
    page = client.get(url("submission", submission.pk)).content.decode()
    assert "data-self-form" in page and "平台数据" in page and "按细则最多可扣9分,超过本项分值6分" in page
    response = client.post(
        url("submission", submission.pk), form_data(submission, {"二.2": {0: "1"}, "一.1": {0: "1"}})
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.self_total == D("96.0") and submission.status == SubmissionStatus.DRAFT
    data = form_data(submission, {"二.2": {0: "1"}}, action="submit")
    assert client.post(url("submission", submission.pk), data).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED and submission.self_total == D("98.0")
    # A second submission: 409, nothing changes.
    again = client.post(url("submit", submission.pk))
    assert again.status_code == 409 and "不能再修改或重复提交" in again.content.decode()
    resend = client.post(url("submission", submission.pk), form_data(submission, {"二.2": {0: "2"}}, action="submit"))
    assert resend.status_code == 409
    submission.refresh_from_db()
    assert submission.self_total == D("98.0")
    page = client.get(url("submission", submission.pk)).content.decode()
    assert "data-self-form" not in page and "已提交" in page


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"二.2": {0: "2.5"}}, "被行业主管部门通报批评的次数必须是整数(填写的是2.5)"),
        ({"二.2": {0: "-1"}}, "被行业主管部门通报批评的次数不能为负数(填写的是-1)"),
        ({"一.2": {0: "12"}}, "扣分不能超过本项分值5.0分(填写的是12)"),
        ({"一.2": {0: "-3"}}, "扣分不能小于0(填写的是-3)"),
    ],
)
def test_bad_values_are_400_with_a_chinese_message_and_nothing_saved(
    client, open_cycle, submission, reporter, facts, message
):
    client.force_login(reporter)
    response = client.post(url("submission", submission.pk), form_data(submission, facts, action="submit"))
    assert response.status_code == 400
    assert message in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT and submission.version == 1 and submission.summary_text == ""
    assert not ItemScore.objects.filter(submission=submission, self_score__isnull=False).exists()


def test_a_save_without_the_version_is_400_and_saves_nothing(client, open_cycle, submission, reporter, legal_officer):
    """Hardening issue: a form without the version it was drawn from (an old page, a hand-made request) could
    overwrite whatever was saved since; it is refused, for the unit's sheet and for the review alike."""
    client.force_login(reporter)
    data = form_data(submission)
    del data["version"]
    response = client.post(url("submission", submission.pk), data)
    assert response.status_code == 400 and "请刷新页面后重试" in response.content.decode()
    submission.refresh_from_db()
    assert submission.version == 1 and submission.summary_text == ""
    submitted(submission, reporter)
    client.force_login(legal_officer)
    data = review_data(submission)
    del data["version"]
    response = client.post(url("review", submission.pk), data)
    assert response.status_code == 400 and "请刷新页面后重试" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).version == submission.version


def test_outside_the_window_is_409(client, cycle, submission, reporter):
    client.force_login(reporter)
    response = client.post(url("submission", submission.pk), form_data(submission, action="submit"))
    assert response.status_code == 409 and "自查自评已于2017-12-10截止" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT and submission.summary_text == ""


def test_the_legal_office_cannot_change_a_units_self_score(client, open_cycle, submission, legal_officer):
    client.force_login(legal_officer)
    response = client.post(url("submission", submission.pk), form_data(submission, {"一.1": {0: "1"}}))
    assert response.status_code == 403 and "法制办不能修改单位的自评得分" in response.content.decode()
    assert not ItemScore.objects.filter(submission=submission, self_score__isnull=False).exists()


def test_live_preview_scores_without_saving(client, open_cycle, submission, reporter):
    client.force_login(reporter)
    # No summary yet: 未报送工作总结 applies (the platform's fact), with the two ticked: 9 against 6.
    data = form_data(submission, {"六.2": {0: "1", 1: "1"}, "二.2": {0: "2.5"}}, summary_text="")
    response = client.post(url("preview", submission.pk), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "按细则应扣9.0分,超过本项分值6.0分,本项最低0分" in body
    assert "次数必须是整数" in body
    assert not ItemScore.objects.filter(submission=submission, self_score__isnull=False).exists()


def test_other_reporter_cannot_post_to_a_unit(client, open_cycle, submission, other_reporter):
    client.force_login(other_reporter)
    response = client.post(url("submission", submission.pk), form_data(submission))
    assert response.status_code == 403


# --- review --------------------------------------------------------------------------------------------


def submitted(submission, reporter):
    today = timezone.localdate()
    services.self_assessment_save(submission=submission, by=reporter, items={}, summary_text="总结", today=today)
    services.self_assessment_submit(submission=submission, by=reporter, today=today)
    submission.refresh_from_db()
    return submission


def review_data(submission, by_path=None, **extra):
    data = form_data(submission, by_path)
    data.pop("summary_text")
    data["action"] = "save"
    data.update(extra)
    return data


def test_review_beside_self_score_then_finish(client, open_cycle, submission, reporter, legal_officer):
    submitted(submission, reporter)
    client.force_login(legal_officer)
    page = client.get(url("review", submission.pk)).content.decode()
    assert "单位自评" in page and "data-review-form" in page
    rules = RubricRules.load(submission.rubric_id)
    disc = rules.by_item[item_by_path(rules, "一.2").pk][0]
    refused = client.post(url("review", submission.pk), review_data(submission, {"一.2": {0: "1"}}))
    assert refused.status_code == 400 and "酌情扣分须写明理由" in refused.content.decode()
    assert not ItemScore.objects.filter(submission=submission, reviewed_score__isnull=False).exists()
    bonus = rules.adjustments[1]
    data = review_data(
        submission,
        {"一.2": {0: "1"}},
        **{f"r-{disc.pk}": "一件未报备", f"a-{bonus.pk}": "1", f"g-{bonus.pk}": "市级示范单位"},
    )
    data["action"] = "finish"
    assert client.post(url("review", submission.pk), data).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.REVIEWED
    assert (submission.self_total, submission.reviewed_base, submission.final_total) == (
        D("100.0"),
        D("99.0"),
        D("102.0"),
    )


def test_reviewer_cannot_touch_self_fields_through_the_review_form(
    client, open_cycle, submission, reporter, legal_officer
):
    submitted(submission, reporter)
    client.force_login(legal_officer)
    rules = RubricRules.load(submission.rubric_id)
    service_item = item_by_path(rules, "二.2")
    data = review_data(submission, {"二.2": {0: "2"}}, summary_text="法制办改写", **{"e-1": "x"})
    data[f"c-{service_item.pk}"] = "行业主管部门通报两次"
    assert client.post(url("review", submission.pk), data).status_code == 302
    submission.refresh_from_db()
    service = ItemScore.objects.get(submission=submission, item__name="服务群众")
    assert (service.self_score, service.reviewed_score) == (D("5.0"), D("1.0"))
    assert submission.summary_text == "总结" and submission.self_total == D("100.0")


def test_return_and_resubmit_through_the_pages(client, open_cycle, submission, reporter, legal_officer):
    submitted(submission, reporter)
    client.force_login(legal_officer)
    missing = client.post(url("return", submission.pk), {"reason": ""})
    assert missing.status_code == 400 and "退回时请写明理由" in missing.content.decode()
    assert client.post(url("return", submission.pk), {"reason": "请补充工作总结附件"}).status_code == 302
    client.force_login(reporter)
    assert "请补充工作总结附件" in client.get(url("home")).content.decode()
    page = client.get(url("submission", submission.pk)).content.decode()
    assert "请补充工作总结附件" in page and "data-self-form" in page
    submission.refresh_from_db()  # the page carries the version it was drawn from
    assert client.post(url("submission", submission.pk), form_data(submission, action="submit")).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RESUBMITTED


def test_units_see_reviewed_scores_and_rank_only_once_published(
    client, open_cycle, submission, reporter, legal_officer
):
    submitted(submission, reporter)
    for s in Submission.objects.filter(cycle=open_cycle):
        services.review_save(
            submission=s, by=legal_officer, items={}, finish=True, today=open_cycle.self_end + dt.timedelta(days=1)
        )
    ItemScore.objects.filter(submission=submission).update(review_comment="现场核查意见")
    client.force_login(reporter)
    assert "现场核查意见" not in client.get(url("submission", submission.pk)).content.decode()
    client.force_login(legal_officer)
    assert client.post(url("approve", open_cycle.pk), {"note": "区政府审定"}).status_code == 302
    client.force_login(reporter)
    page = client.get(url("submission", submission.pk)).content.decode()
    assert "现场核查意见" in page and "data-rank" in page
    assert "第<strong data-own-rank>1</strong>名" in client.get(url("home")).content.decode()


def test_approve_with_units_pending_is_409(client, cycle, legal_officer):
    client.force_login(legal_officer)
    response = client.post(url("approve", cycle.pk), {"note": ""})
    assert response.status_code == 409 and "未审核完毕" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == "open"


# --- cycles and rubrics ------------------------------------------------------------------------------------


def test_cycle_create_and_duplicate(client, rubrics, legal_officer, unit, township):
    client.force_login(legal_officer)
    assert client.get(url("cycle-create")).status_code == 200
    data = {
        "year": 2017,
        "title": "",
        "department_rubric": rubrics["department"].pk,
        "township_rubric": rubrics["township"].pk,
        "self_start": "2017-12-01",
        "self_end": "2017-12-10",
        "weight": "10",
        "units": [unit.pk, township.pk],
    }
    assert client.post(url("cycle-create"), data).status_code == 302
    cycle = AssessmentCycle.objects.get()
    assert cycle.submissions.count() == 2
    again = client.post(url("cycle-create"), data)
    assert again.status_code == 409 and "已经开启" in again.content.decode()
    bad = client.post(url("cycle-create"), {**data, "year": 2018, "self_end": "2017-11-01"})
    assert bad.status_code == 400 and "开始日期不能晚于截止日期" in bad.content.decode()
    assert AssessmentCycle.objects.count() == 1


def test_cycle_edit_and_extension(client, cycle, legal_officer, reporter, unit):
    client.force_login(legal_officer)
    data = {
        "title": cycle.title,
        "self_start": "2026-11-20",
        "self_end": "2026-11-30",
        "weight": "10",
        "version": cycle.version,
    }
    assert client.post(url("cycle-edit", cycle.pk), data).status_code == 302
    cycle.refresh_from_db()
    assert cycle.self_end == dt.date(2026, 11, 30)
    bad = client.post(url("cycle-extend", cycle.pk), {"unit": unit.pk, "until": "2026-11-01", "reason": "x"})
    assert bad.status_code == 400 and "不能早于统一截止日期" in bad.content.decode()
    ok = client.post(url("cycle-extend", cycle.pk), {"unit": unit.pk, "until": "2026-12-15", "reason": "补报"})
    assert ok.status_code == 302 and WindowExtension.objects.get().until == dt.date(2026, 12, 15)
    client.force_login(reporter)
    assert client.get(url("cycle-edit", cycle.pk)).status_code == 403
    assert (
        client.post(url("cycle-extend", cycle.pk), {"unit": unit.pk, "until": "2026-12-15", "reason": "x"}).status_code
        == 403
    )


def xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["区级各部门2018年度法治政府建设考核评分细则"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "细则.xlsx"
    return buffer


def test_rubric_import_through_the_page(client, legal_officer, reporter, seed_bytes):
    client.force_login(reporter)
    assert client.get(url("rubric-import")).status_code == 403
    client.force_login(legal_officer)
    missing = client.post(
        url("rubric-import"), {"file": xlsx([["考核事项", "考核内容", "评分标准"], ["一、a(100分)", "1.b", "c"]])}
    )
    assert missing.status_code == 400 and "缺少列:分值" in missing.content.decode()
    sums = client.post(
        url("rubric-import"),
        {
            "file": xlsx(
                [
                    ["考核事项", "考核内容", "评分标准", "分值"],
                    ["一、依法决策(100分)", "1.遵守程序", "未建立制度的,扣2分。", 90],
                ]
            )
        },
    )
    assert sums.status_code == 400
    body = sums.content.decode()
    assert "一、依法决策:各项合计90=90分,与类别分值100分不符" in body
    assert not Rubric.objects.exists()
    document = io.BytesIO(seed_bytes)
    document.name = SEED.name
    assert client.post(url("rubric-import"), {"file": document}).status_code == 302
    assert Rubric.objects.count() == 2
    rubric = Rubric.objects.get(unit_kind="department")
    page = client.get(url("rubric", rubric.pk)).content.decode()
    assert "按细则最多可扣9分,超过本项分值6分" in page and "广元市昭化区2017年部门法治政府建设目标责任书" in page
    export = client.get(url("rubric-export", rubric.pk))
    assert export.status_code == 200 and export["Content-Disposition"].startswith("attachment")


CORPUS = SEED.parents[1] / "corpus"


@pytest.mark.parametrize(
    "name",
    [
        "02_qingyuan_county_units_on_lines.txt",  # a plan in text: (一) paragraphs, units on their own lines
        "15_jiangzhou_city_table.xlsx",  # a 任务分工表 workbook: the .xlsx path of the rubric page
        "16_donghu_district_table.docx",
    ],
)
def test_a_plan_uploaded_as_rubric_is_offered_to_the_plan_import(client, legal_officer, name):
    """Issue 13: the rubric page refuses a plan with the plan classifier's reason and a link to the plan
    import (the mirror of the plan import offering a rubric to this page); nothing is saved."""
    client.force_login(legal_officer)
    upload = io.BytesIO((CORPUS / name).read_bytes())
    upload.name = name
    response = client.post(url("rubric-import"), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    assert "这份文件看起来是工作规划,不是考核评分细则:标题含" in body or "不是考核评分细则:未找到" in body
    assert "data-offer-plan" in body and f'href="{reverse("plans:import")}"' in body
    assert not Rubric.objects.exists()


def test_a_rubric_sheet_with_a_missing_column_is_not_offered_to_the_plan_import(client, legal_officer):
    client.force_login(legal_officer)
    response = client.post(
        url("rubric-import"), {"file": xlsx([["考核事项", "考核内容", "评分标准"], ["一、a(100分)", "1.b", "c"]])}
    )
    assert response.status_code == 400 and "data-offer-plan" not in response.content.decode()


def test_unit_downloads_its_sheet_and_statement(client, submission, reporter):
    services.self_assessment_save(
        submission=submission, by=reporter, items=self_inputs(submission, {}), summary_text="总结", today=TODAY
    )
    services.self_assessment_submit(submission=submission, by=reporter, today=TODAY)
    client.force_login(reporter)
    sheet = client.get(url("sheet", submission.pk))
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    statement = client.get(url("statement", submission.pk))
    assert statement.status_code == 200 and "wordprocessingml" in statement["Content-Type"]


# --- query counts ----------------------------------------------------------------------------------------


def officer_of(cycle) -> User:
    return make_user(f"fzb_{cycle.pk}", Role.LEGAL_OFFICE, jurisdiction=cycle.jurisdiction)


def count_queries(client, user, target) -> int:
    client.force_login(user)
    client.get(target)  # warm the session and the user's jurisdictions
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200
    return len(ctx)


def test_review_queue_and_ranking_query_counts_do_not_grow(client):
    few = cycle_build(units=4, name="甲区").cycle
    many = cycle_build(units=40, name="乙区").cycle
    few_officer, many_officer = officer_of(few), officer_of(many)
    # Review queue, 6 whatever the number of units: session, user, the user's district (jurisdictions()),
    # the cycle with its rubrics, submissions with their units (counted by their computed state in
    # Python), window extensions.
    assert count_queries(client, few_officer, url("queue", few.pk)) == 6
    assert count_queries(client, many_officer, url("queue", many.pk)) == 6
    # Ranking, 6: session, user, district, the cycle, submissions with their units and window ends (ranked
    # in Python by the stored totals; what stops approval read from the same rows), and "may this user
    # approve" (an EXISTS).
    assert count_queries(client, few_officer, url("ranking", few.pk)) == 6
    assert count_queries(client, many_officer, url("ranking", many.pk)) == 6
    leader = make_user("leader_yi", Role.LEADER, jurisdiction=many.jurisdiction)
    assert count_queries(client, leader, url("ranking", many.pk)) == 5  # a leader may not approve: no check


# --- refusals: one answer, and a way back ---------------------------------------------------------------


def back_link(response) -> str:
    """The 返回 link of the refused page (templates/lawgov/refused.html)."""
    page = response.content.decode()
    assert "没有保存任何修改" in page, page
    return page.split('<a class="button" href="', 1)[1].split('"', 1)[0]


def test_a_refused_post_goes_back_to_the_page_it_came_from(client, open_cycle, submission, reporter, legal_officer):
    client.force_login(legal_officer)
    queue = url("queue", open_cycle.pk)
    # Not yet submitted: 409, back to the queue unless the form said where it was posted from.
    refused = client.post(url("return", submission.pk), {"reason": "补充"})
    assert refused.status_code == 409 and back_link(refused) == queue
    came_from = url("cycle", open_cycle.pk)
    refused = client.post(url("return", submission.pk), {"reason": "补充", "next": came_from})
    assert refused.status_code == 409 and back_link(refused) == came_from
    refused = client.post(url("return", submission.pk), {"reason": "补充", "next": "https://example.com/"})
    assert refused.status_code == 409 and back_link(refused) == queue
    # Hardening issue (open redirect): paths that browsers read as another host fall back too.
    for elsewhere in ("//evil.example", "//evil.example/path", "/\\evil.example", "///evil.example"):
        refused = client.post(url("return", submission.pk), {"reason": "补充", "next": elsewhere})
        assert refused.status_code == 409 and back_link(refused) == queue, elsewhere
    refused = client.post(url("approve", open_cycle.pk), {"note": ""})
    assert refused.status_code == 409 and back_link(refused) == url("ranking", open_cycle.pk)
    refused = client.post(url("cycle-extend", open_cycle.pk), {"unit": "", "until": "", "reason": ""})
    assert refused.status_code == 400 and back_link(refused) == url("cycle", open_cycle.pk)
    submitted(submission, reporter)
    client.force_login(reporter)
    refused = client.post(url("submit", submission.pk))
    assert refused.status_code == 409 and back_link(refused) == url("submission", submission.pk)
    # A submitted sheet posted again: the page says why (submitted), not a bare 403.
    refused = client.post(url("submission", submission.pk), form_data(submission))
    assert refused.status_code == 409 and back_link(refused) == url("submission", submission.pk)
    assert "不能再修改或重复提交" in refused.content.decode()


def test_an_htmx_refusal_is_an_escaped_fragment(client, open_cycle, submission, legal_officer):
    client.force_login(legal_officer)
    response = client.post(url("return", submission.pk), {"reason": "补充"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 409 and body.startswith('<p class="error" role="alert">')
    assert "<html" not in body and "不能执行此操作" in body


def test_a_form_view_answers_a_services_403_with_the_403_page(client, rubrics, legal_officer, unit, monkeypatch):
    """Forms keep what a person can fix there (400/409); a 403 from the service is the 403 page."""

    def refuse(**kwargs):
        raise services.AssessmentError("not_legal_office", "只有本辖区法制办可以开启考核。", 403)

    monkeypatch.setattr(services, "cycle_create", refuse)
    client.force_login(legal_officer)
    data = {
        "year": 2017,
        "title": "",
        "department_rubric": rubrics["department"].pk,
        "township_rubric": rubrics["township"].pk,
        "self_start": "2017-12-01",
        "self_end": "2017-12-10",
        "weight": "10",
        "units": [unit.pk],
    }
    response = client.post(url("cycle-create"), data)
    assert response.status_code == 403 and "只有本辖区法制办可以开启考核" in response.content.decode()
    assert "没有保存任何修改" not in response.content.decode()  # Django's 403 page, not the refused page
