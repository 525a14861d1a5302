"""Issue 6: the benchmark command builds a district-year, times the whole job and leaves nothing behind."""

import io

from django.core.management import call_command

from reports.models import AnnualReport, Statistic
from tasks.models import ProgressReport


def test_bench_report_prints_the_time_and_rolls_back(db):
    out = io.StringIO()
    call_command("bench_report", tasks=20, reports=200, figures=40, runs=1, districts=2, stdout=out)
    text = out.getvalue()
    assert "生成数据:20 项任务,200 条进展,40 项统计数据" in text
    assert "年度报告生成(含.docx)中位数" in text and "通过" in text
    assert "生成市级数据:2 个区,每区 20 项任务、200 条进展" in text
    assert "市级年度报告(2个区,含.docx)生成中位数" in text and text.count("通过") == 2
    assert not AnnualReport.objects.exists() and not ProgressReport.objects.exists()
    assert not Statistic.objects.exists()
