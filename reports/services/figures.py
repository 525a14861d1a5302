"""Yearly figures, entered by units or the legal office or computed from lawgov's own data, and the
jurisdiction's own indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from lawgov.models import Role, Unit, User
from reports.models import (
    Indicator,
    IndicatorKind,
    Statistic,
    StatisticSource,
    split_keywords,
)
from reports.services.access import ReportError, _check_year, _require_office
from reports.services.indicators import _computed_indicators


def _jurisdiction_of(unit: Unit) -> Unit:
    return unit if unit.is_jurisdiction else unit.jurisdiction


def _may_enter(user: User, unit: Unit) -> bool:
    if user.is_superuser:
        return True
    if user.read_only:
        return False
    if user.role == Role.REPORTER:
        return user.unit_id == unit.pk
    jurisdiction = _jurisdiction_of(unit)
    return jurisdiction is not None and user.is_legal_office_of(jurisdiction)


def parse_value(indicator: Indicator, raw: str) -> tuple[Decimal | None, str]:
    """A typed value for the indicator's kind; ``ReportError`` in Chinese when it is not one."""
    raw = (raw or "").strip().replace(",", "").replace(",", "").removesuffix("%").removesuffix("%")
    if indicator.kind == IndicatorKind.TEXT:
        if not raw:
            raise ReportError("value_required", f"请填写“{indicator.name}”。")
        return None, raw[:200]
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ReportError("bad_value", f"“{indicator.name}”应填写数字,收到“{raw}”。") from exc
    if value < 0:
        raise ReportError("bad_value", f"“{indicator.name}”不能为负数。")
    if indicator.kind == IndicatorKind.PERCENT and value > 100:
        raise ReportError("bad_value", f"“{indicator.name}”是百分比,不能大于100。")
    if value != value.quantize(Decimal("0.01")):
        raise ReportError("bad_value", f"“{indicator.name}”最多保留两位小数。")
    return value, ""


@transaction.atomic
def statistic_save(
    *, indicator: Indicator, unit: Unit, year: int, raw: str, by: User, note: str = "", today: dt.date | None = None
) -> Statistic:
    """Enter (or correct) a unit's figure for a year; the previous value stays in the history.

    Units enter their own figures; the legal office enters any unit's, or the jurisdiction's total.
    """
    today = today or timezone.localdate()
    _check_year(year, today)
    jurisdiction = _jurisdiction_of(unit)
    if jurisdiction is None or not _may_enter(by, unit):
        raise ReportError("forbidden", f"您不能填报{unit.name}的统计数据。", 403)
    if indicator.deleted_at or (indicator.jurisdiction_id not in (None, jurisdiction.pk)):
        raise ReportError("bad_indicator", "该指标不适用于本辖区。", 400)
    if indicator.computed:
        raise ReportError("computed", f"“{indicator.name}”由平台根据任务、进展和考核数据自动计算,不需要填报。", 400)
    value, text = parse_value(indicator, raw)
    stat = Statistic.objects.select_for_update().filter(indicator=indicator, unit=unit, year=year).first()
    if stat is None:
        try:
            with transaction.atomic():
                stat = Statistic.objects.create(
                    indicator=indicator,
                    unit=unit,
                    jurisdiction=jurisdiction,
                    year=year,
                    value=value,
                    text=text,
                    note=note[:300],
                    entered_by=by,
                )
                return stat
        except IntegrityError:  # entered at the same moment by someone else: update theirs
            stat = Statistic.objects.select_for_update().get(indicator=indicator, unit=unit, year=year)
    stat.value, stat.text, stat.entered_by = value, text, by
    if note:
        stat.note = note[:300]
    stat.source = StatisticSource.ENTERED
    stat.save()
    return stat


@transaction.atomic
def statistic_delete(*, statistic: Statistic, by: User) -> None:
    """Withdraw a figure entered by mistake; the history keeps it (who, when, what)."""
    if not Statistic.objects.editable_by(by).filter(pk=statistic.pk).exists():
        raise ReportError("forbidden", "您不能删除该统计数据。", 403)
    statistic._history_user = by
    statistic.delete()


def statistics_store_computed(*, jurisdiction: Unit, year: int, values: dict[str, Decimal]) -> dict[str, int]:
    """Write the figures lawgov computed (tasks done, reports accepted…) as the jurisdiction's rows, so the
    figures page shows them and the draft can cite them. Returns computed key → statistic id."""
    indicators = _computed_indicators()
    existing = {
        s.indicator_id: s
        for s in Statistic.objects.filter(
            indicator__in=indicators.values(), unit=jurisdiction, year=year, source=StatisticSource.COMPUTED
        )
    }
    ids = {}
    for key, value in values.items():
        indicator = indicators.get(key)
        if indicator is None:
            continue
        stat = existing.get(indicator.pk)
        if stat is None:
            stat, _ = Statistic.objects.update_or_create(
                indicator=indicator,
                unit=jurisdiction,
                year=year,
                defaults={"jurisdiction": jurisdiction, "value": value, "source": StatisticSource.COMPUTED},
            )
        elif stat.value != value:
            stat.value = value
            stat.save(update_fields=["value", "updated_at"])
        ids[key] = stat.pk
    return ids


@transaction.atomic
def indicator_save(
    *,
    jurisdiction: Unit,
    by: User,
    name: str,
    measure: str,
    kind: str,
    phrase: str = "",
    keywords: str = "",
    additive: bool = True,
    indicator: Indicator | None = None,
) -> Indicator:
    """Define (or change) one of the jurisdiction's own indicators."""
    _require_office(by, jurisdiction, "定义统计指标")
    name = name.strip()
    if not name:
        raise ReportError("name_required", "请填写指标名称。")
    if kind not in IndicatorKind.values:
        raise ReportError("bad_kind", "指标类型不正确。")
    if phrase and "{数值}" not in phrase:
        raise ReportError("bad_phrase", "报告中的表述须包含“{数值}”,例如:收到行政复议申请{数值}{单位}。")
    clash = Indicator.objects.for_jurisdiction(jurisdiction).filter(name=name)
    if indicator is not None:
        if indicator.jurisdiction_id != jurisdiction.pk:
            raise ReportError("forbidden", "通用指标由系统管理员维护,可新建本辖区的指标。", 403)
        clash = clash.exclude(pk=indicator.pk)
    if clash.exists():
        raise ReportError("duplicate", f"已有名为“{name}”的指标。", 409)
    indicator = indicator or Indicator(jurisdiction=jurisdiction)
    indicator.name, indicator.measure, indicator.kind = name, measure.strip()[:10], kind
    indicator.phrase, indicator.additive = phrase.strip()[:200], additive
    indicator.keywords = ",".join(split_keywords(keywords))[:200]
    if not indicator.position:
        indicator.position = 1000 + Indicator.objects.filter(jurisdiction=jurisdiction).count() * 10
    indicator._history_user = by
    indicator.save()
    return indicator
