"""The reporter's side of issue 16: files kept and removed on edit, 完成比例 from the last accepted report,
撤回, no unchanged resubmission of a returned report, the 工作台's reporting state per task, and the
Excel import's preview step. Each rule at the service and through the pages, each bad input refused with a
Chinese message and nothing changed."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lawgov.models import User
from tasks import excel, selectors, services
from tasks.models import Evidence, ProgressImport, ProgressReport, ReportStatus, TaskProgress
from tests.factories import plan_factory
from tests.tasks.conftest import pdf
from tests.tasks.test_excel import filled

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def report_for(task, unit, by, *, submit=True, percent=40, text="已召开专题会议。", files=()):
    return services.progress_report_create(
        task=task, unit=unit, by=by, reported_on=today(), text=text, percent=percent, submit=submit, files=list(files)
    )


def edit(report, by, **kw):
    values = {
        "expected_version": report.version,
        "reported_on": report.reported_on,
        "text": report.text,
        "percent": report.percent,
    }
    values.update(kw)
    return services.progress_report_update(report=report, by=by, **values)


def edit_form(report, **kw):
    data = {
        "reported_on": report.reported_on.isoformat(),
        "percent": report.percent,
        "text": report.text,
        "version": report.version,
        "action": "save",
    }
    data.update(kw)
    return data


def returned(task, unit, reporter, legal_officer, **kw):
    report = report_for(task, unit, reporter, **kw)
    return services.progress_report_return(report=report, by=legal_officer, reason="请补充佐证材料。")


# --- files already attached, and their removal -----------------------------------------------------------


def test_edit_page_lists_the_attached_files_each_with_a_remove_control(client, task, unit, reporter):
    report = report_for(task, unit, reporter, submit=False, files=[pdf("纪要.pdf"), pdf("通知.pdf")])
    client.force_login(reporter)
    page = client.get(reverse("tasks:report-edit", args=[report.pk])).content.decode()
    for evidence in report.evidence.all():
        assert evidence.original_name in page
        assert f'name="remove_evidence" value="{evidence.pk}"' in page


def test_removing_a_file_is_a_change_kept_in_history(task, unit, reporter):
    report = report_for(task, unit, reporter, submit=False, files=[pdf("纪要.pdf"), pdf("通知.pdf")])
    keep, drop = report.evidence.order_by("id")
    version = report.version
    report = edit(report, reporter, remove_evidence=[drop.pk])
    drop.refresh_from_db()
    assert drop.deleted_at is not None and Evidence.objects.filter(pk=drop.pk).exists()  # soft: the file stays
    assert list(report.evidence.active()) == [keep]
    record = report.history.order_by("-history_date", "-history_id").first()
    assert record.history_change_reason == "移除佐证材料:通知.pdf" and record.history_user == reporter
    assert report.version > version
    assert not selectors.evidence_readable(reporter).filter(pk=drop.pk).exists()


def test_edit_keeps_the_files_it_does_not_remove(client, task, unit, reporter):
    report = report_for(task, unit, reporter, submit=False, files=[pdf("纪要.pdf")])
    client.force_login(reporter)
    response = client.post(reverse("tasks:report-edit", args=[report.pk]), edit_form(report, text="补充了内容"))
    assert response.status_code == 302
    assert [e.original_name for e in report.evidence.active()] == ["纪要.pdf"]


def test_edit_page_removes_the_ticked_file(client, task, unit, reporter):
    report = report_for(task, unit, reporter, submit=False, files=[pdf("纪要.pdf"), pdf("通知.pdf")])
    drop = report.evidence.get(original_name="通知.pdf")
    client.force_login(reporter)
    response = client.post(reverse("tasks:report-edit", args=[report.pk]), edit_form(report, remove_evidence=drop.pk))
    assert response.status_code == 302
    assert [e.original_name for e in report.evidence.active()] == ["纪要.pdf"]


def test_removing_another_reports_file_is_refused_and_nothing_changes(client, task, unit, reporter):
    report = report_for(task, unit, reporter, submit=False, files=[pdf("纪要.pdf")])
    other = report_for(task, unit, reporter, submit=False, files=[pdf("别的.pdf")])
    foreign = other.evidence.get()
    client.force_login(reporter)
    data = edit_form(report, text="改了正文", remove_evidence=foreign.pk)
    response = client.post(reverse("tasks:report-edit", args=[report.pk]), data)
    assert response.status_code == 400 and "不属于该进展" in response.content.decode()
    report.refresh_from_db()
    foreign.refresh_from_db()
    assert report.text == "已召开专题会议。" and foreign.deleted_at is None  # the edit was rolled back too


def test_a_garbled_remove_value_is_refused_with_a_message(client, task, unit, reporter):
    report = report_for(task, unit, reporter, submit=False, files=[pdf("纪要.pdf")])
    client.force_login(reporter)
    response = client.post(
        reverse("tasks:report-edit", args=[report.pk]), edit_form(report, text="新", remove_evidence="1 OR 1=1")
    )
    assert response.status_code == 400 and "要移除的佐证材料不正确" in response.content.decode()
    report.refresh_from_db()
    assert report.text == "已召开专题会议。" and report.evidence.active().count() == 1


def test_only_the_reports_unit_removes_files_and_only_while_draft_or_returned(
    task, unit, reporter, other_reporter, legal_officer
):
    draft = report_for(task, unit, reporter, submit=False, files=[pdf()])
    with pytest.raises(services.ProgressError) as exc:
        services.evidence_remove(report=draft, by=other_reporter, evidence_ids=[draft.evidence.get().pk])
    assert exc.value.status == 403
    with pytest.raises(services.ProgressError) as exc:  # the legal office edits only its own 代填
        services.evidence_remove(report=draft, by=legal_officer, evidence_ids=[draft.evidence.get().pk])
    assert exc.value.status == 403
    sent = report_for(task, unit, reporter, files=[pdf()])
    with pytest.raises(services.ProgressError) as exc:
        services.evidence_remove(report=sent, by=reporter, evidence_ids=[sent.evidence.get().pk])
    assert exc.value.status == 409 and "不能再修改" in exc.value.message
    assert Evidence.objects.active().count() == 2
    back = services.progress_report_return(report=sent, by=legal_officer, reason="补充")
    services.evidence_remove(report=back, by=reporter, evidence_ids=[sent.evidence.get().pk])
    assert Evidence.objects.active().count() == 1


# --- 完成比例 starts at the last accepted percent ------------------------------------------------------------


def log_form_percent(client, task) -> str:
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    form = page[page.index("data-report-form") :]
    return re.search(r'name="percent" value="(\d+)"', form).group(1)


def test_new_report_starts_at_the_units_last_accepted_percent(
    client, task, unit, other_unit, reporter, other_reporter, legal_officer
):
    client.force_login(reporter)
    assert log_form_percent(client, task) == "0"
    old = report_for(task, unit, reporter, percent=30)
    services.progress_report_accept(report=old, by=legal_officer)
    last = report_for(task, unit, reporter, percent=60)
    services.progress_report_accept(report=last, by=legal_officer)
    report_for(task, unit, reporter, percent=90)  # waiting for review: not what the office accepted
    helper = report_for(task, other_unit, other_reporter, percent=100)  # another unit's
    services.progress_report_accept(report=helper, by=legal_officer)
    assert log_form_percent(client, task) == "60"
    client.force_login(other_reporter)
    assert log_form_percent(client, task) == "100"


# --- 撤回 -------------------------------------------------------------------------------------------------


def test_withdrawing_a_submitted_report_makes_it_a_draft_again(task, unit, reporter):
    report = report_for(task, unit, reporter)
    assert TaskProgress.objects.get(task=task).last_report_on == today()
    report = services.progress_report_withdraw(report=report, by=reporter)
    assert report.status == ReportStatus.DRAFT and report.submitted_at is None
    assert TaskProgress.objects.get(task=task).last_report_on is None  # the task has no report sent any more
    assert report.history.order_by("-history_date").first().status == ReportStatus.DRAFT
    services.progress_report_submit(report=report, by=reporter)  # and it can be sent again


def test_withdrawing_a_resubmission_goes_back_to_returned(task, unit, reporter, legal_officer):
    report = returned(task, unit, reporter, legal_officer)
    report = edit(report, reporter, text="补充了材料。", submit=True)
    assert report.status == ReportStatus.RESUBMITTED
    report = services.progress_report_withdraw(report=report, by=reporter)
    assert report.status == ReportStatus.RETURNED and report.return_reason == "请补充佐证材料。"
    # It was changed since the return, so it may go again as it is.
    assert services.progress_report_submit(report=report, by=reporter).status == ReportStatus.RESUBMITTED


@pytest.mark.parametrize("state", ["accepted", "returned"])
def test_withdrawing_a_reviewed_report_is_refused_and_nothing_changes(task, unit, reporter, legal_officer, state):
    report = report_for(task, unit, reporter)
    if state == "accepted":
        report = services.progress_report_accept(report=report, by=legal_officer)
    else:
        report = services.progress_report_return(report=report, by=legal_officer, reason="补充")
    version = report.version
    with pytest.raises(services.ProgressError) as exc:
        services.progress_report_withdraw(report=report, by=reporter)
    assert exc.value.status == 409 and "已审核" in exc.value.message and "不能撤回" in exc.value.message
    report.refresh_from_db()
    assert report.status == state and report.version == version


def test_withdraw_refusals(task, unit, reporter, other_reporter, legal_officer, leader):
    draft = report_for(task, unit, reporter, submit=False)
    with pytest.raises(services.ProgressError) as exc:
        services.progress_report_withdraw(report=draft, by=reporter)
    assert exc.value.code == "draft" and "尚未提交" in exc.value.message
    sent = report_for(task, unit, reporter)
    for who in (other_reporter, legal_officer, leader):  # not their unit's report, not a 代填, read only
        with pytest.raises(services.ProgressError) as exc:
            services.progress_report_withdraw(report=sent, by=who)
        assert exc.value.status == 403
    sent.refresh_from_db()
    assert sent.status == ReportStatus.SUBMITTED


def test_legal_office_withdraws_its_own_on_behalf_report(task, unit, legal_officer):
    report = report_for(task, unit, legal_officer)
    assert services.progress_report_withdraw(report=report, by=legal_officer).status == ReportStatus.DRAFT


def test_legal_office_sees_the_file_removal_in_the_tasks_history(client, task, unit, reporter, legal_officer):
    report = report_for(task, unit, reporter, submit=False, files=[pdf("通知.pdf")])
    edit(report, reporter, remove_evidence=[report.evidence.get().pk])
    client.force_login(legal_officer)
    assert "移除佐证材料:通知.pdf" in client.get(reverse("tasks:detail", args=[task.pk])).content.decode()


def test_withdraw_button_and_view(client, task, unit, reporter, legal_officer):
    report = report_for(task, unit, reporter)
    client.force_login(reporter)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert reverse("tasks:report-withdraw", args=[report.pk]) in page
    response = client.post(reverse("tasks:report-withdraw", args=[report.pk]), follow=True)
    assert "进展已撤回,回到草稿状态" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_withdrawing_an_accepted_report_through_the_page_says_why(client, task, unit, reporter, legal_officer):
    report = services.progress_report_accept(report=report_for(task, unit, reporter), by=legal_officer)
    client.force_login(reporter)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert reverse("tasks:report-withdraw", args=[report.pk]) not in page
    response = client.post(reverse("tasks:report-withdraw", args=[report.pk]), follow=True)
    assert "法制办已审核(已采纳),不能撤回" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_another_units_report_cannot_be_withdrawn_through_the_page(client, task, unit, reporter, other_reporter):
    report = report_for(task, unit, reporter)
    client.force_login(other_reporter)
    assert client.post(reverse("tasks:report-withdraw", args=[report.pk])).status_code in (403, 404)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# --- a returned report is not sent back unchanged ---------------------------------------------------------


def test_a_returned_report_cannot_be_resubmitted_unchanged(task, unit, reporter, legal_officer):
    report = returned(task, unit, reporter, legal_officer, files=[pdf()])
    report = edit(report, reporter, reported_on=today())  # saved as it was: still unchanged
    version = report.version
    with pytest.raises(services.ProgressError) as exc:
        services.progress_report_submit(report=report, by=reporter)
    assert exc.value.code == "unchanged" and "退回后未作修改,不能重新提交" in exc.value.message
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.version == version


@pytest.mark.parametrize("change", ["text", "percent", "add_file", "remove_file"])
def test_any_change_to_text_percent_or_evidence_lets_it_go_again(task, unit, reporter, legal_officer, change):
    report = returned(task, unit, reporter, legal_officer, files=[pdf()])
    kw = {
        "text": {"text": "补充:已公布网页截图。"},
        "percent": {"percent": 80},
        "add_file": {"files": [pdf("截图.pdf")]},
        "remove_file": {"remove_evidence": [report.evidence.get().pk]},
    }[change]
    report = edit(report, reporter, submit=True, **kw)
    assert report.status == ReportStatus.RESUBMITTED


def test_unchanged_resubmission_through_the_edit_page_changes_nothing(client, task, unit, reporter, legal_officer):
    report = returned(task, unit, reporter, legal_officer)
    version = report.version
    client.force_login(reporter)
    response = client.post(reverse("tasks:report-edit", args=[report.pk]), edit_form(report, action="submit"))
    assert response.status_code == 409 and "退回后未作修改,不能重新提交" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.version == version  # the save was rolled back too
    response = client.post(reverse("tasks:report-submit", args=[report.pk]), follow=True)
    assert "退回后未作修改" in response.content.decode()


# --- wording ------------------------------------------------------------------------------------------------


def test_first_submission_of_a_draft_is_not_called_a_resubmission(client, task, unit, reporter, legal_officer):
    draft = report_for(task, unit, reporter, submit=False)
    client.force_login(reporter)
    response = client.post(
        reverse("tasks:report-edit", args=[draft.pk]), edit_form(draft, text="定稿", action="submit"), follow=True
    )
    page = response.content.decode()
    shown = re.search(r'<ul class="messages">(.*?)</ul>', page, re.S).group(1)
    assert "进展已提交,等待法制办审核" in shown and "重新提交" not in shown
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED
    back = services.progress_report_return(report=draft, by=legal_officer, reason="补充")
    response = client.post(
        reverse("tasks:report-edit", args=[back.pk]), edit_form(back, text="补充后", action="submit"), follow=True
    )
    assert "进展已修改并重新提交" in response.content.decode()


# --- the 工作台's reporting state ------------------------------------------------------------------------------


def test_workbench_shows_each_tasks_reporting_state_and_last_date(client, plan, unit, reporter, legal_officer):
    t1, t2, t3 = plan.tasks.order_by("position")
    report_for(t1, unit, reporter)  # waiting
    report_for(t2, unit, reporter, submit=False)  # draft
    services.progress_report_return(report=report_for(t3, unit, reporter), by=legal_officer, reason="补充")
    client.force_login(reporter)
    page = client.get("/").content.decode()

    def row(task):
        start = page.index(f'data-task="{task.pk}"')
        return page[start : page.index("</tr>", start)]

    assert 'data-state="waiting"' in row(t1) and 'data-state="month"' in row(t1)
    assert today().strftime("%Y-%m-%d") in row(t1)
    assert 'data-state="draft"' in row(t2) and "从未报送" in row(t2)
    assert 'data-state="returned"' in row(t3)


def test_reporting_states_counts_only_the_units_own_reports(plan, unit, other_unit, reporter, other_reporter):
    task = plan.tasks.order_by("position").first()
    report_for(task, other_unit, other_reporter)
    states = selectors.reporting_states(unit_id=unit.pk, tasks=[task.pk], user=reporter, today=today())
    assert states == {}
    report_for(task, unit, reporter)
    state = selectors.reporting_states(unit_id=unit.pk, tasks=[task.pk], user=reporter, today=today())[task.pk]
    assert (state.waiting, state.this_month, state.last_reported_on) == (1, 1, today())


def grow(district, unit, other_unit, reporter, n):
    """``n`` more plans of three tasks each, every task with reports in every state."""
    for _ in range(n):
        plan = plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit)
        for task in plan.tasks.all():
            report_for(task, unit, reporter)
            report_for(task, unit, reporter, submit=False)


def test_workbench_queries_stay_constant_as_tasks_and_reports_grow(
    client, district, unit, other_unit, reporter, django_assert_num_queries
):
    grow(district, unit, other_unit, reporter, 1)
    # reporter_workbench, 9 queries: the reporter's unit (1); the unit's group ids (``covering_ids``) once
    # per scoped queryset, tasks, returned, drafts and states (4); the tasks with status (1); the returned
    # reports (1); the drafts (1); the reporting states' GROUP BY (1). The page adds its fixed others.
    reporter = User.objects.get(pk=reporter.pk)  # as a request loads it: its unit not yet read
    with CaptureQueriesContext(connection) as small:
        selectors.reporter_workbench(user=reporter, today=today())
    assert len(small) == 9
    client.force_login(reporter)
    with CaptureQueriesContext(connection) as small_page:
        assert client.get("/").status_code == 200
    grow(district, unit, other_unit, reporter, 4)
    reporter = User.objects.get(pk=reporter.pk)
    with django_assert_num_queries(9):
        data = selectors.reporter_workbench(user=reporter, today=today())
    assert data["total"] == 15 and len(data["plans"]) == 5
    with CaptureQueriesContext(connection) as large_page:
        assert client.get("/").status_code == 200
    assert len(large_page) == len(small_page)


def test_workbench_groups_share_one_table_and_its_columns(client, district, unit, other_unit, reporter):
    plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=today() - dt.timedelta(days=10))
    plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=today() + dt.timedelta(days=40))
    client.force_login(reporter)
    page = client.get("/").content.decode()
    table = page[page.index("workbench-tasks") : page.index("</table>", page.index("workbench-tasks"))]
    assert table.count("<table") == 0  # one table: the 已逾期 group's rows line up with the others
    assert 'data-status-group="overdue"' in table and 'data-status-group="not_started"' in table
    rows = re.findall(r'<tr data-task="\d+">(.*?)</tr>', table, re.S)
    assert len(rows) == 4 and {r.count("<td") for r in rows} == {5}


def test_workbench_links_each_plans_excel_import(client, plan, reporter, district, other_unit):
    plan_factory(jurisdiction=district, tasks=1, lead=other_unit)  # not this unit's plan
    client.force_login(reporter)
    page = client.get("/").content.decode()
    assert page.count("data-excel-import") == 1
    assert reverse("tasks:plan-import", args=[plan.pk]) in page


# --- the Excel import's preview -------------------------------------------------------------------------------


def sheet(plan, user, rows):
    content = excel.plan_tasks_export(plan=plan, user=user, today=today())
    return filled(content, rows)


def upload(client, plan, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("tasks:plan-import", args=[plan.pk]), {"file": SimpleUploadedFile("进展.xlsx", data)})


def test_import_shows_a_preview_and_saves_only_on_confirmation(client, plan, reporter):
    client.force_login(reporter)
    data = sheet(plan, reporter, {3: {"进展情况": "召开了会议", "完成比例(%)": 50}, 4: {"进展情况": "印发了清单"}})
    response = upload(client, plan, data)
    assert response.status_code == 302 and not ProgressReport.objects.exists()
    preview = client.get(response.url).content.decode()
    assert "召开了会议" in preview and "印发了清单" in preview and "确认导入 2 条进展" in preview
    response = client.post(response.url, follow=True)
    page = response.content.decode()
    assert "已导入 2 条进展" in page and "待审核" in page
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}
    assert ProgressImport.objects.get().status == ProgressImport.Status.CONFIRMED
    draft = ProgressImport.objects.get()
    again = client.post(reverse("tasks:plan-import-preview", args=[draft.pk]), follow=True)
    assert "未重复导入" in again.content.decode() and ProgressReport.objects.count() == 2


def test_preview_lists_each_rows_error_and_keeps_nothing(client, plan, reporter):
    client.force_login(reporter)
    data = sheet(
        plan,
        reporter,
        {
            3: {"进展情况": "正常的一行", "完成比例(%)": 50},
            4: {"进展情况": "比例过大", "完成比例(%)": 140},
            5: {"进展情况": "日期在将来", "进展日期": "2099-01-01"},
        },
    )
    response = upload(client, plan, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-preview-row="3"' in page and 'data-preview-row="4"' in page and 'data-preview-row="5"' in page
    row4 = page[page.index('data-preview-row="4"') : page.index("</tr>", page.index('data-preview-row="4"'))]
    assert "完成比例" in row4 and "data-row-error" in row4
    assert "确认导入" not in page
    assert not ProgressReport.objects.exists() and not ProgressImport.objects.exists()


def test_preview_of_another_user_is_not_found(client, plan, reporter, other_reporter):
    client.force_login(reporter)
    response = upload(client, plan, sheet(plan, reporter, {3: {"进展情况": "召开了会议"}}))
    client.force_login(other_reporter)
    assert client.get(response.url).status_code == 404
    assert client.post(response.url).status_code == 404
    assert not ProgressReport.objects.exists()


def test_confirmation_checks_again_and_saves_nothing_if_a_row_no_longer_holds(client, plan, reporter, legal_officer):
    from plans.models import Assignment

    client.force_login(reporter)
    task = plan.tasks.order_by("position").first()
    response = upload(client, plan, sheet(plan, reporter, {3: {"进展情况": "召开了会议"}, 4: {"进展情况": "其他"}}))
    # Meanwhile the legal office takes the first task away from the unit.
    Assignment.objects.filter(clause__task=task).update(deleted_at=timezone.now())
    response = client.post(response.url)
    assert response.status_code == 400 and "第 3 行" in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert ProgressImport.objects.get().status == ProgressImport.Status.PREVIEW


def test_import_limits_and_their_messages_are_kept(client, plan, reporter):
    client.force_login(reporter)
    response = upload(client, plan, b"not a sheet")
    assert response.status_code == 400 and "不是有效的 .xlsx" in response.content.decode()
    response = upload(client, plan, b"x" * (excel.MAX_SHEET_BYTES + 1))
    assert response.status_code == 400 and "MB的上限" in response.content.decode()
    assert not ProgressImport.objects.exists()
