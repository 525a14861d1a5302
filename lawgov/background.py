"""The life of a background job, the same for every app (lawgov.models.Job, declared by a JobKind).

A job is created queued in the request's transaction and handed to Celery once that commits (``job_enqueue``
on commit); a broker that is down fails it at once with a message people can act on. A worker takes it
with ``job_claim`` — a conditional UPDATE, so a second delivery of the same message does nothing — and
moves it through the kind's stages with ``job_stage``, which is also its heartbeat: a worker whose job was
taken over learns it there (``JobLost``) and stops without writing. A page that polls a job calls
``job_check``: a running job whose heartbeat stopped is queued again (up to the kind's ``max_attempts``),
a job nobody picked up is failed with the reason. Nothing stays "running" forever.

The app keeps what its job is for (the report, the version it produced) in a model extending ``Job``, and
its Celery task stays a thin wrapper around its own service that calls these functions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, TypeVar

from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from lawgov.models import ACTIVE_JOB_STATUSES, JOB_KINDS, Job, JobKind, JobStatus, recorded_user

if TYPE_CHECKING:
    from lawgov.models import SystemActor, User

log = logging.getLogger(__name__)

J = TypeVar("J", bound=Job)


class JobLost(Exception):
    """The job row was taken over by another worker (ours stalled): stop without writing anything."""


def job_create(model: type[J] = Job, *, kind: JobKind, subject: str, by: User | SystemActor, **fields) -> J:
    """A queued job of ``kind`` (of ``model``, the app's extension of ``Job``). Raises ``IntegrityError``
    when a job of the same ``subject`` is already queued or running: the caller says so in its words.
    Call inside the request's transaction, then ``transaction.on_commit(lambda: job_enqueue(job.pk))``."""
    queued = kind.queued_stage
    return model.objects.create(
        kind=kind.name,
        subject=subject,
        status=JobStatus.QUEUED,
        stage=queued.key,
        progress=queued.percent,
        requested_by=recorded_user(by),
        heartbeat_at=timezone.now(),
        **fields,
    )


def stale_before(kind: JobKind) -> dt.datetime:
    """Heartbeats older than this belong to a worker that died (or a job nobody picked up)."""
    return timezone.now() - dt.timedelta(seconds=kind.timeout())


def job_is_stale(job: Job) -> bool:
    return job.active and (job.heartbeat_at or job.created_at) < stale_before(job.job_kind)


def broker_errors() -> tuple[type[BaseException], ...]:
    """What ``apply_async`` raises when the broker cannot be reached: kombu's wrapper, redis-py's errors, and
    the socket's own (``OSError``: refused, reset, unreachable, timed out)."""
    from kombu.exceptions import OperationalError as KombuOperationalError

    errors: list[type[BaseException]] = [KombuOperationalError, OSError]
    try:
        import redis

        errors.append(redis.exceptions.RedisError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def job_enqueue(job_id: int, *, kind: JobKind) -> None:
    """Hand the job to its Celery task (after the request's transaction committed). A broker that is down
    fails the job with a clear message at once: nothing stays "queued" waiting for a message that was never
    sent. Without REDIS_URL Celery runs the job right here, in-process (same code)."""
    task = import_string(kind.task)
    try:
        # ignore_result: the job row is the result, nobody reads Celery's. Without it ``apply_async`` first
        # subscribes to the result store, and a Redis that is down costs ~20 s of reconnecting there, then a
        # RuntimeError ("Retry limit exceeded … result store") instead of a broker error.
        task.apply_async(args=[job_id], retry=False, queue=kind.queue(), ignore_result=True)
    except broker_errors() as exc:
        log.warning("%s job %s: broker unavailable: %s", kind.name, job_id, exc)
        job_fail(job_id=job_id, message=kind.message("broker_down"))


def job_fail(*, job_id: int, message: str, claim: str | None = None) -> bool:
    """Mark an active job failed with its reason (only the claimant's, when ``claim`` is given)."""
    jobs = Job.objects.filter(pk=job_id, status__in=ACTIVE_JOB_STATUSES)
    if claim is not None:
        jobs = jobs.filter(claim=claim)
    return bool(
        jobs.update(status=JobStatus.FAILED, error=message[:2000], finished_at=timezone.now(), heartbeat_at=None)
    )


def job_claim(
    *, job_id: int, celery_id: str, kind: JobKind | None = None, queryset: QuerySet[J] | None = None
) -> J | None:
    """Take the job for this delivery, or return None when another has it.

    Claimable: a queued job; a running one whose heartbeat stopped (its worker died); or a running one
    with this very Celery task id (the same message again after a killed worker, or a retry). Any other
    delivery — a duplicate while the job runs — does nothing. The app's worker passes its ``kind`` (saves
    looking it up) and the ``queryset`` it wants the claimed job read from (its model, what it joins).
    """
    if kind is None:
        name = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first()
        if name is None:
            return None
        kind = JOB_KINDS[name]
    now = timezone.now()
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before(kind))
    if celery_id:
        claimable |= Q(status=JobStatus.RUNNING, celery_id=celery_id)
    token = uuid.uuid4().hex
    updated = (
        Job.objects.filter(pk=job_id, kind=kind.name)
        .filter(claimable)
        .update(
            status=JobStatus.RUNNING,
            stage=kind.first_stage.key,
            progress=kind.first_stage.percent,
            celery_id=celery_id[:100],
            claim=token,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
    )
    if not updated:
        return None
    return (queryset if queryset is not None else Job.objects).get(pk=job_id)


def job_stage(job: Job, stage: str, *, progress: int | None = None) -> None:
    """Record the stage (one the kind declared) and beat the heart; a job that was taken over stops here.

    ``progress`` defaults to the stage's percent; a long stage may report finer steps (page 3 of 10).
    """
    declared = job.job_kind.stage(stage)
    percent = declared.percent if progress is None else max(0, min(100, progress))
    updated = Job.objects.filter(pk=job.pk, claim=job.claim, status=JobStatus.RUNNING).update(
        stage=declared.key, progress=percent, heartbeat_at=timezone.now()
    )
    if not updated:
        raise JobLost(job.pk)
    job.stage, job.progress = declared.key, percent


def job_heartbeat(job: Job) -> None:
    """Say the worker is alive without changing the stage; ``JobLost`` when the job was taken over."""
    job_stage(job, job.stage, progress=job.progress)


def job_holds(job: Job) -> None:
    """``JobLost`` unless this worker still holds the job (checked before a result is saved)."""
    if not Job.objects.filter(pk=job.pk, claim=job.claim, status=JobStatus.RUNNING).exists():
        raise JobLost(job.pk)


def job_succeed(job: Job) -> None:
    """The claimant's job is done: the last stage, 100%. Call in the transaction that saves its result,
    so a job taken over meanwhile (``JobLost``) saves nothing."""
    done = job.job_kind.done_stage
    updated = Job.objects.filter(pk=job.pk, claim=job.claim, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED, stage=done.key, progress=done.percent, finished_at=timezone.now(), error=""
    )
    if not updated:
        raise JobLost(job.pk)
    job.status, job.stage, job.progress = JobStatus.SUCCEEDED, done.key, done.percent


def job_release(job: Job) -> None:
    """Give the job back to the queue (the database went away mid-job; Celery will retry the message)."""
    queued = job.job_kind.queued_stage
    Job.objects.filter(pk=job.pk, claim=job.claim).update(
        status=JobStatus.QUEUED, stage=queued.key, progress=queued.percent
    )


@contextlib.contextmanager
def job_failures(
    job: Job,
    *,
    expected: Mapping[type[Exception], Callable[[Exception], str]],
    unexpected: Callable[[Exception], str],
) -> Iterator[None]:
    """How every job's run ends when it does not succeed, said once for all apps.

    Taken over by another worker: stop, write nothing. A failure the app expects (``expected``: its class →
    the Chinese message people read) or any other exception (``unexpected``, logged with its traceback) fails
    the job with that message. The database gone away: the job goes back to the queue and the error is raised
    again, so Celery retries the message. Code after the ``with`` runs only when the block did not return.
    """
    try:
        yield
    except JobLost:
        log.warning("%s job %s was taken over by another worker; this one stops", job.kind, job.pk)
    except DatabaseOperationalError:
        with contextlib.suppress(DatabaseOperationalError):
            job_release(job)
        raise
    except Exception as exc:
        message = next((say(exc) for cls, say in expected.items() if isinstance(exc, cls)), None)
        if message is None:
            log.exception("%s job %s failed", job.kind, job.pk)
            message = unexpected(exc)
        job_fail(job_id=job.pk, message=message, claim=job.claim)


def job_requeue(job: Job) -> bool:
    """Put a stalled job back in the queue (a conditional UPDATE: only if it is still stalled and has
    attempts left); it is handed to Celery again once the transaction commits."""
    kind = job.job_kind
    queued = kind.queued_stage
    updated = (
        Job.objects.filter(pk=job.pk, status__in=ACTIVE_JOB_STATUSES, heartbeat_at__lt=stale_before(kind))
        .filter(attempts__lt=kind.max_attempts)
        .update(
            status=JobStatus.QUEUED,
            stage=queued.key,
            progress=queued.percent,
            heartbeat_at=timezone.now(),
            claim="",
        )
    )
    if updated:
        transaction.on_commit(lambda: job_enqueue(job.pk, kind=kind))
    return bool(updated)


def job_check(job: J) -> J:
    """What a page does when it polls a job: a running job whose heartbeat stopped is taken over (queued
    again, up to the kind's ``max_attempts``), then failed; a job queued for longer than the timeout — no
    worker took it — is failed with the reason. Returns the job read again (of the same model)."""
    if not job_is_stale(job):
        return job
    kind = job.job_kind
    with transaction.atomic():
        if job.status == JobStatus.RUNNING and job.attempts < kind.max_attempts and job_requeue(job):
            pass
        elif job.status == JobStatus.RUNNING:
            job_fail(job_id=job.pk, message=kind.message("interrupted"))
        else:
            job_fail(job_id=job.pk, message=kind.message("never_started", minutes=max(1, kind.timeout() // 60)))
    return type(job).objects.get(pk=job.pk)
