"""Progress report rules, each tested at the service layer (views and API call the same services)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lawgov.models import Role
from tasks import services
from tasks.models import Evidence, ProgressReport, ReportStatus, TaskProgress
from tests.conftest import make_unit, make_user
from tests.tasks.conftest import PNG, TODAY, pdf

pytestmark = pytest.mark.django_db


def create(task, unit, by, **kw):
    values = {"reported_on": TODAY, "text": "已召开专题会议。", "percent": 40, "today": TODAY}
    values.update(kw)
    return services.progress_report_create(task=task, unit=unit, by=by, **values)


def test_reporter_logs_progress_with_evidence(task, unit, reporter):
    report = create(task, unit, reporter, files=[pdf()])
    assert report.status == ReportStatus.SUBMITTED and not report.on_behalf
    assert report.evidence.get().original_name == "会议纪要.pdf"
    assert TaskProgress.objects.get(task=task).last_report_on == TODAY


def test_legal_office_logs_on_behalf(task, unit, legal_officer):
    report = create(task, unit, legal_officer)
    assert report.on_behalf and report.entered_by == legal_officer and report.unit == unit


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"percent": 140}, "percent"),
        ({"percent": -5}, "percent"),
        ({"reported_on": TODAY + dt.timedelta(days=1)}, "future_date"),
        ({"text": "  "}, "text"),
    ],
)
def test_bad_values_are_refused_and_nothing_saved(task, unit, reporter, kw, code):
    with pytest.raises(services.ProgressError) as exc:
        create(task, unit, reporter, **kw)
    assert exc.value.code == code and exc.value.status == 400
    assert not ProgressReport.objects.exists()


def test_reporter_cannot_write_for_another_unit(task, other_unit, reporter):
    with pytest.raises(services.ProgressError) as exc:
        create(task, other_unit, reporter)
    assert exc.value.status == 403


def test_unit_without_a_part_cannot_report(task, district, legal_officer):
    stranger = make_unit(district, "区审计局")
    with pytest.raises(services.ProgressError) as exc:
        create(task, stranger, legal_officer)
    assert exc.value.code == "no_part" and exc.value.status == 403


@pytest.mark.parametrize("who", ["leader", "api_client_user"])
def test_read_only_roles_cannot_write(request, task, unit, who):
    with pytest.raises(services.ProgressError) as exc:
        create(task, unit, request.getfixturevalue(who))
    assert exc.value.status == 403


def test_legal_office_of_another_district_cannot_write(task, unit, outsider_officer):
    with pytest.raises(services.ProgressError) as exc:
        create(task, unit, outsider_officer)
    assert exc.value.status == 403


def test_cooperating_unit_cannot_claim_completion(task, other_unit, other_reporter):
    with pytest.raises(services.ProgressError) as exc:
        create(task, other_unit, other_reporter, claims_completion=True)
    assert exc.value.code == "claim_not_lead"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [("virus.exe", b"MZ....", "file_type"), ("fake.pdf", PNG, "file_content"), ("photo.png", PNG, None)],
)
def test_evidence_type_is_checked_by_name_and_content(task, unit, reporter, name, content, code):
    upload = SimpleUploadedFile(name, content)
    if code is None:
        create(task, unit, reporter, files=[upload])
        assert Evidence.objects.count() == 1
        return
    with pytest.raises(services.ProgressError) as exc:
        create(task, unit, reporter, files=[upload])
    assert exc.value.code == code
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_evidence_over_the_limit_is_refused(task, unit, reporter, settings):
    settings.LAWGOV_MAX_UPLOAD_MB = 1
    big = pdf(content=b"%PDF" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(services.ProgressError) as exc:
        create(task, unit, reporter, files=[big])
    assert exc.value.code == "file_size" and "1 MB" in exc.value.message


def test_return_resubmit_accept_completes_the_task(task, unit, reporter, legal_officer):
    report = create(task, unit, reporter, percent=100, claims_completion=True)
    with pytest.raises(services.ProgressError):
        services.progress_report_return(report=report, by=legal_officer, reason=" ")
    services.progress_report_return(report=report, by=legal_officer, reason="缺少佐证材料")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "缺少佐证材料"
    services.progress_report_update(
        report=report,
        by=reporter,
        expected_version=report.version,
        reported_on=TODAY,
        text="补充了会议纪要。",
        percent=100,
        claims_completion=True,
        files=[pdf()],
        today=TODAY,
    )
    report.refresh_from_db()
    services.progress_report_submit(report=report, by=reporter)
    report.refresh_from_db()
    assert report.status == ReportStatus.RESUBMITTED
    services.progress_report_accept(report=report, by=legal_officer)
    progress = TaskProgress.objects.get(task=task)
    assert progress.completed_on == TODAY and progress.completed_by == report


def test_only_the_legal_office_reviews(task, unit, reporter, other_reporter, leader):
    report = create(task, unit, reporter)
    for who in (reporter, other_reporter, leader):
        with pytest.raises(services.ProgressError) as exc:
            services.progress_report_accept(report=report, by=who)
        assert exc.value.status == 403


def test_cooperating_unit_cannot_edit_the_leads_report(task, unit, reporter, other_reporter):
    report = create(task, unit, reporter, submit=False)
    with pytest.raises(services.ProgressError) as exc:
        services.progress_report_update(
            report=report,
            by=other_reporter,
            expected_version=report.version,
            reported_on=TODAY,
            text="改",
            percent=10,
            today=TODAY,
        )
    assert exc.value.status == 403
    report.refresh_from_db()
    assert report.text == "已召开专题会议。"


def test_lead_sees_helpers_reports_but_helper_does_not_see_leads_drafts(
    task, unit, other_unit, reporter, other_reporter
):
    helper = create(task, other_unit, other_reporter)
    draft = create(task, unit, reporter, submit=False)
    assert helper in ProgressReport.objects.visible_to(reporter)
    assert draft not in ProgressReport.objects.visible_to(other_reporter)


def test_stale_edit_is_refused(task, unit, reporter):
    report = create(task, unit, reporter, submit=False)
    version = report.version
    services.progress_report_update(
        report=report,
        by=reporter,
        expected_version=version,
        reported_on=TODAY,
        text="第一个人的修改",
        percent=50,
        today=TODAY,
    )
    with pytest.raises(services.ProgressError) as exc:
        services.progress_report_update(
            report=report,
            by=reporter,
            expected_version=version,
            reported_on=TODAY,
            text="第二个人的修改",
            percent=60,
            today=TODAY,
        )
    assert exc.value.status == 409
    report.refresh_from_db()
    assert report.text == "第一个人的修改"


def test_double_accept_is_a_conflict(task, unit, reporter, legal_officer):
    report = create(task, unit, reporter)
    services.progress_report_accept(report=report, by=legal_officer)
    with pytest.raises(services.ProgressError) as exc:
        services.progress_report_accept(report=report, by=legal_officer)
    assert exc.value.status == 409


def test_soft_delete_is_visible_to_the_legal_office_only(task, unit, reporter, legal_officer):
    report = create(task, unit, reporter, submit=False)
    services.progress_report_delete(report=report, by=reporter, reason="重复填报")
    assert report not in ProgressReport.objects.visible_to(reporter)
    deleted = ProgressReport.objects.with_deleted_for(legal_officer).get(pk=report.pk)
    assert deleted.deleted_by == reporter
    assert ProgressReport.history.filter(id=report.pk).count() >= 2


def test_history_keeps_who_changed_what(task, unit, reporter, legal_officer):
    report = create(task, unit, reporter)
    services.progress_report_return(report=report, by=legal_officer, reason="请补充")
    users = list(
        ProgressReport.history.filter(id=report.pk)
        .order_by("history_date")
        .values_list("history_user__username", "status")
    )
    assert users[0] == ("reporter", "submitted")
    assert users[-1] == ("fzb", "returned")


def test_group_phrase_gives_townships_their_part(district, legal_officer):
    from tests.factories import plan_factory

    town = make_unit(district, "南村镇", "township")
    towns = make_unit(district, "各镇街", "group", group_kinds=["township"])
    plan = plan_factory(jurisdiction=district, tasks=1, lead=towns)
    town_reporter = make_user("town", Role.REPORTER, unit=town, jurisdiction=district)
    report = create(plan.tasks.get(), town, town_reporter, claims_completion=True)
    assert report.unit == town
