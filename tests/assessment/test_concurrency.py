"""Two people saving the same self-assessment at once (hardening issue: lost updates under concurrency).

Each save runs in its own thread, so on its own database connection, as two gunicorn workers would. The
first holds its transaction open until the second is waiting on its lock; then only one may have saved.
On PostgreSQL this is the READ COMMITTED race that the join in the conditional UPDATE let through; SQLite
serialises writers (BEGIN IMMEDIATE), so there the test holds the version check to the same outcome.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from assessment import services
from assessment.models import Submission
from assessment.services import AssessmentError
from tests.assessment.conftest import TODAY

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until_blocked(timeout: float = 10) -> None:
    """Return once another connection waits on a lock (PostgreSQL), or after a moment (SQLite, no view)."""
    if connection.vendor != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    pytest.fail("the second save never waited for the first one's lock")


def test_two_saves_of_the_same_version_only_one_wins(submission, reporter):
    version = submission.version
    first_saved, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def save(name: str, text: str, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                services.self_assessment_save(
                    submission=Submission.objects.get(pk=submission.pk),
                    by=reporter,
                    items={},
                    summary_text=text,
                    expected_version=version,
                    today=TODAY,
                )
                if hold:
                    first_saved.set()
                    release.wait(15)  # keep the row locked until the second save is waiting for it
            outcome[name] = "saved"
        except AssessmentError as exc:
            outcome[name] = exc.code
        except Exception as exc:  # a failure in a thread must reach the assertion
            outcome[name] = repr(exc)
        finally:
            first_saved.set()
            connections.close_all()

    first = threading.Thread(target=save, args=("first", "一"), kwargs={"hold": True})
    first.start()
    assert first_saved.wait(15)
    second = threading.Thread(target=save, args=("second", "二"), kwargs={"hold": False})
    second.start()
    try:
        wait_until_blocked()
    finally:
        release.set()
        first.join(30)
        second.join(30)
    assert outcome == {"first": "saved", "second": "stale"}
    saved = Submission.objects.get(pk=submission.pk)
    assert saved.version == version + 1 and saved.summary_text == "一"
