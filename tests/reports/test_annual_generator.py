"""Issue 6: the annual report's generator — what it gathers for a jurisdiction-year and the draft it writes.

The builders here make a small district-year by hand (the other test_annual_* modules import them): a plan
with three themes, accepted and unaccepted progress, an overdue task, a silent task, a quantitative target
and figures, so every kind of sentence of the draft has a fact behind it.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawgov.models import Role, Unit, UnitKind, User
from plans.models import Assignment, Clause, Plan, PlanKind, Section, Target, Task
from reports import generator, services
from reports.generator import gather, wording_for, write
from reports.models import Indicator, Statistic, ThemeList, WordingTemplate
from tasks.models import ProgressReport, ReportStatus, TaskProgress
from tests.conftest import make_unit

YEAR = 2025
TODAY = dt.date(2026, 2, 1)


def add_task(plan, section, number, heading, *, lead, due_on=None, text=None):
    task = Task.objects.create(
        plan=plan,
        section=section,
        number=str(number),
        path=f"{section.path}/{number}",
        heading=heading,
        text=text or f"{heading}。",
        position=number,
        due_on=due_on,
    )
    clause = Clause.objects.create(task=task, position=0, text=task.text)
    Assignment.objects.create(clause=clause, unit=lead, role="lead", printed_name=lead.name)
    return task


def accept(task, unit, day, text, by, status=ReportStatus.ACCEPTED):
    return ProgressReport.objects.create(
        task=task, unit=unit, reported_on=day, text=text, percent=50, status=status, entered_by=by
    )


def build_year(district: Unit) -> dict:
    """A district's 2025: three themes, four tasks, progress of every kind, two figures and a target."""
    justice = make_unit(district, "区司法局")
    city_mgmt = make_unit(district, "区城管局")
    street = make_unit(district, "桥南街道", kind=UnitKind.TOWNSHIP)
    officer = User.objects.filter(role=Role.LEGAL_OFFICE, jurisdiction=district).first() or User.objects.create_user(
        username="fzb_builder", password="x-pass-1234", role=Role.LEGAL_OFFICE, jurisdiction=district
    )
    plan = Plan.objects.create(
        jurisdiction=district,
        title=f"{district.name}{YEAR}年法治政府建设工作要点",
        kind=PlanKind.KEY_POINTS,
        doc_number="番府办〔2025〕3号",
        issued_on=dt.date(YEAR, 3, 1),
        period_start=YEAR,
        period_end=YEAR,
    )
    s1 = Section.objects.create(plan=plan, label="一、", title="加强行政复议工作", path="一", position=1)
    s2 = Section.objects.create(plan=plan, label="二、", title="推进严格规范公正文明执法", path="二", position=2)
    s3 = Section.objects.create(plan=plan, label="三、", title="深化政务公开", path="三", position=3)
    t1 = add_task(plan, s1, 1, "做好行政复议案件办理", lead=justice)
    t2 = add_task(plan, s2, 2, "推行行政执法公示制度", lead=city_mgmt, due_on=dt.date(YEAR, 3, 31))
    t3 = add_task(plan, s2, 3, "落实会前学法制度", lead=justice, text="区政府每年安排常务会会前学法不少于4次。")
    t4 = add_task(plan, s3, 4, "推进基层政务公开", lead=street)
    Target.objects.create(task=t3, text="会前学法不少于4次", value=Decimal(4), measure="次", period="year")
    r1 = accept(t1, justice, dt.date(YEAR, 3, 10), "组织开展行政复议案件评查,发现问题已整改。", officer)
    r2 = accept(t1, justice, dt.date(YEAR, 6, 20), "区司法局建成行政复议网上受理平台。", officer)
    r3 = accept(t2, city_mgmt, dt.date(YEAR, 5, 5), "在门户网站公示执法主体和执法依据。", officer)
    r4 = accept(t3, justice, dt.date(YEAR, 9, 1), "全年安排会前学法三次。", officer)
    accept(t1, justice, dt.date(YEAR, 7, 1), "草稿:不应出现。", officer, status=ReportStatus.DRAFT)
    accept(t1, justice, dt.date(YEAR, 8, 1), "退回:不应出现。", officer, status=ReportStatus.RETURNED)
    accept(t1, justice, dt.date(YEAR - 1, 12, 1), "上一年的进展:不应出现。", officer)
    TaskProgress.objects.create(
        task=t1, completed_on=dt.date(YEAR, 6, 30), completed_by=r2, last_report_on=r2.reported_on
    )
    for t, r in ((t2, r3), (t3, r4)):
        TaskProgress.objects.create(task=t, last_report_on=r.reported_on)
    services.catalogue_ensure()
    shared = {i.name: i for i in Indicator.objects.filter(jurisdiction__isnull=True)}
    complaints = Statistic.objects.create(
        indicator=shared["行政复议申请"], unit=justice, jurisdiction=district, year=YEAR, value=Decimal(120)
    )
    study = Statistic.objects.create(
        indicator=shared["政府常务会议会前学法"], unit=district, jurisdiction=district, year=YEAR, value=Decimal(3)
    )
    return {
        "plan": plan,
        "sections": (s1, s2, s3),
        "tasks": (t1, t2, t3, t4),
        "reports": (r1, r2, r3, r4),
        "units": (justice, city_mgmt, street),
        "officer": officer,
        "statistics": (complaints, study),
    }


