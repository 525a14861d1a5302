"""The annual report story of issue 6, walked in Chromium on the demo data (番禺区, 2017):
the legal office asks for the 2017 draft and watches the job (queued until a real Celery worker takes it
from Redis, then the draft), reads a report shaped like 广州's with the demo's progress and figures, edits a
paragraph (a new version), downloads the .docx (LibreOffice reads its title and headings), publishes it;
the leader downloads the published version."""

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

    # 4. The legal office edits a paragraph: a new version, the old one kept.
    page.locator("[data-edit-section]").nth(1).click()  # 一、 (0 is the opening)
    first = page.locator("[data-section-form] textarea[name=text]").first
    first.fill("区编办全面公布区级政府部门权责清单,并根据机构改革动态调整(人工修改)。")
    page.click("[data-save-section]")
    assert "已保存为第2版" in page.locator(".messages").inner_text()
    expect(paper).to_contain_text(fullwidth("并根据机构改革动态调整(人工修改)"))
    expect(page.locator("[data-version-row]")).to_have_count(2)

    # 5. The .docx opens in LibreOffice with the Chinese title, headings and the edit.
    with page.expect_download() as download:
        page.click("[data-download-docx]")
    data = Path(download.value.path()).read_bytes()
    lines = [line.strip() for line in docx_render.convert(data, "txt").decode("utf-8-sig").splitlines()]
    assert "".join(lines[:2]) == TITLE  # broken between words
    assert fullwidth("一、2017年法治政府建设的主要举措和成效") in lines
    assert any(line.startswith(fullwidth("(八)突出特色和优势,开展行政决策")) for line in lines)
    assert any(fullwidth("并根据机构改革动态调整(人工修改)") in line for line in lines)

    # 6. Publishing locks it.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-publish]")
    assert "已发布第2版" in page.locator(".messages").inner_text()
    expect(page.locator("[data-report-status]")).to_have_attribute("data-report-status", "published")
    expect(page.locator("[data-edit-section]")).to_have_count(0)
    report = AnnualReport.objects.get(jurisdiction__name="番禺区", year=2017)
    assert report.published and report.published_version.number == 2
    url = page.url
    logout(page)

    # 7. The leader downloads the published version.
    login(page, live_server, "leader_panyu", PASSWORD)
    page.goto(url)
    with page.expect_download() as download:
        page.click("[data-download-published]")
    doc = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert doc.paragraphs[0].text.replace("\n", "") == TITLE  # one title paragraph, broken between words
    assert any("人工修改" in p.text for p in doc.paragraphs)
