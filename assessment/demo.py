"""Demo data of the assessment app: 昭化's two rubrics and responsibility statements (annexes 1–4 of the
seed), and the 2017 cycle for 昭化区 with the window the 备注 prints (2017-12-01 to 12-10).

Idempotent: runs on every ``make run``; what exists is left as it is. The window is 2017's, so to walk the
demo today the legal office sets the cycle's dates (修改自评时间) or extends the window for one unit.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from assessment import services
from assessment.models import AssessmentCycle, Rubric
from lawgov.models import SYSTEM, Unit, UnitKind

SEED = "003_2f94a3db44b8a14d.txt"
JURISDICTION = "昭化区"
YEAR = 2017
ASSESSOR = "区政府法制办"  # the office that assesses is not assessed in its own cycle
DEMO_WEIGHT = Decimal("10")  # the seed says only "按…分值比例折算"; 10 points is the demo's assumption


def seed_app(*, log: Callable[[str], object]) -> None:
    jurisdiction = Unit.objects.filter(name=JURISDICTION, kind=UnitKind.DISTRICT).first()
    if jurisdiction is None:
        log(f"考核:没有{JURISDICTION},跳过。")
        return
    path = Path(settings.BASE_DIR) / "fixtures" / "seeds" / SEED
    outcome = services.rubric_import_document(
        data=path.read_bytes(), filename=SEED, jurisdiction=jurisdiction, by=SYSTEM
    )
    if outcome.rubrics or outcome.statements:
        log(
            f"考核:导入{JURISDICTION}评分细则{len(outcome.rubrics)}份、目标责任书{len(outcome.statements)}份"
            + (f"({len(outcome.warnings)}条导入提示)" if outcome.warnings else "")
        )
    if AssessmentCycle.objects.filter(jurisdiction=jurisdiction, year=YEAR).exists():
        log(f"考核:{JURISDICTION}{YEAR}年度考核已存在。")
        return
    rubrics = Rubric.objects.active().filter(jurisdiction=jurisdiction, year=YEAR)
    department = rubrics.filter(unit_kind=UnitKind.DEPARTMENT).order_by("pk").first()
    township = rubrics.filter(unit_kind=UnitKind.TOWNSHIP).order_by("pk").first()
    start, end = outcome.window or (None, None)
    if start is None:
        start, end = dt.date(YEAR, 12, 1), dt.date(YEAR, 12, 10)
    assessor = Unit.objects.filter(jurisdiction=jurisdiction, name=ASSESSOR).first()
    cycle = services.cycle_create(
        jurisdiction=jurisdiction,
        year=YEAR,
        title=f"{JURISDICTION}{YEAR}年度法治政府建设考核",
        department_rubric=department,
        township_rubric=township,
        self_start=start,
        self_end=end,
        weight=DEMO_WEIGHT,
        units=services.default_participants(jurisdiction, exclude=assessor),
        by=SYSTEM,
    )
    log(f"考核:开启“{cycle.title}”,{cycle.submissions.count()}个单位参加,自评时间{start}至{end}。")
