"""The daily sweep's hooks: what other apps add to the one daily sweep (``tasks.sweep.daily_sweep``:
beat's ``tasks.jobs.sweep_daily``, or the embedded schedule without beat).

The kernel cannot import the apps, and the tasks app (which owns the daily job) must not import the apps
above it (reports imports tasks). So an app registers a function here from its ``AppConfig.ready()`` and the
daily job calls every registered function with the day. Each hook must be idempotent: beat may run the job
twice, and a person may run it by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

DailyHook = Callable[[dt.date], int]
_hooks: dict[str, DailyHook] = {}


def register_daily(name: str, hook: DailyHook) -> None:
    """Add ``hook(today) -> number of things it sent``; registering the same name again replaces it."""
    _hooks[name] = hook


def run_daily(today: dt.date) -> dict[str, int]:
    """Run every hook; one that fails is logged and does not stop the others (nor the tasks' reminders)."""
    done: dict[str, int] = {}
    for name, hook in _hooks.items():
        try:
            done[name] = hook(today)
        except Exception:
            log.exception("daily hook %s failed", name)
            done[name] = -1
    return done
