"""Issue 12 ("The December assessment, correct and complete"): the defects found walking the 昭化 2017 cycle in
Chromium, each pinned where the person meets it (the page, the export, the API) and in the service.

- platform facts never fill the legal office's sheet of a unit that did not submit; it takes them on purpose
  (采用平台数据), and the fact → rule mapping is the cycle's data, changed on its settings page;
- a refused review form comes back as it was typed (untouched items empty, not 0);
- one rule decides who is ranked (``Submission.ranked``), read by the ranking page, the summary .xlsx and the API;
- 核定依据 is required for on-site and changed scores, 审定依据 for approval;
- opening a cycle takes its options; the reporter's card shows the published result;
- wording: the sheet numbers 六 without repeating 3., no 的的, no "未提交自评的单位:未提交自评".
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment import scoring, selectors, services
from assessment.models import AssessmentCycle, ItemScore, Submission, UnsubmittedRule
from assessment.rules import RubricRules
from tests.api.test_api import token_client
from tests.assessment.conftest import TODAY
from tests.assessment.helpers import item_by_path, review_all, review_inputs, self_inputs
from tests.assessment.test_services import refused

pytestmark = pytest.mark.django_db

AFTER = dt.date(2017, 12, 11)


def url(name: str, *args) -> str:
    return reverse(f"assessment:{name}", args=args)


def _ids(submission: Submission):
    rules = RubricRules.load(submission.rubric_id)
    info = item_by_path(rules, "三.2")  # 报送法治政府建设信息: the monthly counts
    plan = item_by_path(rules, "六.2")  # 制定年度工作安排…及时报送工作总结: its third rule is 未报送工作总结
    return rules, info, rules.by_item[info.pk][0], plan, rules.by_item[plan.pk][2]


def _review_post(submission: Submission, rules: RubricRules, **extra) -> dict:
    """What the review page of a unit that never submitted posts when the office touches nothing."""
    data = {"version": submission.version, "action": "save"}
    for item in rules.items:
        for rule in rules.by_item[item.pk]:
            if rule.kind == "per_shortfall":
                for m in rule.months:
                    data[f"f-{rule.pk}-{m}"] = ""
            elif rule.kind in ("per_occurrence", "discretionary"):
                data[f"f-{rule.pk}"] = ""
        data[f"c-{item.pk}"] = ""
    data.update(extra)
    return data


def _month_values(page: str, rule_id: int) -> list[str]:
    return [
        re.search(rf'name="f-{rule_id}-{m}"[^>]*value="([^"]*)"', page)[1]
        for m in range(1, 13)
        if re.search(rf'name="f-{rule_id}-{m}"', page)
    ]


def _checked(page: str, name: str) -> bool:
    tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', page)[0]
    return " checked" in tag


# --- 1. platform facts inform, they do not punish ------------------------------------------------------


def test_platform_facts_are_shown_beside_a_non_submitters_items_and_taken_only_on_purpose(
    client, cycle, legal_officer, other_unit
):
    never = Submission.objects.get(cycle=cycle, unit=other_unit)
    rules, info, monthly, plan, summary = _ids(never)
    client.force_login(legal_officer)
    page = client.get(url("review", never.pk)).content.decode()
    # Fully empty: no month filled with the platform's zeros, 未报送工作总结 not ticked, nothing 核定.
    assert _month_values(page, monthly.pk) == [""] * 12
    assert not _checked(page, f"f-{summary.pk}") and not _checked(page, f"s-{plan.pk}")
    assert not _checked(page, f"s-{info.pk}")
    # …and the platform's facts are there as information beside the items, with the button to take them.
    assert f'data-platform="{monthly.pk}">平台数据:0、0、0' in page
    assert f'data-platform="{summary.pk}">平台数据:是' in page
    assert f'data-adopt="{info.pk}"' in page and "data-adopt-all" in page

    # 采用平台数据 for one item: the form comes back with that item filled and ticked, nothing saved.
    taken = client.post(url("review", never.pk), _review_post(never, rules, adopt=str(info.pk)))
    assert taken.status_code == 200
    page = taken.content.decode()
    assert _month_values(page, monthly.pk) == ["0"] * 12 and _checked(page, f"s-{info.pk}")
    assert not _checked(page, f"f-{summary.pk}")  # only the item asked for
    assert "尚未保存" in page
    assert not ItemScore.objects.filter(submission=never, review_facts__isnull=False).exists()
    never.refresh_from_db()
    assert never.reviewed_base is None and never.version == 1

    # All at once: every mapped item filled and ticked, still nothing saved until the office saves.
    page = client.post(url("review", never.pk), _review_post(never, rules, adopt="all")).content.decode()
    assert _checked(page, f"f-{summary.pk}") and _checked(page, f"s-{plan.pk}") and _checked(page, f"s-{info.pk}")
    assert not ItemScore.objects.filter(submission=never, review_facts__isnull=False).exists()

    # The service agrees: the sheet of a non-submitter never holds a platform value as the office's fact.
    sheet = selectors.submission_sheet(submission=never, mode="review", today=AFTER)
    row = next(r for r in sheet.rows if r.item.pk == info.pk)
    assert row.rules[0].value is None and row.rules[0].platform == [0] * 12 and not row.scored


def test_the_fact_mapping_is_the_cycles_data_the_office_changes_on_the_settings_page(
    client, cycle, legal_officer, other_unit, reporter, submission
):
    never = Submission.objects.get(cycle=cycle, unit=other_unit)
    rules, info, monthly, plan, summary = _ids(never)
    # A new cycle starts from what the import recognised, stored on the cycle (not read from code).
    assert cycle.fact_sources[str(monthly.pk)] == "progress_reports_per_month"
    assert cycle.fact_sources[str(summary.pk)] == "summary_missing"
    client.force_login(legal_officer)
    page = client.get(url("cycle-edit", cycle.pk)).content.decode()
    assert "平台数据对应的评分规则" in page and f'name="src-{monthly.pk}"' in page
    base = {
        "title": cycle.title,
        "self_start": "2017-12-01",
        "self_end": "2017-12-10",
        "weight": "10",
        "unsubmitted_rule": "zero",
        "version": cycle.version,
        "src-shown": "1",
        **{f"src-{k}": v for k, v in cycle.fact_sources.items()},
    }
    # Bad mappings are refused with the reason, nothing changed: a yes/no fact on a monthly count; a rule
    # of no rubric of this cycle.
    wrong = client.post(url("cycle-edit", cycle.pk), {**base, f"src-{monthly.pk}": "summary_missing"})
    assert wrong.status_code == 400 and "不能引用" in wrong.content.decode()
    stray = client.post(url("cycle-edit", cycle.pk), {**base, "src-999999": "overdue_tasks"})
    assert stray.status_code == 400 and "只能对应本周期评分细则" in stray.content.decode()
    cycle.refresh_from_db()
    assert cycle.fact_sources[str(monthly.pk)] == "progress_reports_per_month"
    # Cleared: 三.2 no longer shows platform data to the office nor fills the unit's own sheet.
    done = client.post(url("cycle-edit", cycle.pk), {**base, f"src-{monthly.pk}": ""})
    assert done.status_code == 302, done.content.decode()
    cycle.refresh_from_db()
    assert str(monthly.pk) not in cycle.fact_sources and cycle.fact_sources[str(summary.pk)] == "summary_missing"
    page = client.get(url("review", never.pk)).content.decode()
    assert f'data-platform="{monthly.pk}"' not in page and f'data-adopt="{info.pk}"' not in page
    own = Submission.objects.get(pk=submission.pk)
    sheet = selectors.submission_sheet(submission=own, mode="self", today=TODAY)
    row = next(r for r in sheet.rows if r.item.name == info.name)
    assert row.rules[0].platform is None and row.rules[0].value != [0] * 12
    # Mapped to another fact that fits (a count → the unit's overdue tasks), through the service.
    occurrence = next(r for i in rules.items for r in rules.by_item[i.pk] if r.kind == "per_occurrence")
    services.cycle_update(
        cycle=cycle,
        by=legal_officer,
        expected_version=cycle.version,
        title=cycle.title,
        self_start=cycle.self_start,
        self_end=cycle.self_end,
        weight=cycle.weight,
        fact_sources={**cycle.fact_sources, str(occurrence.pk): "overdue_tasks"},
    )
    cycle.refresh_from_db()
    assert cycle.source_of(occurrence) == "overdue_tasks"
    # The unit's 未报送工作总结 follows the mapping too: cleared, the platform no longer sets it.
    services.cycle_update(
        cycle=cycle,
        by=legal_officer,
        expected_version=cycle.version,
        title=cycle.title,
        self_start=cycle.self_start,
        self_end=cycle.self_end,
        weight=cycle.weight,
        fact_sources={},
    )
    services.self_assessment_save(submission=own, by=reporter, items={}, summary_text="", today=TODAY)
    assert ItemScore.objects.get(submission=own, item=plan).self_facts.get(summary.key) in (None, False)


# --- 3. a refused form comes back as typed -----------------------------------------------------------


def test_a_refused_review_form_keeps_what_was_typed_and_leaves_untouched_items_empty(
    client, cycle, legal_officer, other_unit
):
    never = Submission.objects.get(cycle=cycle, unit=other_unit)
    rules, _info, monthly, _plan, _summary = _ids(never)
    service = item_by_path(rules, "二.2")
    once, twice = rules.by_item[service.pk]
    data = _review_post(
        never,
        rules,
        **{f"s-{service.pk}": "1", f"f-{once.pk}": "2.5", f"f-{twice.pk}": "1", f"c-{service.pk}": "通报文件"},
    )
    client.force_login(legal_officer)
    response = client.post(url("review", never.pk), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "次数必须是整数" in page
    assert re.search(rf'name="f-{once.pk}"[^>]*value="2.5"', page)  # what was typed, kept
    assert re.search(rf'name="f-{twice.pk}"[^>]*value="1"', page)
    assert 'value="通报文件"' in page and _checked(page, f"s-{service.pk}")
    assert _month_values(page, monthly.pk) == [""] * 12  # untouched: empty, not 0
    for item in rules.items:
        for rule in rules.by_item[item.pk]:
            if rule.kind in ("per_occurrence", "discretionary") and item.pk != service.pk:
                assert re.search(rf'name="f-{rule.pk}"[^>]*value=""', page), item.name
    assert not ItemScore.objects.filter(submission=never, review_facts__isnull=False).exists()


# --- 4. one ranking rule -----------------------------------------------------------------------------


def test_a_unit_is_ranked_only_once_reviewed_on_the_page_the_xlsx_and_the_api(
    client, cycle, legal_officer, reporter, submission
):
    services.self_assessment_save(
        submission=submission, by=reporter, items=self_inputs(submission, {}), summary_text="总结", today=TODAY
    )
    services.self_assessment_submit(submission=submission, by=reporter, today=TODAY)
    # Half a review: a score saved (so a total exists), the review not finished.
    services.review_save(
        submission=submission, by=legal_officer, items=review_inputs(submission, {"二.2": {0: "1"}}), today=AFTER
    )
    submission.refresh_from_db()
    assert submission.final_total == D("98.0") and submission.reviewed_at is None and not submission.ranked

    def ranks():
        client.force_login(legal_officer)
        page = client.get(url("ranking", cycle.pk)).content.decode()
        row = re.search(rf'data-unit="{submission.unit.name}"[^>]*data-rank="([^"]*)"', page)[1]
        book = load_workbook(io.BytesIO(client.get(url("summary", cycle.pk)).content))
        ws = book["区级部门"]
        head = [c.value for c in ws[3]]
        sheet_rank = next(r[0].value for r in ws.iter_rows(min_row=4) if r[head.index("单位")].value == "区编办")
        api = token_client(legal_officer).get("/api/v1/submissions/", {"cycle": cycle.pk}).json()["results"]
        api_rank = next(r["rank"] for r in api if r["unit"]["name"] == "区编办")
        return row, sheet_rank, api_rank

    assert ranks() == ("", None, None)  # neither the page, the .xlsx nor the API ranks a unit under review
    services.review_save(submission=submission, by=legal_officer, items={}, finish=True, today=AFTER)
    assert ranks() == ("1", 1, 1)


def test_the_ranking_rule_is_one_rule(cycle, legal_officer, other_unit):
    never = Submission.objects.get(cycle=cycle, unit=other_unit)
    services.review_save(submission=never, by=legal_officer, items=review_all(never), today=AFTER)
    never.refresh_from_db()
    assert never.final_total is not None and not never.ranked
    kinds = {r.kind: r for r in selectors.ranking(cycle=cycle, today=AFTER)}
    assert all(row.rank is None for row in kinds["department"].rows)
    assert selectors.rank_cycle(cycle=cycle)["department"] == []  # the benchmark's ranking reads the same rule
    services.review_save(submission=never, by=legal_officer, items=review_all(never), finish=True, today=AFTER)
    assert [r.key for r in selectors.rank_cycle(cycle=cycle)["department"]] == [never.pk]


# --- 5. 核定依据 and 审定依据 ---------------------------------------------------------------------------


def test_the_office_writes_its_basis_for_on_site_and_changed_scores_and_for_approval(
    client, cycle, legal_officer, reporter, submission, other_unit
):
    services.self_assessment_save(
        submission=submission, by=reporter, items=self_inputs(submission, {}), summary_text="总结", today=TODAY
    )
    services.self_assessment_submit(submission=submission, by=reporter, today=TODAY)
    never = Submission.objects.get(cycle=cycle, unit=other_unit)
    # A changed score without a basis; an item scored on site without one: 400 naming the item, nothing saved.
    error = refused(
        lambda: services.review_save(
            submission=submission,
            by=legal_officer,
            items=review_inputs(submission, {"二.2": {0: "1"}}, comment=""),
            today=AFTER,
        ),
        400,
        "二.2“服务群众”:核定得分3.0分与单位自评5.0分不同,须写明核定依据",
    )
    assert error.code == "basis"
    refused(
        lambda: services.review_save(
            submission=never, by=legal_officer, items=review_all(never, comment=""), finish=True, today=AFTER
        ),
        400,
        "该单位未提交自评,现场核定须写明核定依据",
    )
    assert not ItemScore.objects.filter(submission__cycle=cycle, review_facts__isnull=False).exists()
    # The same score as the unit's needs none; a reason for a discretionary deduction is a basis.
    services.review_save(submission=submission, by=legal_officer, items=review_inputs(submission, {}, comment=""))
    services.review_save(
        submission=submission,
        by=legal_officer,
        items=review_inputs(submission, {"一.2": {0: "0.5"}}, reasons={"一.2": {0: "一件未报备"}}, comment=""),
        today=AFTER,
    )
    # Through the page: the message beside the form, nothing saved.
    client.force_login(legal_officer)
    rules = RubricRules.load(never.rubric_id)
    first = rules.items[0]
    page = client.post(url("review", never.pk), _review_post(never, rules, **{f"s-{first.pk}": "1"}))
    assert page.status_code == 400 and "现场核定须写明核定依据" in page.content.decode()
    assert not ItemScore.objects.filter(submission=never, review_facts__isnull=False).exists()
    # Approval without its 审定依据: refused with the reason, the cycle stays open.
    for s in Submission.objects.filter(cycle=cycle):
        items = review_all(s) if s.never_submitted else {}
        services.review_save(submission=s, by=legal_officer, items=items, finish=True, today=AFTER)
    response = client.post(url("approve", cycle.pk), {"note": "  "})
    assert response.status_code == 400 and "data-note-error" in response.content.decode()
    assert "请填写审定依据" in response.content.decode().split("data-note-error>")[1][:80]
    cycle.refresh_from_db()
    assert not cycle.approved
    refused(lambda: services.cycle_approve(cycle=cycle, by=legal_officer, note="", today=AFTER), 400, "审定依据")
    assert client.post(url("approve", cycle.pk), {"note": "区政府常务会议审定"}).status_code == 302


# --- 6. opening a cycle takes its options -----------------------------------------------------------


def test_opening_a_cycle_takes_its_options(client, district, rubrics, unit, township, legal_officer):
    client.force_login(legal_officer)
    data = {
        "year": "2017",
        "title": "2017年度法治政府建设考核",
        "department_rubric": rubrics["department"].pk,
        "township_rubric": rubrics["township"].pk,
        "self_start": "2017-12-01",
        "self_end": "2017-12-10",
        "weight": "10",
        "units": [unit.pk, township.pk],
        "unsubmitted_rule": "deduct",
        "unsubmitted_points": "",
        "converted_capped": "on",
    }
    page = client.get(url("cycle-create")).content.decode()
    assert 'name="unsubmitted_rule"' in page and 'name="converted_capped"' in page
    missing = client.post(url("cycle-create"), data)
    assert missing.status_code == 400 and "请填写扣分" in missing.content.decode()
    assert not AssessmentCycle.objects.exists()
    assert client.post(url("cycle-create"), {**data, "unsubmitted_points": "5"}).status_code == 302
    cycle = AssessmentCycle.objects.get()
    assert (cycle.unsubmitted_rule, cycle.unsubmitted_points, cycle.converted_capped) == (
        UnsubmittedRule.DEDUCT,
        D("5.0"),
        True,
    )
    refused(
        lambda: services.cycle_create(
            jurisdiction=district,
            year=2018,
            title="",
            department_rubric=rubrics["department"],
            township_rubric=rubrics["township"],
            self_start=dt.date(2018, 12, 1),
            self_end=dt.date(2018, 12, 10),
            weight=D("10"),
            units=[unit],
            by=legal_officer,
            unsubmitted_rule="deduct",
            unsubmitted_points=D("120"),
        ),
        400,
        "未提交自评扣分应在0到100之间",
    )


# --- 7. the reporter's card after publication ---------------------------------------------------------


def test_the_reporters_card_shows_the_published_result(client, approved, legal_officer, reporter):
    client.force_login(reporter)
    before = client.get("/").content.decode()
    assert "data-assessment-card" in before and "data-card-final" not in before
    services.cycle_approve(cycle=approved, by=legal_officer, note="区政府常务会议审定")
    page = client.get("/").content.decode()
    own = Submission.objects.get(cycle=approved, unit=reporter.unit)
    assert 'data-state="published"' in page
    assert re.search(r"data-card-final>103.0<", page) and re.search(r"data-card-rank>1<", page)
    assert url("sheet", own.pk) in page and url("submission", own.pk) in page
    assert client.get(url("sheet", own.pk)).status_code == 200


# --- 8. wording ----------------------------------------------------------------------------------------


def test_the_sheet_numbers_each_item_once_and_the_pages_do_not_stutter(client, cycle, legal_officer, other_unit):
    never = Submission.objects.get(cycle=cycle, unit=other_unit)
    sheet = selectors.submission_sheet(submission=never, mode="review", today=AFTER)
    six = next(b for b in sheet.blocks if b.category.label == "六")
    assert [r.item.number for r in six.rows] == ["1", "2", "3", "3"]  # as printed in the rubric
    assert [r.item.shown_number for r in six.rows] == ["1", "2", "3", "4"]  # as the sheet numbers them
    client.force_login(legal_officer)
    review = client.get(url("review", never.pk)).content.decode()
    assert "4.加强法制机构人员力量" in review and "3.加强法制机构人员力量" not in review
    xlsx = load_workbook(io.BytesIO(client.get(url("sheet", never.pk)).content)).active
    names = [r[1].value for r in xlsx.iter_rows(min_row=4) if r[1].value]
    assert "4.加强法制机构人员力量" in names
    # A condition that ends with 的 is not followed by a second one.
    spec = scoring.RuleSpec(key="1", kind=scoring.RuleKind.DISCRETIONARY, points=D("2"), label="未组织案卷评查的")
    with pytest.raises(scoring.FactError) as caught:
        scoring.fact_clean(spec, "abc")
    assert "的的" not in caught.value.message and "未组织案卷评查的扣分" in caught.value.message
    spec = scoring.RuleSpec(key="1", kind=scoring.RuleKind.PER_OCCURRENCE, points=D("2"), label="未持证上岗的")
    with pytest.raises(scoring.FactError) as caught:
        scoring.fact_clean(spec, "2.5")
    assert "的的" not in caught.value.message
    # No page of the cycle repeats itself.
    pages = [
        review,
        client.get(url("cycle", cycle.pk)).content.decode(),
        client.get(url("ranking", cycle.pk)).content.decode(),
        client.get(url("queue", cycle.pk)).content.decode(),
        client.get(url("unsubmitted", cycle.pk)).content.decode(),
        client.get(url("cycle-edit", cycle.pk)).content.decode(),
    ]
    for text in pages:
        assert "未提交自评的单位:未提交自评" not in text
        assert "的的" not in text
        assert not re.search(r"规则计分:未提交|:未提交自评:", text)


# --- the bell when a window opens or changes -----------------------------------------------------------


def test_the_bell_rings_when_the_window_opens_changes_or_is_extended(reporter, town_reporter, legal_officer, cycle):
    from lawgov.models import Notification

    def bells(user) -> list[str]:
        return list(
            Notification.objects.filter(user=user, kind=Notification.Kind.ASSESSMENT_WINDOW)
            .order_by("id")
            .values_list("title", flat=True)
        )

    # Opening the cycle (the fixture, after the reporters exist) announced the window to each reporter.
    assert bells(reporter) == ["2017年度法治政府建设考核:自查自评时间2017-12-01至2017-12-10"]
    assert len(bells(town_reporter)) == 1

    def update(**dates):
        cycle.refresh_from_db()
        services.cycle_update(
            cycle=cycle,
            by=legal_officer,
            expected_version=cycle.version,
            title=cycle.title,
            weight=cycle.weight,
            **{"self_start": cycle.self_start, "self_end": cycle.self_end, **dates},
        )

    update()  # saved without a change of dates: nothing new
    assert len(bells(reporter)) == 1
    update(self_end=dt.date(2017, 12, 15))
    assert bells(reporter)[-1].endswith("2017-12-01至2017-12-15") and len(bells(town_reporter)) == 2
    services.window_extend(
        cycle=cycle, unit=town_reporter.unit, until=dt.date(2017, 12, 20), reason="汛期抢险", by=legal_officer
    )
    assert bells(town_reporter)[-1] == "2017年度法治政府建设考核:自查自评时间2017-12-01至2017-12-20(已为本单位延长)"
    assert len(bells(reporter)) == 2  # another unit's extension is not its news


# --- bad input from the issue, through the pages ---------------------------------------------------------


def test_bad_input_gets_a_clear_message_and_changes_nothing(
    client, cycle, legal_officer, outsider_officer, reporter, town_reporter, submission, town_submission
):
    client.force_login(reporter)
    # A submission after the window (the cycle closed on 2017-12-10; the pages use today's date).
    late = client.post(url("submit", submission.pk))
    assert late.status_code == 409 and "自查自评已于2017-12-10截止" in late.content.decode()
    # Another unit's sheet, page and export.
    for name in ("sheet", "submission"):
        other = client.get(url(name, town_submission.pk))
        assert other.status_code == 403 and "只能查看本单位" in other.content.decode()
    submission.refresh_from_db()
    assert submission.status == "draft" and submission.version == 1
    # A score above the item's maximum and a negative count on the review page: beside the item, 400.
    client.force_login(legal_officer)
    never = Submission.objects.get(pk=submission.pk)
    rules = RubricRules.load(never.rubric_id)
    decision = item_by_path(rules, "一.2")
    service = item_by_path(rules, "二.2")
    for fields, text in (
        ({f"s-{decision.pk}": "1", f"f-{rules.by_item[decision.pk][0].pk}": "99"}, "不能超过本项分值"),
        ({f"s-{service.pk}": "1", f"f-{rules.by_item[service.pk][0].pk}": "-1"}, "不能为负数"),
    ):
        response = client.post(url("review", never.pk), _review_post(never, rules, **fields))
        assert response.status_code == 400 and text in response.content.decode()
        assert 'role="alert"' in response.content.decode()
    assert not ItemScore.objects.filter(submission=never, review_facts__isnull=False).exists()
    # A review from another district's legal office: not found, nothing saved.
    client.force_login(outsider_officer)
    assert client.post(url("review", never.pk), _review_post(never, rules)).status_code == 404
    never.refresh_from_db()
    assert never.version == 1 and never.reviewed_at is None
