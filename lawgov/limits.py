"""A time limit for parsing what people upload, inside the web request that reads it.

The size checks (``plans.importing.archive.zip_check``, byte and row limits) stop the files we know to be
hostile; this stops the ones we did not think of: a sheet or document whose parse takes pathologically long
ends with a message after ``LAWGOV_PARSE_TIME_LIMIT`` seconds instead of holding a web worker until
gunicorn's timeout kills it (a 500, and every other request queued behind it).

The limit is a real-time interval timer (``SIGALRM``), which Python delivers between bytecodes, also inside
openpyxl's and python-docx's pure-Python loops. Signals reach only the main thread: under gunicorn's sync
workers and Celery's solo/prefork pools that is where requests and jobs run; elsewhere (a threaded server)
the block runs without a limit, which is logged, not hidden.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator

from django.conf import settings

log = logging.getLogger(__name__)


class ParseTimeLimit(Exception):
    """Parsing an upload took longer than ``seconds``; ``message`` is what the person uploading reads."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"parsing took longer than {seconds:g} s")
        self.seconds = seconds
        self.message = (
            f"文件读取超过{seconds:g}秒仍未完成,已停止:文件可能过大或内部结构异常。请删减内容或另存为新文件后重试。"
        )


def parse_time_limit() -> float:
    """The configured limit in seconds (``LAWGOV_PARSE_TIME_LIMIT``); 0 turns the limit off."""
    return float(settings.LAWGOV_PARSE_TIME_LIMIT)


@contextlib.contextmanager
def time_limited(seconds: float | None = None) -> Iterator[None]:
    """Run the block for at most ``seconds`` (default: the setting); ``ParseTimeLimit`` when it runs over.

    An interval timer someone else already set (an outer limit) is left alone and this block runs under
    that one, so limits do not cancel each other."""
    limit = parse_time_limit() if seconds is None else seconds
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if limit <= 0 or not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        if limit > 0 and not usable:
            log.info("parse time limit not applied outside the main thread")
        yield
        return

    fired = False

    def expire(_signum, _frame):
        nonlocal fired
        fired = True
        raise ParseTimeLimit(limit)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    except ParseTimeLimit:
        raise
    except Exception as exc:
        # The limit fired inside a library that caught it and raised its own error (zipfile, an XML
        # parser): the person should still read that the file took too long, not that it is broken.
        if fired:
            raise ParseTimeLimit(limit) from exc
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
