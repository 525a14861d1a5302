"""The life of a background job, the same for every app (lawgov.models.Job, declared by a JobKind).

A job is created queued in the request's transaction and handed to Celery once that commits (``job_enqueue``
on commit); a broker that is down fails it at once with a message people can act on. A worker takes it
with ``job_claim`` — a conditional UPDATE, so a second delivery of the same message does nothing — and
moves it through the kind's stages with ``job_stage``; while it runs, a thread of the worker beats the job's
heartbeat every few seconds (``job_failures`` starts it), so a long silent step (a LibreOffice conversion,
an OCR page) is not mistaken for a dead worker, and a worker killed outright (SIGKILL, the machine gone) is
noticed after ``LAWGOV_JOB_STALE_AFTER`` seconds, not after the kind's whole time limit. A worker whose job
was taken over learns it at its next stage (``JobLost``) and stops without writing.

A page that polls a job, a new request for the same work, and the schedule (``jobs_recover``, every minute)
call ``job_check``: a running job whose heartbeat stopped is queued again (up to the kind's
``max_attempts``), then failed; one running past the kind's hard limit (``timeout``) is failed as timed out;
one nobody picked up within that limit is failed with the reason. Nothing stays "running" forever.

The app keeps what its job is for (the report, the version it produced) in a model extending ``Job``, and
its Celery task stays a thin wrapper around its own service that calls these functions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError as DatabaseOperationalError
from django.db import connection, transaction
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


def stale_after() -> int:
    """Seconds without a heartbeat after which a running job's worker is taken for dead
    (``LAWGOV_JOB_STALE_AFTER``). The worker's heartbeat thread beats four times in that interval."""
    return int(settings.LAWGOV_JOB_STALE_AFTER)


def stale_before(kind: JobKind | None = None) -> dt.datetime:
    """A running job whose heartbeat is older than this belongs to a worker that died (the same for every
    kind; ``kind`` is accepted for the callers that name it)."""
    return timezone.now() - dt.timedelta(seconds=stale_after())


def _limit_before(kind: JobKind) -> dt.datetime:
    """A job started (or queued) before this has used up the kind's hard time limit."""
    return timezone.now() - dt.timedelta(seconds=kind.timeout())


def job_is_stale(job: Job) -> bool:
    """Whether the poll must act: a running job whose heartbeat stopped, or a queued one nobody took
    within the kind's limit (a queue may be busy for a while: that is not a dead worker)."""
    if job.status == JobStatus.RUNNING:
        return (job.heartbeat_at or job.created_at) < stale_before()
    if job.status == JobStatus.QUEUED:
        return (job.heartbeat_at or job.created_at) < _limit_before(job.job_kind)
    return False


def job_is_overdue(job: Job) -> bool:
    """A running job past the kind's hard limit: it is stopped, not tried again (it would run as long)."""
    started = job.started_at
    return job.status == JobStatus.RUNNING and started is not None and started < _limit_before(job.job_kind)


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
        # The hard limit reaches Celery too: a prefork worker raises SoftTimeLimitExceeded in the job at the
        # kind's limit (failed with "timed_out") and kills it 30 s later; a solo worker is covered by the
        # heartbeat thread, which stops beating at the limit so the job is taken over.
        limit = kind.timeout()
        task.apply_async(
            args=[job_id],
            retry=False,
            queue=kind.queue(),
            ignore_result=True,
            soft_time_limit=limit,
            time_limit=limit + 30,
        )
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
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before())
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


class _Heartbeat(threading.Thread):
    """Beats a running job's heartbeat from the worker while its main thread works (a step may be silent
    for minutes); stops when the job ends, is taken over, or reaches the kind's hard limit — then the job
    goes stale and is taken over or failed, even on a pool that cannot interrupt the work itself."""

    def __init__(self, job: Job) -> None:
        super().__init__(name=f"job-heartbeat-{job.pk}", daemon=True)
        self.job_id, self.claim = job.pk, job.claim
        self.until = (job.started_at or timezone.now()) + dt.timedelta(seconds=job.job_kind.timeout())
        self.interval = max(0.5, stale_after() / 4)
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(self.interval):
                now = timezone.now()
                if now >= self.until:
                    log.warning("job %s reached its time limit; its heartbeat stops", self.job_id)
                    return
                beaten = Job.objects.filter(pk=self.job_id, claim=self.claim, status=JobStatus.RUNNING).update(
                    heartbeat_at=now
                )
                if not beaten:
                    return  # ended or taken over: the main thread learns it at its next stage
        except DatabaseOperationalError:
            log.warning("job %s: heartbeat stopped, the database is unreachable", self.job_id)
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=10)