@pytest.fixture
def year_data(district, legal_officer):
    return build_year(district)


def draft(district, theme_list=None, today=TODAY, year=YEAR):
    data = gather(jurisdiction=district, year=year, theme_list=theme_list, today=today)
    return data, write(data, wording_for(district.pk))


def paragraphs(body):
    return {p["key"]: p for s in body["sections"] for p in s["paragraphs"]}


PARTS = ["opening", "measures", "shortcomings", "leadership", "next_steps", "other"]


def measure_paragraphs(body) -> list[dict]:
    (part,) = [s for s in body["sections"] if s["kind"] == "measures"]
    return part["paragraphs"]


def paragraph_of(body, task) -> dict:
    (found,) = [p for p in measure_paragraphs(body) if task.pk in p["sources"]["tasks"]]
    return found


def all_text(body) -> str:
    return " ".join(p["text"] for s in body["sections"] for p in s["paragraphs"])


def test_the_draft_has_the_statutory_parts_and_guangzhous_shape_inside_the_first(district, year_data):
    _, body = draft(district)
    assert body["title"] == f"广州市番禺区人民政府关于我区{YEAR}年法治政府建设情况的报告"
    assert [s["kind"] for s in body["sections"]] == PARTS
    # 2019 督察规定: measures and results, shortcomings, the principal leaders' duty, next year, other matters.
    assert [s["title"] for s in body["sections"][1:]] == [
        f"{YEAR}年法治政府建设的主要举措和成效",
        "存在的不足和原因",
        "党政主要负责人履行推进法治建设第一责任人职责情况",
        f"{YEAR + 1}年推进法治政府建设的主要安排",
        "其他需要报告的事项",
    ]
    # Inside the first part, the plan's own sections are the (一) paragraphs, in order; a theme with nothing
    # to tell (深化政务公开: no accepted progress) is left out instead of filled with a "no data" sentence.
    assert [p["title"] for p in measure_paragraphs(body)] == ["加强行政复议工作", "推进严格规范公正文明执法"]
    opening = paragraphs(body)["opening"]["text"]
    plan = f"《{district.name}{YEAR}年法治政府建设工作要点》(番府办〔2025〕3号)"
    assert opening.startswith(f"{YEAR}年,我区认真落实{plan}")
    assert "全年部署法治政府建设重点任务4项,已完成1项,其余任务按计划持续推进" in opening
    # The system's own vocabulary never reaches the report.
    assert "审核采纳" not in all_text(body) and "本平台数据" not in all_text(body)


