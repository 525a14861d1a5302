"""Issue 7: annual reports over the API, read-only: drafts for the legal office and leaders, published
reports (and only their published version) for API clients."""

import pytest

from reports import services as report_services
from reports.models import AnnualReport
from tests.api.test_api import error, token_client
from tests.reports.test_annual_generator import YEAR, build_year
from tests.reports.test_annual_services import request_draft, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(district, legal_officer, settings, tmp_path, django_capture_on_commit_callbacks):
    """The test district's report drafted twice by the generation job (run in-process here; the worker
    test of the reports app runs it through Redis)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    build_year(district)
    for n in (1, 2):
        with django_capture_on_commit_callbacks(execute=False):
            job = request_draft(district, legal_officer).job
        assert run(job, celery_id=f"task-{n}").number == n
    return AnnualReport.objects.get(jurisdiction=district, year=YEAR)


def test_annual_reports_drafts_for_office_published_for_clients(report, legal_officer, leader, api_client_user):
    office = token_client(legal_officer)
    rows = office.get("/api/v1/annual-reports/").json()["results"]
    assert [(r["year"], r["status"], r["latest_version"]) for r in rows] == [(YEAR, "draft", 2)]
    detail = office.get(f"/api/v1/annual-reports/{report.pk}/").json()
    assert detail["version"]["number"] == 2
    texts = [p["text"] for s in detail["version"]["sections"] for p in s["paragraphs"]]
    assert len(texts) > 3 and all(texts)
    first = office.get(f"/api/v1/annual-reports/{report.pk}/", {"version": 1}).json()
    assert first["version"]["number"] == 1
    assert office.get(f"/api/v1/annual-reports/{report.pk}/", {"version": 9}).status_code == 404
    for bad in ("x", "²", "1" * 30):
        assert office.get(f"/api/v1/annual-reports/{report.pk}/", {"version": bad}).status_code == 400
    client = token_client(api_client_user)
    assert client.get("/api/v1/annual-reports/").json()["count"] == 0
    report_services.report_publish(report=report, by=legal_officer, secrecy_checked=True, number=1)
    rows = client.get("/api/v1/annual-reports/").json()["results"]
    # The client learns the published version, not how many drafts the office has made since.
    assert [(r["status"], r["published_version"], r["latest_version"]) for r in rows] == [("published", 1, 1)]
    detail = client.get(f"/api/v1/annual-reports/{report.pk}/").json()
    assert detail["version"]["number"] == 1 and detail["version"]["sections"]
    refused = client.get(f"/api/v1/annual-reports/{report.pk}/", {"version": 2})
    assert refused.status_code == 403 and error(refused)["code"] == "version"
    assert token_client(leader).get("/api/v1/annual-reports/").json()["count"] == 1
