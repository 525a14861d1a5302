"""Fixtures of the assessment tests: the 昭化 annexes read from the seed, rubrics imported from them into
the test district, a cycle with a department and a township, and their reporters."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from assessment import parsing, services
from assessment.models import AssessmentCycle, Rubric, Submission
from lawgov.models import Role, UnitKind
from tests.conftest import make_unit, make_user

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "003_2f94a3db44b8a14d.txt"
TODAY = dt.date(2017, 12, 5)  # inside 昭化's window, 2017-12-01 to 12-10


@pytest.fixture(scope="session")
def seed_bytes() -> bytes:
    return SEED.read_bytes()


@pytest.fixture(scope="session")
def annexes(seed_bytes) -> parsing.ParsedAnnexes:
    return parsing.parse_document_annexes(seed_bytes, SEED.name)


@pytest.fixture(scope="session")
def department_parsed(annexes) -> parsing.ParsedRubric:
    return next(r for r in annexes.rubrics if r.unit_kind == "department")


@pytest.fixture(scope="session")
def township_parsed(annexes) -> parsing.ParsedRubric:
    return next(r for r in annexes.rubrics if r.unit_kind == "township")


@pytest.fixture
def rubrics(district, seed_bytes, legal_officer) -> dict[str, Rubric]:
    services.rubric_import_document(data=seed_bytes, filename=SEED.name, jurisdiction=district, by=legal_officer)
    return {r.unit_kind: r for r in Rubric.objects.filter(jurisdiction=district)}


@pytest.fixture
def township(district):
    return make_unit(district, "元坝镇", kind=UnitKind.TOWNSHIP)


@pytest.fixture
def other_township(district):
    return make_unit(district, "卫子镇", kind=UnitKind.TOWNSHIP)


@pytest.fixture
def town_reporter(township, district):
    return make_user("town_reporter", Role.REPORTER, unit=township, jurisdiction=district, display_name="元坝镇 孙填报")


@pytest.fixture
def cycle(district, rubrics, unit, other_unit, township, other_township, legal_officer) -> AssessmentCycle:
    """2017, window 12-01 to 12-10 as printed; 区编办 and 区财政局 (departments), 元坝镇 and 卫子镇."""
    return services.cycle_create(
        jurisdiction=district,
        year=2017,
        title="2017年度法治政府建设考核",
        department_rubric=rubrics["department"],
        township_rubric=rubrics["township"],
        self_start=dt.date(2017, 12, 1),
        self_end=dt.date(2017, 12, 10),
        weight=Decimal("10"),
        units=[unit, other_unit, township, other_township],
        by=legal_officer,
    )


@pytest.fixture
def submission(cycle, unit) -> Submission:
    return Submission.objects.get(cycle=cycle, unit=unit)


@pytest.fixture
def town_submission(cycle, township) -> Submission:
    return Submission.objects.get(cycle=cycle, unit=township)


@pytest.fixture
def approved(cycle, reporter, town_reporter, legal_officer) -> AssessmentCycle:
    """The 2017 cycle submitted and reviewed, ready for approval: 区编办 103.0 (a 市级示范单位 bonus),
    元坝镇 95.0 (one deduction), 区财政局 and 卫子镇 100.0 (they never submitted: the legal office scored
    every item on site and found nothing)."""
    from tests.assessment.helpers import adjust_facts, review_all, self_inputs

    after = dt.date(2017, 12, 11)
    for user, facts in ((reporter, {}), (town_reporter, {"三.1": {0: "1"}})):
        own = Submission.objects.get(cycle=cycle, unit=user.unit)
        services.self_assessment_save(
            submission=own, by=user, items=self_inputs(own, facts), summary_text="年度总结", today=TODAY
        )
        services.self_assessment_submit(submission=own, by=user, today=TODAY)
    for s in Submission.objects.filter(cycle=cycle):
        items = review_all(s) if s.never_submitted else {}
        services.review_save(submission=s, by=legal_officer, items=items, finish=True, today=after)
    bureau = Submission.objects.get(cycle=cycle, unit=reporter.unit)
    facts, grounds = adjust_facts(bureau, {1: "1"}, {1: "市级示范单位"})
    services.review_save(
        submission=bureau, by=legal_officer, items={}, adjust_facts=facts, adjust_grounds=grounds, today=after
    )
    return cycle
