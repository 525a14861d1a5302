"""The daily sweep in the embedded default (no Redis, no Celery beat): the web process runs it itself.

On a request, at most once a minute per process, a thread checks whether today's sweep is due (past
``LAWGOV_SWEEP_HOUR`` and not yet run) and runs it; the request never waits. ``tasks.sweep.daily_sweep``
makes a second start exit, so several runserver or gunicorn processes may all check. Connected to
``request_started`` in ``TasksConfig.ready`` when ``LAWGOV_EMBEDDED_SWEEP`` is on (the default without
``REDIS_URL``); production runs the sweep from Celery beat instead.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tasks.supervision import assignments_deliver
from tasks.sweep import daily_sweep

log = logging.getLogger(__name__)

CHECK_EVERY = 60.0  # seconds between two checks in one process
_lock = threading.Lock()
_next_check = 0.0


def sweep_if_due(*, trigger: str = "embedded") -> bool:
    """Run today's sweep if it is due; True if this call ran it."""
    now = timezone.localtime()
    if now.hour < settings.LAWGOV_SWEEP_HOUR:
        return False
    return daily_sweep(today=now.date(), trigger=trigger) is not None


def _run() -> None:
    try:
        # 交办 notices for assignments made since the last check (at most a minute late).
        assignments_deliver()
        sweep_if_due()
    except Exception:
        log.exception("embedded daily sweep failed")
    finally:
        connection.close()  # the thread's own connection
        _lock.release()


def on_request_started(**kwargs) -> None:
    """``request_started`` receiver: start a check in a thread when the last one is a minute old."""
    global _next_check
    if not settings.LAWGOV_EMBEDDED_SWEEP:
        return
    now = time.monotonic()
    if now < _next_check or not _lock.acquire(blocking=False):
        return
    _next_check = now + CHECK_EVERY
    threading.Thread(target=_run, name="lawgov-daily-sweep", daemon=True).start()
