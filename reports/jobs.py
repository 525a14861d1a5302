"""Celery jobs of the reports app: thin wrappers around services (the work is in reports.services)."""

from celery import shared_task
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from reports import services


@shared_task(
    name="reports.jobs.annual_report_generate",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseOperationalError, BrokerOperationalError),
    retry_backoff=True,
    max_retries=3,
)
def annual_report_generate(job_id: int) -> int | None:
    """Generate the draft of one ``ReportJob``. Acked late and requeued if the worker dies, so a killed
    worker's job runs again; the row's conditional claim makes a duplicate delivery a no-op. Returns the new
    version's number (None when this delivery had nothing to do or the job failed; the row says why)."""
    celery_id = annual_report_generate.request.id or ""
    version = services.report_job_run(job_id=job_id, celery_id=celery_id)
    return version.number if version is not None else None