@contextlib.contextmanager
def job_heartbeat_thread(job: Job) -> Iterator[None]:
    """Beat ``job``'s heartbeat in the background for the length of the block (the worker's side).

    Not inside a transaction: that is a job run in-process (no broker: the request itself does the work,
    nothing can take it over) or a test's transaction, where a second connection would wait on its locks."""
    if connection.in_atomic_block or job.status != JobStatus.RUNNING:
        yield
        return
    beat = _Heartbeat(job)
    beat.start()
    try:
        yield
    finally:
        beat.stop()


@contextlib.contextmanager
def job_failures(
    job: Job,
    *,
    expected: Mapping[type[Exception], Callable[[Exception], str]],
    unexpected: Callable[[Exception], str],
) -> Iterator[None]:
    """How every job's run ends when it does not succeed, said once for all apps; while the block runs its
    heartbeat is beaten from a thread (``job_heartbeat_thread``).

    Taken over by another worker: stop, write nothing. A failure the app expects (``expected``: its class →
    the Chinese message people read) or any other exception (``unexpected``, logged with its traceback) fails
    the job with that message; Celery's soft time limit fails it as timed out. The database gone away: the
    job goes back to the queue and the error is raised again, so Celery retries the message. Code after the
    ``with`` runs only when the block did not return.
    """
    try:
        with job_heartbeat_thread(job):
            yield
    except JobLost:
        log.warning("%s job %s was taken over by another worker; this one stops", job.kind, job.pk)
    except DatabaseOperationalError:
        with contextlib.suppress(DatabaseOperationalError):
            job_release(job)
        raise
    except SoftTimeLimitExceeded:
        log.warning("%s job %s reached its time limit", job.kind, job.pk)
        minutes = max(1, job.job_kind.timeout() // 60)
        job_fail(job_id=job.pk, message=job.job_kind.message("timed_out", minutes=minutes), claim=job.claim)
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
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=stale_before())
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
    """What a page does when it polls a job (and a new request for the same work, and the schedule's
    ``jobs_recover``): a running job whose heartbeat stopped is taken over (queued again, up to the kind's
    ``max_attempts``), then failed; one past the kind's hard limit is failed as timed out; a job queued for
    longer than that limit — no worker took it — is failed with the reason. Returns the job read again."""
    if not job_is_stale(job):
        return job
    kind = job.job_kind
    minutes = max(1, kind.timeout() // 60)
    with transaction.atomic():
        if job_is_overdue(job):
            job_fail(job_id=job.pk, message=kind.message("timed_out", minutes=minutes))
        elif job.status == JobStatus.RUNNING and job.attempts < kind.max_attempts and job_requeue(job):
            log.warning("%s job %s: its worker stopped beating; queued again", job.kind, job.pk)
        elif job.status == JobStatus.RUNNING:
            job_fail(job_id=job.pk, message=kind.message("interrupted"))
        else:
            job_fail(job_id=job.pk, message=kind.message("never_started", minutes=minutes))
    return type(job).objects.get(pk=job.pk)


def jobs_recover() -> int:
    """The schedule's sweep (``lawgov.jobs.jobs_recover``): ``job_check`` every active job whose heartbeat
    is older than ``LAWGOV_JOB_STALE_AFTER``, so a killed worker's job is taken over even when nobody polls
    its page. Returns how many were acted on. Few rows: only active jobs, each subject at most once."""
    acted = 0
    for job in Job.objects.filter(status__in=ACTIVE_JOB_STATUSES, heartbeat_at__lt=stale_before()):
        if job_is_stale(job):
            acted += job_check(job).status != job.status
    return acted
