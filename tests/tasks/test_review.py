"""The legal office's review (issue 16): the queue with the report text and resubmissions flagged, 下一条待审核,
batch accept (all or nothing), delete with a reason through a confirmation page, deleted reports shown on
request and restored, the 代填 form offering only the task's units, and the task list's filters and badges."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lawgov.models import UnitKind
from plans.models import Assignment, Clause, Task
from plans.selectors import tasks_with_parts
from tasks import selectors, services
from tasks.models import ProgressReport, ReportStatus
from tests.conftest import make_unit
from tests.factories import plan_factory
from tests.tasks.conftest import pdf

pytestmark = pytest.mark.django_db


def report(task, unit, by, *, text="完成了调研。", percent=30, days_ago=0, submit=True):
    return services.progress_report_create(
        task=task,
        unit=unit,
        by=by,
        reported_on=timezone.localdate() - dt.timedelta(days=days_ago),
        text=text,
        percent=percent,
        submit=submit,
    )


@pytest.fixture
def foreign_report(other_district, outsider_officer):
    """A report waiting in another district's queue (南海区), entered there by its legal office."""
    township = make_unit(other_district, "桂城街道", UnitKind.TOWNSHIP)
    task = plan_factory(jurisdiction=other_district, tasks=1, lead=township).tasks.get()
    return report(task, township, outsider_officer, text="南海的进展")


@pytest.fixture
def five(plan, unit, reporter):
    """Five reports waiting for review, on three tasks, submitted in this order."""
    tasks = list(plan.tasks.order_by("position"))
    return [report(tasks[i % 3], unit, reporter, text=f"第{i + 1}份进展", days_ago=i) for i in range(5)]


# --- batch accept -------------------------------------------------------------------------------------------


def test_batch_accept_accepts_every_report(five, legal_officer):
    accepted = services.progress_reports_accept_batch(report_ids=[r.pk for r in five[:3]], by=legal_officer)
    assert len(accepted) == 3
    statuses = dict(ProgressReport.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in five] == ["accepted"] * 3 + ["submitted"] * 2


def test_batch_with_another_jurisdictions_report_changes_nothing(five, legal_officer, foreign_report):
    with pytest.raises(services.ProgressError) as exc:
        services.progress_reports_accept_batch(report_ids=[five[0].pk, foreign_report.pk], by=legal_officer)
    assert exc.value.status == 403 and "不属于您的辖区" in exc.value.message
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}


def test_batch_with_a_report_no_longer_waiting_changes_nothing(five, legal_officer):
    services.progress_report_accept(report=five[1], by=legal_officer)
    with pytest.raises(services.ProgressError) as exc:
        services.progress_reports_accept_batch(report_ids=[five[0].pk, five[1].pk, five[2].pk], by=legal_officer)
    assert exc.value.status == 409 and "已不是待审核状态" in exc.value.message
    statuses = dict(ProgressReport.objects.values_list("pk", "status"))
    assert statuses[five[0].pk] == statuses[five[2].pk] == ReportStatus.SUBMITTED


def test_batch_of_nothing_is_refused(legal_officer):
    with pytest.raises(services.ProgressError) as exc:
        services.progress_reports_accept_batch(report_ids=[], by=legal_officer)
    assert exc.value.code == "empty"


def test_batch_larger_than_the_limit_is_refused(five, legal_officer):
    with pytest.raises(services.ProgressError) as exc:
        services.progress_reports_accept_batch(
            report_ids=[r.pk for r in five] + list(range(10**6, 10**6 + services.BATCH_ACCEPT_MAX)), by=legal_officer
        )
    assert exc.value.code == "too_many"
    assert not ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).exists()


def test_reporter_cannot_batch_accept(five, reporter):
    with pytest.raises(services.ProgressError) as exc:
        services.progress_reports_accept_batch(report_ids=[five[0].pk], by=reporter)
    assert exc.value.status == 403
    assert ProgressReport.objects.get(pk=five[0].pk).status == ReportStatus.SUBMITTED


