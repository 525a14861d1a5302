"""Issue 7: assessment cycles and submissions over the API, read-only and limited to what each caller may
see (an API client: approved results only; a reporter: its own unit, its rank once published)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import services as assessment_services
from assessment.models import Submission
from tests.api.test_api import error, token_client

pytestmark = pytest.mark.django_db


def test_cycles_list_with_counts_for_the_office_and_leader(cycle, legal_officer, leader, outsider_officer):
    for user in (legal_officer, leader):
        body = token_client(user).get("/api/v1/assessment-cycles/").json()
        assert body["count"] == 1
        row = body["results"][0]
        assert (row["year"], row["status"], row["submissions"], row["reviewed"]) == (2017, "open", 4, 0)
        assert row["weight"] == 10.0
    assert token_client(outsider_officer).get("/api/v1/assessment-cycles/").json()["count"] == 0
    assert token_client(outsider_officer).get(f"/api/v1/assessment-cycles/{cycle.pk}/").status_code == 404


def test_an_api_client_sees_results_only_once_approved(approved, api_client_user, legal_officer):
    client = token_client(api_client_user)
    cycles = client.get("/api/v1/assessment-cycles/").json()["results"]
    assert cycles[0]["submissions"] == 0  # not yet approved: no results for other systems
    assert client.get("/api/v1/submissions/").json()["count"] == 0
    assessment_services.cycle_approve(cycle=approved, by=legal_officer, note="区政府常务会议审定")
    body = client.get("/api/v1/submissions/", {"cycle": approved.pk, "kind": "township"}).json()
    assert [(r["unit"]["name"], r["final_total"], r["rank"], r["ranked"]) for r in body["results"]] == [
        ("卫子镇", 100.0, 1, 2),
        ("元坝镇", 95.0, 2, 2),
    ]
    assert body["results"][1]["converted"] == 9.5
    # The rank is counted over the whole cycle, not over the filtered page.
    one = client.get("/api/v1/submissions/", {"unit": body["results"][1]["unit"]["id"]}).json()["results"]
    assert one[0]["rank"] == 2


def test_a_reporter_sees_its_own_submission_and_the_review_once_published(approved, reporter, legal_officer):
    """As on its own page: before approval a unit sees its self-assessment, not the legal office's
    scores, comments or its rank."""
    client = token_client(reporter)
    rows = client.get("/api/v1/submissions/").json()["results"]
    assert [r["unit"]["id"] for r in rows] == [reporter.unit_id]
    assert rows[0]["self_total"] is not None
    hidden = ("reviewed_base", "bonus", "special", "final_total", "converted", "rank", "ranked")
    assert all(rows[0][name] is None for name in hidden)
    detail = client.get(f"/api/v1/submissions/{rows[0]['id']}/").json()
    assert all(detail[name] is None for name in hidden)
    assert all(i["reviewed_score"] is None and i["review_comment"] is None for i in detail["item_scores"])
    # The legal office sees it all the while.
    office = token_client(legal_officer).get(f"/api/v1/submissions/{rows[0]['id']}/").json()
    assert office["final_total"] == 103.0 and office["rank"] == 1
    assessment_services.cycle_approve(cycle=approved, by=legal_officer, note="区政府常务会议审定")
    detail = client.get(f"/api/v1/submissions/{rows[0]['id']}/").json()
    assert (detail["final_total"], detail["bonus"], detail["rank"], detail["ranked"]) == (103.0, 3.0, 1, 2)
    assert len(detail["item_scores"]) > 10
    first = detail["item_scores"][0]
    assert {"number", "name", "category", "max_points", "self_score", "reviewed_score"} <= set(first)
    others = Submission.objects.exclude(unit=reporter.unit).first()
    assert client.get(f"/api/v1/submissions/{others.pk}/").status_code == 404


def test_submission_list_queries_do_not_grow_with_units(approved, leader):
    client = token_client(leader)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/submissions/", {"page_size": 1}).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/submissions/").json()["count"] == 4
    assert len(few) == len(many)


def test_bad_filters_and_writes_are_json_errors(approved, leader, reporter):
    client = token_client(leader)
    response = client.get("/api/v1/submissions/", {"status": "graded"})
    assert response.status_code == 400 and error(response)["code"] == "invalid"
    response = client.get("/api/v1/assessment-cycles/", {"year": "二〇一七"})
    assert response.status_code == 400
    submission = Submission.objects.filter(cycle=approved).first()
    response = token_client(reporter).patch(f"/api/v1/submissions/{submission.pk}/", {"final_total": "120"})
    assert response.status_code in (403, 405) and error(response)
    submission.refresh_from_db()
    assert submission.final_total != Decimal("120")
