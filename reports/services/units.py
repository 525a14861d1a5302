"""A unit merged into another (lawgov.services.unit_merge runs these through lawgov.unit_hooks).

A figure is one value per indicator, unit and year: where both units reported the same indicator for the
same year, which value is right is for the legal office to say, so the merge is refused with the list.
"""

from __future__ import annotations

from lawgov.models import Unit, User
from lawgov.unit_hooks import merge_reason
from reports.models import Statistic


def unit_statistic_count(unit: Unit) -> int:
    return Statistic.objects.filter(unit=unit).count()


def unit_statistic_conflicts(source: Unit, target: Unit) -> list[str]:
    theirs = set(Statistic.objects.filter(unit=target).values_list("indicator_id", "year"))
    clashes = [
        s
        for s in Statistic.objects.filter(unit=source).select_related("indicator").order_by("year", "indicator_id")
        if (s.indicator_id, s.year) in theirs
    ]
    return [f"{s.year}年统计数据“{s.indicator.name}”两个单位都已填报" for s in clashes]


def unit_statistics_move(source: Unit, target: Unit, by: User) -> int:
    rows = list(Statistic.objects.filter(unit=source))
    for row in rows:
        row.unit = target
        row._history_user = by
        row._change_reason = merge_reason(source, target)
        row.save(update_fields=["unit"])
    return len(rows)
