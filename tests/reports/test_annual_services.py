"""Issue 6: the services of the annual report — the job's life (idempotent, duplicate deliveries, killed
workers, stale jobs, a broker that is down), versions and edits, publication, figures, wording."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from lawgov import background
from lawgov.celery import app
from lawgov.models import JobStatus
from reports import jobs, services
from reports.models import (
    AnnualReport,
    Indicator,
    JobStage,
    ReportJob,
    ReportStatus,
    Statistic,
    VersionOrigin,
    WordingTemplate,
)
from tests.reports.test_annual_generator import TODAY, YEAR, build_year, paragraphs
from tests.workers import celery_broker


@pytest.fixture
def year_data(district, legal_officer):
    return build_year(district)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def request_draft(district, by, **kw):
    return services.report_generation_request(jurisdiction=district, year=YEAR, by=by, today=TODAY, **kw)


def run(job, celery_id="task-1"):
    return services.report_job_run(job_id=job.pk, celery_id=celery_id, today=TODAY)


@pytest.fixture
def queued(district, legal_officer, year_data, django_capture_on_commit_callbacks):
    """A job requested but not yet run (the on-commit enqueue is captured, not executed)."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        requested = request_draft(district, legal_officer)
    assert len(callbacks) == 1
    return requested.job


def test_the_request_returns_at_once_and_the_job_writes_a_version(queued):
    assert queued.status == JobStatus.QUEUED and queued.stage == JobStage.QUEUED
    version = run(queued)
    job = ReportJob.objects.get(pk=queued.pk)
    assert job.status == JobStatus.SUCCEEDED and job.stage == JobStage.DONE and job.version == version
    assert version.number == 1 and version.origin == VersionOrigin.GENERATED
    assert version.docx.name.endswith(".docx") and version.facts["reports"] == 4
    # Computed figures are stored for the figures page and cited by the opening.
    completed = Statistic.objects.get(source="computed", year=YEAR, indicator__computed="tasks_completed")
    assert completed.value == 1


def test_in_process_without_redis_the_same_code_runs(
    district, legal_officer, year_data, django_capture_on_commit_callbacks
):
    assert app.conf.task_always_eager  # the embedded default
    with django_capture_on_commit_callbacks(execute=True):
        requested = request_draft(district, legal_officer)
    job = ReportJob.objects.get(pk=requested.job.pk)
    assert job.status == JobStatus.SUCCEEDED and job.celery_id  # went through Celery, in-process


def test_two_clicks_make_one_job(queued, district, legal_officer):
    with pytest.raises(services.ReportError) as caught:
        request_draft(district, legal_officer)
    assert caught.value.status == 409 and caught.value.job == queued
    assert ReportJob.objects.count() == 1


def test_the_database_refuses_a_second_active_job(queued):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJob.objects.create(report=queued.report)


def test_a_duplicate_delivery_does_nothing(queued):
    # Claimed and running in one worker...
    claimed = background.job_claim(job_id=queued.pk, celery_id="task-1")
    assert claimed.status == JobStatus.RUNNING and claimed.attempts == 1
    # ...a second delivery of another message for the same job finds it taken.
    assert run(queued, celery_id="task-2") is None
    assert ReportJob.objects.get(pk=queued.pk).status == JobStatus.RUNNING
    assert not queued.report.versions.exists()


def test_a_killed_workers_message_comes_back_and_finishes_the_job(queued):
    # The worker died after claiming (acks_late: the broker delivers the same message again).
    background.job_claim(job_id=queued.pk, celery_id="task-1")
    version = run(queued, celery_id="task-1")
    assert version is not None and ReportJob.objects.get(pk=queued.pk).attempts == 2
    task = jobs.annual_report_generate
    assert task.acks_late and task.reject_on_worker_lost and task.max_retries == 3


def test_a_stale_running_job_is_taken_over(queued, settings):
    background.job_claim(job_id=queued.pk, celery_id="task-1")
    ReportJob.objects.filter(pk=queued.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=11))
    version = run(queued, celery_id="task-9")  # another worker's delivery
    assert version is not None
    job = ReportJob.objects.get(pk=queued.pk)
    assert job.celery_id == "task-9" and job.status == JobStatus.SUCCEEDED


