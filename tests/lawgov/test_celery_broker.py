"""One job through a real Redis broker and a real Celery worker; the web process sees its result.

The worker is a separate process on its own queue, pointed at the same test database, so what it
writes must come back through the database, as in production.
"""

import time
import uuid
from pathlib import Path

import pytest

from lawgov.jobs import worker_heartbeat
from lawgov.models import Heartbeat
from tests.workers import celery_broker, celery_worker, worker_output

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process():
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with celery_broker(), celery_worker(queue) as proc:
        yield queue, proc


def test_heartbeat_job_runs_in_a_real_worker(celery_worker_process):
    queue, proc = celery_worker_process
    assert not Heartbeat.objects.exists()
    started = time.monotonic()
    result = worker_heartbeat.apply_async(queue=queue)
    try:
        beats = result.get(timeout=90)
    except Exception:
        pytest.fail(f"the worker did not run the job: {worker_output(proc)}")
    assert beats == 1
    beat = Heartbeat.objects.get()
    # The worker wrote its own name, not the test process's: the job really ran over there.
    assert beat.worker.startswith(queue)
    assert time.monotonic() - started < 90