def test_batch_view_refuses_a_foreign_report_with_a_message(client, five, legal_officer, foreign_report):
    client.force_login(legal_officer)
    response = client.post(reverse("tasks:review-batch"), {"report": [five[0].pk, foreign_report.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tasks:review-queue")
    assert "本次批量采纳未执行" in response.content.decode()
    assert not ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).exists()


def test_batch_view_accepts_and_says_how_many(client, five, legal_officer):
    client.force_login(legal_officer)
    response = client.post(reverse("tasks:review-batch"), {"report": [r.pk for r in five]}, follow=True)
    assert "已批量采纳 5 条进展" in response.content.decode()
    assert ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).count() == 5
    assert "没有待审核的进展" in response.content.decode()


def test_batch_view_is_the_legal_offices_only(client, five, reporter):
    client.force_login(reporter)
    assert client.post(reverse("tasks:review-batch"), {"report": [five[0].pk]}).status_code == 403
    assert client.get(reverse("tasks:review-queue")).status_code == 403
    assert not ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).exists()


def test_batch_view_refuses_garbage_ids(client, five, legal_officer):
    client.force_login(legal_officer)
    for garbage in ("1 OR 1=1", "²", "9" * 30, "-1"):
        response = client.post(reverse("tasks:review-batch"), {"report": [five[0].pk, garbage]}, follow=True)
        assert "编号无效" in response.content.decode()
    for garbage in ("²", "9" * 30, "abc"):
        assert client.get(reverse("tasks:review-next"), {"after": garbage}).status_code == 302
        assert client.get(reverse("tasks:detail", args=[five[0].task_id]), {"reviewed": garbage}).status_code == 200
    assert not ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).exists()


# --- 下一条待审核 -----------------------------------------------------------------------------------------------


def test_next_follows_the_queue_order_and_wraps(five, legal_officer):
    queue = list(selectors.review_queue(user=legal_officer))
    assert queue == five  # oldest submission first
    assert selectors.review_next(user=legal_officer) == five[0]
    assert selectors.review_next(user=legal_officer, after=five[1]) == five[2]
    assert selectors.review_next(user=legal_officer, after=five[4]) == five[0]  # a skipped one comes round
    services.progress_reports_accept_batch(report_ids=[r.pk for r in five], by=legal_officer)
    assert selectors.review_next(user=legal_officer, after=five[4]) is None