def test_each_theme_is_a_topic_sentence_then_its_measures_with_their_sources(district, year_data):
    t1, t2, t3, _ = year_data["tasks"]
    r1, r2, r3, r4 = year_data["reports"]
    _, body = draft(district)
    p1 = paragraph_of(body, t1)
    assert p1["title"] == "加强行政复议工作"
    # Topic sentence, then the unit's results (newest first, named once), then the figure of the theme.
    assert p1["text"] == (
        "围绕加强行政复议工作,我区部署重点任务1项,年内完成1项。"
        "区司法局建成行政复议网上受理平台。组织开展行政复议案件评查,发现问题已整改。全年收到行政复议申请120件。"
    )
    assert p1["sources"]["tasks"] == [t1.pk]
    assert sorted(p1["sources"]["reports"]) == sorted([r1.pk, r2.pk])
    assert p1["sources"]["statistics"] == [year_data["statistics"][0].pk]
    p2 = paragraph_of(body, t2)
    assert p2 is paragraph_of(body, t3)  # one paragraph per theme
    assert "一是" in p2["text"] and "二是" in p2["text"]
    assert "区城管局在门户网站公示执法主体和执法依据。" in p2["text"]
    assert sorted(p2["sources"]["reports"]) == sorted([r3.pk, r4.pk])
    # Drafts, returned reports and last year's never reach the draft.
    assert "不应出现" not in all_text(body)


def test_first_person_notes_become_the_government_speaking_of_its_units(district, year_data):
    t1 = year_data["tasks"][0]
    justice = year_data["units"][0]
    justice.short_name = "区司法局"
    justice.save()
    accept(
        t1,
        justice,
        dt.date(YEAR, 10, 1),
        "我局高度重视行政复议工作。印发《行政复议案件办理规程》(番司发〔2025〕5号),全年办结案件98件。"
        "下一步,我局将继续深化行政复议体制改革。",
        year_data["officer"],
    )
    _, body = draft(district)
    text = paragraph_of(body, t1)["text"]
    assert "我局" not in text and "下一步" not in text and "将继续深化" not in text
    assert "区司法局印发《行政复议案件办理规程》(番司发〔2025〕5号),全年办结案件98件。" in text
    assert "高度重视" not in text  # an empty phrase goes where the unit gave facts


def test_targets_are_checked_against_the_figures(district, year_data):
    t3 = year_data["tasks"][2]
    data, body = draft(district)
    (check,) = data.targets
    assert check.figure.name == "政府常务会议会前学法" and check.met is False
    assert "对照“会前学法不少于4次”的量化目标,全年实际为3次,未达到目标。" in paragraph_of(body, t3)["text"]
    shortcomings = paragraphs(body)["shortcomings"]["text"]
    assert "“会前学法不少于4次”量化目标尚未达到,与预期仍有差距" in shortcomings
    # 会前学法 is a figure of the principal leaders' duty: it is stated there.
    assert "政府常务会议会前学法3次" in paragraphs(body)["leadership"]["text"]


def test_shortcomings_are_grouped_by_theme_in_the_offices_voice(district, year_data):
    _, t2, _, t4 = year_data["tasks"]
    _, body = draft(district)
    p = paragraphs(body)["shortcomings"]
    assert p["text"].startswith(f"{YEAR}年,我区法治政府建设取得了一定成效,但对照新形势新要求,仍存在一些不足:一是")
    assert "推进严格规范公正文明执法方面,部分工作推进滞后,1项任务未能在时限内完成" in p["text"]
    assert "深化政务公开方面,部分工作推进滞后,1项任务推进情况反映不够及时" in p["text"]
    assert "区城管局" not in p["text"] and "牵头单位" not in p["text"]  # no unit is named by default
    assert {t2.pk, t4.pk} <= set(p["sources"]["tasks"])


