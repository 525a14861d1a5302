"""Demo data of the plans app: the four seed plans in their districts and 广州's report."""

from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from lawgov.models import Unit, UnitKind
from plans.services import plan_import_bytes

SEED_DOCUMENTS = [
    ("000_0578085f5c3a17e6.txt", "番禺区"),
    ("001_b2c234473ffc97ef.txt", "大兴区"),
    ("002_e4424fe65849cd93.txt", "南海区"),
    ("003_2f94a3db44b8a14d.txt", "昭化区"),
    ("004_0cd543e4e1b9cca7.txt", "广州市"),
]


def seed_app(*, log: Callable[[str], object]) -> None:
    """Import every seed document; importing again updates in place, so this can run on every start."""
    folder = Path(settings.BASE_DIR) / "fixtures" / "seeds"
    for filename, jurisdiction_name in SEED_DOCUMENTS:
        jurisdiction = Unit.objects.get(name=jurisdiction_name, kind__in=[UnitKind.CITY, UnitKind.DISTRICT])
        outcome = plan_import_bytes(
            data=(folder / filename).read_bytes(), filename=filename, jurisdiction=jurisdiction, by=None
        )
        what = outcome.plan or outcome.report
        log(f"{jurisdiction_name}:{what} · " + ";".join(outcome.changes))