def test_review_then_next_walks_the_queue(client, five, legal_officer, foreign_report):
    client.force_login(legal_officer)
    first = five[0]
    response = client.post(reverse("tasks:report-review", args=[first.pk]), {"action": "accept"})
    assert response.status_code == 302 and f"reviewed={first.pk}" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert f'href="{reverse("tasks:review-next")}?after={first.pk}"' in page and "下一条待审核" in page
    response = client.get(reverse("tasks:review-next"), {"after": first.pk})
    assert response["Location"] == f"/tasks/{five[1].task_id}/?review={five[1].pk}#report-{five[1].pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'current-review" id="report-{five[1].pk}"' in page
    # Returning counts as a review too: the page offers the next one.
    response = client.post(
        reverse("tasks:report-review", args=[five[1].pk]), {"action": "return", "reason": "请补充材料"}
    )
    assert f"reviewed={five[1].pk}" in response["Location"]
    services.progress_reports_accept_batch(report_ids=[r.pk for r in five[2:]], by=legal_officer)
    response = client.get(reverse("tasks:review-next"), {"after": five[4].pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tasks:review-queue")
    assert "待审核的进展已全部处理完毕" in response.content.decode()
    # Never another district's report, whatever ``after`` says.
    assert foreign_report.status == ReportStatus.SUBMITTED
    response = client.get(reverse("tasks:review-next"), {"after": foreign_report.pk})
    assert response["Location"] == reverse("tasks:review-queue")


# --- the queue page -------------------------------------------------------------------------------------------


def test_queue_shows_text_and_flags_resubmissions_with_what_changed(client, plan, unit, reporter, legal_officer):
    task = plan.tasks.order_by("position").first()
    long_text = "开展行政执法人员培训," * 20
    plain = report(task, unit, reporter, text=long_text)
    changed = report(task, unit, reporter, text="第一稿", percent=30)
    services.progress_report_return(report=changed, by=legal_officer, reason="请补充佐证")
    changed.refresh_from_db()
    services.progress_report_update(
        report=changed,
        by=reporter,
        expected_version=changed.version,
        reported_on=changed.reported_on,
        text="第二稿,补充了培训名单",
        percent=50,
        files=[pdf()],
    )
    changed.refresh_from_db()
    services.progress_report_submit(report=changed, by=reporter)

    client.force_login(legal_officer)
    page = client.get(reverse("tasks:review-queue")).content.decode()
    row = page[page.index(f'data-queue-report="{plain.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "<details data-full-text>" in row and long_text in row and "重新提交" not in row
    row = page[page.index(f'data-queue-report="{changed.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "data-resubmitted-badge" in row, row
    assert "完成比例 30% → 50%" in row, row
    assert "进展情况" in row and "新增佐证材料 1 份" in row
    assert "上次退回理由:请补充佐证" in row


def _return_and_resubmit(r, *, reporter, legal_officer):
    """Return a report and send it back changed (an unchanged one is refused since the reporter pages)."""
    services.progress_report_return(report=r, by=legal_officer, reason="补充")
    r.refresh_from_db()
    services.progress_report_update(
        report=r,
        by=reporter,
        expected_version=r.version,
        reported_on=r.reported_on,
        text=r.text + "(已补充)",
        percent=r.percent,
    )
    r.refresh_from_db()
    services.progress_report_submit(report=r, by=reporter)


def test_queue_query_count_does_not_grow(client, plan, unit, reporter, legal_officer):
    tasks = list(plan.tasks.all())
    for i in range(3):
        r = report(tasks[i], unit, reporter, text=f"进展{i}")
    _return_and_resubmit(r, reporter=reporter, legal_officer=legal_officer)
    client.force_login(legal_officer)
    client.get(reverse("tasks:review-queue"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("tasks:review-queue")).status_code == 200
    for i in range(20):
        r = report(tasks[i % 3], unit, reporter, text=f"更多进展{i}")
        _return_and_resubmit(r, reporter=reporter, legal_officer=legal_officer)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("tasks:review-queue")).content.decode()
    assert page.count("data-queue-report=") == 23
    assert len(many) == len(few)


def test_queue_does_not_list_another_districts_reports(client, five, legal_officer, foreign_report):
    client.force_login(legal_officer)
    page = client.get(reverse("tasks:review-queue")).content.decode()
    assert page.count("data-queue-report=") == 5 and "南海的进展" not in page


# --- delete with a reason, show deleted, restore ------------------------------------------------------------------


def test_delete_without_a_reason_is_refused_and_nothing_changes(five, legal_officer):
    with pytest.raises(services.ProgressError) as exc:
        services.progress_report_delete(report=five[0], by=legal_officer, reason="   ")
    assert exc.value.code == "reason" and "删除时请写明理由" in exc.value.message
    assert ProgressReport.objects.get(pk=five[0].pk).deleted_at is None


def test_delete_keeps_the_reason_and_restore_keeps_both_in_history(five, legal_officer, reporter):
    target = five[0]
    services.progress_report_accept(report=target, by=legal_officer)
    services.progress_report_delete(report=target, by=legal_officer, reason="重复填报")
    target.refresh_from_db()
    assert target.deleted_at and target.delete_reason == "重复填报" and target.deleted_by == legal_officer
    assert target not in ProgressReport.objects.visible_to(reporter)
    restored = services.progress_report_restore(report=target, by=legal_officer)
    assert restored.deleted_at is None and restored.status == ReportStatus.ACCEPTED
    assert restored in ProgressReport.objects.visible_to(reporter)
    rows = list(ProgressReport.history.filter(id=target.pk).order_by("history_date"))
    assert any(r.delete_reason == "重复填报" and r.deleted_at for r in rows)
    assert rows[-1].history_change_reason == "恢复" and rows[-1].history_user == legal_officer


def test_only_the_jurisdictions_legal_office_restores(five, legal_officer, reporter, outsider_officer, leader):
    target = five[0]
    services.progress_report_delete(report=target, by=legal_officer, reason="误报")
    for who in (reporter, outsider_officer, leader):
        with pytest.raises(services.ProgressError) as exc:
            services.progress_report_restore(report=target, by=who)
        assert exc.value.status == 403
    assert ProgressReport.objects.get(pk=target.pk).deleted_at is not None


def test_restoring_a_report_not_deleted_is_a_conflict(five, legal_officer):
    with pytest.raises(services.ProgressError) as exc:
        services.progress_report_restore(report=five[0], by=legal_officer)
    assert exc.value.status == 409


def test_delete_goes_through_a_confirmation_page_with_a_reason(client, five, legal_officer):
    target = five[0]
    services.progress_report_accept(report=target, by=legal_officer)
    client.force_login(legal_officer)
    task_page = client.get(reverse("tasks:detail", args=[target.task_id])).content.decode()
    article = task_page[task_page.index(f'id="report-{target.pk}"') :]
    article = article[: article.index("</article>")]
    # No delete form on the task page: a link to the confirmation page.
    url = reverse("tasks:report-delete", args=[target.pk])
    assert f'action="{url}"' not in article and f'href="{url}"' in article
    page = client.get(url).content.decode()
    assert "data-accepted-warning" in page and 'name="reason"' in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "删除时请写明理由" in response.content.decode()
    assert ProgressReport.objects.get(pk=target.pk).deleted_at is None
    response = client.post(url, {"reason": "与5月份进展重复"})
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=target.pk).delete_reason == "与5月份进展重复"


def test_delete_page_says_when_the_report_completed_the_task(client, task, unit, reporter, legal_officer):
    claim = services.progress_report_create(
        task=task,
        unit=unit,
        by=reporter,
        reported_on=timezone.localdate(),
        text="已全部完成",
        percent=100,
        claims_completion=True,
    )
    client.force_login(legal_officer)
    url = reverse("tasks:report-delete", args=[claim.pk])
    assert "data-completes-task" not in client.get(url).content.decode()
    services.progress_report_accept(report=claim, by=legal_officer)
    assert "data-completes-task" in client.get(url).content.decode()


def test_reporter_deletes_its_draft_with_a_reason(client, task, unit, reporter):
    draft = report(task, unit, reporter, submit=False)
    client.force_login(reporter)
    url = reverse("tasks:report-delete", args=[draft.pk])
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"reason": "填错任务"}).status_code == 302
    assert ProgressReport.objects.get(pk=draft.pk).deleted_at is not None


def test_another_unit_cannot_reach_the_delete_page(client, five, other_reporter):
    client.force_login(other_reporter)
    # 区财政局 helps on the task but may not delete 区编办's report: 403 (visible) or 404, nothing changed.
    assert client.get(reverse("tasks:report-delete", args=[five[0].pk])).status_code in (403, 404)
    assert client.post(reverse("tasks:report-delete", args=[five[0].pk]), {"reason": "x"}).status_code in (403, 404)
    assert ProgressReport.objects.get(pk=five[0].pk).deleted_at is None


def test_deleted_reports_shown_on_request_and_restored(client, five, legal_officer, reporter):
    target = five[0]
    services.progress_report_delete(report=target, by=legal_officer, reason="误报单位")
    url = reverse("tasks:detail", args=[target.task_id])
    client.force_login(legal_officer)
    page = client.get(url).content.decode()
    assert f'id="report-{target.pk}"' not in page and "显示已删除的进展(1)" in page
    page = client.get(url, {"deleted": "1"}).content.decode()
    article = page[page.index(f'id="report-{target.pk}"') :]
    article = article[: article.index("</article>")]
    assert "删除理由:误报单位" in article and "data-restore" in article
    response = client.post(reverse("tasks:report-restore", args=[target.pk]))
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=target.pk).deleted_at is None
    history = client.get(url).content.decode()
    assert "进展恢复" in history and "进展删除" in history and "误报单位" in history
    # A reporter never sees the deleted ones, toggle or not, and cannot restore.
    services.progress_report_delete(report=target, by=legal_officer, reason="再次删除")
    client.force_login(reporter)
    assert f'id="report-{target.pk}"' not in client.get(url, {"deleted": "1"}).content.decode()
    assert client.post(reverse("tasks:report-restore", args=[target.pk])).status_code == 403
    assert ProgressReport.objects.get(pk=target.pk).deleted_at is not None


def test_another_districts_office_cannot_restore(client, five, legal_officer, outsider_officer):
    services.progress_report_delete(report=five[0], by=legal_officer, reason="误报")
    client.force_login(outsider_officer)
    assert client.post(reverse("tasks:report-restore", args=[five[0].pk])).status_code == 404
    assert ProgressReport.objects.get(pk=five[0].pk).deleted_at is not None


# --- 代填 ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def mixed_task(district, unit, other_unit):
    """A task led by 区编办 in two clauses, 区财政局 helping, 各镇街 responsible; 区司法局 has no part."""
    make_unit(district, "区司法局")
    towns = [make_unit(district, name, UnitKind.TOWNSHIP) for name in ("市桥街道", "石楼镇")]
    group = make_unit(district, "各镇街", UnitKind.GROUP, group_kinds=[UnitKind.TOWNSHIP])
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, cooperating=other_unit).tasks.get()
    second = Clause.objects.create(task=task, position=1, text="第二分句")
    Assignment.objects.create(clause=second, unit=unit, role="lead")
    Assignment.objects.create(clause=second, unit=group, role="responsible")
    return task, towns


def test_on_behalf_form_offers_the_tasks_units_none_preselected(client, legal_officer, mixed_task):
    task, _ = mixed_task
    client.force_login(legal_officer)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    form = page[page.index("data-report-form") :]
    select = form[form.index('<select name="unit"') :]
    select = select[: select.index("</select>")]
    options = select.split("<option")[1:]
    assert options[0].startswith(' value="" selected>请选择填报单位')
    names = {o.split(">")[1].split("<")[0] for o in options[1:]}
    assert names == {"区编办", "区财政局", "市桥街道", "石楼镇"}  # no 区司法局, no 各镇街 itself
    assert "selected" not in "".join(options[1:])


def test_on_behalf_without_a_unit_is_refused_beside_the_field(client, legal_officer, mixed_task, district):
    task, _ = mixed_task
    client.force_login(legal_officer)
    data = {"reported_on": timezone.localdate().isoformat(), "percent": 30, "text": "电话报告", "action": "submit"}
    response = client.post(reverse("tasks:report-create", args=[task.pk]), data)
    assert response.status_code == 400 and "请选择填报单位" in response.content.decode()
    outsider = make_unit(district, "区民政局")
    response = client.post(reverse("tasks:report-create", args=[task.pk]), {**data, "unit": outsider.pk})
    assert response.status_code == 400 and "不是该任务的承办单位" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_on_behalf_form_sits_below_the_reports_awaiting_review(client, legal_officer, reporter, task, unit):
    waiting = report(task, unit, reporter, text="等待审核的进展")
    accepted = report(task, unit, reporter, text="早已采纳的进展", days_ago=3)
    services.progress_report_accept(report=accepted, by=legal_officer)
    client.force_login(legal_officer)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert (
        page.index(f'id="report-{waiting.pk}"')
        < page.index("data-report-form")
        < page.index(f'id="report-{accepted.pk}"')
    )
    # A reporter's own form stays on top (nothing to review on its page).
    client.force_login(reporter)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert page.index("data-report-form") < page.index(f'id="report-{waiting.pk}"')


# --- the task list page -----------------------------------------------------------------------------------------


def test_task_list_page_has_no_separate_overdue_select(client, legal_officer, plan):
    client.force_login(legal_officer)
    page = client.get(reverse("tasks:list")).content.decode()
    assert 'name="overdue"' not in page and 'value="overdue"' in page  # 已逾期 stays a 状态
    # The parameter still filters (the API documents it; an old bookmark keeps working).
    assert client.get(reverse("tasks:list"), {"overdue": "true"}).status_code == 200
    assert client.get(reverse("tasks:list"), {"overdue": "maybe"}).status_code == 400


def test_task_list_shows_one_badge_per_unit_with_its_strongest_role(client, legal_officer, mixed_task, other_unit):
    task, _ = mixed_task
    # 区财政局 helps in clause 1 and leads clause 2 as well: one badge, as lead.
    Assignment.objects.create(clause=task.clauses.get(position=1), unit=other_unit, role="lead")
    client.force_login(legal_officer)
    page = client.get(reverse("tasks:list")).content.decode()
    row = page[page.index(f'data-task="{task.pk}"') :]
    row = row[: row.index("</tr>")]
    badges = row[row.index("data-unit-badges") :]
    assert badges.count(">区编办<") == 1 and badges.count(">区财政局<") == 1
    assert 'class="badge lead" title="牵头" data-unit-badge' in badges and "各镇街" in badges


def test_unit_badges_keep_the_strongest_role(mixed_task, unit, other_unit):
    task, _ = mixed_task
    loaded = tasks_with_parts(Task.objects.filter(pk=task.pk)).get()
    badges = selectors.task_unit_badges(loaded)
    assert [(b.unit.name, b.role) for b in badges] == [("区编办", "lead"), ("各镇街", "responsible")]
    every = selectors.task_unit_badges(loaded, roles=selectors.ALL_ROLES)
    assert [(b.unit.name, b.label) for b in every] == [("区编办", "牵头"), ("各镇街", "责任"), ("区财政局", "配合")]


def test_plan_progress_page_shows_a_unit_leading_two_clauses_once(client, legal_officer, mixed_task, unit):
    task, _ = mixed_task
    client.force_login(legal_officer)
    page = client.get(reverse("tasks:plan", args=[task.plan_id])).content.decode()
    block = page[page.index(f'data-task="{task.pk}"') :]
    block = block[block.index("data-unit-badges") : block.index("</div>", block.index("data-unit-badges"))]
    assert block.count(f'data-unit-badge="{unit.pk}"') == 1 and "牵头 · 区编办" in block
    assert "配合 · 区财政局" in block and "责任 · 各镇街" in block
