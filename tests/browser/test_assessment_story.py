"""The assessment story of the issue, walked in Chromium on the demo data (昭化, 2017):
the legal office opens the 2017 cycle (the two imported rubrics) and sets its window; a department and a
township fill and submit, with scores computed live; the township is returned and resubmits; the legal
office reviews, adds a 市级示范单位 bonus, scores one unit that never submitted on site from an empty sheet
and treats the rest with 按未提交处理, approves; the ranking and the .xlsx sheets are right to 0.1 point and
say who never submitted; leaders see the distribution, units their 工作台 card and their own rank."""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessment.demo import seed_app as seed_assessment
from assessment.models import AssessmentCycle, Submission, SubmissionStatus
from assessment.services import RubricRules
from tests.assessment.helpers import evaluated
from tests.browser.helpers import PASSWORD, seed_demo
from tests.browser.test_login import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    seed_demo(seed_assessment)


def logout(page):
    page.click("button:has-text('退出')")
    page.wait_for_url("**/login/")


class Sheet:
    """Item and rule ids of a submission's rubric by the annex's numbering (三.2, rule 0)."""

    def __init__(self, submission: Submission):
        self.rules = RubricRules.load(submission.rubric_id)

    def item(self, path: str) -> int:
        label, position = path.split(".")
        return [i for i in self.rules.items if i.category.label == label][int(position) - 1].pk

    def rule(self, path: str, position: int) -> int:
        return self.rules.by_item[self.item(path)][position].pk

    def adjust(self, position: int) -> int:
        return self.rules.adjustments[position].pk


def fill_months(page, rule_id: int, counts: list[int]) -> None:
    for month, count in enumerate(counts, start=1):
        page.fill(f"input[name='f-{rule_id}-{month}']", str(count))


def score(page, item_id: int):
    return page.locator(f"#score-{item_id}")


SHOTS = Path(os.environ.get("LAWGOV_SHOTS", "test-artifacts/assessment-story"))


