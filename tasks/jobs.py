"""Celery jobs of the tasks app: thin wrappers around services, run by beat."""

from celery import shared_task
from django.utils import timezone

from tasks import services, supervision, sweep


@shared_task(name="tasks.jobs.reminders_daily", acks_late=True)
def reminders_daily() -> dict:
    """Daily reminders; safe to run twice (the notification key holds the day)."""
    today = timezone.localdate()
    services.recurring_deadlines_roll(today=today)
    result = services.reminders_send(today=today)
    return {"created": result.created, "skipped": result.skipped, "emailed": result.emailed}


@shared_task(name="tasks.jobs.digest_weekly", acks_late=True)
def digest_weekly() -> dict:
    result = services.weekly_digest_send(today=timezone.localdate())
    return {"created": result.created, "skipped": result.skipped}


@shared_task(name="tasks.jobs.sweep_daily", acks_late=True)
def sweep_daily() -> dict:
    """The daily sweep under beat; a duplicate delivery finds the day's run and does nothing."""
    run = sweep.daily_sweep(today=timezone.localdate(), trigger="beat")
    return run.result if run else {"skipped": True}


@shared_task(name="tasks.jobs.assignments_deliver", acks_late=True)
def assignments_deliver() -> dict:
    """交办 notices for new assignments, every few minutes under beat; idempotent."""
    return {"delivered": supervision.assignments_deliver()}
