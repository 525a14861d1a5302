"""Issue 6: the report job through a real Redis broker and a real Celery worker.

The worker is a separate process on its own queue, pointed at the test database (the pattern of
tests/lawgov/test_celery_broker.py), so the draft, its .docx and the job's stages come back through the
database and the media folder, as in production. ``celery_worker`` is also what the browser story uses.
"""

import contextlib
import time
import uuid
from pathlib import Path

import pytest

from lawgov.models import JobStatus
from reports import services
from reports.jobs import annual_report_generate
from reports.models import ReportJob
from tests.reports.test_annual_generator import TODAY, YEAR, build_year
from tests.workers import celery_broker, celery_worker, worker_output

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def broker(queue: str, settings):
    """Point this process's Celery at the test Redis, report jobs at ``queue`` (no worker yet)."""
    settings.LAWGOV_REPORT_QUEUE = queue
    with celery_broker():
        yield queue


def report_worker(queue: str, media_root: Path):
    """A real worker consuming ``queue``; its uploads go to ``media_root`` like the web process's."""
    return celery_worker(queue, LAWGOV_MEDIA_ROOT=str(media_root))


def wait_for(job_id: int, proc, timeout: float = 90) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=job_id)
        if not job.active:
            return job
        time.sleep(0.3)
    pytest.fail(f"the worker did not finish the report job: {worker_output(proc)}")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_report_job_runs_in_a_real_worker(district, legal_officer, settings, media):
    build_year(district)
    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    with broker(queue, settings), report_worker(queue, media) as proc:
        started = time.monotonic()
        requested = services.report_generation_request(jurisdiction=district, year=YEAR, by=legal_officer, today=TODAY)
        # The request returned at once: the job waits in Redis for the worker.
        assert requested.job.status == JobStatus.QUEUED
        job = wait_for(requested.job.pk, proc)
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.celery_id and job.attempts == 1
        version = job.version
        assert version.number == 1 and version.body["title"].endswith(f"{YEAR}年法治政府建设情况的报告")
        # The worker wrote the .docx where the web process reads it.
        assert (Path(media) / version.docx.name).read_bytes()[:2] == b"PK"
        # The same job delivered again (a duplicate message) does nothing.
        assert annual_report_generate.apply_async(args=[job.pk], queue=queue).get(timeout=60) is None
        assert job.report.versions.count() == 1
        assert time.monotonic() - started < 90
