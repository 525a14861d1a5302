"""Fixtures for the plans app: the demo jurisdictions and the seed documents."""

from pathlib import Path

import pytest

from lawgov.models import Role, Unit, UnitKind, User
from lawgov.services import demo_seed

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
PANYU, DAXING, NANHAI, ZHAOHUA, GUANGZHOU = (
    "000_0578085f5c3a17e6.txt",
    "001_b2c234473ffc97ef.txt",
    "002_e4424fe65849cd93.txt",
    "003_2f94a3db44b8a14d.txt",
    "004_0cd543e4e1b9cca7.txt",
)


def seed_bytes(name: str) -> bytes:
    return (SEEDS / name).read_bytes()


@pytest.fixture
def demo(db):
    """The demo jurisdictions, units and accounts, without the seed plans."""
    return demo_seed(password="demo-pass-1234")


def district_named(name: str) -> Unit:
    return Unit.objects.get(name=name, kind__in=[UnitKind.DISTRICT, UnitKind.CITY])


@pytest.fixture
def panyu(demo) -> Unit:
    return district_named("番禺区")


@pytest.fixture
def panyu_officer(demo) -> User:
    return User.objects.get(username="fzb_panyu")


@pytest.fixture
def panyu_reporter(demo) -> User:
    return User.objects.get(username="reporter_panyu")


@pytest.fixture
def panyu_leader(demo) -> User:
    return User.objects.get(username="leader_panyu")


@pytest.fixture
def nanhai_officer(demo) -> User:
    return User.objects.create_user(
        "fzb_nanhai", password="x-pass-1234", role=Role.LEGAL_OFFICE, jurisdiction=district_named("南海区")
    )
