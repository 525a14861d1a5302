"""Cycles: a year's assessment opened for the jurisdiction's units, its dates and weight, one unit's window
extended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F

from assessment import selectors
from assessment.models import (
    ASSESSED_KINDS,
    AssessmentCycle,
    CycleStatus,
    Item,
    ItemScore,
    Rubric,
    Submission,
    UnsubmittedRule,
    WindowExtension,
)
from assessment.rules import fact_sources_clean, fact_sources_recognised
from assessment.services._common import (
    AssessmentError,
    cycle_writable_check,
    notify_reporters,
    require_legal_office,
)
from lawgov.models import Notification, SystemActor, Unit, UnitKind, User, recorded_user


def _check_cycle_fields(
    *,
    jurisdiction_id: int,
    year: int,
    department_rubric: Rubric,
    township_rubric: Rubric,
    self_start: dt.date,
    self_end: dt.date,
    review_end: dt.date | None,
    approve_by: dt.date | None,
    weight: Decimal,
) -> None:
    for rubric, kind, label in (
        (department_rubric, UnitKind.DEPARTMENT, "区级部门"),
        (township_rubric, UnitKind.TOWNSHIP, "乡镇(街道)"),
    ):
        if rubric.jurisdiction_id != jurisdiction_id or rubric.deleted_at:
            raise AssessmentError("rubric", f"{label}评分细则不属于本辖区。", 400)
        if rubric.unit_kind != kind:
            raise AssessmentError("rubric_kind", f"“{rubric.title}”不是{label}的评分细则。", 400)
    if not 2000 <= int(year) <= 2100:
        raise AssessmentError("year", f"年度不正确(填写的是{year})。", 400)
    if self_start > self_end:
        raise AssessmentError("window", "自查自评的开始日期不能晚于截止日期。", 400)
    if review_end and review_end < self_end:
        raise AssessmentError("review_end", "集中考核截止日期不能早于自查自评截止日期。", 400)
    if approve_by and approve_by < (review_end or self_end):
        raise AssessmentError("approve_by", "审定日期不能早于集中考核截止日期。", 400)
    try:
        weight = Decimal(weight)
    except (InvalidOperation, TypeError):
        raise AssessmentError("weight", "分值比例必须是数字。", 400) from None
    if not Decimal(0) < weight <= Decimal(100):
        raise AssessmentError("weight", f"综合目标考核中的分值应在0到100之间(填写的是{weight})。", 400)


def _cycle_rules(
    *, unsubmitted_rule: str, unsubmitted_points: Decimal | int | str | None, converted_capped: bool
) -> dict:
    """The cycle's options as stored, or a 400 naming the field: what a unit that never submitted gets (the
    rubric's "未按时报送自评材料的,扣X分" needs its X) and whether the converted score is capped. One check
    for opening a cycle and for changing it."""
    if unsubmitted_rule not in UnsubmittedRule.values:
        raise AssessmentError("unsubmitted_rule", "未提交自评的计分规则不正确。", 400)
    try:
        points = Decimal(unsubmitted_points if unsubmitted_points not in (None, "") else 0)
    except (InvalidOperation, TypeError):
        raise AssessmentError("unsubmitted_points", "未提交自评扣分必须是数字。", 400) from None
    if not Decimal(0) <= points <= Decimal(100):
        raise AssessmentError("unsubmitted_points", f"未提交自评扣分应在0到100之间(填写的是{points})。", 400)
    if unsubmitted_rule == UnsubmittedRule.DEDUCT and not points:
        raise AssessmentError("unsubmitted_points", "选“扣X分”时请填写扣分。", 400)
    return {
        "unsubmitted_rule": unsubmitted_rule,
        "unsubmitted_points": points,
        "converted_capped": bool(converted_capped),
    }


def default_participants(jurisdiction: Unit, *, exclude: Unit | None = None) -> list[Unit]:
    """Every department and township of the jurisdiction, less the assessing office itself."""
    units = Unit.objects.offered().filter(jurisdiction=jurisdiction, kind__in=ASSESSED_KINDS).order_by("kind", "name")
    return [u for u in units if exclude is None or u.pk != exclude.pk]


@transaction.atomic
def cycle_create(
    *,
    jurisdiction: Unit,
    year: int,
    title: str,
    department_rubric: Rubric,
    township_rubric: Rubric,
    self_start: dt.date,
    self_end: dt.date,
    weight: Decimal,
    units: Iterable[Unit],
    by: User | SystemActor,
    review_end: dt.date | None = None,
    approve_by: dt.date | None = None,
    unsubmitted_rule: str = UnsubmittedRule.ZERO,
    unsubmitted_points: Decimal | None = None,
    converted_capped: bool = False,
    fact_sources: dict[str, str] | None = None,
) -> AssessmentCycle:
    """Open a year's assessment: one submission per participating unit, scored against its kind's rubric.

    The cycle's options are set here as on the settings page (the rubric says what a unit that never
    submits gets; the office chooses whether the converted score is capped). ``fact_sources`` maps rule ids
    to the platform fact that informs them; None takes what the rubric import recognised (editable later)."""
    require_legal_office(by, jurisdiction.pk, "开启考核")
    _check_cycle_fields(
        jurisdiction_id=jurisdiction.pk,
        year=year,
        department_rubric=department_rubric,
        township_rubric=township_rubric,
        self_start=self_start,
        self_end=self_end,
        review_end=review_end,
        approve_by=approve_by,
        weight=weight,
    )
    options = _cycle_rules(
        unsubmitted_rule=unsubmitted_rule, unsubmitted_points=unsubmitted_points, converted_capped=converted_capped
    )
    rubric_ids = [department_rubric.pk, township_rubric.pk]
    options["fact_sources"] = (
        fact_sources_recognised(rubric_ids) if fact_sources is None else fact_sources_clean(rubric_ids, fact_sources)
    )
    units = list(units)
    if not units:
        raise AssessmentError("no_units", "请至少选择一个参加考核的单位。", 400)
    for unit in units:
        if unit.jurisdiction_id != jurisdiction.pk or unit.kind not in ASSESSED_KINDS or unit.deleted_at:
            raise AssessmentError("unit", f"“{unit}”不是本辖区的区级部门或乡镇(街道),不能参加考核。", 400)
    if AssessmentCycle.objects.filter(jurisdiction=jurisdiction, year=year).exists():
        raise AssessmentError("exists", f"{jurisdiction}{year}年度的考核已经开启,不能重复开启。", 409)
    cycle = AssessmentCycle(
        jurisdiction=jurisdiction,
        year=year,
        title=(title or f"{jurisdiction}{year}年度法治政府建设考核").strip()[:200],
        department_rubric=department_rubric,
        township_rubric=township_rubric,
        self_start=self_start,
        self_end=self_end,
        review_end=review_end,
        approve_by=approve_by,
        weight=Decimal(weight),
        created_by=recorded_user(by),
        **options,
    )
    cycle._history_user = recorded_user(by)
    cycle.save()
    _participants_add(cycle, units)
    _window_announce(Submission.objects.filter(cycle=cycle).select_related("cycle"), cycle=cycle)
    return cycle


def _window_announce(submissions, *, cycle: AssessmentCycle, until: dt.date | None = None) -> int:
    """The bell of the units' reporters when their window opens or its dates change (a unit's own
    extension: ``until``). Keyed by the dates, so the same window is announced once however often it is
    saved; a change of dates is announced again."""
    end = until or cycle.self_end
    return notify_reporters(
        submissions,
        kind=Notification.Kind.ASSESSMENT_WINDOW,
        key=f"assessment_window:{{submission}}:{cycle.self_start:%Y%m%d}:{end:%Y%m%d}",
        title=lambda s: (
            f"{cycle.title}:自查自评时间{cycle.self_start:%Y-%m-%d}至{end:%Y-%m-%d}"
            + ("(已为本单位延长)" if until else "")
        ),
        body="请在截止日期前填写并提交本单位的自查自评和年度工作总结。",
    )


def _participants_add(cycle: AssessmentCycle, units: list[Unit]) -> None:
    items = {
        rubric.pk: list(Item.objects.filter(rubric=rubric).values_list("pk", flat=True))
        for rubric in (cycle.department_rubric, cycle.township_rubric)
    }
    submissions = Submission.objects.bulk_create(
        Submission(cycle=cycle, unit=unit, rubric=cycle.rubric_for(unit.kind)) for unit in units
    )
    ItemScore.objects.bulk_create(
        (ItemScore(submission=s, item_id=item_id) for s in submissions for item_id in items[s.rubric_id]),
        batch_size=2000,
    )


@transaction.atomic
def cycle_update(
    *,
    cycle: AssessmentCycle,
    by: User | SystemActor,
    expected_version: int | None,
    title: str,
    self_start: dt.date,
    self_end: dt.date,
    weight: Decimal,
    review_end: dt.date | None = None,
    approve_by: dt.date | None = None,
    unsubmitted_rule: str | None = None,
    unsubmitted_points: Decimal | None = None,
    converted_capped: bool | None = None,
    fact_sources: dict[str, str] | None = None,
) -> AssessmentCycle:
    """Change a cycle's dates, weight, its rule for units that never submit, whether the converted score
    is capped and which platform fact informs which rule (None leaves the mapping as it is; the rubrics
    stay: units are already scored against them). Totals follow at once."""
    cycle_writable_check(cycle, by, "修改考核周期")
    rules = _cycle_rules(
        unsubmitted_rule=unsubmitted_rule if unsubmitted_rule is not None else cycle.unsubmitted_rule,
        unsubmitted_points=unsubmitted_points if unsubmitted_points is not None else cycle.unsubmitted_points,
        converted_capped=converted_capped if converted_capped is not None else cycle.converted_capped,
    )
    if fact_sources is not None:
        rules["fact_sources"] = fact_sources_clean([cycle.department_rubric_id, cycle.township_rubric_id], fact_sources)
    _check_cycle_fields(
        jurisdiction_id=cycle.jurisdiction_id,
        year=cycle.year,
        department_rubric=cycle.department_rubric,
        township_rubric=cycle.township_rubric,
        self_start=self_start,
        self_end=self_end,
        review_end=review_end,
        approve_by=approve_by,
        weight=weight,
    )
    match = {"pk": cycle.pk, "status": CycleStatus.OPEN}
    if expected_version is not None:
        match["version"] = expected_version
    done = AssessmentCycle.objects.filter(**match).update(
        title=(title or cycle.title).strip()[:200],
        self_start=self_start,
        self_end=self_end,
        review_end=review_end,
        approve_by=approve_by,
        weight=Decimal(weight),
        version=F("version") + 1,
        **rules,
    )
    if not done:
        raise AssessmentError("stale", "考核周期已被他人修改或已审定,您的修改未保存。请刷新后再改。", 409)
    moved = (cycle.self_start, cycle.self_end) != (self_start, self_end)
    cycle.refresh_from_db()
    if moved:
        extended = set(
            WindowExtension.objects.filter(cycle=cycle, until__gt=self_end).values_list("unit_id", flat=True)
        )
        _window_announce(
            Submission.objects.filter(cycle=cycle).exclude(unit_id__in=extended).select_related("cycle"), cycle=cycle
        )
    cycle._history_user = recorded_user(by)
    cycle.save()
    cycle_rescore(cycle=cycle)  # the rule for non-submitters is part of their score: totals follow
    return cycle


@transaction.atomic
def window_extend(
    *, cycle: AssessmentCycle, unit: Unit, until: dt.date, reason: str, by: User, today: dt.date | None = None
) -> WindowExtension:
    """Let one unit self-assess until ``until`` (recorded with who and why); extending again replaces it.

    A person's decision, never ``SYSTEM``'s: the extension must name who granted it."""
    cycle_writable_check(cycle, by, "延长自评时间")
    if not Submission.objects.filter(cycle=cycle, unit=unit).exists():
        raise AssessmentError("not_participant", f"“{unit}”不在本次考核的单位中。", 400)
    if until < cycle.self_end:
        raise AssessmentError(
            "until", f"延长后的截止日期不能早于统一截止日期{cycle.self_end:%Y-%m-%d}(填写的是{until:%Y-%m-%d})。", 400
        )
    if not (reason or "").strip():
        raise AssessmentError("reason", "延长自评时间须写明理由。", 400)

    # Idempotent: the same extension granted twice at once (a double click, two tabs) is one row with the
    # last values. The second insert of a race meets the unique (cycle, unit) constraint and updates instead.
    def granted(extension: WindowExtension) -> WindowExtension:
        extension.until = until
        extension.reason = reason.strip()[:300]
        extension.granted_by = by
        extension._history_user = recorded_user(by)
        extension.save()
        return extension

    def _announce(extension: WindowExtension) -> WindowExtension:
        _window_announce(
            Submission.objects.filter(cycle=cycle, unit=unit).select_related("cycle"), cycle=cycle, until=until
        )
        return extension

    existing = WindowExtension.objects.select_for_update().filter(cycle=cycle, unit=unit).first()
    if existing is None:
        try:
            with transaction.atomic():
                return _announce(granted(WindowExtension(cycle=cycle, unit=unit)))
        except IntegrityError:
            existing = WindowExtension.objects.select_for_update().get(cycle=cycle, unit=unit)
    return _announce(granted(existing))


def cycle_rescore(*, cycle: AssessmentCycle, only: list[int] | None = None) -> int:
    """Recompute every stored total of a cycle from the facts (the scoring function is the only truth);
    returns how many submissions changed."""
    board = selectors.cycle_scoreboard(cycle=cycle, only=only)
    changed = []
    targets = Submission.objects.filter(cycle=cycle)
    if only is not None:
        targets = targets.filter(pk__in=only)
    for submission in targets:
        entry = board[submission.pk]
        if entry.total is None:
            new = (entry.self_total, None, Decimal(0), Decimal(0), None)
        else:
            new = (entry.self_total, entry.total.base, entry.total.bonus, entry.total.special, entry.total.final)
        old = (
            submission.self_total,
            submission.reviewed_base,
            submission.bonus,
            submission.special,
            submission.final_total,
        )
        if new != old:
            (
                submission.self_total,
                submission.reviewed_base,
                submission.bonus,
                submission.special,
                submission.final_total,
            ) = new
            changed.append(submission)
    Submission.objects.bulk_update(
        changed, ["self_total", "reviewed_base", "bonus", "special", "final_total"], batch_size=500
    )
    return len(changed)
