"""Two identical writes at once, as two gunicorn workers would send them (issue 18: double submits).

The first runs in its own thread and transaction and holds it open until the second — on its own
connection — waits for its lock (PostgreSQL: on the unique index; SQLite serialises writers, so there the
second simply runs after the first). Then both finish; each outcome is what its call returned or raised."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections, transaction

from tests.assessment.test_concurrency import wait_until_blocked


def race(call: Callable[[], object]) -> list[object]:
    """Run ``call`` twice at once; the outcomes (a value or the exception) in the order first, second."""
    first_done, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def run(name: str, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                outcome[name] = call()
                if hold:
                    first_done.set()
                    release.wait(15)
        except Exception as exc:  # reach the assertion, whatever it is
            outcome[name] = exc
        finally:
            first_done.set()
            connections.close_all()

    first = threading.Thread(target=run, args=("first",), kwargs={"hold": True})
    first.start()
    assert first_done.wait(15)
    second = threading.Thread(target=run, args=("second",), kwargs={"hold": False})
    second.start()
    try:
        wait_until_blocked()
    finally:
        release.set()
        first.join(30)
        second.join(30)
    return [outcome.get("first"), outcome.get("second")]