def test_the_stalled_worker_stops_without_writing(queued):
    first = background.job_claim(job_id=queued.pk, celery_id="task-1")
    ReportJob.objects.filter(pk=queued.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=11))
    background.job_claim(job_id=queued.pk, celery_id="task-9")  # taken over
    with pytest.raises(background.JobLost):
        background.job_stage(first, JobStage.WRITING)


def test_polling_requeues_a_stale_job_then_gives_up(queued, django_capture_on_commit_callbacks):
    background.job_claim(job_id=queued.pk, celery_id="task-1")
    old = timezone.now() - dt.timedelta(minutes=11)
    ReportJob.objects.filter(pk=queued.pk).update(heartbeat_at=old)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.report_job_check(job=ReportJob.objects.get(pk=queued.pk))
    assert job.status == JobStatus.QUEUED and len(callbacks) == 1  # enqueued again
    ReportJob.objects.filter(pk=queued.pk).update(status=JobStatus.RUNNING, attempts=3, heartbeat_at=old)
    job = services.report_job_check(job=ReportJob.objects.get(pk=queued.pk))
    assert job.status == JobStatus.FAILED and "多次中断" in job.error


def test_a_job_nobody_picks_up_fails_with_the_reason(queued):
    ReportJob.objects.filter(pk=queued.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=30))
    job = services.report_job_check(job=ReportJob.objects.get(pk=queued.pk))
    assert job.status == JobStatus.FAILED and "Celery worker" in job.error


def test_a_new_request_takes_over_a_stale_job(queued, district, legal_officer, django_capture_on_commit_callbacks):
    ReportJob.objects.filter(pk=queued.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(minutes=11)
    )
    with django_capture_on_commit_callbacks(execute=False):
        requested = request_draft(district, legal_officer)
    assert requested.taken_over and requested.job.pk == queued.pk and requested.job.status == JobStatus.QUEUED


def test_a_broker_that_is_down_fails_the_job_with_a_clear_message(queued, district, legal_officer):
    with mock.patch.object(
        jobs.annual_report_generate, "apply_async", side_effect=KombuOperationalError("Connection refused")
    ):
        services.enqueue(queued.pk)
    job = ReportJob.objects.get(pk=queued.pk)
    assert job.status == JobStatus.FAILED and "无法连接后台任务队列" in job.error
    # Nothing is stuck: the next request makes a new job.
    with mock.patch.object(services, "enqueue"):
        assert request_draft(district, legal_officer).job.pk != queued.pk


@pytest.mark.django_db(transaction=True)
def test_a_real_unreachable_broker(district, legal_officer):
    """With REDIS_URL set to a broker nobody listens on, the request still returns and says why."""
    build_year(district)
    with celery_broker("redis://127.0.0.1:1/0", results=False):
        requested = request_draft(district, legal_officer)
    job = ReportJob.objects.get(pk=requested.job.pk)
    assert job.status == JobStatus.FAILED and job.error == services.BROKER_DOWN_MESSAGE


@pytest.mark.django_db(transaction=True)
def test_broker_and_result_store_down_fail_at_once_then_a_retry_works(district, legal_officer, settings):
    """Hardening issue: with REDIS_URL pointing at a Redis that is down (broker *and* result store), a draft
    request fails at once with the broker message: it used to spend ~20 s reconnecting to the result store
    and raise a RuntimeError the broker-error path did not catch. Once Redis is back, asking again queues."""
    import time

    import redis

    from tests.conftest import TEST_REDIS_URL

    build_year(district)
    settings.LAWGOV_REPORT_QUEUE = queue = f"test-retry-{time.monotonic_ns()}"
    started = time.monotonic()
    with celery_broker("redis://127.0.0.1:1/0", unreachable=True):
        requested = request_draft(district, legal_officer)
    elapsed = time.monotonic() - started
    job = ReportJob.objects.get(pk=requested.job.pk)
    assert job.status == JobStatus.FAILED and job.error == services.BROKER_DOWN_MESSAGE
    assert elapsed < 5, f"the request took {elapsed:.1f} s"
    with celery_broker(TEST_REDIS_URL):  # skipped without a real Redis
        try:
            again = request_draft(district, legal_officer)
            assert again.job.pk != job.pk
            assert ReportJob.objects.get(pk=again.job.pk).status == JobStatus.QUEUED
        finally:
            redis.Redis.from_url(TEST_REDIS_URL).delete(queue)  # no worker listens: drop the message


