"""Celery jobs of the plans app: thin wrappers around services (the work is in plans.services)."""

from celery import shared_task
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from plans import services


@shared_task(
    name="plans.jobs.plan_import_read",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseOperationalError, BrokerOperationalError),
    retry_backoff=True,
    max_retries=3,
)
def plan_import_read(job_id: int) -> int | None:
    """Read one uploaded file (``PlanImportJob``) into a preview. Acked late, so a killed worker's job runs
    again; the row's conditional claim makes a duplicate delivery a no-op. Returns the preview's id (None
    when this delivery had nothing to do or the file could not be read; the row says why)."""
    plan_import = services.plan_import_job_run(job_id=job_id, celery_id=plan_import_read.request.id or "")
    return plan_import.pk if plan_import is not None else None
