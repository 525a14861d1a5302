"""Shared pieces for the tests that run jobs through a real Redis broker and a real Celery worker.

The worker is a separate process on its own queue, pointed at the same test database (and media folder)
as the test, so what it writes comes back through the database, as in production. ``celery_broker``
points this process's Celery at a broker for the length of a ``with``; ``celery_worker`` runs a worker;
``forget_connections`` drops what Celery cached for the previous broker (the connection reset).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import redis
from django.db import connection

from lawgov.celery import app
from tests.conftest import TEST_REDIS_URL, service_missing

ROOT = Path(__file__).resolve().parents[1]


def redis_available(url: str) -> bool:
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


def forget_connections() -> None:
    """Celery caches its result backend and producer pool on first use (an earlier eager job may have
    made them for the in-process settings); drop them so new broker settings take effect."""
    app._local.__dict__.pop("backend", None)
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_broker(url: str = TEST_REDIS_URL, *, results: bool = True, unreachable: bool = False) -> Iterator[str]:
    """This process's Celery sends to ``url`` (not in-process) inside the block, and back after it.

    A real Redis is required (skipped on a developer's machine without one, a failure in CI) unless the
    test means an unreachable broker (``results=False`` or ``unreachable=True``, and a URL nobody listens on).
    """
    if results and not unreachable and not redis_available(url):
        service_missing(f"Redis is not reachable at {url}")
    keys = ("broker_url", "result_backend", "task_always_eager") if results else ("broker_url", "task_always_eager")
    old = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=url, task_always_eager=False, **({"result_backend": url} if results else {}))
    forget_connections()
    try:
        yield url
    finally:
        app.conf.update(old)
        forget_connections()


@contextlib.contextmanager
def celery_worker(queue: str, *, include: str = "", **env: str) -> Iterator[subprocess.Popen]:
    """A real worker process consuming ``queue`` (solo pool), with ``env`` added to its environment;
    ``include`` names a test module of Celery tasks the worker imports too (a job kind of the tests')."""
    environment = {**os.environ, "REDIS_URL": TEST_REDIS_URL, "DATABASE_URL": database_url(), **env}
    command = [sys.executable, "-m", "celery", "-A", "lawgov", "worker", "--pool=solo", "-Q", queue]
    command += ["--include", include] if include else []
    command += ["--without-gossip", "--without-mingle", "--loglevel=WARNING", "-n", f"{queue}@%h"]
    proc = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def worker_output(proc: subprocess.Popen) -> str:
    """What a stopped worker printed (the end of it), for a failure message."""
    proc.terminate()
    return (proc.stdout.read().decode(errors="replace") if proc.stdout else "")[-3000:]
