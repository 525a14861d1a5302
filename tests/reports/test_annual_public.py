"""The public page of a published report: readable without login, only once published, nothing else public."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports import services
from reports.docx_render import soffice_path
from reports.models import AnnualReport
from tests.conftest import service_missing
from tests.reports.test_annual_generator import YEAR, build_year
from tests.reports.test_annual_views import detail_url, generate


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def drafted(client, legal_officer, district, django_capture_on_commit_callbacks):
    build_year(district)
    client.force_login(legal_officer)
    with django_capture_on_commit_callbacks(execute=True):
        generate(client, district)
    return AnnualReport.objects.get()


def public_url(district, year=YEAR):
    return reverse("public-report", args=[district.pk, year])


def test_a_draft_has_no_public_page(client, drafted, district, other_district):
    client.logout()
    assert client.get(public_url(district)).status_code == 404
    assert client.get(reverse("public-report-pdf", args=[district.pk, YEAR])).status_code == 404
    assert client.get(public_url(district, YEAR - 1)).status_code == 404  # no report at all
    assert client.get(public_url(other_district)).status_code == 404


def test_the_published_report_is_public_without_login(client, drafted, district, legal_officer):
    services.report_publish(report=drafted, by=legal_officer, secrecy_checked=True)
    drafted.refresh_from_db()
    client.logout()
    response = client.get(public_url(district))
    html = response.content.decode()
    assert response.status_code == 200
    assert drafted.published_version.title in html and "data-public-report" in html
    assert f"发布日期:{drafted.published_at:%Y}年" in html
    assert "区委、区人大常委会" in html and "广州市番禺区人民政府" in html  # 主送 and 落款
    # nothing internal leaks: no source links, no edit or download of other versions, no menu
    assert "data-sources" not in html and "/tasks/" not in html and "data-edit-section" not in html
    assert "/reports/" not in html.replace("/public/reports/", "")
    # everything else still asks for a login
    for url in (detail_url(district), reverse("annual-published", args=[district.pk, YEAR])):
        assert client.get(url).status_code == 302
    # the report page links to the public page
    client.force_login(legal_officer)
    assert public_url(district) in client.get(detail_url(district)).content.decode()


@pytest.mark.slow
def test_the_public_pdf_is_the_published_version(client, drafted, district, legal_officer):
    if not soffice_path():
        service_missing("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    services.report_publish(report=drafted, by=legal_officer, secrecy_checked=True)
    client.logout()
    html = client.get(public_url(district)).content.decode()
    assert "data-public-pdf" in html
    response = client.get(reverse("public-report-pdf", args=[district.pk, YEAR]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
