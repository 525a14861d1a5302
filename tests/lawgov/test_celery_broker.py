"""One job through a real Redis broker and a real Celery worker; the web process sees its result.

The worker is a separate process on its own queue, pointed at the same test database, so what it
writes must come back through the database, as in production.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from lawgov.celery import app
from lawgov.jobs import worker_heartbeat
from lawgov.models import Heartbeat
from tests.conftest import TEST_REDIS_URL, service_missing

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def redis_available(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def database_url() -> str:
    """The test database as a URL the worker process can open."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    auth = f"{user}:{s['PASSWORD']}" if s.get("PASSWORD") else user
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


@pytest.fixture
def celery_worker_process():
    if not redis_available(TEST_REDIS_URL):
        service_missing(f"Redis is not reachable at {TEST_REDIS_URL}")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "REDIS_URL": TEST_REDIS_URL, "DATABASE_URL": database_url()}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lawgov",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    old = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=TEST_REDIS_URL, result_backend=TEST_REDIS_URL, task_always_eager=False)
    _forget_connections()
    try:
        yield queue, proc
    finally:
        app.conf.update(old)
        _forget_connections()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _forget_connections() -> None:
    """Celery caches its result backend and producer pool on first use (an earlier eager job may have
    made them for the in-process settings); drop them so the new broker settings take effect."""
    app._local.__dict__.pop("backend", None)
    app._pool = None
    app.amqp._producer_pool = None


def test_heartbeat_job_runs_in_a_real_worker(celery_worker_process):
    queue, proc = celery_worker_process
    assert not Heartbeat.objects.exists()
    started = time.monotonic()
    result = worker_heartbeat.apply_async(queue=queue)
    try:
        beats = result.get(timeout=90)
    except Exception:
        proc.terminate()
        output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        pytest.fail(f"the worker did not run the job: {output[-3000:]}")
    assert beats == 1
    beat = Heartbeat.objects.get()
    # The worker wrote its own name, not the test process's: the job really ran over there.
    assert beat.worker.startswith(queue)
    assert time.monotonic() - started < 90