def test_a_failure_keeps_the_last_good_draft(queued, district, legal_officer, django_capture_on_commit_callbacks):
    good = run(queued)
    with django_capture_on_commit_callbacks(execute=False):
        second = request_draft(district, legal_officer).job
    with mock.patch("reports.generator.write", side_effect=RuntimeError("磁盘已满")):
        assert run(second, celery_id="task-2") is None
    failed = ReportJob.objects.get(pk=second.pk)
    assert failed.status == JobStatus.FAILED and "磁盘已满" in failed.error and "不受影响" in failed.error
    assert list(queued.report.versions.values_list("number", flat=True)) == [good.number]


def test_a_broken_wording_template_fails_the_job_by_name(queued, district):
    WordingTemplate.objects.create(jurisdiction=district, key="shortcomings", text="{% for %}", advanced=True)
    assert run(queued) is None
    job = ReportJob.objects.get(pk=queued.pk)
    assert job.status == JobStatus.FAILED and "措辞模板“存在的不足”有误" in job.error


def test_another_jurisdiction_and_other_roles_are_refused(district, other_district, outsider_officer, leader, reporter):
    for user in (outsider_officer, leader, reporter):
        with pytest.raises(services.ReportError) as caught:
            request_draft(district, user)
        assert caught.value.status == 403
    assert not AnnualReport.objects.exists()


def test_a_future_year_is_refused(district, legal_officer):
    with pytest.raises(services.ReportError) as caught:
        services.report_generation_request(jurisdiction=district, year=2027, by=legal_officer, today=TODAY)
    assert caught.value.status == 400


# --- versions, edits, publication ----------------------------------------------------------------------------


def edit(report, section_key, base, by, change):
    latest = report.versions.get(number=base)
    section = next(s for s in latest.body["sections"] if s["key"] == section_key)
    items = [services.ParagraphInput(p["key"], p["title"], p["text"]) for p in section["paragraphs"]]
    change(items)
    return services.report_section_save(
        report=report, section_key=section_key, base_number=base, paragraphs=items, by=by
    )


@pytest.fixture
def drafted(queued):
    run(queued)
    return AnnualReport.objects.get(pk=queued.report_id)


def test_an_edit_is_a_new_version_and_the_old_one_is_kept(drafted, legal_officer, year_data):
    t1 = year_data["tasks"][0]
    section = year_data["sections"][0]

    def change(items):
        items[0].text = "区司法局全年办结行政复议案件,人工补充。"

    key = f"theme-section-{section.pk}"
    v2 = edit(drafted, "measures", 1, legal_officer, change)
    assert v2.number == 2 and v2.origin == VersionOrigin.EDITED and v2.edited_keys == [key]
    assert paragraphs(v2.body)[key]["text"] == "区司法局全年办结行政复议案件,人工补充。"
    assert paragraphs(v2.body)[key]["sources"]["tasks"] == [t1.pk]  # sources stay
    assert paragraphs(drafted.versions.get(number=1).body)[key]["text"].startswith("围绕加强行政复议工作")


def test_an_edit_on_an_old_version_is_refused(drafted, legal_officer, year_data):
    key = "measures"
    edit(drafted, key, 1, legal_officer, lambda items: setattr(items[0], "text", "第一次修改。"))
    with pytest.raises(services.ReportError) as caught:
        edit(drafted, key, 1, legal_officer, lambda items: setattr(items[0], "text", "第二个人的修改。"))
    assert caught.value.status == 409 and "第2版" in caught.value.message


def test_paragraphs_can_be_added_and_removed(drafted, legal_officer):
    def change(items):
        items.append(services.ParagraphInput("new", "", "另起一段:人工新增。"))

    v2 = edit(drafted, "shortcomings", 1, legal_officer, change)
    texts = [p["text"] for p in next(s for s in v2.body["sections"] if s["key"] == "shortcomings")["paragraphs"]]
    assert texts[-1] == "另起一段:人工新增。"
    v3 = edit(drafted, "shortcomings", 2, legal_officer, lambda items: setattr(items[-1], "text", ""))
    assert len(next(s for s in v3.body["sections"] if s["key"] == "shortcomings")["paragraphs"]) == 1
    with pytest.raises(services.ReportError) as caught:
        edit(drafted, "shortcomings", 3, legal_officer, lambda items: None)
    assert caught.value.code == "unchanged"