def _shot(page, name: str) -> Path:
    """A full-page screenshot at the tablet width, kept for a person to look at (test-artifacts/)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024, name
    return path


def test_assessment_story(page, live_server, demo_data, tmp_path):
    shots: list[Path] = []
    cycle = AssessmentCycle.objects.get(jurisdiction__name="昭化区", year=2017)
    dept = Submission.objects.get(cycle=cycle, unit__name="区发改局")
    town = Submission.objects.get(cycle=cycle, unit__name="元坝镇")
    d, t = Sheet(dept), Sheet(town)
    today = timezone.localdate()
    base = live_server.url

    # 1. The legal office opens the 2017 cycle (the two imported rubrics) and sets the window to now.
    login(page, live_server, "fzb_zhaohua", PASSWORD)
    page.click("nav [data-nav='assessment:home']")
    rubrics = page.locator("[data-rubrics]").inner_text()
    assert (
        "区级各部门2017年度法治政府建设考核评分细则" in rubrics
        and "各乡镇(街道)2017年度法治政府建设考核评分细则" in rubrics
    )
    page.click("[data-cycles] a:has-text('昭化区2017年度法治政府建设考核')")
    assert "2017-12-01 至 2017-12-10" in page.locator("[data-window]").inner_text()
    assert "已截止" in page.locator("[data-window]").inner_text()
    page.click("[data-edit-cycle]")
    page.fill("input[name=self_start]", (today - dt.timedelta(days=1)).isoformat())
    page.fill("input[name=self_end]", (today + dt.timedelta(days=9)).isoformat())
    page.click("[data-cycle-form] button[type=submit]")
    assert "考核周期已修改" in page.locator(".messages").inner_text()
    assert "进行中" in page.locator("[data-window]").inner_text()
    logout(page)

    # 2. 区发改局 sees the open cycle on its 工作台 (deadline, state, days left), then fills its
    # self-assessment; the score follows the facts as they are typed.
    login(page, live_server, "dept_zhaohua", PASSWORD)
    page.goto(f"{base}/")
    card = page.locator("[data-assessment-card]")
    assert card.locator("[data-card-state]").inner_text() == "未开始"
    assert card.locator("[data-card-deadline]").inner_text() == (today + dt.timedelta(days=9)).isoformat()
    assert card.locator("[data-days-left]").inner_text() == "9"
    page.click("nav [data-nav='assessment:home']")
    page.click(f"[data-submission='{dept.pk}'] [data-open-submission]")
    info = d.item("三.2")
    assert page.locator(f"[data-platform='{d.rule('三.2', 0)}']").inner_text() == "平台数据"
    expect(score(page, info)).to_have_text("0.2")  # no progress reports on the platform for 2017: 24 missing
    fill_months(page, d.rule("三.2", 0), [2, 1, 2, 2, 2, 2, 1, 2, 2, 3, 2, 2])
    expect(score(page, info)).to_have_text("4.6")
    service = d.item("二.2")
    page.fill(f"input[name='f-{d.rule('二.2', 0)}']", "1")  # 被行业主管部门通报批评 once
    expect(score(page, service)).to_have_text("3.0")
    page.fill(f"input[name='f-{d.rule('二.2', 1)}']", "2.5")
    expect(page.locator(f"#note-{service}")).to_contain_text("次数必须是整数(填写的是2.5)")
    page.fill(f"input[name='f-{d.rule('二.2', 1)}']", "0")
    expect(score(page, service)).to_have_text("3.0")
    expect(score(page, d.item("六.2"))).to_have_text("3.0")  # no summary yet: 未报送工作总结 −3
    page.fill("textarea[name=summary_text]", "2017年区发改局法治政府建设工作总结:建立重大行政决策目录……")
    expect(score(page, d.item("六.2"))).to_have_text("6.0")
    expect(page.locator("#total-base")).to_have_text("97.6")
    evidence = tmp_path / "重大行政决策目录.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")
    page.set_input_files(f"input[name='files-{d.item('一.1')}']", str(evidence))
    page.fill(f"textarea[name='e-{d.item('一.1')}']", "已印发年度重大行政决策目录。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-submit]")
    assert "自评已提交" in page.locator(".messages").inner_text()
    assert page.locator("[data-status-badge]").inner_text() == "已提交"
    assert page.locator("[data-evidence]").first.inner_text() == "重大行政决策目录.pdf"
    dept.refresh_from_db()
    assert (dept.status, str(dept.self_total)) == (SubmissionStatus.SUBMITTED, "97.6")
    # A second submission is refused: nothing to click, and a forged POST gets 409.
    assert page.locator("[data-submit]").count() == 0
    forged = page.request.post(f"{base}/assessment/submissions/{dept.pk}/submit/", headers={"X-CSRFToken": _csrf(page)})
    assert forged.status == 409 and "不能再修改或重复提交" in forged.text()
    logout(page)

    # 3. 元坝镇 fills and submits.
    login(page, live_server, "town_zhaohua", PASSWORD)
    page.goto(f"{base}/assessment/submissions/{town.pk}/")
    fill_months(page, t.rule("二.2", 0), [2] * 12)
    page.fill(f"input[name='f-{t.rule('三.1', 0)}']", "1")  # 不出庭应诉 once: 一次扣5分
    page.fill("textarea[name=summary_text]", "2017年元坝镇法治政府建设工作总结。")
    expect(page.locator("#total-base")).to_have_text("95.0")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-submit]")
    assert "自评已提交" in page.locator(".messages").inner_text()
    logout(page)

    # 4. The legal office returns 元坝镇 with a reason.
    login(page, live_server, "fzb_zhaohua", PASSWORD)
    page.goto(f"{base}/assessment/cycles/{cycle.pk}/queue/?status=waiting")
    assert page.locator("[data-queue] [data-submission]").count() == 2
    row = page.locator(f"[data-queue] [data-submission='{town.pk}']")
    row.locator("input[name=reason]").fill("请核实行政复议案件情况并如实填报。")
    row.locator("[data-return-form] button").click()
    assert "已退回元坝镇" in page.locator(".messages").inner_text()
    logout(page)

    # 5. 元坝镇 sees the returned card with the reason on its 工作台, corrects and resubmits.
    login(page, live_server, "town_zhaohua", PASSWORD)
    page.goto(f"{base}/")
    card = page.locator("[data-assessment-card]")
    assert card.locator("[data-card-state]").inner_text() == "已退回"
    assert "请核实行政复议案件情况" in card.locator("[data-card-return-reason]").inner_text()
    page.click("nav [data-nav='assessment:home']")
    assert "请核实行政复议案件情况" in page.locator("[data-own]").inner_text()
    page.click(f"[data-submission='{town.pk}'] [data-open-submission]")
    assert "请核实行政复议案件情况" in page.locator("[data-return-reason]").inner_text()
    page.fill(f"input[name='f-{t.rule('三.2', 0)}']", "1")  # 复议中被撤销 once: 出现一起扣3分
    expect(page.locator("#total-base")).to_have_text("92.0")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-submit]")
    assert page.locator("[data-status-badge]").inner_text() == "已重新提交"
    logout(page)

    # 6. The legal office reviews 区发改局 beside its self scores and adds the 市级示范单位 bonus.
    login(page, live_server, "fzb_zhaohua", PASSWORD)
    page.goto(f"{base}/assessment/cycles/{cycle.pk}/queue/")
    page.click(f"[data-submission='{dept.pk}'] [data-review-link]")
    assert page.locator(f"[data-self-score='{info}']").inner_text() == "4.6"
    page.check(f"input[name='f-{d.rule('四.1', 2)}']")  # 未组织案卷评查的,扣2分
    page.fill(f"input[name='f-{d.rule('一.2', 0)}']", "0.5")
    page.fill(f"input[name='r-{d.rule('一.2', 0)}']", "一件规范性文件未按时报备")
    page.fill(f"input[name='c-{d.item('四.1')}']", "现场查阅:未开展案卷评查")
    expect(page.locator("#total-base")).to_have_text("95.1")
    page.check(f"input[name='a-{d.adjust(1)}']")  # 市级依法行政示范单位 加3分
    page.fill(f"input[name='g-{d.adjust(1)}']", "广元市2017年市级依法行政示范单位命名文件")
    expect(page.locator("#total-final")).to_have_text("98.1")
    page.click("[data-finish-review]")
    assert "审核完成" in page.locator(".messages").inner_text()
    page.goto(f"{base}/assessment/submissions/{town.pk}/review/")
    expect(page.locator("#total-final")).to_have_text("92.0")
    page.click("[data-finish-review]")

    # 7. The window closes. A unit that never submitted opens empty: no self-assessed total, every item 未核定.
    page.goto(f"{base}/assessment/cycles/{cycle.pk}/edit/")
    page.fill("input[name=self_start]", (today - dt.timedelta(days=10)).isoformat())
    page.fill("input[name=self_end]", (today - dt.timedelta(days=1)).isoformat())
    page.click("[data-cycle-form] button[type=submit]")
    never = Submission.objects.get(cycle=cycle, unit__name="区财政局")
    page.goto(f"{base}/assessment/submissions/{never.pk}/review/")
    assert page.locator("[data-status-badge]").inner_text() == "未提交"
    assert page.locator("[data-self-total]").inner_text() == "—"
    assert "该单位未提交自评" in page.locator("[data-unsubmitted]").inner_text()
    n = Sheet(never)
    expect(score(page, n.item("一.1"))).to_have_text("未核定")
    expect(page.locator("#total-final")).to_have_text("0.0")
    # Platform facts are beside the items, not in them: no month filled, 未报送工作总结 not ticked.
    months = page.locator(f"input[name^='f-{n.rule('三.2', 0)}-']")
    assert months.count() == 12 and all(months.nth(i).input_value() == "" for i in range(12))
    assert not page.locator(f"input[name='f-{n.rule('六.2', 2)}']").is_checked()
    assert page.locator(f"[data-platform='{n.rule('三.2', 0)}']").inner_text().startswith("平台数据:0、0")
    assert "平台数据" in page.locator("[data-platform-facts]").inner_text()
    shots.append(_shot(page, "1-non-submitter-review-empty"))
    # The office scores two items it has evidence for; the rest stays empty (the default rule: 不得分).
    page.check(f"input[name='s-{n.item('一.1')}']")
    expect(score(page, n.item("一.1"))).to_have_text("10.0")
    page.check(f"input[name='s-{n.item('二.2')}']")
    page.fill(f"input[name='f-{n.rule('二.2', 0)}']", "1")
    expect(score(page, n.item("二.2"))).to_have_text("3.0")
    expect(page.locator("#total-final")).to_have_text("13.0")
    # Finishing without 核定依据 is refused, and what was typed comes back as typed.
    page.click("[data-finish-review]")
    assert "现场核定须写明核定依据" in page.locator(".messages").inner_text()
    assert page.locator(f"input[name='f-{n.rule('二.2', 0)}']").input_value() == "1"
    assert page.locator(f"input[name='s-{n.item('二.2')}']").is_checked()
    assert all(months.nth(i).input_value() == "" for i in range(12))
    page.fill(f"input[name='c-{n.item('一.1')}']", "查阅区政府常务会议纪要:重大决策经集体讨论")
    page.fill(f"input[name='c-{n.item('二.2')}']", "区市场监管局通报批评一次(昭市监〔2017〕12号)")
    # 采用平台数据 for 三.2: the office takes the monthly counts on purpose (none on the platform for 2017).
    page.click(f"[data-adopt='{n.item('三.2')}']")
    assert "尚未保存" in page.locator(".messages").inner_text()
    assert all(months.nth(i).input_value() == "0" for i in range(12))
    assert page.locator(f"input[name='s-{n.item('三.2')}']").is_checked()
    assert page.locator(f"input[name='c-{n.item('二.2')}']").input_value().startswith("区市场监管局")
    page.fill(f"input[name='c-{n.item('三.2')}']", "平台记录:2017年未报送法治政府信息")
    expect(page.locator("#total-final")).to_have_text("13.2")
    shots.append(_shot(page, "2-non-submitter-scored-on-site"))
    page.click("[data-finish-review]")
    assert "现场核定完成" in page.locator(".messages").inner_text()
    # Approval waits for every unit: the button is disabled, the reason and the units are beside it.
    page.goto(f"{base}/assessment/cycles/{cycle.pk}/ranking/")
    expect(page.locator("[data-approve-form] button[type=submit]")).to_be_disabled()
    assert "尚未审核完毕" in page.locator("[data-pending]").inner_text()
    pending = page.locator("[data-pending-unit]")
    assert pending.count() == 13  # the 14 that never submitted, less 区财政局 scored above
    # 按未提交处理: the confirmation page names them all, one click treats them in one go.
    shots.append(_shot(page, "3-approve-disabled-pending"))
    page.click("[data-pending] [data-batch-link]")
    shots.append(_shot(page, "4-batch-confirmation"))
    targets = page.locator("[data-targets] [data-target]").all_inner_texts()
    assert len(targets) == 13 and "区财政局" not in targets and "区发改局" not in targets and "元坝镇" not in targets
    page.click("[data-batch-confirm]")
    assert "已按未提交处理13个单位" in page.locator(".messages").inner_text()
    assert page.locator("[data-filter-unreviewed]").inner_text() == "尚未审核完毕(0)"

    # 8. Approval publishes the results; the ranking is right to 0.1 point and says who never submitted.
    page.goto(f"{base}/assessment/cycles/{cycle.pk}/ranking/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-approve-form] button[type=submit]")  # no 审定依据: refused, said beside the button
    assert "请填写审定依据" in page.locator("[data-note-error]").inner_text()
    page.fill("input[name=note]", "区政府常务会议审定")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-approve-form] button[type=submit]")
    assert "已审定发布" in page.locator("[data-approved]").inner_text()
    departments = _ranking(page, "department")
    townships = _ranking(page, "township")
    assert departments[0] == ("区发改局", "1", "98.1", "9.8")
    assert departments[1] == ("区财政局", "2", "13.2", "1.3")
    shots.append(_shot(page, "5-published-ranking"))
    assert all(r[1:] == ("3", "0.0", "0.0") for r in departments[2:]) and len(departments) == 10
    assert townships[0] == ("元坝镇", "1", "92.0", "9.2")
    assert all(r[1:] == ("2", "0.0", "0.0") for r in townships[1:]) and len(townships) == 6
    statuses = page.locator("[data-ranking] [data-rank-row]")
    unsubmitted = [
        statuses.nth(i)
        for i in range(statuses.count())
        if statuses.nth(i).get_attribute("data-status") == "not_submitted"
    ]
    assert len(unsubmitted) == 14
    assert all(r.locator("[data-self-total]").inner_text() == "—" for r in unsubmitted)

    # The summary table and the unit's score sheet, downloaded and read back.
    with page.expect_download() as download:
        page.click("[data-summary-export]")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    ws = book["区级部门"]
    head = [c.value for c in ws[3]]
    first = [c.value for c in ws[4]]
    assert (first[0], first[1]) == (1, "区发改局")
    assert first[head.index("自评得分")] == pytest.approx(97.6, abs=0.05)
    assert evaluated(ws, ws[4][head.index("基础得分")]) == pytest.approx(95.1, abs=0.05)
    assert first[head.index("特别加分")] == pytest.approx(3, abs=0.05)
    assert evaluated(ws, ws[4][head.index("总分")]) == pytest.approx(98.1, abs=0.05)
    assert evaluated(ws, ws[4][head.index("折算得分(10分)")]) == pytest.approx(9.8, abs=0.05)
    assert first[head.index("三、加强政务公开(10分)")] == pytest.approx(9.6, abs=0.05)
    categories = [h for h in head if h and "分)" in h and h[0] in "一二三四五六"]
    assert sum(first[head.index(h)] for h in categories) == pytest.approx(95.1, abs=0.05)
    second = [c.value for c in ws[5]]
    assert (second[1], second[head.index("自评得分")], second[head.index("状态")]) == ("区财政局", "—", "未提交")
    town_rows = [[c.value for c in r] for r in book["乡镇(街道)"].iter_rows(min_row=4)]
    assert town_rows[0][1] == "元坝镇" and town_rows[0][0] == 1

    page.goto(f"{base}/assessment/submissions/{dept.pk}/review/")
    with page.expect_download() as download:
        page.click("[data-sheet-export]")
    ws = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = {r[1].value: [c.value for c in r] for r in ws.iter_rows(min_row=4) if r[1].value}
    assert rows["2.报送法治政府建设信息"][3:6] == [5, pytest.approx(4.6), pytest.approx(4.6)]
    assert rows["1.规范行政执法行为"][5] == pytest.approx(13)
    assert rows["2.规范性文件审查、报备"][5] == pytest.approx(4.5)
    assert rows["1.规范行政执法行为"][6]  # every deduction explained in 扣分说明
    totals = {
        r[0].value: evaluated(ws, r[5])
        for r in ws.iter_rows(min_row=4)
        if r[0].value and r[0].value[:2] in ("合计", "总分", "折算")
    }
    assert totals["合计(基础分)"] == pytest.approx(95.1, abs=0.05)
    assert totals["总分(含特别加分和扣分)"] == pytest.approx(98.1, abs=0.05)
    # A non-submitter's sheet: no self-assessed score, no answer it never gave, each zero explained.
    page.goto(f"{base}/assessment/submissions/{never.pk}/review/")
    with page.expect_download() as download:
        page.click("[data-sheet-export]")
    ws = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    items = [
        [c.value for c in r] for r in ws.iter_rows(min_row=4) if r[1].value and isinstance(r[3].value, int | float)
    ]
    assert items and all(r[4] == "—" for r in items)
    assert all(r[6] for r in items if r[5] < r[3])
    assert "否" not in "".join(str(r[6] or "") for r in items)
    logout(page)

    # 9. A leader sees the ranking and the distribution on a tablet.
    login(page, live_server, "leader_zhaohua", PASSWORD)
    page.goto(f"{base}/assessment/cycles/{cycle.pk}/ranking/")
    bands = page.locator("[data-distribution='department'] [data-band-count]").all_inner_texts()
    assert bands == ["1个", "0个", "0个", "0个", "9个"]
    assert page.locator("[data-approve]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    logout(page)

    # 10. The department sees its own result and rank on its 工作台 card and its page, and prints its
    # responsibility statement.
    login(page, live_server, "dept_zhaohua", PASSWORD)
    page.goto(f"{base}/")
    card = page.locator("[data-assessment-card][data-state='published']")
    assert card.locator("[data-card-final]").inner_text() == "98.1"
    assert card.locator("[data-card-rank]").inner_text() == "1"
    assert card.locator("[data-card-sheet]").get_attribute("href") == f"/assessment/submissions/{dept.pk}/sheet.xlsx"
    shots.append(_shot(page, "6-reporter-card-published"))
    page.click("nav [data-nav='assessment:home']")
    assert page.locator("[data-own-final]").inner_text() == "98.1"
    assert page.locator("[data-own-rank]").inner_text() == "1"
    page.click(f"[data-submission='{dept.pk}'] [data-open-submission]")
    assert "现场查阅:未开展案卷评查" in page.content()  # reviewed scores are shown once published
    with page.expect_download() as download:
        page.click("[data-statement]")
    doc = Document(download.value.path())
    assert doc.paragraphs[0].text == "广元市昭化区2017年部门法治政府建设目标责任书"
    assert "责任单位:区发改局" in "\n".join(p.text for p in doc.paragraphs)
    # Another unit's submission stays closed to it.
    other = page.request.get(f"{base}/assessment/submissions/{town.pk}/")
    assert other.status == 403
    page.screenshot(path=str(tmp_path / "assessment.png"), full_page=True)


def _csrf(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def _ranking(page, kind: str) -> list[tuple[str, str, str, str]]:
    rows = page.locator(f"[data-ranking='{kind}'] [data-rank-row]")
    return [
        (
            rows.nth(i).get_attribute("data-unit"),
            rows.nth(i).get_attribute("data-rank"),
            rows.nth(i).get_attribute("data-final"),
            rows.nth(i).get_attribute("data-converted"),
        )
        for i in range(rows.count())
    ]
