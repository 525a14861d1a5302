"""Celery jobs of the tasks app: thin wrappers around services, run by beat."""

from celery import shared_task
from django.utils import timezone

from lawgov.daily import run_daily
from tasks import services


@shared_task(name="tasks.jobs.reminders_daily", acks_late=True)
def reminders_daily() -> dict:
    """Daily reminders; safe to run twice (the notification key holds the day)."""
    today = timezone.localdate()
    services.recurring_deadlines_roll(today=today)
    result = services.reminders_send(today=today)
    hooks = run_daily(today)  # the other apps' daily reminders (the annual report's calendar…)
    return {"created": result.created, "skipped": result.skipped, "emailed": result.emailed, "hooks": hooks}


@shared_task(name="tasks.jobs.digest_weekly", acks_late=True)
def digest_weekly() -> dict:
    result = services.weekly_digest_send(today=timezone.localdate())
    return {"created": result.created, "skipped": result.skipped}
