"""Issue 6: the pages of the annual report and the figures — who may open what, the answers to bad input
(403 another jurisdiction, 409 a job already running with a link to it), the polled progress, downloads."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from lawgov.models import JobStatus
from reports import services
from reports.generator.typography import fullwidth
from reports.models import AnnualReport, Indicator, ReportJob, Statistic, WordingTemplate
from tests.reports.test_annual_generator import YEAR, build_year


@pytest.fixture
def year_data(district, legal_officer):
    return build_year(district)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def detail_url(district, year=YEAR):
    return reverse("annual-detail", args=[district.pk, year])


def generate(client, district, year=YEAR, **extra):
    return client.post(reverse("annual-generate"), {"jurisdiction": district.pk, "year": year, **extra})


@pytest.fixture
def drafted(client, legal_officer, district, year_data, django_capture_on_commit_callbacks):
    client.force_login(legal_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = generate(client, district)
    assert response.status_code == 303
    return AnnualReport.objects.get(jurisdiction=district, year=YEAR)


def test_the_legal_office_starts_a_draft_and_reads_it(client, drafted, district, year_data):
    response = client.get(detail_url(district))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"广州市番禺区人民政府关于我区{YEAR}年法治政府建设情况的报告" in html
    assert fullwidth(f"一、{YEAR}年法治政府建设的主要举措和成效") in html
    assert fullwidth("(一)") in html and "加强行政复议工作" in html
    assert 'data-job-status="succeeded"' in html
    # Every paragraph links back to its tasks and reports.
    t1 = year_data["tasks"][0]
    r2 = year_data["reports"][1]
    assert f'href="/tasks/{t1.pk}/"' in html and f'href="/tasks/{t1.pk}/#report-{r2.pk}"' in html
    assert "data-edit-section" in html and "data-publish" in html


def test_the_progress_is_polled_until_the_job_ends(
    client, legal_officer, district, year_data, django_capture_on_commit_callbacks
):
    client.force_login(legal_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = generate(client, district)
    assert response.status_code == 303 and response["Location"].endswith("#job")
    html = client.get(detail_url(district)).content.decode()
    assert 'data-job-status="queued"' in html and 'hx-trigger="every 1s"' in html and "等待后台任务" in html
    job_url = reverse("annual-job", args=[district.pk, YEAR])
    partial = client.get(job_url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "HX-Refresh" not in partial
    callbacks[0]()  # the job runs (in-process here)
    partial = client.get(job_url, HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true" and 'data-job-status="succeeded"' in partial.content.decode()


def test_a_second_request_while_one_runs_is_409_with_a_link(
    client, legal_officer, district, year_data, django_capture_on_commit_callbacks
):
    client.force_login(legal_officer)
    with django_capture_on_commit_callbacks(execute=False):
        generate(client, district)
        response = generate(client, district)
    assert response.status_code == 409
    html = response.content.decode()
    assert "正在生成" in html and f'href="{detail_url(district)}#job"' in html
    assert ReportJob.objects.count() == 1


def test_another_jurisdiction_is_403(client, outsider_officer, district, year_data):
    client.force_login(outsider_officer)
    assert generate(client, district).status_code == 403
    assert client.get(detail_url(district)).status_code == 403
    assert client.get(reverse("figures-year", args=[district.pk, YEAR])).status_code == 403
    assert not AnnualReport.objects.exists()


def test_reporters_have_no_report_pages_but_enter_their_units_figures(client, reporter, district, unit, other_unit):
    client.force_login(reporter)
    assert client.get(reverse("annual-list")).status_code == 403
    assert client.get(detail_url(district)).status_code == 403
    services.catalogue_ensure()
    complaints = Indicator.objects.get(name="行政复议申请")
    url = reverse("figures-year", args=[district.pk, YEAR])
    page = client.get(url)
    assert page.status_code == 200
    assert re.search(rf'<select name="unit"[^>]*>\s*<option value="{unit.pk}"', page.content.decode())
    response = client.post(url, {"indicator": complaints.pk, "unit": unit.pk, "value": "42", "note": "台账"})
    assert response.status_code == 302 and Statistic.objects.get().value == 42
    response = client.post(url, {"indicator": complaints.pk, "unit": other_unit.pk, "value": "1"})
    assert response.status_code == 400 and Statistic.objects.count() == 1


def test_publishing_asks_for_the_secrecy_review_and_refuses_a_second_time(client, drafted, legal_officer, district):
    url = reverse("annual-publish", args=[district.pk, YEAR])
    html = client.get(detail_url(district)).content.decode()
    assert 'name="secrecy_checked"' in html and "data-publish" in html
    response = client.post(url, {"number": 1}, follow=True)
    assert "发布前须完成保密审查" in response.content.decode()
    assert AnnualReport.objects.get().status == "draft"
    assert client.post(url, {"number": 1, "secrecy_checked": "1"}).status_code == 302
    response = client.post(url, {"number": 1, "secrecy_checked": "1"}, follow=True)
    assert "不能重复发布" in response.content.decode()


def _shown_once(html: str, marker: str) -> bool:
    return html.count(marker) == 1


def test_leaders_read_and_download_the_published_version(
    client, drafted, legal_officer, leader, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        generate(client, district)  # a second version; the first is published
    publish = {"number": 1, "secrecy_checked": "1"}
    assert client.post(reverse("annual-publish", args=[district.pk, YEAR]), publish).status_code == 302
    client.force_login(leader)
    html = client.get(detail_url(district) + "?v=2").content.decode()
    assert "已发布" in html and "data-edit-section" not in html and "data-generate" not in html
    # the published version only, one download area, no job card, no version list
    assert 'data-version="1"' in html and "data-versions" not in html and "data-job" not in html
    assert _shown_once(html, "data-downloads") and _shown_once(html, "data-download-published")
    assert "data-download-docx" not in html and "生成第" not in html
    response = client.get(reverse("annual-published", args=[district.pk, YEAR]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text.endswith(f"{YEAR}年法治政府建设情况的报告")
    assert generate(client, district).status_code == 403  # leaders do not write


def test_editing_a_section_in_the_browser(client, drafted, district, year_data):
    url = reverse("annual-section-edit", args=[district.pk, YEAR, "measures"])
    html = client.get(url).content.decode()
    keys = re.findall(r'name="key" value="([^"]+)"', html)
    titles = re.findall(r'name="title" value="([^"]*)"', html)
    texts = re.findall(r'<textarea name="text"[^>]*>(.*?)</textarea>', html, re.S)
    assert len(keys) == len(titles) == len(texts) == 3  # two themes and the empty one for a new paragraph
    texts[0] = "城管局全年公示执法信息,人工修改。"
    data = {
        "base": "1",
        "section_title": f"{YEAR}年法治政府建设的主要举措和成效",
        "key": keys,
        "title": titles,
        "text": texts,
    }
    assert client.post(url, data).status_code == 302
    report = AnnualReport.objects.get()
    assert report.versions.count() == 2
    assert "人工修改" in client.get(detail_url(district)).content.decode()
    # The same form posted again is out of date: refused, nothing lost.
    response = client.post(url, data)
    assert response.status_code == 409 and "请在最新版本上修改" in response.content.decode()
    diff = client.get(reverse("annual-diff", args=[district.pk, YEAR, 2]))
    assert diff.status_code == 200 and "<ins>" in diff.content.decode()


def test_download_docx_and_pdf_availability(client, drafted, district, monkeypatch):
    response = client.get(reverse("annual-download", args=[district.pk, YEAR, 1, "docx"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    monkeypatch.setattr("reports.docx_render.soffice_path", lambda: None)
    response = client.get(reverse("annual-download", args=[district.pk, YEAR, 1, "pdf"]))
    assert response.status_code == 503 and "LibreOffice" in response.content.decode()


def test_a_failed_job_shows_its_reason_and_the_last_good_draft(
    client, drafted, district, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("reports.generator.write", lambda *a, **k: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        generate(client, district)
    assert ReportJob.objects.order_by("-id").first().status == JobStatus.FAILED
    html = client.get(detail_url(district)).content.decode()
    assert "生成失败" in html and "ZeroDivisionError" in html and "data-kept" in html and "data-paper" in html


def test_pages_of_the_wording_themes_and_indicators(client, legal_officer, district):
    client.force_login(legal_officer)
    assert client.get(reverse("annual-wording")).status_code == 200
    bad = {"key": "opening", "text": "\u3010年份\u3011年", "jurisdiction": district.pk}
    response = client.post(reverse("annual-wording"), bad)
    html = response.content.decode()
    assert response.status_code == 400 and "没有空位\u3010年份\u3011" in html and "可用的空位" in html
    assert "\u3010年份\u3011年</textarea>" in html  # what was typed is kept in the box
    response = client.post(reverse("annual-wording"), {"key": "title", "text": "\u3010人民政府\u3011年度报告"})
    assert response.status_code == 302
    html = client.get(reverse("annual-wording")).content.decode()
    # the saved frame, its chips, and the preview filled with the sample facts
    assert ">\u3010人民政府\u3011年度报告" in html and 'data-blank="人民政府"' in html
    assert "广州市番禺区人民政府年度报告" in html and "wording-frames.js" in html
    response = client.post(reverse("annual-wording"), {"key": "title", "reset": "1"})
    assert response.status_code == 302 and not WordingTemplate.objects.exists()
    assert client.get(reverse("annual-themes")).status_code == 200
    response = client.post(reverse("annual-themes"), {"name": "两个方面", "lines": "执法|执法\n监督|复议"})
    assert response.status_code == 302
    assert client.get(reverse("figures-indicators")).status_code == 200
    indicator = {"name": "法治宣传活动", "measure": "场", "kind": "number", "keywords": "宣传"}
    indicator["phrase"] = "开展法治宣传活动{数值}{单位}"
    response = client.post(reverse("figures-indicators"), indicator)
    assert response.status_code == 302 and Indicator.objects.get(name="法治宣传活动").jurisdiction == district


def test_the_list_page(client, drafted, district):
    html = client.get(reverse("annual-list")).content.decode()
    assert f"关于我区{YEAR}年法治政府建设情况的报告" in html and "data-generate-form" in html
