"""Celery jobs of the kernel. Jobs are thin: the work is in services."""

import socket

from celery import shared_task

from lawgov.services import heartbeat_record


@shared_task(name="lawgov.jobs.worker_heartbeat", acks_late=True)
def worker_heartbeat() -> int:
    """Record that a worker is alive; /health/ shows how long ago one was seen."""
    hostname = getattr(worker_heartbeat.request, "hostname", None) or socket.gethostname()
    return heartbeat_record(worker=hostname).beats
