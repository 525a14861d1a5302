"""Reads of the kernel that span relations."""

from django.db.models import Prefetch, Q

from lawgov.calendar import WorkCalendar, build_calendar
from lawgov.models import CalendarDay, Role, Unit, UnitKind, User
from lawgov.unit_hooks import unit_panels


def unit_directory(*, user: User, search: str = "", kind: str = "") -> list[dict]:
    """The unit tree of each jurisdiction the user sees, in two queries whatever its size.

    ``search`` matches the name, short name or an alias; ``kind`` keeps one kind. Retired units are listed
    apart, after the others, so that the directory shows what is offered first and what was abolished still
    has its page. Returns one entry per jurisdiction:
    {"jurisdiction": Unit, "groups": [(kind label, [Unit…])…], "retired": [Unit…], "count": int}.
    """
    jurisdictions = (
        user.jurisdictions()
        if not user.is_superuser
        else list(Unit.objects.active().filter(kind__in=[UnitKind.CITY, UnitKind.DISTRICT]))
    )
    units = (
        Unit.objects.active()
        .filter(jurisdiction__in=jurisdictions)
        .prefetch_related(Prefetch("members", queryset=Unit.objects.active().only("id", "name")))
        .order_by("kind", "name")
    )
    if kind:
        units = units.filter(kind=kind)
    search = search.strip().lower()
    by_jurisdiction: dict[int, dict[str, list[Unit]]] = {j.pk: {} for j in jurisdictions}
    retired: dict[int, list[Unit]] = {j.pk: [] for j in jurisdictions}
    for unit in units:
        # Matched here, not in SQL: SQLite keeps JSON with escaped CJK, so a LIKE on aliases finds nothing;
        # a jurisdiction's few hundred units are read whole anyway.
        if search and not any(search in name.lower() for name in unit.all_names()):
            continue
        if unit.is_retired:
            retired[unit.jurisdiction_id].append(unit)
        else:
            by_jurisdiction[unit.jurisdiction_id].setdefault(unit.kind, []).append(unit)
    labels = dict(UnitKind.choices)
    order = [k for k, _ in UnitKind.choices]
    openable = set(Unit.objects.visible_to(user).values_list("pk", flat=True)) if user.role == Role.REPORTER else None
    result = []
    for j in jurisdictions:
        kinds = by_jurisdiction[j.pk]
        groups = [(labels[k], kinds[k]) for k in order if k in kinds]
        for unit in [u for _, group_units in groups for u in group_units] + retired[j.pk]:
            # A reporter opens only its own unit's page: the others are listed, not linked (no dead links).
            unit.openable = openable is None or unit.pk in openable
        result.append(
            {
                "jurisdiction": j,
                "groups": groups,
                "retired": retired[j.pk],
                "count": sum(len(v) for v in kinds.values()),
            }
        )
    return result


def unit_page(*, unit: Unit, user: User, today) -> dict:
    """What the unit's page shows beside its entry: the units merged into it, its reporters, and each
    app's panel (lawgov.unit_hooks: its tasks by role and status, its reports). A fixed number of queries
    whatever the unit's work: two here, and each panel's own fixed count."""
    reporters = list(
        User.objects.filter(unit=unit, is_active=True, role=Role.REPORTER).order_by("display_name", "username")
    )
    merged = list(Unit.objects.filter(merged_into=unit).order_by("name").values_list("name", flat=True))
    panels = []
    for panel in unit_panels():
        context = panel.context(unit, user, today)
        if context is not None:
            panels.append((panel.template, context))
    return {"reporters": reporters, "merged_names": merged, "panels": panels}


def calendars_for(jurisdiction_ids: list[int | None]) -> dict[int | None, WorkCalendar]:
    """The working-day calendar of each jurisdiction (national days overridden by its own), and the national
    one under ``None``: one query whatever the number of jurisdictions."""
    wanted = {j for j in jurisdiction_ids if j is not None}
    rows = list(
        CalendarDay.objects.filter(Q(jurisdiction=None) | Q(jurisdiction_id__in=wanted))
        .order_by("date")
        .values_list("jurisdiction_id", "date", "kind", "name")
    )
    national = [(d, k, n) for j, d, k, n in rows if j is None]
    out: dict[int | None, WorkCalendar] = {None: build_calendar(national)}
    for jurisdiction_id in wanted:
        local = [(d, k, n) for j, d, k, n in rows if j == jurisdiction_id]
        out[jurisdiction_id] = build_calendar(national + local) if local else out[None]
    return out


def calendar_for(jurisdiction_id: int | None) -> WorkCalendar:
    """One jurisdiction's working-day calendar (the national one for ``None``)."""
    return calendars_for([jurisdiction_id])[jurisdiction_id]
