"""The kernel's background job (lawgov.background) with a kind of its own, without any app: declared
stages, the conditional claim, heartbeat and takeover, the poll's verdicts, a broker that is down. The
annual report's job goes through the same functions (tests/reports/test_annual_services.py)."""

import datetime as dt
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from lawgov import background
from lawgov.models import SYSTEM, Job, JobKind, JobStatus, StageSpec, job_kind_register

SAMPLE = job_kind_register(
    JobKind(
        name="test_sample",
        stages=(StageSpec("queued", "排队", 0), StageSpec("reading", "读取", 30), StageSpec("done", "完成", 100)),
        task="lawgov.jobs.worker_heartbeat",  # any task: the tests patch apply_async
        timeout=lambda: 600,
        max_attempts=2,
    )
)


@pytest.fixture
def job(db, legal_officer):
    return background.job_create(kind=SAMPLE, subject="sample:1", by=legal_officer)


def stall(job, minutes=11):
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=minutes))


def test_a_new_job_is_queued_at_its_first_stage(job, legal_officer):
    assert (job.status, job.stage, job.percent, job.requested_by) == (JobStatus.QUEUED, "queued", 0, legal_officer)
    assert job.stage_label == "排队" and job.status_label == "排队中"


def test_the_system_is_recorded_as_no_user(db):
    assert background.job_create(kind=SAMPLE, subject="sample:2", by=SYSTEM).requested_by is None


def test_one_active_job_per_subject(job):
    with pytest.raises(IntegrityError), transaction.atomic():
        background.job_create(kind=SAMPLE, subject="sample:1", by=SYSTEM)
    background.job_fail(job_id=job.pk, message="x")
    assert background.job_create(kind=SAMPLE, subject="sample:1", by=SYSTEM).pk != job.pk


def test_claim_once_then_stages_then_done(job):
    claimed = background.job_claim(job_id=job.pk, celery_id="c-1")
    assert claimed.status == JobStatus.RUNNING and claimed.stage == "reading" and claimed.attempts == 1
    assert background.job_claim(job_id=job.pk, celery_id="c-2") is None  # a duplicate delivery
    background.job_stage(claimed, "reading", progress=45)
    assert Job.objects.get(pk=job.pk).percent == 45
    with pytest.raises(ValueError):
        background.job_stage(claimed, "writing")  # not a stage of this kind
    background.job_succeed(claimed)
    done = Job.objects.get(pk=job.pk)
    assert (done.status, done.stage, done.percent) == (JobStatus.SUCCEEDED, "done", 100)


def test_a_stalled_worker_is_taken_over_and_learns_it(job):
    first = background.job_claim(job_id=job.pk, celery_id="c-1")
    stall(job)
    second = background.job_claim(job_id=job.pk, celery_id="c-9")
    assert second is not None and second.attempts == 2
    with pytest.raises(background.JobLost):
        background.job_heartbeat(first)
    with pytest.raises(background.JobLost):
        background.job_succeed(first)


def test_polling_requeues_then_fails_a_stalled_job(job, django_capture_on_commit_callbacks):
    background.job_claim(job_id=job.pk, celery_id="c-1")
    stall(job)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        checked = background.job_check(Job.objects.get(pk=job.pk))
    assert checked.status == JobStatus.QUEUED and checked.stage == "queued" and len(callbacks) == 1
    background.job_claim(job_id=job.pk, celery_id="c-2")
    stall(job)
    checked = background.job_check(Job.objects.get(pk=job.pk))  # attempts used up (2)
    assert checked.status == JobStatus.FAILED and "多次中断" in checked.error


def test_a_job_nobody_takes_fails_with_the_reason(job):
    stall(job, minutes=30)
    checked = background.job_check(Job.objects.get(pk=job.pk))
    assert checked.status == JobStatus.FAILED and "排队超过10分钟" in checked.error


