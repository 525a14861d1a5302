"""The API tests cover every app's endpoints: they borrow the assessment tests' cycle (rubrics imported from
the 昭化 seed, two departments and two townships)."""

from tests.assessment.conftest import (  # noqa: F401
    annexes,
    cycle,
    other_township,
    rubrics,
    seed_bytes,
    township,
)
