"""What /health/ checks: each dependency the setup needs, one function each, for operators and load balancers.

Without REDIS_URL the app needs only its database (jobs run in-process, no schedule). With REDIS_URL it also
needs Redis (throttling counters, the result store) and the broker to queue jobs: any of those down is a
failure (503). A schedule that has not run lately (no heartbeat from a worker for ``SCHEDULE_STALE_AFTER``)
is a warning, not a failure: the web process still serves every page, and a 503 would make the load balancer
and docker-compose take a working web container out over a stopped worker or beat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from lawgov.background import broker_errors
from lawgov.celery import app
from lawgov.models import Heartbeat

# The beat schedule sends the heartbeat job every 60 s (settings.CELERY_BEAT_SCHEDULE): five missed beats.
SCHEDULE_STALE_AFTER = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Check:
    """One dependency's state. ``required`` checks make the whole answer a failure; the others a warning."""

    ok: bool
    detail: str
    required: bool = True


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return Check(False, f"数据库不可用:{exc}")
    return Check(True, connection.vendor)


def redis_check(url: str) -> Check:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except (redis.RedisError, OSError) as exc:
        return Check(False, f"Redis 不可用:{exc}")
    return Check(True, "redis")


def broker_check() -> Check:
    """Can a job be queued: a connection to Celery's broker, given up after the send path's quick retries."""
    if app.conf.task_always_eager:
        return Check(True, "in-process (no REDIS_URL)")
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except broker_errors() as exc:
        return Check(False, f"后台任务队列不可用:{exc}")
    return Check(True, conn.as_uri())  # the password left out


def schedule_check(last_seen: dt.datetime | None, *, now: dt.datetime, scheduled: bool) -> Check:
    """When a worker last ran the scheduled heartbeat job. Pure: the caller reads the row and the clock."""
    if not scheduled:
        return Check(True, "no schedule without REDIS_URL (jobs run in-process)", required=False)
    if last_seen is None:
        return Check(False, "no worker has run the schedule yet", required=False)
    age = int((now - last_seen).total_seconds())
    return Check(age <= SCHEDULE_STALE_AFTER.total_seconds(), f"last run {age} s ago", required=False)


def health_checks(*, now: dt.datetime | None = None) -> dict[str, Check]:
    now = now or timezone.now()
    checks = {"database": database_check()}
    if settings.REDIS_URL:
        checks["redis"] = redis_check(settings.REDIS_URL)
    checks["broker"] = broker_check()
    if checks["database"].ok:
        last = Heartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
        checks["schedule"] = schedule_check(last, now=now, scheduled=bool(settings.REDIS_URL))
    else:
        checks["schedule"] = Check(False, "unknown: the database is unavailable", required=False)
    return checks


def health_status(checks: dict[str, Check]) -> str:
    """ "fail" when a required check failed, "warn" when only an optional one did, else "ok"."""
    if any(not c.ok and c.required for c in checks.values()):
        return "fail"
    return "warn" if any(not c.ok for c in checks.values()) else "ok"
