import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import plan_factory

TODAY = dt.date(2026, 11, 22)
PDF = b"%PDF-1.4\n%test evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name: str = "会议纪要.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def plan(district, unit, other_unit):
    """Three tasks led by 区编办 (``unit``) with 区财政局 (``other_unit``) cooperating."""
    return plan_factory(
        jurisdiction=district,
        tasks=3,
        lead=unit,
        cooperating=other_unit,
        due_on=TODAY + dt.timedelta(days=60),
    )


@pytest.fixture
def task(plan):
    return plan.tasks.order_by("position").first()
