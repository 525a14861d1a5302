"""Services of the assessment: import, cycles and windows, self-assessment, review, return, approval.
Every refusal leaves the database as it was; the clock is moved with ``today=``."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment import selectors, services
from assessment.models import (
    AssessmentCycle,
    CycleStatus,
    Item,
    ItemScore,
    ResponsibilityStatement,
    Rubric,
    Rule,
    Submission,
    SubmissionStatus,
    WindowExtension,
)
from assessment.services import AssessmentError
from lawgov.models import SYSTEM, Notification, Role, UnitKind
from tasks.models import Evidence, ProgressReport, ReportStatus, TaskProgress
from tests.assessment.conftest import SEED, TODAY
from tests.assessment.helpers import adjust_facts, review_all, review_inputs, self_inputs
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
D = Decimal
AFTER = dt.date(2017, 12, 11)
BEFORE = dt.date(2017, 11, 30)


def refused(call, status: int, text: str) -> AssessmentError:
    with pytest.raises(AssessmentError) as caught:
        call()
    assert caught.value.status == status, caught.value.message
    assert text in caught.value.message, caught.value.message
    return caught.value


# --- import ------------------------------------------------------------------------------------------


def test_document_import_makes_two_rubrics_and_two_statements(rubrics, district):
    department, township = rubrics["department"], rubrics["township"]
    assert department.title == "区级各部门2017年度法治政府建设考核评分细则"
    assert (department.categories.count(), department.items.count()) == (6, 14)
    assert (township.categories.count(), township.items.count()) == (4, 10)
    assert sum(i.max_points for i in department.items.all()) == D(100)
    assert Rule.objects.filter(rubric=department, item=None).count() == 4
    assert department.statement.title == "广元市昭化区2017年部门法治政府建设目标责任书"
    assert department.statement.clauses.count() == 10 and township.statement.clauses.count() == 8
    assert township.notes.startswith("考核内容主要包括")
    assert any("缺少左括号" in w for w in township.import_warnings)


def test_importing_the_same_document_again_changes_nothing(rubrics, district, seed_bytes, legal_officer):
    outcome = services.rubric_import_document(
        data=seed_bytes, filename=SEED.name, jurisdiction=district, by=legal_officer
    )
    assert outcome.rubrics == [] and len(outcome.unchanged) == 4
    assert Rubric.objects.count() == 2 and ResponsibilityStatement.objects.count() == 2


def test_a_rubric_that_does_not_add_up_is_refused_and_nothing_is_saved(district, seed_bytes, legal_officer):
    broken = seed_bytes.replace("一、依法科学民主决策(15)".encode(), "一、依法科学民主决策(16)".encode())
    error = refused(
        lambda: services.rubric_import_document(data=broken, filename="x.txt", jurisdiction=district, by=legal_officer),
        400,
        "分值合计不符",
    )
    assert "一、依法科学民主决策:各项合计10+5=15分,与类别分值16分不符" in error.details
    assert "各类别合计16+10+10+25+15+25=101分,应为100分" in error.details
    assert not Rubric.objects.exists() and not ResponsibilityStatement.objects.exists()


def test_a_document_without_rubrics_is_refused(district, legal_officer):
    refused(
        lambda: services.rubric_import_document(
            data="一、总体要求\n1.加强领导。".encode(), filename="x.txt", jurisdiction=district, by=legal_officer
        ),
        400,
        "没有找到考核评分细则",
    )


def test_only_the_legal_office_imports(district, seed_bytes, reporter, leader, outsider_officer):
    for user in (reporter, leader, outsider_officer):
        refused(
            lambda u=user: services.rubric_import_document(
                data=seed_bytes, filename="x.txt", jurisdiction=district, by=u
            ),
            403,
            "",
        )
    assert not Rubric.objects.exists()


# --- cycles ------------------------------------------------------------------------------------------


def test_cycle_opens_one_submission_per_unit_with_its_kinds_rubric(cycle, rubrics, unit, township):
    assert cycle.submissions.count() == 4
    dept = Submission.objects.get(cycle=cycle, unit=unit)
    town = Submission.objects.get(cycle=cycle, unit=township)
    assert dept.rubric == rubrics["department"] and town.rubric == rubrics["township"]
    assert ItemScore.objects.filter(submission=dept).count() == 14
    assert ItemScore.objects.filter(submission=town).count() == 10
    assert dept.status == SubmissionStatus.DRAFT and dept.self_total is None
    assert cycle.history.first().history_user.username == "fzb"


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"year": 2017}, 409, "已经开启"),
        (
            {"year": 2018, "self_start": dt.date(2018, 12, 10), "self_end": dt.date(2018, 12, 1)},
            400,
            "开始日期不能晚于",
        ),
        ({"year": 2018, "weight": D("0")}, 400, "应在0到100之间"),
        ({"year": 2018, "weight": D("120")}, 400, "应在0到100之间"),
        ({"year": 2018, "units": []}, 400, "至少选择一个"),
    ],
)
def test_cycle_create_refusals(cycle, rubrics, district, legal_officer, unit, change, status, text):
    kwargs = dict(
        jurisdiction=district,
        year=2017,
        title="",
        department_rubric=rubrics["department"],
        township_rubric=rubrics["township"],
        self_start=dt.date(2018, 12, 1),
        self_end=dt.date(2018, 12, 10),
        weight=D(10),
        units=[unit],
        by=legal_officer,
    )
    kwargs.update(change)
    refused(lambda: services.cycle_create(**kwargs), status, text)
    assert AssessmentCycle.objects.count() == 1


def test_rubrics_must_fit_the_unit_kind(rubrics, district, legal_officer, unit):
    refused(
        lambda: services.cycle_create(
            jurisdiction=district,
            year=2018,
            title="",
            department_rubric=rubrics["township"],
            township_rubric=rubrics["township"],
            self_start=dt.date(2018, 12, 1),
            self_end=dt.date(2018, 12, 10),
            weight=D(10),
            units=[unit],
            by=legal_officer,
        ),
        400,
        "不是区级部门的评分细则",
    )


def test_a_unit_of_another_district_cannot_take_part(rubrics, district, other_district, legal_officer):
    stranger = make_unit(other_district, "区城管局")
    refused(
        lambda: services.cycle_create(
            jurisdiction=district,
            year=2018,
            title="",
            department_rubric=rubrics["department"],
            township_rubric=rubrics["township"],
            self_start=dt.date(2018, 12, 1),
            self_end=dt.date(2018, 12, 10),
            weight=D(10),
            units=[stranger],
            by=legal_officer,
        ),
        400,
        "不能参加考核",
    )


def test_cycle_update_sets_the_window_and_keeps_history(cycle, legal_officer):
    services.cycle_update(
        cycle=cycle,
        by=legal_officer,
        expected_version=cycle.version,
        title=cycle.title,
        self_start=dt.date(2026, 11, 1),
        self_end=dt.date(2026, 11, 30),
        weight=D("15"),
    )
    cycle.refresh_from_db()
    assert (cycle.self_start, cycle.self_end, cycle.weight) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30), D("15"))
    assert cycle.history.count() == 2 and cycle.history.first().history_user == legal_officer
    refused(
        lambda: services.cycle_update(
            cycle=cycle,
            by=legal_officer,
            expected_version=1,
            title="x",
            self_start=dt.date(2026, 11, 1),
            self_end=dt.date(2026, 11, 30),
            weight=D("15"),
        ),
        409,
        "已被他人修改",
    )


# --- self-assessment -----------------------------------------------------------------------------------


def test_self_assessment_saves_facts_and_scores_from_the_rules(submission, reporter):
    services.self_assessment_save(
        submission=submission,
        by=reporter,
        items=self_inputs(submission, {"二.2": {0: "1", 1: "1"}, "六.2": {0: "1", 1: "1", 2: "0"}, "一.1": {0: "1"}}),
        today=TODAY,
    )
    scores = {s.item.name: s for s in ItemScore.objects.filter(submission=submission).select_related("item")}
    assert scores["服务群众"].self_score == D("1.0")
    assert scores["遵守行政决策程序"].self_score == D("8.0")
    # No summary attached: 未报送工作总结 is the platform's fact, not the unit's (it typed 0): 3+3+3 against 6.
    floor = scores["制定年度工作安排考核方案,及时报送工作总结"]
    assert floor.self_score == D("0.0") and floor.self_floor_held
    submission.refresh_from_db()
    # 100 − 4 (服务群众) − 6 (六.2, floor at 0) − 2 (一.1)
    assert submission.self_total == D("88.0")
    services.self_assessment_save(
        submission=submission, by=reporter, items={}, summary_text="本年度工作总结。", expected_version=2, today=TODAY
    )
    floor.refresh_from_db()
    assert floor.self_score == D("0.0") and not floor.self_floor_held
    submission.refresh_from_db()
    assert submission.summary_text == "本年度工作总结。" and submission.self_total == D("88.0")
    assert submission.history.first().history_user == reporter
    assert ItemScore.history.filter(submission_id=submission.pk, item__name="服务群众").count() == 1


@pytest.mark.parametrize(
    ("facts", "text"),
    [
        ({"二.2": {0: "2.5"}}, "次数必须是整数(填写的是2.5)"),
        ({"二.2": {0: "-1"}}, "次数不能为负数(填写的是-1)"),
        ({"一.2": {0: "6"}}, "扣分不能超过本项分值5.0分(填写的是6)"),
        ({"一.2": {0: "-1"}}, "扣分不能小于0"),
        ({"三.2": {0: ["2"] * 11 + ["x"]}}, "(12月)的数量必须是整数"),
    ],
)
def test_bad_facts_refuse_the_whole_save(submission, reporter, facts, text):
    good = {"一.1": {0: "1"}}
    error = refused(
        lambda: services.self_assessment_save(
            submission=submission, by=reporter, items=self_inputs(submission, {**good, **facts}), today=TODAY
        ),
        400,
        text,
    )
    assert "“" in error.message  # the item is named
    submission.refresh_from_db()
    assert submission.version == 1 and submission.self_total is None
    assert not ItemScore.objects.filter(submission=submission, self_score__isnull=False).exists()


@pytest.mark.parametrize(("today", "text"), [(BEFORE, "尚未开始"), (AFTER, "已于2017-12-10截止")])
def test_self_assessment_only_inside_the_window(submission, reporter, today, text):
    refused(
        lambda: services.self_assessment_save(
            submission=submission, by=reporter, items=self_inputs(submission, {"一.1": {0: "1"}}), today=today
        ),
        409,
        text,
    )
    submission.refresh_from_db()
    assert submission.version == 1


def test_the_legal_office_extends_the_window_for_one_unit(cycle, submission, reporter, legal_officer, other_unit):
    services.window_extend(
        cycle=cycle, unit=submission.unit, until=dt.date(2017, 12, 15), reason="系统故障", by=legal_officer
    )
    services.self_assessment_save(
        submission=submission, by=reporter, items=self_inputs(submission, {"一.1": {0: "1"}}), today=AFTER
    )
    other = Submission.objects.get(cycle=cycle, unit=other_unit)
    other_reporter = make_user("caizheng", Role.REPORTER, unit=other_unit, jurisdiction=cycle.jurisdiction)
    refused(
        lambda: services.self_assessment_save(submission=other, by=other_reporter, items={}, today=AFTER), 409, "截止"
    )
    extension = WindowExtension.objects.get()
    assert extension.history.first().history_user == legal_officer and extension.reason == "系统故障"


@pytest.mark.parametrize(
    ("until", "reason", "text"),
    [(dt.date(2017, 12, 9), "x", "不能早于统一截止日期"), (dt.date(2017, 12, 15), " ", "须写明理由")],
)
def test_extension_refusals(cycle, unit, legal_officer, until, reason, text):
    refused(
        lambda: services.window_extend(cycle=cycle, unit=unit, until=until, reason=reason, by=legal_officer), 400, text
    )
    assert not WindowExtension.objects.exists()


def test_extension_only_for_participants_and_by_the_legal_office(cycle, district, unit, legal_officer, reporter):
    stranger = make_unit(district, "区审计局")
    refused(
        lambda: services.window_extend(
            cycle=cycle, unit=stranger, until=dt.date(2017, 12, 20), reason="x", by=legal_officer
        ),
        400,
        "不在本次考核",
    )
    refused(
        lambda: services.window_extend(cycle=cycle, unit=unit, until=dt.date(2017, 12, 20), reason="x", by=reporter),
        403,
        "法制办",
    )


def test_submit_once_and_locked(submission, reporter):
    refused(lambda: services.self_assessment_submit(submission=submission, by=reporter, today=TODAY), 400, "工作总结")
    services.self_assessment_save(submission=submission, by=reporter, items={}, summary_text="总结", today=TODAY)
    services.self_assessment_submit(submission=submission, by=reporter, today=TODAY)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED and submission.self_total == D("100.0")
    assert not ItemScore.objects.filter(submission=submission, self_score__isnull=True).exists()
    refused(
        lambda: services.self_assessment_submit(submission=submission, by=reporter, today=TODAY),
        409,
        "不能再修改或重复提交",
    )
    refused(
        lambda: services.self_assessment_save(
            submission=submission, by=reporter, items=self_inputs(submission, {"一.1": {0: "1"}}), today=TODAY
        ),
        409,
        "已提交",
    )


def test_submitting_after_the_window_is_refused(submission, reporter):
    services.self_assessment_save(submission=submission, by=reporter, items={}, summary_text="总结", today=TODAY)
    refused(lambda: services.self_assessment_submit(submission=submission, by=reporter, today=AFTER), 409, "截止")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_two_submits_at_once_cannot_both_win(submission, reporter):
    services.self_assessment_save(submission=submission, by=reporter, items={}, summary_text="总结", today=TODAY)
    stale = Submission.objects.get(pk=submission.pk)  # a second tab, loaded before the first submit
    services.self_assessment_submit(submission=submission, by=reporter, today=TODAY)
    refused(lambda: services.self_assessment_submit(submission=stale, by=reporter, today=TODAY), 409, "")
    assert Submission.history.filter(id=submission.pk, status=SubmissionStatus.SUBMITTED).count() == 1


def test_a_stale_page_does_not_overwrite(submission, reporter):
    services.self_assessment_save(
        submission=submission, by=reporter, items={}, summary_text="一", expected_version=1, today=TODAY
    )
    refused(
        lambda: services.self_assessment_save(
            submission=submission, by=reporter, items={}, summary_text="二", expected_version=1, today=TODAY
        ),
        409,
        "已被他人修改",
    )
    submission.refresh_from_db()
    assert submission.summary_text == "一"


@pytest.mark.parametrize("who", ["other_reporter", "legal_officer", "leader"])
def test_only_the_units_own_reporter_writes_its_self_assessment(request, submission, who):
    user = request.getfixturevalue(who)
    error = refused(
        lambda: services.self_assessment_save(
            submission=submission, by=user, items=self_inputs(submission, {"一.1": {0: "1"}}), today=TODAY
        ),
        403,
        "",
    )
    assert error.message
    assert not ItemScore.objects.filter(submission=submission, self_score__isnull=False).exists()


def test_evidence_files_and_cited_progress_evidence(submission, reporter, district, unit):
    plan = plan_factory(jurisdiction=district, tasks=1, lead=unit)
    report = ProgressReport.objects.create(
        task=plan.tasks.get(), unit=unit, reported_on=dt.date(2017, 6, 1), text="t", percent=50,
        status=ReportStatus.ACCEPTED, entered_by=reporter,
    )  # fmt: skip
    cited = Evidence.objects.create(
        report=report, file="evidence/x.pdf", original_name="纪要.pdf", size=10, uploaded_by=reporter
    )
    pdf = SimpleUploadedFile("决策目录.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    items = self_inputs(submission, {"一.1": {}}, explanation="已建立目录", evidence_ids=[cited.pk], files=[pdf])
    services.self_assessment_save(submission=submission, by=reporter, items=items, today=TODAY)
    score = ItemScore.objects.get(submission=submission, item__name="遵守行政决策程序")
    assert score.explanation == "已建立目录"
    assert [e.original_name for e in score.evidence.all()] == ["决策目录.pdf"]
    assert list(score.progress_evidence.all()) == [cited]
    exe = SimpleUploadedFile("a.exe", b"MZ")
    refused(
        lambda: services.self_assessment_save(
            submission=submission, by=reporter, items=self_inputs(submission, {"一.1": {}}, files=[exe]), today=TODAY
        ),
        400,
        "文件类型不允许",
    )


def test_another_units_progress_evidence_cannot_be_cited(submission, reporter, district, other_unit, other_reporter):
    plan = plan_factory(jurisdiction=district, tasks=1, lead=other_unit)
    report = ProgressReport.objects.create(
        task=plan.tasks.get(), unit=other_unit, reported_on=dt.date(2017, 6, 1), text="t", percent=50,
        entered_by=other_reporter,
    )  # fmt: skip
    theirs = Evidence.objects.create(
        report=report, file="e/y.pdf", original_name="y.pdf", size=1, uploaded_by=other_reporter
    )
    refused(
        lambda: services.self_assessment_save(
            submission=submission,
            by=reporter,
            items=self_inputs(submission, {"一.1": {}}, evidence_ids=[theirs.pk]),
            today=TODAY,
        ),
        400,
        "只能引用本单位",
    )


def test_platform_facts_count_reports_per_month_and_overdue_tasks(submission, reporter, district, unit):
    plan = plan_factory(jurisdiction=district, tasks=3, lead=unit, due_on=dt.date(2017, 9, 30))
    tasks = list(plan.tasks.order_by("position"))
    TaskProgress.objects.create(task=tasks[0], completed_on=dt.date(2017, 9, 1))
    for month, status in (
        (3, ReportStatus.ACCEPTED),
        (3, ReportStatus.SUBMITTED),
        (5, ReportStatus.ACCEPTED),
        (5, ReportStatus.DRAFT),
    ):
        ProgressReport.objects.create(
            task=tasks[1],
            unit=unit,
            reported_on=dt.date(2017, month, 10),
            text="t",
            percent=10,
            status=status,
            entered_by=reporter,
        )
    ProgressReport.objects.create(
        task=tasks[1], unit=unit, reported_on=dt.date(2016, 3, 10), text="去年", percent=10,
        status=ReportStatus.ACCEPTED, entered_by=reporter,
    )  # fmt: skip
    facts = selectors.platform_facts(submission=submission, today=dt.date(2026, 11, 22))
    assert facts.reports_per_month == [0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert (facts.tasks_total, facts.tasks_done, facts.tasks_overdue) == (3, 1, 2)
    assert facts.as_of == dt.date(2017, 12, 31)
    sheet = selectors.submission_sheet(submission=submission, mode="self", today=TODAY)
    info = next(r for r in sheet.rows if r.item.name == "报送法治政府建设信息")
    assert info.rules[0].value == facts.reports_per_month and info.rules[0].from_platform
    # 21 missing reports × 0.2 = 4.2 off 5 points
    assert info.result.score == D("0.8")
    summary_rule = next(r for r in sheet.rows if r.item.name.startswith("制定年度工作安排")).rules[2]
    assert summary_rule.value is True and summary_rule.locked  # no summary yet: 未报送工作总结, set by the platform


# --- review, return, approval ---------------------------------------------------------------------------


def submit(submission, by, facts=None):
    services.self_assessment_save(
        submission=submission, by=by, items=self_inputs(submission, facts or {}), summary_text="年度总结", today=TODAY
    )
    services.self_assessment_submit(submission=submission, by=by, today=TODAY)
    submission.refresh_from_db()
    return submission


def test_review_sets_scores_beside_the_units_and_never_changes_them(submission, reporter, legal_officer):
    submit(submission, reporter, {"二.2": {0: "1"}})
    facts, grounds = adjust_facts(submission, {1: "1"}, {1: "市法治办〔2017〕5号命名为市级依法行政示范单位"})
    services.review_save(
        submission=submission,
        by=legal_officer,
        items=review_inputs(
            submission,
            {"二.2": {0: "1", 1: "1"}, "一.2": {0: "1.5"}},
            reasons={"一.2": {0: "两件规范性文件未报备"}},
            comment="实地检查发现群众举报一次",
        ),
        adjust_facts=facts,
        adjust_grounds=grounds,
        today=TODAY,
    )
    submission.refresh_from_db()
    service = ItemScore.objects.get(submission=submission, item__name="服务群众")
    assert (service.self_score, service.reviewed_score) == (D("3.0"), D("1.0"))
    assert service.self_facts[next(iter(service.self_facts))] == 1  # the unit's claim is untouched
    assert service.review_comment == "实地检查发现群众举报一次" and service.reviewed_by == legal_officer
    assert submission.self_total == D("98.0")
    # 100 − 4 (服务群众) − 1.5 (一.2) = 94.5, + 3 (市级示范单位)
    assert (submission.reviewed_base, submission.bonus, submission.special, submission.final_total) == (
        D("94.5"), D("3.0"), D("0.0"), D("97.5"),
    )  # fmt: skip
    assert submission.status == SubmissionStatus.SUBMITTED


def test_discretionary_deductions_and_bonus_need_written_reasons(submission, reporter, legal_officer):
    submit(submission, reporter)
    refused(
        lambda: services.review_save(
            submission=submission, by=legal_officer, items=review_inputs(submission, {"一.2": {0: "1"}}), today=TODAY
        ),
        400,
        "酌情扣分须写明理由",
    )
    facts, _ = adjust_facts(submission, {0: "1"})
    refused(
        lambda: services.review_save(
            submission=submission, by=legal_officer, items={}, adjust_facts=facts, today=TODAY
        ),
        400,
        "须写明依据",
    )
    submission.refresh_from_db()
    assert submission.final_total is None and not ItemScore.objects.filter(reviewed_score__isnull=False).exists()


def test_reviewer_bad_counts_are_refused(submission, reporter, legal_officer):
    submit(submission, reporter)
    refused(
        lambda: services.review_save(
            submission=submission, by=legal_officer, items=review_inputs(submission, {"五.2": {0: "-1"}}), today=TODAY
        ),
        400,
        "不能为负数",
    )


def test_review_waits_for_the_submission(submission, legal_officer, reporter):
    refused(
        lambda: services.review_save(submission=submission, by=legal_officer, items={}, today=TODAY), 409, "尚未提交"
    )
    # After the window a unit that never submitted is scored on site all the same: it stays 未提交 (the
    # review marker says it is done), it declared nothing, and what the office did not score is worth
    # nothing under the cycle's default rule (the issue "no unit scored for what it never declared").
    services.review_save(submission=submission, by=legal_officer, items={}, finish=True, today=AFTER)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT and submission.reviewed_at is not None
    assert submission.state(today=AFTER) == SubmissionStatus.NOT_SUBMITTED
    assert submission.declared_total is None and submission.final_total == D("0.0")


def test_only_the_legal_office_of_the_district_reviews(submission, reporter, leader, outsider_officer):
    submit(submission, reporter)
    for user in (reporter, leader, outsider_officer):
        refused(lambda u=user: services.review_save(submission=submission, by=u, items={}, today=TODAY), 403, "")
        refused(lambda u=user: services.submission_return(submission=submission, by=u, reason="x"), 403, "")


def test_return_reopens_for_that_unit_only_and_resubmit(submission, reporter, legal_officer, cycle, other_unit):
    submit(submission, reporter)
    refused(lambda: services.submission_return(submission=submission, by=legal_officer, reason=" "), 400, "写明理由")
    services.submission_return(submission=submission, by=legal_officer, reason="请补充案卷评查材料")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED and submission.return_reason == "请补充案卷评查材料"
    refused(lambda: services.review_save(submission=submission, by=legal_officer, items={}, today=TODAY), 409, "已退回")
    # Reopened for this unit even after the window closed; other units stay closed.
    services.self_assessment_save(
        submission=submission, by=reporter, items=self_inputs(submission, {"四.1": {1: "1"}}), today=AFTER
    )
    services.self_assessment_submit(submission=submission, by=reporter, today=AFTER)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RESUBMITTED and submission.self_total == D("98.0")
    other = Submission.objects.get(cycle=cycle, unit=other_unit)
    assert other.status == SubmissionStatus.DRAFT
    statuses = list(
        Submission.history.filter(id=submission.pk).order_by("history_date").values_list("status", flat=True)
    )
    transitions = [s for n, s in enumerate(statuses) if n == 0 or s != statuses[n - 1]]
    assert transitions[-3:] == ["submitted", "returned", "resubmitted"]


def test_approval_needs_every_unit_reviewed_then_locks(
    cycle, submission, town_submission, reporter, town_reporter, legal_officer
):
    submit(submission, reporter)
    submit(town_submission, town_reporter, {"三.1": {0: "1"}})
    error = refused(lambda: services.cycle_approve(cycle=cycle, by=legal_officer), 409, "未审核完毕")
    assert len(error.details) == 4
    for s in Submission.objects.filter(cycle=cycle):
        items = review_all(s) if s.never_submitted else {}  # never submitted: every item scored on site
        services.review_save(submission=s, by=legal_officer, items=items, finish=True, today=AFTER)
    facts, grounds = adjust_facts(submission, {1: "1"}, {1: "市级示范单位"})
    services.review_save(
        submission=submission, by=legal_officer, items={}, adjust_facts=facts, adjust_grounds=grounds, today=AFTER
    )
    services.cycle_approve(cycle=cycle, by=legal_officer, note="区政府常务会议审定")
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.APPROVED and cycle.approved_by == legal_officer
    submission.refresh_from_db()
    town_submission.refresh_from_db()
    assert submission.final_total == D("103.0") and town_submission.final_total == D("95.0")
    assert selectors.unit_result(submission=submission).rank == 1
    town = selectors.unit_result(submission=town_submission)
    assert (town.rank, town.of, town.converted) == (2, 2, D("9.5"))
    refused(lambda: services.review_save(submission=submission, by=legal_officer, items={}, today=AFTER), 409, "已审定")
    refused(lambda: services.submission_return(submission=submission, by=legal_officer, reason="x"), 409, "已审定")
    refused(
        lambda: services.window_extend(
            cycle=cycle, unit=submission.unit, until=dt.date(2018, 1, 1), reason="x", by=legal_officer
        ),
        409,
        "已审定",
    )
    refused(lambda: services.cycle_approve(cycle=cycle, by=legal_officer), 409, "已审定")


def test_ranking_per_kind_with_ties(cycle, legal_officer, unit, other_unit, township, other_township):
    finals = {
        unit: {"二.2": {0: "1"}},
        other_unit: {"二.2": {1: "1"}},
        township: {},
        other_township: {"三.1": {0: "1"}},
    }
    for u, facts in finals.items():
        s = Submission.objects.get(cycle=cycle, unit=u)  # none submitted: every item scored on site
        services.review_save(submission=s, by=legal_officer, items=review_all(s, facts), finish=True, today=AFTER)
    rankings = {r.kind: r for r in selectors.ranking(cycle=cycle)}
    dept = [(row.submission.unit.name, row.rank, row.submission.final_total) for row in rankings["department"].rows]
    assert dept == [("区编办", 1, D("98.0")), ("区财政局", 1, D("98.0"))]
    town = [(row.submission.unit.name, row.rank, row.converted) for row in rankings["township"].rows]
    assert town == [("元坝镇", 1, D("10.0")), ("卫子镇", 2, D("9.5"))]
    assert [b.count for b in rankings["township"].bands] == [2, 0, 0, 0, 0]


def test_rescore_agrees_with_what_the_services_stored(cycle, submission, reporter, legal_officer):
    submit(submission, reporter, {"三.2": {0: ["1"] * 12}, "六.2": {0: "1", 1: "1", 2: "1"}})
    services.review_save(
        submission=submission, by=legal_officer, items=review_inputs(submission, {"四.2": {0: "1"}}), today=TODAY
    )
    before = Submission.objects.get(pk=submission.pk)
    assert services.cycle_rescore(cycle=cycle) == 0
    board = selectors.cycle_scoreboard(cycle=cycle)
    assert board[submission.pk].self_total == before.self_total == D("91.6")
    assert board[submission.pk].total.final == before.final_total


def test_deleting_a_rubric_item_is_not_possible_while_scored(cycle, rubrics):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Item.objects.filter(rubric=rubrics["department"]).first().delete()


def test_default_participants_leave_out_the_assessor(district, unit, other_unit, township):
    assert services.default_participants(district, exclude=unit) == [other_unit, township]
    assert all(u.kind in (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP) for u in services.default_participants(district))


def test_workbench_items(cycle, submission, reporter, legal_officer):
    assert selectors.workbench_items(user=reporter, today=TODAY)[0]["submission"] == submission
    assert selectors.workbench_items(user=reporter, today=AFTER) == []
    submit(submission, reporter)
    assert selectors.workbench_items(user=legal_officer, today=TODAY)[0]["title"].endswith("待审核自评1份")
    services.submission_return(submission=submission, by=legal_officer, reason="补充")
    assert selectors.workbench_items(user=reporter, today=AFTER)[0]["urgent"]


def test_returns_and_the_published_results_ring_the_units_bell(approved, reporter, town_reporter, legal_officer):
    submission = Submission.objects.get(cycle=approved, unit=reporter.unit)
    services.submission_return(submission=submission, by=legal_officer, reason="佐证材料不全")
    notice = Notification.objects.get(user=reporter, kind="assessment_returned")
    assert "退回" in notice.title and notice.body == "退回理由:佐证材料不全"
    assert notice.url == f"/assessment/submissions/{submission.pk}/"
    assert not Notification.objects.filter(user=town_reporter, kind="assessment_returned").exists()
    submit(submission, reporter)
    services.review_save(submission=submission, by=legal_officer, items={}, finish=True, today=AFTER)
    services.cycle_approve(cycle=approved, by=legal_officer, note="区政府常务会议审定")
    town = Notification.objects.get(user=town_reporter, kind="assessment_published")
    assert town.title == "2017年度法治政府建设考核结果已发布:总分 95.0 分"
    assert Notification.objects.filter(kind="assessment_published").count() == 2  # one reporter per unit here


# --- the system as the actor ------------------------------------------------------------------------------


def test_the_system_acts_as_the_legal_office_and_is_recorded_as_nobody(district, seed_bytes, unit, township):
    """The demo seed, management commands and jobs pass ``SYSTEM`` (never ``None``): it may do what the
    legal office does, and every row and history entry it writes names no user."""
    services.rubric_import_document(data=seed_bytes, filename=SEED.name, jurisdiction=district, by=SYSTEM)
    rubrics = {r.unit_kind: r for r in Rubric.objects.filter(jurisdiction=district)}
    assert rubrics and all(r.created_by is None for r in rubrics.values())
    assert all(r.history.first().history_user is None for r in rubrics.values())
    cycle = services.cycle_create(
        jurisdiction=district,
        year=2017,
        title="",
        department_rubric=rubrics[UnitKind.DEPARTMENT],
        township_rubric=rubrics[UnitKind.TOWNSHIP],
        self_start=dt.date(2017, 12, 1),
        self_end=dt.date(2017, 12, 10),
        weight=Decimal("10"),
        units=[unit, township],
        by=SYSTEM,
    )
    assert cycle.created_by is None and cycle.history.first().history_user is None
    after = dt.date(2017, 12, 11)
    for submission in Submission.objects.filter(cycle=cycle):
        services.review_save(submission=submission, by=SYSTEM, items={}, finish=True, today=after)
    assert not Submission.objects.filter(cycle=cycle).exclude(reviewed_by=None).exists()
    services.cycle_approve(cycle=cycle, by=SYSTEM, note="区政府审定")
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.APPROVED and cycle.approved_by is None
    assert cycle.history.first().history_user is None
