"""The annual report story of issues 6 and 17, walked in Chromium at 1024 px on the demo data (番禺区, 2017):
the legal office asks for the 2017 draft and watches the job (queued until a real Celery worker takes it
from Redis, then the draft), reads a report shaped like 广州's with the demo's progress and figures, edits a
sentence frame with chips on 报告措辞 (an unknown blank refused) and regenerates, edits a paragraph (a new
version), downloads the .docx (LibreOffice reads its title and headings), publishes it after the 保密审查
confirmation; the public page shows it without login; the leader downloads the published version."""

import io
import uuid
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from lawgov.services import demo_seed
from plans.demo import seed_app as seed_plans
from reports import docx_render
from reports.demo import seed_app as seed_reports
from reports.generator.typography import fullwidth
from reports.models import AnnualReport
from tasks.demo import seed_app as seed_tasks
from tests.browser.test_login import login
from tests.conftest import service_missing
from tests.reports.test_annual_worker import broker, report_worker

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-pass-1234"
TITLE = "广州市番禺区人民政府关于我区2017年法治政府建设情况的报告"


@pytest.fixture
def demo_data():
    demo_seed(password=PASSWORD)
    seed_plans(log=lambda _: None)
    seed_tasks(log=lambda _: None)
    try:
        from assessment.demo import seed_app as seed_assessment
    except ImportError:  # pragma: no cover - the assessment app is younger than this test
        seed_assessment = None
    if seed_assessment is not None:
        seed_assessment(log=lambda _: None)
    seed_reports(log=lambda _: None)


def logout(page):
    page.click("button:has-text('退出')")
    page.wait_for_url("**/login/")


