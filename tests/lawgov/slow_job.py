"""A job kind of the tests' own for the killed-worker tests (issue 18): it claims its job and then works
silently (no stage change) for ``SLOW_JOB_SECONDS``, longer than the stale limit the tests set, so only the
worker's heartbeat thread keeps it alive. A real worker imports this module with ``--include``."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

from lawgov import background
from lawgov.models import JobKind, StageSpec, job_kind_register

SLOW_JOB_SECONDS = 6.0
STAGES = (StageSpec("queued", "排队", 0), StageSpec("working", "处理", 20), StageSpec("done", "完成", 100))


def _kind(name: str, max_attempts: int) -> JobKind:
    return job_kind_register(
        JobKind(
            name=name,
            stages=STAGES,
            task="tests.lawgov.slow_job.slow_job_run",
            timeout=lambda: settings.LAWGOV_REPORT_JOB_TIMEOUT,
            queue=lambda: settings.LAWGOV_REPORT_QUEUE or None,
            max_attempts=max_attempts,
            messages={"interrupted": "测试任务多次中断,已停止。"},
        )
    )


SLOW = _kind("test_slow", max_attempts=3)
SLOW_ONCE = _kind("test_slow_once", max_attempts=1)


@shared_task(name="tests.lawgov.slow_job.slow_job_run", acks_late=True, reject_on_worker_lost=True)
def slow_job_run(job_id: int) -> str:
    """Claim, work silently, succeed; what a delivery did, for the test to read in the job row."""
    job = background.job_claim(job_id=job_id, celery_id=slow_job_run.request.id or "")
    if job is None:
        return "nothing to do"
    with background.job_failures(job, expected={}, unexpected=lambda exc: f"失败:{exc}"):
        time.sleep(SLOW_JOB_SECONDS)
        background.job_succeed(job)
        return "done"
    return "failed"
