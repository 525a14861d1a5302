"""Reads of the kernel that span relations."""

from django.db.models import Prefetch

from lawgov.models import Role, Unit, UnitKind, User


def unit_directory(*, user: User) -> list[dict]:
    """The unit tree of each jurisdiction the user sees, in two queries whatever its size.

    Returns one entry per jurisdiction: {"jurisdiction": Unit, "groups": [(kind label, [Unit…])…]}.
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
    by_jurisdiction: dict[int, dict[str, list[Unit]]] = {j.pk: {} for j in jurisdictions}
    for unit in units:
        by_jurisdiction[unit.jurisdiction_id].setdefault(unit.kind, []).append(unit)
    labels = dict(UnitKind.choices)
    order = [k for k, _ in UnitKind.choices]
    openable = set(Unit.objects.visible_to(user).values_list("pk", flat=True)) if user.role == Role.REPORTER else None
    result = []
    for j in jurisdictions:
        kinds = by_jurisdiction[j.pk]
        groups = [(labels[k], kinds[k]) for k in order if k in kinds]
        for _, group_units in groups:
            for unit in group_units:
                # A reporter opens only its own unit's page: the others are listed, not linked (no dead links).
                unit.openable = openable is None or unit.pk in openable
        result.append({"jurisdiction": j, "groups": groups, "count": sum(len(v) for v in kinds.values())})
    return result