def test_regenerating_never_overwrites_edits_silently(
    drafted, district, legal_officer, year_data, django_capture_on_commit_callbacks
):
    theme = f"theme-section-{year_data['sections'][0].pk}"
    edit(drafted, "measures", 1, legal_officer, lambda items: setattr(items[0], "text", "人工改写的段落。"))
    with django_capture_on_commit_callbacks(execute=False):
        job = request_draft(district, legal_officer).job
    v3 = run(job, celery_id="task-3")
    assert v3.number == 3 and v3.overrode == [theme]
    assert drafted.versions.get(number=2).body != v3.body  # the edit is still there, in version 2
    v4 = services.report_edits_restore(report=drafted, by=legal_officer)
    assert v4.origin == VersionOrigin.RESTORED
    assert paragraphs(v4.body)[theme]["text"] == "人工改写的段落。"
    # Everything else is the regenerated text.
    assert paragraphs(v4.body)["opening"] == paragraphs(v3.body)["opening"]


def test_publishing_locks_the_report(drafted, district, legal_officer, leader, year_data):
    with pytest.raises(services.ReportError) as caught:
        services.report_publish(report=drafted, by=leader, secrecy_checked=True)
    assert caught.value.status == 403
    with pytest.raises(services.ReportError) as caught:  # no 保密审查 confirmation: refused, nothing changed
        services.report_publish(report=drafted, by=legal_officer)
    assert caught.value.code == "secrecy_required" and "保密审查" in caught.value.message
    drafted.refresh_from_db()
    assert drafted.status == ReportStatus.DRAFT and drafted.secrecy_checked_by is None
    report = services.report_publish(report=drafted, by=legal_officer, secrecy_checked=True)
    assert report.status == ReportStatus.PUBLISHED and report.published_version.number == 1
    assert report.history.first().published_by == legal_officer
    assert report.secrecy_checked_by == legal_officer and report.secrecy_checked_at == report.published_at
    key = "measures"
    for attempt in (
        lambda: edit(report, key, 1, legal_officer, lambda items: setattr(items[0], "text", "x")),
        lambda: request_draft(district, legal_officer),
    ):
        with pytest.raises(services.ReportError) as caught:
            attempt()
        assert caught.value.status == 409
    with pytest.raises(services.ReportError) as caught:  # publishing twice, even from a stale object
        services.report_publish(report=drafted, by=legal_officer, secrecy_checked=True)
    assert caught.value.status == 409 and caught.value.code == "already_published"
    assert "第1版" in caught.value.message and "不能重复发布" in caught.value.message


def test_no_publishing_while_a_job_runs(drafted, district, legal_officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        request_draft(district, legal_officer)
    with pytest.raises(services.ReportError) as caught:
        services.report_publish(report=drafted, by=legal_officer, secrecy_checked=True)
    assert caught.value.status == 409


# --- figures, wording, theme lists ---------------------------------------------------------------------------


def test_units_enter_their_own_figures_and_the_legal_office_any(
    district, legal_officer, reporter, unit, other_unit, leader
):
    services.catalogue_ensure()
    complaints = Indicator.objects.get(name="行政复议申请", jurisdiction__isnull=True)
    stat = services.statistic_save(indicator=complaints, unit=unit, year=YEAR, raw="1,234", by=reporter, today=TODAY)
    assert stat.value == Decimal(1234) and stat.jurisdiction == district
    stat = services.statistic_save(indicator=complaints, unit=unit, year=YEAR, raw="1240", by=reporter, today=TODAY)
    assert stat.history.count() == 2  # the correction keeps the old value
    for who, where in ((reporter, other_unit), (leader, unit), (reporter, district)):
        with pytest.raises(services.ReportError) as caught:
            services.statistic_save(indicator=complaints, unit=where, year=YEAR, raw="1", by=who, today=TODAY)
        assert caught.value.status == 403
    services.statistic_save(indicator=complaints, unit=district, year=YEAR, raw="3000", by=legal_officer, today=TODAY)


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("行政复议申请", "很多", "应填写数字"),
        ("行政复议申请", "-3", "不能为负数"),
        ("行政诉讼败诉率", "130", "不能大于100"),
        ("依法行政考评结果", "", "请填写"),
        ("年内完成任务", "3", "自动计算"),
    ],
)
def test_figures_are_checked(district, legal_officer, name, raw, message):
    services.catalogue_ensure()
    indicator = Indicator.objects.get(name=name, jurisdiction__isnull=True)
    with pytest.raises(services.ReportError) as caught:
        services.statistic_save(indicator=indicator, unit=district, year=YEAR, raw=raw, by=legal_officer, today=TODAY)
    assert message in caught.value.message