def test_next_steps_from_next_years_plan(district, year_data):
    nxt = Plan.objects.create(
        jurisdiction=district,
        title=f"{district.name}{YEAR + 1}年法治政府建设工作要点",
        kind=PlanKind.KEY_POINTS,
        issued_on=dt.date(YEAR + 1, 3, 1),
        period_start=YEAR + 1,
        period_end=YEAR + 1,
    )
    for n, title in enumerate(["深入推进依法行政", "加强行政执法监督"], start=1):
        section = Section.objects.create(plan=nxt, label=f"{n}", title=title, path=str(n), position=n)
        add_task(nxt, section, n, f"任务{n}", lead=year_data["units"][0])
    data, body = draft(district)
    text = paragraphs(body)["next-steps"]["text"]
    assert f"{YEAR + 1}年,我区将按照《{nxt.title}》的部署" in text
    assert "一是深入推进依法行政。二是进一步加强行政执法监督。" in text
    # Next year's plan is not this year's: its tasks are not counted.
    assert len(data.tasks) == 4


def test_next_steps_without_next_years_plan_start_with_the_themes_that_fell_short(district, year_data):
    _, body = draft(district)
    text = paragraphs(body)["next-steps"]["text"]
    assert "一是进一步推进严格规范公正文明执法。二是进一步深化政务公开。三是进一步加强行政复议工作。" in text
    assert "尚未完成" not in text  # steps, not a list of unfinished tasks


def test_a_year_without_data_says_so_section_by_section(district, legal_officer):
    data, body = draft(district, year=2019)
    assert not data.has_data
    assert [s["kind"] for s in body["sections"]] == PARTS
    opening = paragraphs(body)["opening"]["text"]
    assert "在本平台没有法治政府建设工作计划、工作进展和统计数据" in opening
    assert [p["text"] for p in measure_paragraphs(body)] == ["本年度暂无工作计划和工作进展数据。"]
    assert "没有2019年的数据" in paragraphs(body)["shortcomings"]["text"]
    assert "请在“统计数据”中补充" in paragraphs(body)["leadership"]["text"]


def test_a_theme_list_groups_tasks_by_keywords(district, year_data):
    t1, t2, t3, _ = year_data["tasks"]
    themes = ThemeList.objects.create(name="广州", themes=generator.GUANGZHOU_THEMES)
    _, body = draft(district, theme_list=themes)
    assert paragraph_of(body, t1)["title"] == "强化权力制约监督,依法化解社会矛盾纠纷"  # 复议
    assert paragraph_of(body, t2)["title"] == "深化体制改革,加强行政执法规范化建设"  # 执法
    assert paragraph_of(body, t3)["title"] == "加强组织领导,全面推进法治政府建设"  # 学法


def test_wording_is_the_legal_offices_sentence_frame(district, year_data):
    WordingTemplate.objects.create(
        jurisdiction=district, key="title", text="\u3010人民政府\u3011\u3010年度\u3011年度法治政府建设工作报告"
    )
    WordingTemplate.objects.create(jurisdiction=district, key="paragraph", text="\u3010方面\u3011方面,成效明显")
    t2 = year_data["tasks"][1]
    _, body = draft(district)
    assert body["title"] == f"广州市番禺区人民政府{YEAR}年度法治政府建设工作报告"
    assert paragraph_of(body, t2)["text"].startswith("推进严格规范公正文明执法方面,成效明显。一是")


def test_an_advanced_template_kept_from_before_frames_still_renders(district, year_data):
    WordingTemplate.objects.create(
        jurisdiction=district, key="title", text="{{ government }}{{ year }}年度法治政府建设工作报告", advanced=True
    )
    WordingTemplate.objects.create(
        jurisdiction=district,
        key="shortcomings",
        text="{% if items %}有不足{% else %}没有不足{% endif %}",
        advanced=True,
    )
    _, body = draft(district)
    assert body["title"] == f"广州市番禺区人民政府{YEAR}年度法治政府建设工作报告"
    # the advanced template decides its own variants (the frames shortcomings_none/_empty are not used)
    shortcomings = next(s for s in body["sections"] if s["key"] == "shortcomings")
    assert shortcomings["paragraphs"][0]["text"] in ("有不足", "没有不足")


