"""A city's report drafted from its districts' data: their measures attributed to them (番禺区司法局…), their
figures added up with each district named, and a city whose districts have no data says so."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lawgov.models import Role, Unit, UnitKind
from reports import generator, services
from reports.models import Indicator, Statistic
from tests.conftest import make_user
from tests.reports.test_annual_generator import TODAY, YEAR, build_year, draft, measure_paragraphs, paragraphs


@pytest.fixture
def city(district) -> Unit:
    return district.parent


@pytest.fixture
def city_officer(city):
    return make_user("fzb_gz", Role.LEGAL_OFFICE, jurisdiction=city)


@pytest.fixture
def two_districts(city, district, legal_officer):
    panyu = build_year(district)
    tianhe = Unit.objects.create(name="天河区", kind=UnitKind.DISTRICT, parent=city)
    make_user("fzb_th", Role.LEGAL_OFFICE, jurisdiction=tianhe)
    th = build_year(tianhe)
    for n, r in enumerate(th["reports"]):  # the same facts in other words: nothing to merge as a repeat
        r.text = [
            "区司法局办结行政复议案件86件。",
            "我区开通复议网上申请。",
            "公示执法人员信息。",
            "区政府常务会议学法4次。",
        ][n]
        r.save()
    Unit.objects.create(name="从化区", kind=UnitKind.DISTRICT, parent=city)  # no data at all
    return panyu, th, tianhe


def test_the_city_report_draws_on_its_districts_attributed_to_them(city, two_districts):
    panyu, th, _ = two_districts
    data, body = draft(city)
    assert data.districts == ["从化区", "天河区", "番禺区"] and data.districts_with_data == ["天河区", "番禺区"]
    assert data.theme_mode == "list"  # the districts' own sections differ: grouped by the theme list
    text = "".join(p["text"] for p in measure_paragraphs(body))
    # the units' accepted reports, each unit named with its district
    assert "番禺区司法局" in text and "天河区司法局" in text
    assert "番禺区城管局" in text or "天河区城管局" in text
    assert "番禺区司法局区司法局" not in text and "番禺区司法局建成行政复议网上受理平台" in text
    assert "天河区司法局办结行政复议案件86件" in text
    sources = {i for p in measure_paragraphs(body) for i in p["sources"]["reports"]}
    assert {r.pk for r in panyu["reports"]} <= sources and {r.pk for r in th["reports"]} <= sources
    opening = paragraphs(body)
    assert (
        opening["opening-districts"]["text"]
        == "本报告汇总了市本级和天河区、番禺区的法治政府建设情况,各区的做法以区名标明。"
    )
    assert body["title"] == f"广州市人民政府关于我市{YEAR}年法治政府建设情况的报告"


def test_the_city_adds_up_its_districts_figures_naming_them(city, two_districts):
    complaints = Indicator.objects.get(jurisdiction__isnull=True, name="行政复议申请")
    figures = {f.name: f for f in generator.gather_figures(jurisdiction=city, year=YEAR)}
    assert figures["行政复议申请"].value == Decimal(240)
    assert figures["行政复议申请"].cited == "收到行政复议申请240件(其中天河区120件、番禺区120件)"
    # the city's own row, where it has one, is the figure (not added to the districts')
    Statistic.objects.create(indicator=complaints, unit=city, jurisdiction=city, year=YEAR, value=Decimal(300))
    figures = {f.name: f for f in generator.gather_figures(jurisdiction=city, year=YEAR)}
    assert figures["行政复议申请"].value == Decimal(300) and figures["行政复议申请"].cited == "收到行政复议申请300件"
    _, body = draft(city)
    assert "收到行政复议申请300件" in "".join(p["text"] for p in paragraphs(body).values())


def test_a_city_whose_districts_have_no_data_says_so(city, district):
    data, body = draft(city)
    assert data.districts == ["番禺区"] and data.districts_with_data == []
    texts = paragraphs(body)
    assert texts["opening-districts"]["text"].startswith(f"广州市所辖各区在本平台没有{YEAR}年的法治政府建设数据")
    assert "没有法治政府建设工作计划" in texts["opening"]["text"]


def test_a_district_report_has_no_district_paragraph(district, legal_officer):
    build_year(district)
    _, body = draft(district)
    assert "opening-districts" not in paragraphs(body)


def test_the_city_legal_office_drafts_the_city_report(city, city_officer, two_districts, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    requested = services.report_generation_request(jurisdiction=city, year=YEAR, by=city_officer, today=TODAY)
    version = services.report_job_run(job_id=requested.job.pk, celery_id="city-1", today=TODAY)
    assert version is not None and "番禺区司法局" in str(version.body)
    _, _, tianhe = two_districts
    officer_th = type(city_officer).objects.get(username="fzb_th")
    with pytest.raises(services.ReportError) as caught:  # a district's office does not draft the city's
        services.report_generation_request(jurisdiction=city, year=YEAR, by=officer_th, today=TODAY)
    assert caught.value.status == 403 and officer_th.jurisdiction == tianhe


def test_a_district_units_words_are_attributed_to_its_district():
    from reports.generator.facts import attributed, attributed_text

    assert attributed("番禺区", "区司法局") == "番禺区司法局"
    assert attributed("番禺区", "桥南街道") == "番禺区桥南街道"
    assert attributed("增城区", "增城区司法局") == "增城区司法局"
    assert attributed("从化县", "县司法局") == "从化县司法局"
    text = "区司法局落实区政府部署,我区率先完成;番禺区司法局获评先进。"
    assert attributed_text("番禺区", "区司法局", text) == (
        "番禺区司法局落实番禺区政府部署,番禺区率先完成;番禺区司法局获评先进。"
    )
    assert attributed_text("", "区司法局", "我区完成。") == "我区完成。"  # a district's own report: untouched
