"""Issue 15, done-when: in the setup ``make run`` starts (SQLite, no Redis, no beat), within a minute of start-up
the overdue 番禺 tasks carry red warnings and the units' reporters have their notices.

The real thing, not the sweep function: a fresh SQLite file is migrated and given the demo data as ``make demo``
does, then ``manage.py runserver`` is started in its own process without ``manage.py sweep_daily`` (so only the
embedded schedule can do it), one page is requested, and the database is read from outside the server until the
day's sweep has run.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

PROBE = """
import json
from django.utils import timezone
from lawgov.models import Notification, Role, User
from plans.models import Assignment, Task
from tasks.models import SweepRun, TaskSignature, TaskWarning
today = timezone.localdate()
overdue = Task.objects.active().filter(plan__jurisdiction__name="番禺区", due_on__lt=today, progress__completed_on=None)
levels = dict(TaskWarning.objects.filter(task__in=overdue).values_list("task_id", "level"))
units = set(Assignment.objects.active().filter(clause__task__in=overdue).values_list("unit_id", flat=True))
reporters = User.objects.filter(role=Role.REPORTER, unit_id__in=units, is_active=True)
told = {u.username: Notification.objects.filter(user=u, kind="overdue").count() for u in reporters}
run = SweepRun.objects.filter(day=today).values("trigger", "finished_at", "error").first()
done = Assignment.objects.active().filter(clause__task__progress__completed_on__isnull=False).count()
done_delivered = TaskSignature.objects.filter(task__progress__completed_on__isnull=False).count()
delivered = TaskSignature.objects.count()
print("PROBE " + json.dumps({"overdue": list(overdue.values_list("pk", flat=True)), "levels": levels, "told": told,
                  "run": run and {**run, "finished_at": str(run["finished_at"])},
                  "done": done, "done_delivered": done_delivered, "delivered": delivered}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kwargs
    )


def _probe(env: dict) -> dict:
    out = _manage(env, "shell", "-c", PROBE).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("PROBE "))[6:])


def test_make_run_sweeps_within_a_minute_of_start_up(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "LAWGOV_", "DJANGO_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    _manage(env, "migrate", "--noinput", "-v0", timeout=300)
    _manage(env, "seed_demo", "--quiet-table", timeout=300)
    before = _probe(env)
    assert before["overdue"] and before["run"] is None  # nothing swept yet: the demo has overdue 番禺 tasks

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started = time.monotonic()
        while True:  # the server is up when it answers
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5).read()
                break
            except OSError:
                assert time.monotonic() - started < 60, "runserver did not answer within a minute"
                time.sleep(0.5)
        while True:
            state = _probe(env)
            if state["run"] and state["run"]["finished_at"] != "None":
                break
            assert time.monotonic() - started < 60, f"no sweep within a minute of start-up: {state['run']}"
            time.sleep(2)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert state["run"]["trigger"] == "embedded" and not state["run"]["error"]
    assert set(state["levels"]) == {str(pk) for pk in state["overdue"]}
    assert set(state["levels"].values()) == {"red"}
    assert state["told"] and all(count >= 1 for count in state["told"].values()), state["told"]
    # 交办 is for open work: the demo's completed tasks (some finished years ago) are not given to sign.
    assert state["done"] and state["delivered"] and state["done_delivered"] == 0, state