def test_the_default_frames_fill_every_blank(district, year_data):
    _, body = draft(district)
    text = "".join(p["text"] for s in body["sections"] for p in s["paragraphs"]) + body["title"]
    assert "\u3010" not in text and "{" not in text
    assert body["title"] == f"广州市番禺区人民政府关于我区{YEAR}年法治政府建设情况的报告"


def test_old_templates_become_frames_where_they_can():
    assert generator.frame_from_template("title", "{# 标题 #}{{ government }}{{ year }}年度报告") == (
        "\u3010人民政府\u3011\u3010年度\u3011年度报告\n"
    )
    assert generator.frame_from_template("paragraph", "围绕{{ theme.title }}") == "围绕\u3010方面\u3011\n"
    assert generator.frame_from_template("opening", "{% if has_data %}有{% endif %}") is None
    assert generator.frame_from_template("title", "{{ year|add:1 }}") is None
    assert generator.frame_from_template("title", "{{ theme.title }}") is None  # not a blank of the title


def test_a_broken_wording_template_is_reported_by_name(district, year_data):
    WordingTemplate.objects.create(jurisdiction=district, key="opening", text="{% if %}", advanced=True)
    data = gather(jurisdiction=district, year=YEAR, theme_list=None, today=TODAY)
    with pytest.raises(generator.WordingError) as caught:
        write(data, wording_for(district.pk))
    assert caught.value.key == "opening"
    # a frame with an unknown blank written behind the page's back
    WordingTemplate.objects.filter(key="opening").update(text="\u3010没有这个\u3011", advanced=False)
    with pytest.raises(generator.WordingError) as caught:
        write(data, wording_for(district.pk))
    assert caught.value.key == "opening" and "没有这个" in caught.value.detail


def test_figures_sum_the_units_unless_the_jurisdiction_reported_its_own(district, year_data):
    justice, city_mgmt, _ = year_data["units"]
    shared = {i.name: i for i in Indicator.objects.filter(jurisdiction__isnull=True)}
    fines = shared["行政处罚案件"]
    Statistic.objects.create(indicator=fines, unit=justice, jurisdiction=district, year=YEAR, value=Decimal(10))
    Statistic.objects.create(indicator=fines, unit=city_mgmt, jurisdiction=district, year=YEAR, value=Decimal(25))
    rate = shared["行政诉讼败诉率"]
    Statistic.objects.create(indicator=rate, unit=justice, jurisdiction=district, year=YEAR, value=Decimal("4.5"))
    Statistic.objects.create(indicator=rate, unit=city_mgmt, jurisdiction=district, year=YEAR, value=Decimal("2"))
    figures = {f.name: f for f in generator.gather_figures(jurisdiction=district, year=YEAR)}
    assert figures["行政处罚案件"].value == 35
    assert figures["行政处罚案件"].parts == [("区司法局", "10件"), ("区城管局", "25件")]
    assert "行政诉讼败诉率" not in figures  # rates of two units are never added up
    Statistic.objects.create(indicator=fines, unit=district, jurisdiction=district, year=YEAR, value=Decimal(40))
    figures = {f.name: f for f in generator.gather_figures(jurisdiction=district, year=YEAR)}
    assert figures["行政处罚案件"].value == 40 and figures["行政处罚案件"].sentence == "办理行政处罚案件40件"


def test_gather_costs_the_same_queries_for_a_bigger_year(district, year_data):
    with CaptureQueriesContext(connection) as small:
        gather(jurisdiction=district, year=YEAR, theme_list=None, today=TODAY)
    plan, justice = year_data["plan"], year_data["units"][0]
    section = year_data["sections"][0]
    officer = year_data["officer"]
    for n in range(10, 40):
        task = add_task(plan, section, n, f"任务{n}", lead=justice)
        Target.objects.create(task=task, text="不少于2次", value=Decimal(2), measure="次")
        for k in range(3):
            accept(task, justice, dt.date(YEAR, 1 + k, 1), f"进展{n}-{k}。", officer)
    with CaptureQueriesContext(connection) as big:
        gather(jurisdiction=district, year=YEAR, theme_list=None, today=TODAY)
    # plans, sections, tasks, assignments, reports, assessment cycle, indicators, statistics, targets,
    # next year's plans: the same list whatever the size.
    assert len(big) == len(small)


