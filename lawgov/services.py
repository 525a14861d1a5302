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
from lawgov.models import Heartbeat, Role, Unit, UnitKind, User


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
