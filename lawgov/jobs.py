"""Celery jobs of the kernel. Jobs are thin: the work is in services."""

import socket

from celery import shared_task

from lawgov.background import jobs_recover as background_jobs_recover
from lawgov.services import heartbeat_record


@shared_task(name="lawgov.jobs.worker_heartbeat", acks_late=True)
def worker_heartbeat() -> int:
    """Record that a worker is alive; /health/ shows how long ago one was seen."""
    hostname = getattr(worker_heartbeat.request, "hostname", None) or socket.gethostname()
    return heartbeat_record(worker=hostname).beats


@shared_task(name="lawgov.jobs.jobs_recover", acks_late=True)
def jobs_recover() -> int:
    """Take over the jobs of workers that died (heartbeat older than LAWGOV_JOB_STALE_AFTER), every minute,
    so a killed worker's report is queued again even when nobody is polling its page."""
    return background_jobs_recover()