def test_an_approved_assessment_is_cited_and_its_weakest_category_is_a_shortcoming(district, year_data):
    from assessment.models import AssessmentCycle, Category, Item, ItemScore, Rubric, Submission

    justice, city_mgmt, _ = year_data["units"]
    rubrics = {
        kind: Rubric.objects.create(jurisdiction=district, year=YEAR, unit_kind=kind, title=f"{kind}细则")
        for kind in (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP)
    }
    cycle = AssessmentCycle.objects.create(
        jurisdiction=district,
        year=YEAR,
        title=f"{district.name}{YEAR}年度法治政府建设考核",
        department_rubric=rubrics[UnitKind.DEPARTMENT],
        township_rubric=rubrics[UnitKind.TOWNSHIP],
        self_start=dt.date(YEAR, 12, 1),
        self_end=dt.date(YEAR, 12, 10),
        status="approved",
    )
    rubric = rubrics[UnitKind.DEPARTMENT]
    weak = Category.objects.create(rubric=rubric, label="一", name="依法科学民主决策", max_points=Decimal(20))
    strong = Category.objects.create(rubric=rubric, label="二", name="严格规范公正文明执法", max_points=Decimal(20))
    items = [
        Item.objects.create(rubric=rubric, category=c, number="1", name=c.name, max_points=Decimal(20))
        for c in (weak, strong)
    ]
    for unit, total, scores in ((justice, "92.5", (12, 19)), (city_mgmt, "85", (10, 18))):
        sub = Submission.objects.create(cycle=cycle, unit=unit, rubric=rubric, final_total=Decimal(total))
        for item, score in zip(items, scores, strict=True):
            ItemScore.objects.create(submission=sub, item=item, reviewed_score=Decimal(score))
    data, body = draft(district)
    assert data.assessment.units == 2 and data.assessment.average == "88.8"
    # The result is stated once: in the theme it belongs to, not again in the opening.
    stated = [p for s in body["sections"] for p in s["paragraphs"] if cycle.title in p["text"]]
    assert len(stated) == 1 and stated[0]["key"].startswith("theme-")
    assert "组织开展" + cycle.title + ",2个单位参加考核,平均得分88.8分。" in stated[0]["text"]
    assert "位居前列" not in stated[0]["text"]  # of two units, neither is named "among the first"
    shortcomings = paragraphs(body)["shortcomings"]["text"]
    assert "年度考核中“依法科学民主决策”方面得分率相对较低" in shortcomings  # 55 %
    assert "严格规范公正文明执法”方面" not in shortcomings  # 92.5 % is not a weakness
    # Of six units the best two are named; a tie at the cut is never broken by name.
    for n, total in enumerate(("95", "94", "80", "79", "78", "77")):
        unit = make_unit(district, f"区第{n}局")
        Submission.objects.create(cycle=cycle, unit=unit, rubric=rubric, final_total=Decimal(total))
    _, body = draft(district)
    assert "区级部门中,区第0局(95分)、区第1局(94分)得分位居前列。" in all_text(body)
    Submission.objects.filter(cycle=cycle, final_total=Decimal(94)).update(final_total=Decimal("92.5"))
    _, body = draft(district)
    assert "区级部门中,区第0局(95分)得分位居前列。" in all_text(body)  # 92.5 is shared with 区司法局
    # An open cycle is not a result.
    cycle.status = "open"
    cycle.save()
    data, body = draft(district)
    assert data.assessment is None and cycle.title not in all_text(body)


def test_ordinals():
    assert [generator.ordinal(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
