"""Writes of the kernel."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.authtoken.models import Token

from lawgov import demo
from lawgov.errors import DomainError
from lawgov.models import JURISDICTION_KINDS, Heartbeat, Role, Unit, UnitKind, User
from lawgov.unit_hooks import CHANGE_REASON_MAX_LENGTH, merge_reason, unit_references


@transaction.atomic
def heartbeat_record(*, worker: str) -> Heartbeat:
    """Count one beat for ``worker``; an UPDATE first so two beats at once never lose a count."""
    now = timezone.now()
    updated = Heartbeat.objects.filter(worker=worker).update(seen_at=now, beats=F("beats") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(worker=worker, defaults={"seen_at": now, "beats": 1})
    return Heartbeat.objects.get(worker=worker)


@dataclass
class DemoSeedResult:
    units: int
    accounts: list[User]


@transaction.atomic
def demo_seed(*, password: str, log: Callable[[str], object] = lambda _: None) -> DemoSeedResult:
    """Create what is missing of the demo jurisdictions, units and accounts; never duplicates.

    Demo accounts get the password again on every run, so a newcomer can always log in with the one
    printed. Later apps hook their own demo data (seed plans) in after this.
    """
    count = 0
    for city_name, districts in demo.JURISDICTIONS.items():
        city, _ = Unit.objects.get_or_create(name=city_name, jurisdiction=None, defaults={"kind": UnitKind.CITY})
        for district_name, units in districts.items():
            district, _ = Unit.objects.get_or_create(
                name=district_name, jurisdiction=None, defaults={"kind": UnitKind.DISTRICT, "parent": city}
            )
            for name, short, kind, aliases in units:
                unit_ensure(jurisdiction=district, name=name, kind=kind, short_name=short, aliases=aliases)
                count += 1
            for name, aliases, kinds in demo.GROUPS:
                unit_ensure(jurisdiction=district, name=name, kind=UnitKind.GROUP, aliases=aliases, group_kinds=kinds)
                count += 1
    districts = {u.name: u for u in Unit.objects.filter(kind=UnitKind.DISTRICT)}
    accounts = []
    for username, role, district_name, unit_name, display in demo.ACCOUNTS:
        district = districts[district_name]
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.display_name = display
        user.jurisdiction = district
        user.unit = Unit.objects.get(jurisdiction=district, name=unit_name) if unit_name else None
        user.set_password(password)
        user.save()
        accounts.append(user)
    district = districts[demo.DEMO_DISTRICT]
    admin = User.objects.filter(username="admin").first() or User(username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.role = Role.LEGAL_OFFICE
    admin.display_name = "系统管理员"
    admin.jurisdiction = district
    admin.set_password(password)
    admin.save()
    accounts.append(admin)
    log(f"辖区与单位:{count} 个")
    return DemoSeedResult(units=count, accounts=accounts)


def unit_ensure(
    *,
    jurisdiction: Unit,
    name: str,
    kind: str,
    short_name: str = "",
    aliases: list[str] | None = None,
    group_kinds: list[str] | None = None,
) -> Unit:
    """The unit of that name in the jurisdiction, created if missing; aliases are merged, never dropped."""
    unit, created = Unit.objects.get_or_create(
        jurisdiction=jurisdiction,
        name=name,
        deleted_at=None,
        defaults={
            "kind": kind,
            "parent": jurisdiction,
            "short_name": short_name,
            "aliases": list(aliases or []),
            "group_kinds": list(group_kinds or []),
        },
    )
    if not created:
        merged = list(dict.fromkeys([*unit.aliases, *(aliases or [])]))
        if merged != unit.aliases:
            unit.aliases = merged
            unit.save(update_fields=["aliases"])
    return unit


def api_client_create(*, username: str, display_name: str, jurisdiction: Unit) -> User:
    """An API client account of ``jurisdiction``: no password (it cannot sign in to the pages), reads with
    a token. A name that is taken — also by a create racing this one (two clicks, two tabs) — is a
    ``DomainError`` 409 with a message, never a 500 from the unique index."""
    username = username.strip()
    if not username or not username.isascii() or not re.fullmatch(r"[A-Za-z0-9_.-]+", username):
        raise DomainError("username", "用户名须为字母、数字组成且未被占用。", 400)
    taken = DomainError("username_taken", f"用户名“{username[:50]}”已被占用,请换一个。", 409)
    if User.objects.filter(username=username).exists():
        raise taken
    try:
        with transaction.atomic():
            client = User(username=username, role=Role.API_CLIENT, jurisdiction=jurisdiction)
            client.display_name = display_name.strip()[:60]
            client.set_unusable_password()
            client.save()
    except IntegrityError as exc:
        raise taken from exc
    return client


def api_token_issue(*, user: User) -> Token:
    """The user's API token, created if missing. One token per client: revoking and issuing again
    gives a new key, so a leaked key is dead the moment it is revoked."""
    token, _ = Token.objects.get_or_create(user=user)
    return token


def api_token_revoke(*, user: User) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


# ---------------------------------------------------------------------------------------------------
# The unit directory, kept by the legal office (no /admin/ needed)


class UnitError(DomainError):
    """A refused change to the unit directory: a clear Chinese message, nothing changed."""


EDITABLE_KINDS = [k for k in UnitKind if k not in JURISDICTION_KINDS]
NAME_MAX_LENGTH = Unit._meta.get_field("name").max_length


def _clean_names(names: list[str] | None, *, exclude: tuple[str, ...] = ()) -> list[str]:
    cleaned = [n.strip()[:NAME_MAX_LENGTH] for n in names or []]
    return [n for n in dict.fromkeys(cleaned) if n and n not in exclude]


def _name_holder(*, jurisdiction_id: int, name: str, exclude_pk: int | None) -> Unit | None:
    """The other live unit of the jurisdiction printed as ``name`` (its name, short name or an alias).

    One query over the jurisdiction's units: JSON containment differs between SQLite and PostgreSQL, and a
    jurisdiction has a few hundred units at most.
    """
    for unit in Unit.objects.active().filter(jurisdiction_id=jurisdiction_id).exclude(pk=exclude_pk or 0):
        if name == unit.name or name in unit.aliases:
            return unit
    return None


def _check_fields(*, jurisdiction: Unit, unit: Unit | None, name: str, kind: str, parent: Unit | None) -> None:
    if not name:
        raise UnitError("name", "请填写单位名称。")
    if len(name) > NAME_MAX_LENGTH:
        raise UnitError("name", f"单位名称不能超过 {NAME_MAX_LENGTH} 个字。")
    if kind not in EDITABLE_KINDS:
        raise UnitError("kind", "单位类型无效。")
    holder = _name_holder(jurisdiction_id=jurisdiction.pk, name=name, exclude_pk=unit.pk if unit else None)
    if holder is not None:
        said = "名称" if holder.name == name else "别名"
        raise UnitError("name_taken", f"本辖区已有单位以“{name}”为{said}({holder.name}),不能重名。", status=409)
    if parent is not None:
        if parent.pk != jurisdiction.pk and parent.jurisdiction_id != jurisdiction.pk:
            raise UnitError("parent", "上级单位须属于本辖区。")
        ancestor: Unit | None = parent
        while unit is not None and ancestor is not None:
            if ancestor.pk == unit.pk:
                raise UnitError("parent", "上级单位不能是本单位或其下级单位。")
            ancestor = ancestor.parent if ancestor.parent_id else None


def _save_with_history(unit: Unit, *, by: User | None, reason: str) -> None:
    if by is not None:
        unit._history_user = by
    unit._change_reason = reason
    unit.save()


@transaction.atomic
def unit_create(
    *,
    jurisdiction: Unit,
    by: User,
    name: str,
    kind: str = UnitKind.DEPARTMENT,
    short_name: str = "",
    parent: Unit | None = None,
    aliases: list[str] | None = None,
    contact_person: str = "",
    contact_phone: str = "",
) -> Unit:
    """A new unit of the jurisdiction; refused (UnitError) when the name is already printed for another."""
    name = name.strip()
    _check_fields(jurisdiction=jurisdiction, unit=None, name=name, kind=kind, parent=parent)
    unit = Unit(
        jurisdiction=jurisdiction,
        parent=parent or jurisdiction,
        name=name,
        kind=kind,
        short_name=short_name.strip(),
        aliases=_clean_names(aliases, exclude=(name,)),
        contact_person=contact_person.strip(),
        contact_phone=contact_phone.strip(),
    )
    _save_with_history(unit, by=by, reason="新建单位")
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    by: User,
    name: str,
    kind: str,
    short_name: str = "",
    parent: Unit | None = None,
    aliases: list[str] | None = None,
    contact_person: str = "",
    contact_phone: str = "",
) -> Unit:
    """Change a unit's directory entry. A rename keeps the old name as an alias, so that documents printed
    before the rename still resolve to the unit; a name another unit of the jurisdiction is printed as is
    refused."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    name = name.strip()
    jurisdiction = unit.jurisdiction
    _check_fields(jurisdiction=jurisdiction, unit=unit, name=name, kind=kind, parent=parent)
    old_name = unit.name
    kept = _clean_names([*(aliases or []), *([old_name] if name != old_name else [])], exclude=(name,))
    unit.name = name
    unit.kind = kind
    unit.short_name = short_name.strip()
    unit.parent = parent or jurisdiction
    unit.aliases = kept
    unit.contact_person = contact_person.strip()
    unit.contact_phone = contact_phone.strip()
    reason = f"由“{old_name}”更名"[:CHANGE_REASON_MAX_LENGTH] if name != old_name else "修改单位信息"
    _save_with_history(unit, by=by, reason=reason)
    return unit


