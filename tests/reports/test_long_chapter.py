"""Issue 18: report numbering past 99 in a chapter. ``ordinal(100)`` was "十十" and from 110 an IndexError
failed the job; a draft whose first part has 150 themes (a plan of 150 sections) numbers its paragraphs
(一)…(一百五十) in the body's labels and in the .docx."""

import datetime as dt
import io

import pytest
from docx import Document

from plans.models import Plan, PlanKind, Section
from reports import docx_render
from reports.generator import gather, ordinal, wording_for, write
from tests.conftest import make_unit
from tests.reports.test_annual_generator import TODAY, YEAR, accept, add_task

pytestmark = pytest.mark.django_db
LP, RP = "\uff08", "\uff09"
TASKS = 150


@pytest.fixture
def long_chapter(district, legal_officer):
    justice = make_unit(district, "区司法局")
    plan = Plan.objects.create(
        jurisdiction=district,
        title=f"{district.name}{YEAR}年法治政府建设工作要点",
        kind=PlanKind.KEY_POINTS,
        issued_on=dt.date(YEAR, 3, 1),
        period_start=YEAR,
        period_end=YEAR,
    )
    for n in range(1, TASKS + 1):
        section = Section.objects.create(plan=plan, label=f"{n}.", title=f"第{n}方面工作", path=str(n), position=n)
        task = add_task(plan, section, n, f"第{n}项重点工作", lead=justice)
        accept(task, justice, dt.date(YEAR, 5, 1), f"第{n}项工作已按计划推进。", legal_officer)
    return district


def test_a_150_task_chapter_is_numbered_one_to_one_hundred_and_fifty(long_chapter):
    body = write(
        gather(jurisdiction=long_chapter, year=YEAR, theme_list=None, today=TODAY), wording_for(long_chapter.pk)
    )
    chapter = next(s for s in docx_render.paragraph_labels(body) if s.get("kind") == "measures")
    labels = [p["label"] for p in chapter["paragraphs"] if p["label"]]
    expected = [f"{LP}{ordinal(n)}{RP}" for n in range(1, TASKS + 1)]
    assert labels[:TASKS] == expected
    assert {f"{LP}一百{RP}", f"{LP}一百一十{RP}", f"{LP}一百五十{RP}"} <= set(labels)
    assert not any("十十" in label for label in labels)
    printed = [p.text for p in Document(io.BytesIO(docx_render.render_docx(body, author="区政府"))).paragraphs]
    numbered = [text.split(RP, 1)[0] + RP for text in printed if text.startswith(LP)]
    assert numbered[:TASKS] == expected
