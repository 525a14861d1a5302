"""Issue 18: a Celery worker killed outright (SIGKILL, not only its child) in the middle of a job leaves
no job stuck "running": after ``LAWGOV_JOB_STALE_AFTER`` seconds without a heartbeat a new request / the
page's poll / the schedule takes the job over, a restarted worker completes it, and a kind with no attempts
left is reported failed with its message. A silent step longer than the stale limit is not mistaken for a
dead worker: the worker's heartbeat thread keeps the job alive."""

from __future__ import annotations

import signal
import time
import uuid

import pytest

from lawgov import background
from lawgov.models import SYSTEM, Job, JobStatus
from tests.lawgov.slow_job import SLOW, SLOW_JOB_SECONDS, SLOW_ONCE
from tests.workers import celery_broker, celery_worker, worker_output

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
STALE_AFTER = 2


@pytest.fixture
def queue(settings):
    settings.LAWGOV_JOB_STALE_AFTER = STALE_AFTER
    settings.LAWGOV_REPORT_QUEUE = f"test-killed-{uuid.uuid4().hex[:8]}"
    with celery_broker():
        yield settings.LAWGOV_REPORT_QUEUE


def worker(queue: str):
    return celery_worker(queue, include="tests.lawgov.slow_job", LAWGOV_JOB_STALE_AFTER=str(STALE_AFTER))


def request(kind) -> Job:
    """What a request does: create the job and hand it to Celery once committed."""
    job = background.job_create(kind=kind, subject=f"test:{uuid.uuid4().hex}", by=SYSTEM)
    background.job_enqueue(job.pk, kind=kind)
    return job


def wait(job: Job, proc, until, what: str, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job.pk)
        if until(job):
            return job
        time.sleep(0.2)
    pytest.fail(f"{what}: the job stayed {job.status}/{job.stage} ({job.error}). {worker_output(proc)}")


def kill(proc) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_a_killed_workers_job_is_taken_over_and_completes_after_restart(queue):
    with worker(queue) as first:
        job = request(SLOW)
        job = wait(job, first, lambda j: j.status == JobStatus.RUNNING, "the first worker never claimed it")
        # The step is silent for longer than the stale limit: the heartbeat thread keeps it alive.
        time.sleep(STALE_AFTER * 1.5)
        job = Job.objects.get(pk=job.pk)
        assert job.status == JobStatus.RUNNING and not background.job_is_stale(job)
        kill(first)
        killed_at = time.monotonic()
    # Nothing beats any more: within the limit the poll (or a new request) sees it stale and queues it again.
    time.sleep(STALE_AFTER + 0.5)
    job = background.job_check(Job.objects.get(pk=job.pk))
    assert job.status == JobStatus.QUEUED and job.attempts == 1
    with worker(queue) as second:
        job = wait(job, second, lambda j: not j.active, "the restarted worker did not finish it")
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2, job.error
    # Recovered within the stale limit plus one run of the job (and a worker's start), not the 600 s limit.
    assert time.monotonic() - killed_at < STALE_AFTER + SLOW_JOB_SECONDS + 45


def test_the_schedule_fails_a_killed_job_with_no_attempts_left_with_its_message(queue):
    with worker(queue) as only:
        job = request(SLOW_ONCE)
        wait(job, only, lambda j: j.status == JobStatus.RUNNING, "the worker never claimed it")
        kill(only)
    time.sleep(STALE_AFTER + 0.5)
    assert background.jobs_recover() == 1  # what beat's lawgov.jobs.jobs_recover runs every minute
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.FAILED and job.error == "测试任务多次中断,已停止。"
