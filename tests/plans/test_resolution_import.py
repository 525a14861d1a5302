"""Issue 14, resolution at import: the 南海 plan imported into a directory that already holds its units under other
names creates no duplicate; the preview shows each match with its reason, groups apart; choices become aliases so
the next import matches exactly; the preview warns of another jurisdiction's document and of a plan already
imported, before anything is saved."""

import json
import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lawgov.models import Role, Unit, UnitKind, User
from plans import services
from plans.demo import seed_app as seed_plans
from plans.importing import benchmark
from plans.importing.units import is_group_phrase
from plans.models import Assignment, Plan, PlanImport
from tests.plans.conftest import DAXING, NANHAI, PANYU, seed_bytes

pytestmark = pytest.mark.django_db

D, G = UnitKind.DEPARTMENT, UnitKind.GROUP
# The units the 南海 plan names, as a directory of today would hold them: none under the printed name except
# three, each under a name that differs as real directories differ (full 办公室, no qualifier, 区 prefix,
# the short form of a long name …). (name, kind, short name, aliases)
NANHAI_DIRECTORY = [
    ("区编办", D, "", []),
    ("区民政和外事侨务局", D, "", []),
    ("共青团南海区委员会", D, "", ["团区委"]),
    ("区发展规划和统计局", D, "", []),
    ("区委人才工作领导小组办公室", D, "人才办", []),
    ("区政府办公室", D, "", []),
    ("区环境运输和城市管理局", D, "", []),
    ("区政务服务中心", D, "", []),
    ("区行政服务中心", D, "", []),
    ("区政务监察和审计局", D, "", []),
    ("区经济促进局", D, "", []),
    ("区保密局", D, "", []),
    ("区法制办公室", D, "", []),
    ("区财政局", D, "", []),
    ("区国土城建和水务局", D, "", []),
    ("区政府采购中心", D, "", []),
    ("区委依法治区办", D, "", []),
    ("区信访局", D, "", []),
    ("区应急办", D, "", []),
    ("区综治办", D, "", []),
    ("区市场监管局", D, "", []),
    ("区公安分局", D, "", []),
    ("区卫生和人口计划生育局", D, "", []),
    ("区人力资源社会保障局", D, "", []),
    ("各有关部门", G, "", []),
]


@pytest.fixture
def nanhai(db) -> Unit:
    city = Unit.objects.create(name="佛山市", kind=UnitKind.CITY)
    district = Unit.objects.create(name="南海区", kind=UnitKind.DISTRICT, parent=city)
    for name, kind, short, aliases in NANHAI_DIRECTORY:
        Unit.objects.create(
            name=name, kind=kind, short_name=short, aliases=aliases, jurisdiction=district, parent=district
        )
    return district


@pytest.fixture
def nanhai_office(nanhai) -> User:
    return User.objects.create_user("fzb_nh", password="x-pass-1234", role=Role.LEGAL_OFFICE, jurisdiction=nanhai)


