"""A unit merged into another (lawgov.services.unit_merge runs these through lawgov.unit_hooks).

A unit has one self-assessment per cycle: two units that both have one in the same cycle cannot become one
without losing a score, so the merge is refused with the list of those cycles.
"""

from __future__ import annotations

from assessment.models import Submission, WindowExtension
from lawgov.models import Unit, User
from lawgov.unit_hooks import merge_reason


def unit_submission_count(unit: Unit) -> int:
    return Submission.objects.filter(unit=unit).count()


def unit_submission_conflicts(source: Unit, target: Unit) -> list[str]:
    """The cycles in which both units have a self-assessment (or a window extension), one line each."""
    clashes = (
        Submission.objects.filter(unit=source, cycle__in=Submission.objects.filter(unit=target).values("cycle"))
        .select_related("cycle")
        .order_by("cycle__year", "cycle_id")
    )
    lines = [f"{s.cycle.year}年“{s.cycle.title}”中两个单位都有自评" for s in clashes]
    extensions = WindowExtension.objects.filter(
        unit=source, cycle__in=WindowExtension.objects.filter(unit=target).values("cycle")
    ).exclude(cycle__in=[s.cycle_id for s in clashes])
    lines += [f"{e.cycle.year}年“{e.cycle.title}”中两个单位都有自评延期" for e in extensions.select_related("cycle")]
    return lines


def unit_submissions_move(source: Unit, target: Unit, by: User) -> int:
    """Each submission (its item scores and evidence follow it) and window extension of ``source`` becomes
    ``target``'s, saved with history."""
    moved = 0
    for row in [*Submission.objects.filter(unit=source), *WindowExtension.objects.filter(unit=source)]:
        row.unit = target
        row._history_user = by
        row._change_reason = merge_reason(source, target)
        row.save(update_fields=["unit"])
        moved += 1
    return moved