@transaction.atomic
def unit_retire(*, unit: Unit, by: User) -> Unit:
    """Stop offering a unit for new work (a reorganisation abolished it); its history stays on its pages."""
    if unit.is_retired:
        return unit
    unit.retired_at = timezone.now()
    _save_with_history(unit, by=by, reason="停用")
    return unit


@transaction.atomic
def unit_restore(*, unit: Unit, by: User) -> Unit:
    """Offer a retired unit again."""
    if not unit.is_retired:
        return unit
    unit.retired_at = None
    _save_with_history(unit, by=by, reason="恢复启用")
    return unit


@dataclass
class UnitMergePreview:
    """What a merge of ``source`` into ``target`` would move (label, count) and why it is refused, if it is."""

    source: Unit
    target: Unit
    moves: list[tuple[str, int]]
    refusals: list[str]
    aliases: list[str]

    @property
    def allowed(self) -> bool:
        return not self.refusals


def _kernel_merge_refusals(source: Unit, target: Unit) -> list[str]:
    if source.pk == target.pk:
        return ["不能把单位并入它自己。"]
    if source.jurisdiction_id is None or source.jurisdiction_id != target.jurisdiction_id:
        return ["只能并入本辖区的单位。"]
    if source.is_jurisdiction or target.is_jurisdiction:
        return ["辖区本身不能合并。"]
    if source.is_group and not target.is_group and source.members.exists():
        return [f"“{source.name}”是泛称并列有成员单位,只能并入另一个泛称。"]
    if target.is_group and not source.is_group:
        # Its reporters would belong to a phrase, and its reports be filed by 各镇街: name the group's members.
        return [f"“{target.name}”是泛称,具体单位不能并入泛称;请在泛称的成员中指定该单位。"]
    return []