def test_wording_is_checked_before_it_is_saved(district, legal_officer, outsider_officer):
    with pytest.raises(services.ReportError) as caught:
        services.wording_save(jurisdiction=district, key="title", text="\u3010年份\u3011报告", by=legal_officer)
    assert caught.value.code == "unknown_blank"
    assert "\u3010年份\u3011" in caught.value.message and "可用的空位" in caught.value.message
    assert "年度" in caught.value.details and "人民政府" in caught.value.details
    with pytest.raises(services.ReportError) as caught:
        services.wording_save(jurisdiction=district, key="title", text="\u3010年度报告", by=legal_officer)
    assert "未配对" in caught.value.message
    with pytest.raises(services.ReportError) as caught:  # template syntax is for a superuser only
        services.wording_save(jurisdiction=district, key="title", text="{{ government }}报告", by=legal_officer)
    assert caught.value.code == "template_syntax" and "\u3010人民政府\u3011" in caught.value.message
    assert not WordingTemplate.objects.exists()
    row = services.wording_save(jurisdiction=district, key="title", text="\u3010人民政府\u3011报告", by=legal_officer)
    assert row.text.strip() == "\u3010人民政府\u3011报告" and not row.advanced
    from reports.generator import default_wording

    default = default_wording("title")
    assert services.wording_save(jurisdiction=district, key="title", text=default, by=legal_officer) is None
    assert not WordingTemplate.objects.exists()
    services.wording_save(jurisdiction=district, key="other", text="另有说明。", by=legal_officer)
    assert services.wording_save(jurisdiction=district, key="other", text="", by=legal_officer, reset=True) is None
    assert not WordingTemplate.objects.exists()
    with pytest.raises(services.ReportError) as caught:
        services.wording_save(jurisdiction=district, key="title", text="x", by=outsider_officer)
    assert caught.value.status == 403


def test_an_advanced_template_is_edited_by_a_superuser_only(district, legal_officer, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    with pytest.raises(services.ReportError) as caught:
        services.wording_save(jurisdiction=district, key="opening", text="{% if %}", by=admin)
    assert "模板有误" in caught.value.message
    row = services.wording_save(
        jurisdiction=district, key="opening", text="{{ year }}年{% if has_data %}有{% endif %}", by=admin
    )
    assert row.advanced
    with pytest.raises(services.ReportError) as caught:
        services.wording_save(jurisdiction=district, key="opening", text="\u3010年度\u3011", by=legal_officer)
    assert caught.value.code == "advanced" and caught.value.status == 403
    with pytest.raises(services.ReportError):
        services.wording_save(jurisdiction=district, key="opening", text="", by=legal_officer, reset=True)
    assert WordingTemplate.objects.get().advanced
    assert services.wording_save(jurisdiction=district, key="opening", text="", by=admin, reset=True) is None
    assert not WordingTemplate.objects.exists()


def test_theme_lists(district, legal_officer):
    lines = "一、依法行政|执法,审批\n\n监督|复议、诉讼\n公开"
    themes = services.theme_list_save(jurisdiction=district, name="三个方面", lines=lines, by=legal_officer)
    assert themes.themes == [
        {"title": "依法行政", "keywords": ["执法", "审批"]},
        {"title": "监督", "keywords": ["复议", "诉讼"]},
        {"title": "公开", "keywords": []},
    ]
    assert services.theme_list_guangzhou().themes[0]["title"] == "加强组织领导,全面推进法治政府建设"
    assert services.theme_list_guangzhou().pk == services.theme_list_guangzhou().pk


def test_catalogue_and_demo_are_idempotent(district):
    from reports.demo import seed_app

    first = services.catalogue_ensure()
    assert first == len(services.INDICATOR_CATALOGUE) and services.catalogue_ensure() == 0
    lines = []
    seed_app(log=lines.append)
    seed_app(log=lines.append)
    assert Statistic.objects.filter(jurisdiction=district, year=2017).count() > 5  # 番禺区 2017
    assert sum("演示统计数据" in line for line in lines) == 1