def preview_of(client, name: str) -> tuple[str, str]:
    response = client.post(reverse("plans:import"), {"file": _upload(name), "encoding": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"], client.get(response["Location"]).content.decode()


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, seed_bytes(name))


def test_nanhai_into_a_directory_with_its_units_under_other_names_creates_no_duplicate(client, nanhai, nanhai_office):
    units_before = set(Unit.objects.filter(jurisdiction=nanhai).values_list("pk", flat=True))
    client.force_login(nanhai_office)
    location, body = preview_of(client, NANHAI)
    plan_import = PlanImport.objects.get()
    decisions = services.unit_decisions(jurisdiction=nanhai, names=services.parsed_unit_names(plan_import.parsed))
    units = [d for d in decisions if not d.is_group]
    # Every printed name has its unit, with a reason; the page shows them.
    assert all(d.match is not None for d in decisions), [d.printed for d in decisions if d.match is None]
    reasons = {d.key: d.reason for d in units}
    assert reasons["区编办"] == "名称相同"
    assert reasons["团区委"] == "别名" and reasons["人才办"] == "简称"
    assert reasons["信访局"] == "规范化后相同"
    assert reasons["区委办(区府办)"] == "规范化后相同(括注“区府办”)"
    assert reasons["市场监督管理局"] == "相似度 0.85(简称)"
    for reason in ("名称相同", "别名", "简称", "规范化后相同", "相似度 0.85(简称)", "区市场监管局"):
        assert reason in body
    assert "新建单位(" in body and 'value="new" selected' not in body
    # 区环境运输和城市管理局(城管) and 环境运输和城市管理局(城管): one decision, both shown in its row.
    environment = next(d for d in units if "环境运输和城市管理局(城管)" in d.printed)
    assert environment.printed == ["区环境运输和城市管理局(城管)", "环境运输和城市管理局(城管)"]
    assert "同一单位的2种写法" in body

    # Confirm as the page proposes: each select sends its selected option.
    form = {f"unit:{d.key}": str(d.match.pk) for d in decisions}
    confirmed = client.post(location, form, follow=True)
    assert "新建单位" not in confirmed.content.decode()
    assert set(Unit.objects.filter(jurisdiction=nanhai).values_list("pk", flat=True)) == units_before
    plan = Plan.objects.get()
    assert plan.tasks.count() == 23
    market = Unit.objects.get(jurisdiction=nanhai, name="区市场监管局")
    assert Assignment.objects.filter(clause__task__plan=plan, unit=market, printed_name="市场监督管理局").exists()
    # What was matched under another spelling is now an alias: the next import matches it exactly.
    assert "市场监督管理局" in market.aliases
    environment_unit = Unit.objects.get(name="区环境运输和城市管理局")
    assert set(environment.printed) <= set(environment_unit.aliases)
    again = services.unit_decisions(jurisdiction=nanhai, names=services.parsed_unit_names(plan_import.parsed))
    assert {d.match.rule for d in again} <= {"exact", "alias"}, [(d.key, d.reason) for d in again]


def test_a_choice_changed_in_the_preview_is_applied_and_learnt(client, nanhai, nanhai_office):
    client.force_login(nanhai_office)
    location, _ = preview_of(client, NANHAI)
    decisions = services.unit_decisions(
        jurisdiction=nanhai, names=services.parsed_unit_names(PlanImport.objects.get().parsed)
    )
    service_centre = Unit.objects.get(jurisdiction=nanhai, name="区行政服务中心")
    form = {f"unit:{d.key}": str(d.match.pk) for d in decisions}
    form["unit:政务服务中心"] = str(service_centre.pk)  # the office knows both names mean one centre
    form["unit:团区委"] = "new"
    form["unit:保密局"] = "skip"
    client.post(location, form)
    service_centre.refresh_from_db()
    assert "政务服务中心" in service_centre.aliases
    assert Assignment.objects.filter(unit=service_centre, printed_name="政务服务中心").exists()
    assert Unit.objects.filter(jurisdiction=nanhai, name="团区委", kind=UnitKind.DEPARTMENT).exists()
    assert not Assignment.objects.filter(printed_name="保密局").exists()


def test_a_choice_outside_the_jurisdiction_changes_nothing(client, nanhai, nanhai_office, demo):
    client.force_login(nanhai_office)
    location, _ = preview_of(client, NANHAI)
    outsider = Unit.objects.get(jurisdiction__name="番禺区", name="区财政局")
    response = client.post(location, {"unit:区财政局": str(outsider.pk)}, follow=True)
    assert "不存在或不属于本辖区" in response.content.decode()
    assert not Plan.objects.exists() and PlanImport.objects.get().status == PlanImport.Status.PREVIEW
    assert not any("区财政局" in u.aliases for u in Unit.objects.all())


def test_group_and_role_phrases_are_listed_apart_and_created_as_groups(client, panyu_officer, panyu):
    client.force_login(panyu_officer)
    location, body = preview_of(client, PANYU)
    units_part, groups_part = body.split("data-group-decisions", 1)
    units_part = units_part.split("data-unit-decisions", 1)[1]
    for phrase in ("行政决策起草和主办部门", "区政府各部门", "各镇街"):
        assert phrase in groups_part and f'data-decision="{phrase}"' not in units_part
    assert 'data-decision="区财政局"' in units_part
    client.post(location)
    role = Unit.objects.get(jurisdiction=panyu, name="行政决策起草和主办部门")
    assert role.kind == UnitKind.GROUP


def test_another_jurisdictions_document_is_warned_before_confirming(client, panyu_officer):
    client.force_login(panyu_officer)
    _, body = preview_of(client, DAXING)
    assert 'data-check="other_jurisdiction"' in body
    assert "“大兴区”" in body and "番禺区(广州市)" in body
    assert not Plan.objects.exists()
    _, own = preview_of(client, PANYU)
    assert 'data-check="other_jurisdiction"' not in own


def test_a_plan_already_imported_is_warned_before_confirming_with_a_link(client, panyu_officer, panyu):
    client.force_login(panyu_officer)
    _, first = preview_of(client, PANYU)
    assert 'data-check="already_imported"' not in first
    plan = services.plan_import_bytes(data=seed_bytes(PANYU), filename=PANYU, jurisdiction=panyu, by=None).plan
    _, body = preview_of(client, PANYU)
    assert 'data-check="already_imported"' in body and "同一文件" in body and "文号相同" in body
    assert reverse("plans:detail", args=[plan.pk]) in body
    assert Plan.objects.count() == 1


def test_dry_run_json_carries_the_resolution(nanhai):
    out = StringIO()
    call_command(
        "import_plan", f"fixtures/seeds/{NANHAI}", "--jurisdiction", "南海区", "--dry-run", "--json", stdout=out
    )
    resolution = json.loads(out.getvalue())["resolution"]
    assert resolution["jurisdiction"] == "南海区" and resolution["checks"] == []
    market = next(u for u in resolution["units"] if u["printed"] == ["市场监督管理局"])
    assert market["match"]["name"] == "区市场监管局" and market["match"]["rule"] == "similar"
    assert market["reason"] == "相似度 0.85(简称)" and market["new_kind"] is None
    assert all(not u["group"] for u in resolution["units"]) and all(g["group"] for g in resolution["groups"])
    assert {"printed", "match", "reason", "candidates", "group", "new_kind"} <= set(market)
    assert not Plan.objects.exists()


def test_resolution_reads_the_directory_in_two_queries_and_is_fast_with_616_units(django_assert_num_queries):
    city = Unit.objects.create(name="广州市", kind=UnitKind.CITY)
    directory = benchmark.resolution_directory(616)
    Unit.objects.bulk_create(
        Unit(name=unit.name, kind=UnitKind.DEPARTMENT, jurisdiction=city, parent=city) for unit in directory.units
    )
    names = benchmark.resolution_names(tasks=100)
    elapsed = float("inf")
    for _ in range(3):
        started = time.process_time()
        with django_assert_num_queries(2):  # the units; the jurisdiction's parent
            decisions = services.unit_decisions(jurisdiction=city, names=names)
        elapsed = min(elapsed, time.process_time() - started)
    assert len(decisions) >= 60
    assert elapsed < 0.2, f"{elapsed * 1000:.0f} ms"


def test_no_unit_named_by_a_role_or_group_phrase_is_a_department_after_seeding(demo):
    seed_plans(log=lambda _: None)
    named = [u.name for u in Unit.objects.active().exclude(kind=UnitKind.GROUP) if is_group_phrase(u.name)]
    assert named == []
    assert Unit.objects.get(jurisdiction__name="番禺区", name="行政决策起草和主办部门").kind == UnitKind.GROUP


def test_the_preview_reads_as_many_queries_with_a_bigger_directory(client, nanhai, nanhai_office):
    client.force_login(nanhai_office)
    location, _ = preview_of(client, NANHAI)
    with CaptureQueriesContext(connection) as few:
        assert client.get(location).status_code == 200
    Unit.objects.bulk_create(
        Unit(name=f"第{n}街道办事处", kind=UnitKind.TOWNSHIP, jurisdiction=nanhai, parent=nanhai) for n in range(200)
    )
    with CaptureQueriesContext(connection) as many:
        body = client.get(location).content.decode()
    assert "第199街道办事处" in body
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]