def test_a_broker_that_is_down_fails_the_job(job):
    from lawgov.jobs import worker_heartbeat

    with mock.patch.object(worker_heartbeat, "apply_async", side_effect=KombuOperationalError("refused")):
        background.job_enqueue(job.pk, kind=SAMPLE)
    failed = Job.objects.get(pk=job.pk)
    assert failed.status == JobStatus.FAILED and failed.error.startswith("无法连接后台任务队列")


def test_a_kind_declares_at_least_three_stages():
    with pytest.raises(ValueError):
        JobKind(name="bad", stages=(StageSpec("queued", "排队", 0),), task="x", timeout=lambda: 1)


# Issue 18: a dead worker is noticed after LAWGOV_JOB_STALE_AFTER, not after the kind's whole time limit;
# the time limit is a hard limit of the run; the schedule sweeps; the broker never redelivers a live job.


def beat_ago(job, seconds):
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=seconds))


def test_a_running_job_is_stale_after_the_stale_limit_not_the_time_limit(job, settings):
    settings.LAWGOV_JOB_STALE_AFTER = 60
    background.job_claim(job_id=job.pk, celery_id="c-1")
    beat_ago(job, 30)
    assert not background.job_is_stale(Job.objects.get(pk=job.pk))
    beat_ago(job, 61)  # far below the kind's 600 s
    assert background.job_is_stale(Job.objects.get(pk=job.pk))
    assert background.job_claim(job_id=job.pk, celery_id="c-2") is not None  # taken over
    # A queued job waits for a worker up to the kind's limit: a busy queue is not a dead worker.
    queued = background.job_create(kind=SAMPLE, subject="sample:q", by=SYSTEM)
    beat_ago(queued, 120)
    assert not background.job_is_stale(Job.objects.get(pk=queued.pk))


def test_a_job_running_past_its_time_limit_is_failed_as_timed_out(job):
    background.job_claim(job_id=job.pk, celery_id="c-1")
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(seconds=601))
    beat_ago(job, 120)
    checked = background.job_check(Job.objects.get(pk=job.pk))
    assert checked.status == JobStatus.FAILED and "运行超过10分钟仍未完成" in checked.error


def test_celerys_soft_time_limit_fails_the_job_as_timed_out(job):
    from celery.exceptions import SoftTimeLimitExceeded

    claimed = background.job_claim(job_id=job.pk, celery_id="c-1")
    with background.job_failures(claimed, expected={}, unexpected=str):
        raise SoftTimeLimitExceeded()
    failed = Job.objects.get(pk=job.pk)
    assert failed.status == JobStatus.FAILED and "运行超过10分钟" in failed.error


def test_the_job_is_sent_with_its_hard_time_limit(job):
    from lawgov.jobs import worker_heartbeat

    with mock.patch.object(worker_heartbeat, "apply_async") as sent:
        background.job_enqueue(job.pk, kind=SAMPLE)
    assert sent.call_args.kwargs["soft_time_limit"] == 600 and sent.call_args.kwargs["time_limit"] == 630


def test_the_schedule_sweeps_stalled_jobs(job, settings, django_capture_on_commit_callbacks):
    settings.LAWGOV_JOB_STALE_AFTER = 60
    background.job_claim(job_id=job.pk, celery_id="c-1")
    fresh = background.job_create(kind=SAMPLE, subject="sample:fresh", by=SYSTEM)
    background.job_claim(job_id=fresh.pk, celery_id="c-2")
    beat_ago(job, 90)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert background.jobs_recover() == 1
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED and len(callbacks) == 1
    assert Job.objects.get(pk=fresh.pk).status == JobStatus.RUNNING
    assert "lawgov.jobs.jobs_recover" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def test_the_brokers_visibility_timeout_outlasts_every_jobs_time_limit(settings):
    from lawgov.models import JOB_KINDS

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert all(visibility > kind.timeout() for kind in JOB_KINDS.values() if not kind.name.startswith("test_"))
    assert visibility < 3600  # Celery's default hour, which a killed worker's job used to wait out
