"""What every assessment service shares: the refusal, today's date, who may act as the legal office, and the
conditional UPDATE each state change of a submission goes through (with its history row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from assessment.errors import AssessmentError
from assessment.models import AssessmentCycle, CycleStatus, Submission
from lawgov.models import Notification, Role, SystemActor, User, recorded_user

__all__ = [
    "AssessmentError",
    "cycle_lock_open",
    "cycle_writable_check",
    "history_record",
    "notify_reporters",
    "require_legal_office",
    "submission_claim",
    "today_or_local",
]


def today_or_local(today: dt.date | None) -> dt.date:
    """The date a window is judged on: the caller's (tests move the clock), else today where the server is."""
    return today or timezone.localdate()


def require_legal_office(user: User | SystemActor, jurisdiction_id: int, what: str) -> None:
    """Only the jurisdiction's legal office (or ``SYSTEM``) writes rubrics and cycles; ``what`` ends the 403."""
    if user.read_only:
        raise AssessmentError("read_only", "只读角色(领导、接口客户端)不能修改考核数据。", 403)
    if not user.is_legal_office_of(jurisdiction_id):
        raise AssessmentError("not_legal_office", f"只有本辖区法制办可以{what}。", 403)


def cycle_writable_check(cycle: AssessmentCycle, by: User | SystemActor, what: str) -> None:
    """A cycle's legal office may change it until its results are approved (then 409)."""
    require_legal_office(by, cycle.jurisdiction_id, what)
    if cycle.approved:
        raise AssessmentError("approved", "考核结果已审定发布,不能再修改。", 409)


def cycle_lock_open(cycle_id: int) -> None:
    """Lock the cycle's row until the transaction ends, and refuse (409) unless it is still open.

    Every write to a cycle's submissions takes this lock first, and approval takes it before it rescores:
    one order (cycle, then submissions) so they cannot deadlock, and a save never lands in an approved cycle.
    """
    status = AssessmentCycle.objects.select_for_update().filter(pk=cycle_id).values_list("status", flat=True).first()
    if status != CycleStatus.OPEN:
        raise AssessmentError("approved", "考核结果已审定发布,不能再修改。", 409)


def submission_claim(
    submission: Submission, *, allowed: tuple[str, ...], expected_version: int | None, by: User | SystemActor, **changes
):
    """The conditional UPDATE every write goes through: state and version as the page saw them, or 409.

    A plain row UPDATE (no join): a filter across the cycle made Django write ``WHERE id IN (SELECT … JOIN …)``,
    and PostgreSQL re-checks only the target row's own conditions after waiting for a concurrent writer, not
    the subquery's, so two saves of the same version both succeeded (hardening issue). The cycle is checked
    under its row lock instead (``cycle_lock_open``). ``expected_version`` is None only for state transitions
    (submit, return), which the status condition serialises; saves pass the version the page showed.
    """
    cycle_lock_open(submission.cycle_id)
    match: dict[str, Any] = {"pk": submission.pk, "status__in": allowed}
    if expected_version is not None:
        match["version"] = expected_version
    done = Submission.objects.filter(**match).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not done:
        submission.refresh_from_db()
        if expected_version is not None and submission.version != expected_version:
            raise AssessmentError("stale", "该自评已被他人修改,您的修改未保存。请刷新页面查看最新内容后再改。", 409)
        raise AssessmentError(
            "state", f"该自评当前为“{submission.get_status_display()}”,不能执行此操作(可能已被他人处理)。", 409
        )


def history_record(obj, by: User | SystemActor, fields: list[str] | None = None) -> None:
    """Write the history row (who and when) for a change made by a conditional UPDATE."""
    obj.refresh_from_db()
    obj._history_user = recorded_user(by)
    obj.save(update_fields=fields) if fields else obj.save()


def notify_reporters(
    submissions: Iterable[Submission], *, kind: str, key: str, title: Callable[[Submission], str], body: str = ""
) -> int:
    """The units' reporters hear it in the bell, with a link to their self-assessment: nobody should learn
    of a return or a result by phone. One INSERT for a whole cycle, inside the caller's transaction (so
    nothing is announced that is then rolled back); no email from here: mail goes out from jobs, never
    from a request that holds a transaction open."""
    by_unit = {s.unit_id: s for s in submissions}
    notices = [
        Notification(
            user=user,
            kind=kind,
            key=key.format(submission=by_unit[user.unit_id].pk),
            title=title(by_unit[user.unit_id])[:200],
            body=body,
            url=reverse("assessment:submission", args=[by_unit[user.unit_id].pk]),
        )
        for user in User.objects.filter(role=Role.REPORTER, unit_id__in=list(by_unit), is_active=True)
    ]
    return len(Notification.objects.bulk_create(notices, ignore_conflicts=True))
