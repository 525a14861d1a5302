"""Issue "The December assessment, correct and complete: no unit scored for what it never declared".

A cycle where some units submit and some never do, walked to its last page and file: the legal office reviews
the submitters, treats the rest with 按未提交处理, approves; the ranking, the API, the summary .xlsx and every
score sheet then say 未提交 with no self-assessed total, and every deduction on every sheet says why.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment import scoring, selectors, services
from assessment.models import AssessmentCycle, CycleStatus, Submission, SubmissionStatus, UnsubmittedRule
from tests.api.test_api import token_client
from tests.assessment.conftest import TODAY
from tests.assessment.helpers import evaluated, review_all, review_inputs, self_inputs

pytestmark = pytest.mark.django_db

AFTER = dt.date(2017, 12, 11)


def url(name: str, *args) -> str:
    return reverse(f"assessment:{name}", args=args)


def _submit(submission, by, facts=None):
    services.self_assessment_save(
        submission=submission, by=by, items=self_inputs(submission, facts or {}), summary_text="总结", today=TODAY
    )
    services.self_assessment_submit(submission=submission, by=by, today=TODAY)
    submission.refresh_from_db()


@pytest.fixture
def half_submitted(cycle, reporter, town_reporter, legal_officer):
    """区编办 submits clean; 元坝镇 submits with 三.1 once (−5) and the office finds 一.2 (酌情 −0.5);
    区财政局 and 卫子镇 never submit (卫子镇 saved a draft that claims full marks, then let the window pass)."""
    bureau = Submission.objects.get(cycle=cycle, unit=reporter.unit)
    town = Submission.objects.get(cycle=cycle, unit=town_reporter.unit)
    _submit(bureau, reporter)
    _submit(town, town_reporter, {"三.1": {0: "1"}})
    services.review_save(submission=bureau, by=legal_officer, items={}, finish=True, today=AFTER)
    services.review_save(
        submission=town,
        by=legal_officer,
        items=review_inputs(town, {"三.1": {0: "1"}, "一.2": {0: "0.5"}}, reasons={"一.2": {0: "一件文件未报备"}}),
        finish=True,
        today=AFTER,
    )
    return cycle


def test_a_cycle_some_never_submit_walked_to_its_published_results(
    client, half_submitted, legal_officer, api_client_user, other_unit, other_township
):
    cycle = half_submitted
    never = Submission.objects.filter(cycle=cycle, unit__in=[other_unit, other_township]).order_by("unit__name")
    client.force_login(legal_officer)

    # The review page of a unit that never submitted: no self-assessed total, items empty, said plainly.
    page = client.get(url("review", never[0].pk)).content.decode()
    assert "该单位未提交自评" in page and "未提交" in page
    assert "单位自评总分</dt><dd data-self-total>—</dd>" in page
    assert "100.0" not in page.split("data-self-total>")[1][:20]
    assert "未核定" in page and "核定本项" in page
    assert 'data-status="not_submitted"' in page

    # Approval is refused while units remain unreviewed; the button is disabled with the reason and links.
    ranking = client.get(url("ranking", cycle.pk)).content.decode()
    assert "disabled" in ranking.split("审定并发布")[0].rsplit("<button", 1)[1]
    for s in never:
        assert url("review", s.pk) in ranking
    refused = client.post(url("approve", cycle.pk), {"note": ""})
    body = refused.content.decode()
    assert refused.status_code == 409 and "未审核完毕" in body
    for s in never:
        assert body.count(f'href="{url("review", s.pk)}"') == 1  # each named once, as a link

    # 按未提交处理: a confirmation page naming them, then all at once.
    confirm = client.get(url("unsubmitted", cycle.pk)).content.decode()
    for s in never:
        assert s.unit.name in confirm and f'value="{s.pk}"' in confirm
    done = client.post(url("unsubmitted", cycle.pk), {"submission": [s.pk for s in never]})
    assert done.status_code == 302
    for s in never:
        s.refresh_from_db()
        assert s.status == SubmissionStatus.DRAFT and s.reviewed_at is not None
        assert s.final_total == D("0.0")  # the default rule: what the office did not score is worth nothing
    assert client.post(url("approve", cycle.pk), {"note": "区政府常务会议审定"}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.APPROVED

    # Ranking: the submitters ahead, the others 未提交 with no self-assessed total.
    kinds = {r.kind: r for r in selectors.ranking(cycle=cycle)}
    rows = [
        (r.submission.unit.name, r.submission.shown_state, r.submission.declared_total)
        for r in kinds["department"].rows
    ]
    assert rows[0] == ("区编办", SubmissionStatus.REVIEWED, D("100.0"))
    assert rows[1] == ("区财政局", SubmissionStatus.NOT_SUBMITTED, None)
    assert kinds["township"].rows[0].submission.unit.name == "元坝镇"
    assert (kinds["department"].reviewed, kinds["township"].reviewed) == (2, 2)
    ranking = client.get(url("ranking", cycle.pk)).content.decode()
    assert ranking.count('data-status="not_submitted"') == 2

    # The API: status and self_total.
    api = token_client(api_client_user)
    results = api.get("/api/v1/submissions/", {"cycle": cycle.pk}).json()["results"]
    by_name = {r["unit"]["name"]: r for r in results}
    for name in ("区财政局", "卫子镇"):
        assert (by_name[name]["status"], by_name[name]["self_total"]) == ("not_submitted", None)
    assert (by_name["区编办"]["status"], by_name["区编办"]["self_total"]) == ("reviewed", 100.0)
    assert by_name["元坝镇"]["self_total"] == 95.0
    filtered = api.get("/api/v1/submissions/", {"cycle": cycle.pk, "status": "not_submitted"}).json()
    assert sorted(r["unit"]["name"] for r in filtered["results"]) == ["区财政局", "卫子镇"]
    assert api.get("/api/v1/submissions/", {"cycle": cycle.pk, "status": "draft"}).json()["count"] == 0
    assert api.get("/api/v1/assessment-cycles/").json()["results"][0]["reviewed"] == 4

    # The summary .xlsx: no self-assessed total for a non-submitter, 未提交, totals that add up.
    wb = load_workbook(io.BytesIO(client.get(url("summary", cycle.pk)).content))
    for tab in wb.sheetnames:
        ws = wb[tab]
        head = [c.value for c in ws[3]]
        for r in ws.iter_rows(min_row=4):
            values = {h: c for h, c in zip(head, r, strict=False)}
            unit = values["单位"].value
            submission = Submission.objects.get(cycle=cycle, unit__name=unit)
            assert evaluated(ws, values["总分"]) == pytest.approx(float(submission.final_total))
            assert str(values["总分"].value).startswith("=")
            if unit in ("区财政局", "卫子镇"):
                assert (values["自评得分"].value, values["状态"].value) == ("—", "未提交")
            else:
                assert values["自评得分"].value == pytest.approx(float(submission.self_total))

    # Every score sheet: each deduction explained, a non-submitter's answers never printed.
    for submission in Submission.objects.filter(cycle=cycle):
        ws = load_workbook(io.BytesIO(client.get(url("sheet", submission.pk)).content)).active
        items = [r for r in ws.iter_rows(min_row=4) if r[3].value is not None and r[1].value and r[5].value is not None]
        items = [r for r in items if not str(r[0].value or "").startswith(("合计", "总分", "折算"))]
        assert items
        for r in items:
            if r[5].value < r[3].value:
                assert r[6].value, f"{submission.unit.name} {r[1].value}: deduction without 扣分说明"
        if submission.never_submitted:
            assert all(r[4].value == "—" for r in items)
            assert "否" not in "".join(str(r[6].value or "") for r in items)
        totals = {
            str(r[0].value): r for r in ws.iter_rows(min_row=4) if str(r[0].value or "").startswith(("合计", "总分"))
        }
        base = next(v for k, v in totals.items() if k.startswith("合计"))
        final = next(v for k, v in totals.items() if k.startswith("总分"))
        assert evaluated(ws, base[5]) == pytest.approx(float(submission.reviewed_base))
        assert evaluated(ws, final[5]) == pytest.approx(float(submission.final_total))
    town = Submission.objects.get(cycle=cycle, unit__name="元坝镇")
    ws = load_workbook(io.BytesIO(client.get(url("sheet", town.pk)).content)).active
    notes = {r[1].value: r[6].value for r in ws.iter_rows(min_row=4) if r[1].value}
    assert any("扣5分" in (v or "") for v in notes.values())
    assert any("酌情" in (v or "") and "一件文件未报备" in (v or "") for v in notes.values())


def test_the_cycle_rule_deduct_x_and_no_score(cycle, legal_officer, other_unit, other_township):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(
        unsubmitted_rule=UnsubmittedRule.DEDUCT, unsubmitted_points=D("5")
    )
    cycle.refresh_from_db()
    bureau = Submission.objects.get(cycle=cycle, unit=other_unit)
    # The office scores one item on site (二.2 once, −2); the rest count as nothing found; 5 off for not submitting.
    services.review_save(
        submission=bureau, by=legal_officer, items=review_inputs(bureau, {"二.2": {0: "1"}}), today=AFTER
    )
    marked = services.unsubmitted_batch_review(cycle=cycle, by=legal_officer, today=AFTER)
    assert {s.unit.name for s in marked} == {"区编办", "区财政局", "元坝镇", "卫子镇"}
    bureau.refresh_from_db()
    assert (bureau.reviewed_base, bureau.special, bureau.final_total) == (D("98.0"), D("5.0"), D("93.0"))
    sheet = selectors.submission_sheet(submission=bureau, mode="view", today=AFTER)
    assert sheet.self_total is None and sheet.total.final == D("93.0") and sheet.unsubmitted_deduction == D("5.0")
    assert services.cycle_rescore(cycle=cycle) == 0  # the scoreboard and the services agree
    AssessmentCycle.objects.filter(pk=cycle.pk).update(unsubmitted_rule=UnsubmittedRule.NO_SCORE)
    cycle.refresh_from_db()
    services.cycle_rescore(cycle=cycle)
    assert set(Submission.objects.filter(cycle=cycle).values_list("final_total", flat=True)) == {D("0.0")}


def test_an_unticked_item_of_a_non_submitter_is_not_scored_and_platform_values_never_deduct(
    cycle, legal_officer, other_unit
):
    s = Submission.objects.get(cycle=cycle, unit=other_unit)
    inputs = review_all(s, {"二.2": {0: "1"}})
    for item_id, entry in inputs.items():
        entry.scored = item_id == next(iter(review_inputs(s, {"二.2": {0: "1"}})))
    services.review_save(submission=s, by=legal_officer, items=inputs, finish=True, today=AFTER)
    s.refresh_from_db()
    assert s.final_total == D("3.0")  # 二.2 scored (5 − 2); every other item empty: 0 under the default rule
    sheet = selectors.submission_sheet(submission=s, mode="review", today=AFTER)
    unscored = [row for row in sheet.rows if not row.scored]
    assert len(unscored) == len(sheet.rows) - 1
    assert all(row.result.score == 0 and row.notes for row in unscored)


def test_the_state_is_computed_when_read(cycle, submission, reporter, legal_officer):
    assert submission.state(today=TODAY) == SubmissionStatus.DRAFT
    assert submission.state(today=AFTER) == SubmissionStatus.NOT_SUBMITTED
    # An extension keeps the unit's own window open.
    services.window_extend(
        cycle=cycle, unit=submission.unit, until=dt.date(2017, 12, 15), reason="断网", by=legal_officer
    )
    assert submission.state(today=AFTER, until=dt.date(2017, 12, 15)) == SubmissionStatus.DRAFT
    assert selectors.unsubmitted_unreviewed(cycle=cycle, today=AFTER) == [
        s for s in selectors.unsubmitted_unreviewed(cycle=cycle, today=AFTER) if s.unit_id != submission.unit_id
    ]
    assert submission.unit_id not in [s.unit_id for s in selectors.unsubmitted_unreviewed(cycle=cycle, today=AFTER)]


def test_bad_input_is_refused_and_nothing_saved(cycle, submission, reporter, legal_officer, outsider_officer, leader):
    from tests.assessment.test_services import refused

    _submit(submission, reporter)
    # A score above the item's maximum, a negative one, a discretionary deduction without its reason.
    for facts, reasons, text in (
        ({"一.2": {0: "99"}}, None, "不能超过"),
        ({"二.2": {0: "-1"}}, None, "不能为负数"),
        ({"一.2": {0: "1"}}, None, "须写明理由"),
    ):
        error = refused(
            lambda f=facts, r=reasons: services.review_save(
                submission=submission, by=legal_officer, items=review_inputs(submission, f, reasons=r), today=AFTER
            ),
            400,
            text,
        )
        assert error.code in ("fact", "reason")
    submission.refresh_from_db()
    assert submission.reviewed_base is None and submission.reviewed_at is None
    # A review from outside the jurisdiction; a batch by a read-only leader.
    refused(lambda: services.review_save(submission=submission, by=outsider_officer, items={}, today=AFTER), 403, "")
    refused(lambda: services.unsubmitted_batch_review(cycle=cycle, by=leader, today=AFTER), 403, "")
    # A batch whose list changed since the confirmation page.
    refused(
        lambda: services.unsubmitted_batch_review(cycle=cycle, by=legal_officer, expected=[1], today=AFTER), 409, ""
    )
    assert not Submission.objects.filter(cycle=cycle, reviewed_at__isnull=False).exists()
    # Approving twice.
    services.review_save(submission=submission, by=legal_officer, items={}, finish=True, today=AFTER)
    services.unsubmitted_batch_review(cycle=cycle, by=legal_officer, today=AFTER)
    services.cycle_approve(cycle=cycle, by=legal_officer, note="区政府常务会议审定", today=AFTER)
    refused(lambda: services.cycle_approve(cycle=cycle, by=legal_officer, today=AFTER), 409, "已审定")


def test_converted_score_follows_the_cycle_option():
    assert scoring.converted(D("103"), D("10")) == D("10.3")
    assert scoring.converted(D("103"), D("10"), capped=True) == D("10.0")
    assert scoring.converted(D("87.5"), D("10"), capped=True) == D("8.8")


def test_the_office_sets_the_cycle_rule_on_the_edit_page_and_totals_follow(client, cycle, legal_officer, other_unit):
    bureau = Submission.objects.get(cycle=cycle, unit=other_unit)
    services.review_save(submission=bureau, by=legal_officer, items={}, finish=True, today=AFTER)
    bureau.refresh_from_db()
    assert bureau.final_total == D("0.0")
    client.force_login(legal_officer)
    data = {
        "title": cycle.title,
        "self_start": "2017-12-01",
        "self_end": "2017-12-10",
        "weight": "10",
        "unsubmitted_rule": "deduct",
        "unsubmitted_points": "",
        "version": cycle.version,
    }
    refused = client.post(url("cycle-edit", cycle.pk), data)
    assert refused.status_code == 400 and "请填写扣分" in refused.content.decode()
    cycle.refresh_from_db()
    assert cycle.unsubmitted_rule == UnsubmittedRule.ZERO  # nothing saved
    data["unsubmitted_points"] = "10"
    assert client.post(url("cycle-edit", cycle.pk), data).status_code == 302
    bureau.refresh_from_db()
    assert (bureau.special, bureau.final_total) == (D("10.0"), D("90.0"))


def test_a_non_submitter_reads_no_unpublished_score_before_the_results(
    client, cycle, submission, reporter, legal_officer
):
    """Before approval a unit that never submitted gets no sheet (a blank form would print full marks it never
    declared) and its history shows none of the legal office's totals or item scores."""
    services.review_save(
        submission=submission,
        by=legal_officer,
        items=review_inputs(submission, {"三.1": {0: "1"}}, reasons={"三.1": {0: "现场核定:一项信息未公开"}}),
        finish=False,
        today=AFTER,
    )
    submission.refresh_from_db()
    assert submission.final_total is not None  # the office's score exists…
    client.force_login(reporter)
    page = client.get(url("submission", submission.pk)).content.decode()
    assert "未提交" in page and "data-sheet-export" not in page
    assert f"总分{submission.final_total}" not in page and "核定" not in page.split("变更记录")[-1]
    sheet = client.get(url("sheet", submission.pk))
    assert sheet.status_code == 409 and "没有得分表可导出" in sheet.content.decode()
    # …and the legal office still sees both.
    client.force_login(legal_officer)
    page = client.get(url("submission", submission.pk)).content.decode()
    assert f"总分{submission.final_total}" in page
    assert client.get(url("sheet", submission.pk)).status_code == 200
