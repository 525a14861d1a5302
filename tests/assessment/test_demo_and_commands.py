"""The demo seed (idempotent, runs on every ``make run``) and the management commands."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from assessment.demo import seed_app
from assessment.models import AssessmentCycle, ResponsibilityStatement, Rubric, Submission
from lawgov.services import demo_seed

pytestmark = pytest.mark.django_db


def test_demo_imports_zhaohua_and_opens_the_2017_cycle_once():
    demo_seed(password="demo-pass-1234")
    lines: list[str] = []
    seed_app(log=lines.append)
    seed_app(log=lines.append)
    assert Rubric.objects.count() == 2 and ResponsibilityStatement.objects.count() == 2
    cycle = AssessmentCycle.objects.get()
    assert (cycle.jurisdiction.name, cycle.year) == ("昭化区", 2017)
    assert (cycle.self_start, cycle.self_end) == (dt.date(2017, 12, 1), dt.date(2017, 12, 10))
    units = set(Submission.objects.filter(cycle=cycle).values_list("unit__name", flat=True))
    assert {"区发改局", "元坝镇"} <= units and "区政府法制办" not in units
    assert lines[-1] == "考核:昭化区2017年度考核已存在。"


def test_import_rubric_command(district, legal_officer):
    out = io.StringIO()
    call_command("import_rubric", "fixtures/seeds/003_2f94a3db44b8a14d.txt", "--jurisdiction", "番禺区", stdout=out)
    assert "区级各部门2017年度法治政府建设考核评分细则" in out.getvalue()
    assert Rubric.objects.filter(jurisdiction=district).count() == 2


def test_bench_command_prints_both_figures_and_leaves_nothing():
    out = io.StringIO()
    call_command("bench_assessment", "--units", "20", "--runs", "2", stdout=out)
    text = out.getvalue()
    assert "整轮评分与排名" in text and "审核队列页" in text and "排名页" in text
    assert "已回滚" in text
    assert not AssessmentCycle.objects.exists()
