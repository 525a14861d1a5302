"""Issue 18: ``/assessment/submissions/<id>/cited/<evidence_id>/`` serves only a file the submission cites,
of a report the reader may see by the progress pages' rule (tasks.selectors.evidence_readable): not the files
of draft or deleted reports, nor any file of the unit the submission never cited (a leader used to walk the
sequential ids through every unit's unsubmitted files)."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.models import ItemScore
from tasks.models import Evidence, ProgressReport, ReportStatus
from tests.assessment.conftest import TODAY
from tests.assessment.helpers import self_inputs
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def evidence_of(task, unit, reporter, status: str, name: str) -> Evidence:
    report = ProgressReport.objects.create(
        task=task, unit=unit, reported_on=dt.date(2017, 6, 1), text="t", percent=50, status=status, entered_by=reporter
    )
    evidence = Evidence(report=report, original_name=name, size=3, uploaded_by=reporter)
    evidence.file.save(name, ContentFile(b"pdf"), save=True)
    return evidence


@pytest.fixture
def files(submission, reporter, district, unit):
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit).tasks.get()
    cited = evidence_of(task, unit, reporter, ReportStatus.ACCEPTED, "cited.pdf")
    deleted = evidence_of(task, unit, reporter, ReportStatus.ACCEPTED, "deleted.pdf")
    items = self_inputs(submission, {"一.1": {}}, explanation="x", evidence_ids=[cited.pk, deleted.pk])
    services.self_assessment_save(submission=submission, by=reporter, items=items, today=TODAY)
    ProgressReport.objects.filter(pk=deleted.report_id).update(deleted_at=timezone.now())
    draft = evidence_of(task, unit, reporter, ReportStatus.DRAFT, "draft.pdf")
    # A draft's file cited through an older form: the rule still refuses it to those who cannot see drafts.
    ItemScore.objects.get(submission=submission, progress_evidence=cited).progress_evidence.add(draft)
    never_cited = evidence_of(task, unit, reporter, ReportStatus.ACCEPTED, "never.pdf")
    return {"cited": cited, "deleted": deleted, "draft": draft, "never_cited": never_cited}


def status_of(client, user, submission, evidence) -> int:
    client.force_login(user)
    return client.get(reverse("assessment:cited-evidence", args=[submission.pk, evidence.pk])).status_code


def test_a_leader_gets_only_cited_files_of_reports_they_may_see(client, leader, submission, files):
    got = {name: status_of(client, leader, submission, evidence) for name, evidence in files.items()}
    assert got == {"cited": 200, "deleted": 404, "draft": 404, "never_cited": 404}


def test_the_legal_office_reads_as_on_its_report_pages_but_only_what_was_cited(
    client, legal_officer, submission, files
):
    got = {name: status_of(client, legal_officer, submission, evidence) for name, evidence in files.items()}
    # The legal office sees soft-deleted reports and every draft of its jurisdiction on the progress pages too.
    assert got == {"cited": 200, "deleted": 200, "draft": 200, "never_cited": 404}


def test_the_walk_through_ids_finds_nothing_uncited(client, leader, submission, files, other_unit, other_reporter):
    task = plan_factory(jurisdiction=submission.cycle.jurisdiction, tasks=1, lead=other_unit).tasks.get()
    theirs = evidence_of(task, other_unit, other_reporter, ReportStatus.DRAFT, "theirs.pdf")
    found = [pk for pk in range(1, theirs.pk + 5) if status_of(client, leader, submission, Evidence(pk=pk)) == 200]
    assert found == [files["cited"].pk]