def _kernel_moves(source: Unit) -> list[tuple[str, int]]:
    return [
        ("用户账号", User.objects.filter(unit=source).count()),
        ("下级单位", Unit.objects.active().filter(parent=source).count()),
        ("所属泛称", source.groups.active().count()),
    ]


def unit_merge_preview(*, source: Unit, target: Unit) -> UnitMergePreview:
    """Everything the confirmation page shows before a merge: the rows that move, per kind, the names the
    survivor gains as aliases, and every reason to refuse (all of them at once, not the first)."""
    refusals = _kernel_merge_refusals(source, target)
    moves = _kernel_moves(source)
    if not refusals:
        for reference in unit_references():
            if reference.conflicts is not None:
                refusals.extend(reference.conflicts(source, target))
    for reference in unit_references():
        moves.append((reference.label, reference.count(source)))
    aliases = _clean_names(source.all_names(), exclude=(target.name, *target.aliases))
    return UnitMergePreview(source=source, target=target, moves=moves, refusals=refusals, aliases=aliases)


@dataclass
class UnitMergeOutcome:
    target: Unit
    moved: list[tuple[str, int]]


@transaction.atomic
def unit_merge(*, source: Unit, target: Unit, by: User) -> UnitMergeOutcome:
    """Merge ``source`` into ``target``: every row that references ``source`` (the kernel's users, child
    units and group memberships, and whatever the apps registered in lawgov.unit_hooks) moves to
    ``target`` with its history; ``source``'s names become ``target``'s aliases; ``source`` is soft deleted
    with ``merged_into`` set, so its old links lead to the survivor.

    Refused (UnitError, nothing changed) when the two cannot be one: the same unit, other jurisdictions, or
    a clash an app reports (two submissions in one assessment cycle). One transaction: a failure in any
    app's move leaves both units as they were.
    """
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    source, target = locked.get(source.pk), locked.get(target.pk)
    if source is None or target is None or source.is_deleted or target.is_deleted:
        raise UnitError("not_found", "单位不存在或已被合并。", status=404)
    preview = unit_merge_preview(source=source, target=target)
    if preview.refusals:
        raise UnitError(
            "merge_refused", f"不能把“{source.name}”并入“{target.name}”:", status=409, details=preview.refusals
        )
    moved = _kernel_moves(source)
    for user in User.objects.filter(unit=source):
        user.unit = target
        user.save(update_fields=["unit"])
    for child in Unit.objects.filter(parent=source).exclude(pk=target.pk):
        child.parent = target
        _save_with_history(child, by=by, reason=merge_reason(source, target, "(原上级)"))
    for group in source.groups.all():
        group.members.remove(source)
        if group.pk != target.pk:
            group.members.add(target)
        _save_with_history(group, by=by, reason=merge_reason(source, target, "(成员)"))
    for earlier in Unit.objects.filter(merged_into=source):
        # A unit merged into ``source`` before now leads to the survivor too (its old links, its page).
        earlier.merged_into = target
        _save_with_history(earlier, by=by, reason=merge_reason(source, target))
    if source.is_group:
        target.members.add(*source.members.exclude(pk=target.pk))
    for reference in unit_references():
        moved.append((reference.label, reference.move(source, target, by)))
    if target.parent_id == source.pk:
        target.parent_id = source.parent_id  # the survivor was under the merged unit: it takes its place
    target.aliases = _clean_names([*target.aliases, *preview.aliases], exclude=(target.name,))
    target.contact_person = target.contact_person or source.contact_person
    target.contact_phone = target.contact_phone or source.contact_phone
    _save_with_history(target, by=by, reason=f"由“{source.name}”并入"[:CHANGE_REASON_MAX_LENGTH])
    source.merged_into = target
    source.deleted_at = timezone.now()
    _save_with_history(source, by=by, reason=f"并入“{target.name}”"[:CHANGE_REASON_MAX_LENGTH])
    return UnitMergeOutcome(target=target, moved=moved)
