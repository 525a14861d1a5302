"""The assessment fixtures (rubrics imported from the 昭化 seed, a cycle), for the exporter's download tests."""

from tests.assessment.conftest import (  # noqa: F401
    annexes,
    approved,
    cycle,
    department_parsed,
    other_township,
    rubrics,
    seed_bytes,
    submission,
    town_reporter,
    township,
    township_parsed,
)
