"""What the apps hang on a unit, registered by the apps that own it.

A unit is the kernel's, but the rows that reference it (assignments, progress reports, submissions,
statistics) and the work shown on its page belong to the apps. The kernel must not import them, so each app
registers, from its ``AppConfig.ready()`` (as with notification kinds, lawgov.notifications):

- a ``UnitReference`` per model that points at a unit: how many rows a unit has (the merge confirmation
  page lists them), what forbids merging two units (two submissions in one assessment cycle), and how to
  move the rows from one unit to another with history. ``lawgov.services.unit_merge`` runs every
  registered move inside its one transaction.
- a ``UnitPanel`` per part of the unit's page (its tasks by role and status, its reports), so that the unit
  page is the one place that shows a unit's work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lawgov.models import Unit, User


@dataclass(frozen=True)
class UnitReference:
    """Rows of one model that belong to a unit.

    ``count(unit)`` is how many rows would move; ``conflicts(source, target)`` returns the reasons (in
    Chinese, one per clash) why ``source`` cannot be merged into ``target``, empty when it can;
    ``move(source, target, by)`` moves the rows (each changed row saved with its history, by ``by``) and
    returns how many it moved. ``move`` runs inside the merge's transaction, after every ``conflicts`` said
    nothing.
    """

    key: str
    label: str
    count: Callable[[Unit], int]
    move: Callable[[Unit, Unit, User], int]
    conflicts: Callable[[Unit, Unit], list[str]] | None = None


@dataclass(frozen=True)
class UnitPanel:
    """A part of the unit's page: ``context(unit, user, today)`` gives what ``template`` renders (``None``
    when the panel has nothing to show this user). ``order`` places it among the others."""

    key: str
    template: str
    context: Callable[[Unit, User, dt.date], dict[str, Any] | None]
    order: int = 100


_references: dict[str, UnitReference] = {}
_panels: dict[str, UnitPanel] = {}


def register_unit_reference(reference: UnitReference) -> None:
    """Register what an app's model holds of a unit; registering the same key again replaces it (tests
    reload apps)."""
    _references[reference.key] = reference


def register_unit_panel(panel: UnitPanel) -> None:
    """Register a part of the unit's page; the same key again replaces it."""
    _panels[panel.key] = panel


def unit_references() -> list[UnitReference]:
    return list(_references.values())


def unit_panels() -> list[UnitPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


# simple_history's ``history_change_reason`` is varchar(100); two long unit names would not fit.
CHANGE_REASON_MAX_LENGTH = 100


def merge_reason(source: Unit, target: Unit, suffix: str = "") -> str:
    """The change reason every row moved by a merge carries in its history, cut to fit the column."""
    return f"“{source.name}”并入“{target.name}”{suffix}"[:CHANGE_REASON_MAX_LENGTH]