def test_report_story(page, live_server, demo_data, settings, tmp_path):
    if docx_render.soffice_path() is None:
        service_missing("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    settings.MEDIA_ROOT = media = tmp_path / "media"
    queue = f"test-story-{uuid.uuid4().hex[:8]}"
    with broker(queue, settings):
        # 1. The legal office of 番禺 asks for the 2017 draft: the page comes back at once with the job queued.
        login(page, live_server, "fzb_panyu", PASSWORD)
        page.goto(f"{live_server.url}/reports/")
        form = page.locator("[data-generate-form]")
        form.locator("select[name=jurisdiction]").select_option(label="番禺区")
        form.locator("input[name=year]").fill("2017")
        form.locator("button[type=submit]").click()
        job = page.locator("#job")
        expect(job).to_have_attribute("data-job-status", "queued")
        expect(job.locator("li.current")).to_have_text("等待后台任务")
        assert "已开始生成草稿" in page.locator(".messages").inner_text()

        # 2. A worker comes up and takes the job from Redis; the page follows it and then shows the draft.
        with report_worker(queue, media):
            page.wait_for_selector("[data-paper]", timeout=90_000)
            expect(page.locator("#job")).to_have_attribute("data-job-status", "succeeded")
            report_url = page.url
            # 2b. The office rewrites the topic sentence of the themes as a sentence frame, with chips.
            edit_frame(page, live_server, tmp_path)
            # …and regenerates: the new wording is in version 2.
            page.goto(report_url)
            page.click("[data-generate]")
            page.wait_for_selector('[data-paper][data-version="2"]', timeout=90_000)

    # 3. A report shaped like 广州's, with the demo's progress and figures.
    paper = page.locator("[data-paper]")
    expect(page.locator("[data-doc-title]")).to_have_text(TITLE)
    headings = page.locator(".paper h2.doc-h1").all_inner_texts()
    # The five statutory parts; the plan's eight themes are the (一) paragraphs of the first.
    assert headings[0] == fullwidth("一、2017年法治政府建设的主要举措和成效") and len(headings) == 5
    assert page.locator(".paper .doc-h2").count() == 8
    text = paper.inner_text()
    assert fullwidth("全年部署法治政府建设重点任务38项") in text
    assert "收到行政复议申请186件" in text  # 区法制办's demo figure
    assert "全年办理行政处罚案件4590件" in text
    assert fullwidth("仍存在一些不足:一是") in text and fullwidth("2018年,我区将") in text
    assert page.locator("[data-source-task]").count() > 10  # paragraphs link back to their tasks
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024  # tablet width

    themes = page.locator(".paper .doc-h2").count()
    assert text.count(fullwidth("项,逐项抓好落实。")) == themes  # the office's frame, in every theme

    # 4. The legal office edits a paragraph: a new version, the old one kept.
    page.locator("[data-edit-section]").nth(1).click()  # 一、 (0 is the opening)
    first = page.locator("[data-section-form] textarea[name=text]").first
    first.fill("区编办全面公布区级政府部门权责清单,并根据机构改革动态调整(人工修改)。")
    page.click("[data-save-section]")
    assert "已保存为第3版" in page.locator(".messages").inner_text()
    expect(paper).to_contain_text(fullwidth("并根据机构改革动态调整(人工修改)"))
    expect(page.locator("[data-version-row]")).to_have_count(3)

    # 5. The .docx opens in LibreOffice with the Chinese title, headings and the edit.
    with page.expect_download() as download:
        page.click("[data-download-docx]")
    data = Path(download.value.path()).read_bytes()
    lines = [line.strip() for line in docx_render.convert(data, "txt").decode("utf-8-sig").splitlines()]
    assert "".join(lines[:2]) == TITLE  # broken between words
    assert fullwidth("一、2017年法治政府建设的主要举措和成效") in lines
    assert any(line.startswith(fullwidth("(八)突出特色和优势,开展行政决策")) for line in lines)
    assert any(fullwidth("并根据机构改革动态调整(人工修改)") in line for line in lines)

    # 6. Publishing asks for the 保密审查 confirmation first, then locks the report.
    page.click("[data-publish]")  # not confirmed: the form does not go
    assert page.locator("[data-secrecy]").evaluate("el => el.validationMessage") != ""
    assert not AnnualReport.objects.get(jurisdiction__name="番禺区", year=2017).published
    page.check("[data-secrecy]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-publish]")
    assert "已发布第3版" in page.locator(".messages").inner_text()
    expect(page.locator("[data-report-status]")).to_have_attribute("data-report-status", "published")
    expect(page.locator("[data-edit-section]")).to_have_count(0)
    # the published version only: one download area, no job card, no version list
    expect(page.locator("[data-downloads]")).to_have_count(1)
    expect(page.locator("#job")).to_have_count(0)
    expect(page.locator("[data-versions]")).to_have_count(0)
    report = AnnualReport.objects.get(jurisdiction__name="番禺区", year=2017)
    assert report.published and report.published_version.number == 3
    assert report.secrecy_checked_by.username == "fzb_panyu" and report.secrecy_checked_at is not None
    page.screenshot(path=str(tmp_path / "published.png"), full_page=True)
    public_url = page.locator("[data-public-link]").get_attribute("href")
    url = page.url
    logout(page)

    # 7. The public page shows the report without login, with its 发布日期 and a PDF.
    page.goto(f"{live_server.url}{public_url}")
    assert "/login/" not in page.url
    expect(page.locator("[data-public-report] h1")).to_have_text(TITLE)
    expect(page.locator("[data-public-report]")).to_contain_text(fullwidth("并根据机构改革动态调整(人工修改)"))
    expect(page.locator("[data-published-on]")).to_contain_text(f"发布日期:{report.published_at:%Y}年")
    expect(page.locator("[data-sources]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.screenshot(path=str(tmp_path / "public.png"), full_page=True)
    pdf = page.request.get(f"{live_server.url}{page.locator('[data-public-pdf]').get_attribute('href')}")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.goto(url)  # the rest still needs a login
    assert "/login/" in page.url

    # 8. The leader downloads the published version.
    login(page, live_server, "leader_panyu", PASSWORD)
    page.goto(url)
    expect(page.locator("#job")).to_have_count(0)
    with page.expect_download() as download:
        page.click("[data-download-published]")
    doc = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert doc.paragraphs[0].text.replace("\n", "") == TITLE  # one title paragraph, broken between words
    assert any("人工修改" in p.text for p in doc.paragraphs)


def edit_frame(page, live_server, tmp_path):
    """报告措辞: the theme paragraphs' topic sentence rewritten with chips; the preview follows; a blank that
    does not exist is refused with the list of those that do."""
    page.goto(f"{live_server.url}/reports/wording/")
    card = page.locator("[data-wording=paragraph]")
    box = card.locator("textarea")
    chip = card.locator("button.chip")
    box.fill("")
    chip.filter(has_text="\u3010方面\u3011").click()
    box.press("End")
    box.press_sequentially("方面,")
    chip.filter(has_text="\u3010辖区自称\u3011").click()
    box.press("End")
    box.press_sequentially("部署重点任务")
    chip.filter(has_text="\u3010任务数\u3011").click()
    box.press("End")
    box.press_sequentially("项,逐项抓好落实。\u3010年份\u3011")
    assert (
        box.input_value()
        == "\u3010方面\u3011方面,\u3010辖区自称\u3011部署重点任务\u3010任务数\u3011项,逐项抓好落实。\u3010年份\u3011"
    )
    preview = card.locator("[data-frame-preview]")
    expect(preview).to_contain_text(fullwidth("深化行政体制改革方面,我区部署重点任务6项,逐项抓好落实。"))
    expect(card.locator("[data-frame-warning]")).to_contain_text("没有这些空位:\u3010年份\u3011")
    card.locator("button[type=submit].primary").click()
    card = page.locator("[data-wording=paragraph]")
    expect(card.locator("[role=alert]")).to_contain_text("没有空位\u3010年份\u3011")
    expect(card.locator("[role=alert]")).to_contain_text("可用的空位")
    box = card.locator("textarea")
    box.fill(box.input_value().replace("\u3010年份\u3011", ""))
    page.screenshot(path=str(tmp_path / "wording.png"), full_page=True)
    card.locator("button[type=submit].primary").click()
    assert "已保存“方面段落的主题句”的措辞" in page.locator(".messages").inner_text()
    expect(page.locator("[data-wording=paragraph] .badge")).to_have_text("已自定义")
