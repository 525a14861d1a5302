"""The import preview's corrections: who may make them, bad input refused with nothing saved, corrections
stored with the plan and applied again when a revised version of the document is imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import services
from plans.models import Plan, PlanImport, PlanImportCorrection
from tests.plans.test_corrections import QINGCHUAN, REVISED

pytestmark = pytest.mark.django_db

LEVEL = {"kind": "task_level", "value": "1."}


@pytest.fixture
def preview(panyu, panyu_officer) -> PlanImport:
    return services.plan_import_preview(
        data=QINGCHUAN.encode(), filename="qingchuan.txt", jurisdiction=panyu, by=panyu_officer
    )


def correct(client, plan_import, **data):
    return client.post(reverse("plans:import-correct", args=[plan_import.pk]), data)


def test_preview_shows_the_tree_the_level_and_the_class(client, panyu_officer, preview):
    client.force_login(panyu_officer)
    body = client.get(reverse("plans:import-preview", args=[preview.pk])).content.decode()
    assert "按“(一)”一级识别为任务(共5项)" in body
    assert "工作规划" in body and "标题含“工作要点”" in body
    assert 'data-preview-section="二"' in body and body.count("data-preview-task=") == 5
    assert "“1.”一级(6 项任务)" in body


def test_the_legal_office_changes_the_level_and_confirms(client, panyu_officer, preview):
    client.force_login(panyu_officer)
    response = correct(client, preview, **LEVEL)
    assert response.status_code == 302
    row = PlanImportCorrection.objects.get()
    assert (row.kind, row.value, row.created_by, row.plan) == ("task_level", "1.", panyu_officer, None)
    body = client.get(response["Location"]).content.decode()
    assert "按“1.”一级识别为任务(共6项)" in body and "已由法制办调整" in body
    assert 'data-preview-task="二/(三)/1"' in body
    client.post(reverse("plans:import-preview", args=[preview.pk]))
    plan = Plan.objects.get()
    assert sorted(plan.tasks.values_list("path", flat=True)) == sorted(
        ["二/(一)", "二/(二)", "二/(三)/1", "二/(三)/2", "二/(四)", "二/(五)"]
    )
    assert plan.sections.filter(path="二/(三)").exists()
    row.refresh_from_db()
    assert row.plan == plan and PlanImport.objects.get().status == PlanImport.Status.CONFIRMED


def test_a_revised_document_gets_the_corrections_again(client, panyu, panyu_officer, preview):
    client.force_login(panyu_officer)
    correct(client, preview, **LEVEL)
    correct(client, preview, kind="unit_role", target="二/(五)", unit="县司法局", role="lead")
    client.post(reverse("plans:import-preview", args=[preview.pk]))
    plan = Plan.objects.get()
    # The revision rewrites (四) and drops (五): the level applies again, the role change is reported.
    revised = REVISED.replace(
        "(五)强化法治宣传教育。落实“谁执法谁普法”普法责任制,每年开展法治讲座不少于4次。\n牵头单位:县委宣传部\n"
        "配合单位:县司法局、县教育局\n",
        "",
    )
    upload = client.post(
        reverse("plans:import"), {"file": SimpleUploadedFile("qingchuan-v2.txt", revised.encode()), "encoding": ""}
    )
    assert upload.status_code == 302
    body = client.get(upload["Location"]).content.decode()
    assert "按“1.”一级识别为任务(共5项)" in body and "上次导入时所做,本次自动套用" in body
    assert "未能套用的修改(1 项)" in body and "找不到任务“二/(五)”" in body
    confirmed = client.post(upload["Location"], follow=True)
    assert "未能套用的修改 1 项" in confirmed.content.decode()
    assert Plan.objects.count() == 1
    paths = set(plan.tasks.active().values_list("path", flat=True))
    assert paths == {"二/(一)", "二/(二)", "二/(三)/1", "二/(三)/2", "二/(四)"}
    assert "繁简分流" in plan.tasks.get(path="二/(四)").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "task_level", "value": "(1)"}, "没有“(1)”这一级编号"),
        ({"kind": "merge", "target": "二/(一)", "value": "二/(五)"}, "只能合并相邻的两项任务"),
        ({"kind": "not_task", "target": "九"}, "找不到任务“九”"),
        ({"kind": "drop_table"}, "不支持的修改"),
        (
            {"kind": "unit_role", "target": "二/(一)", "unit": "县政府办", "role": "boss"},
            "单位角色只能在牵头和配合之间调整",
        ),
        ({"kind": "split", "target": "二/(一)", "value": "x" * 3000}, "内容过长"),
    ],
)
def test_a_bad_correction_is_400_with_a_message_and_nothing_saved(client, panyu_officer, preview, data, message):
    client.force_login(panyu_officer)
    response = correct(client, preview, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanImportCorrection.objects.exists()


def test_only_the_jurisdictions_legal_office_corrects(client, request, preview, nanhai_officer):
    for who, status in (("panyu_reporter", 403), ("panyu_leader", 403)):
        client.force_login(request.getfixturevalue(who))
        assert correct(client, preview, **LEVEL).status_code == status
        assert client.get(reverse("plans:import-preview", args=[preview.pk])).status_code == status
    client.force_login(nanhai_officer)
    assert correct(client, preview, **LEVEL).status_code == 404
    assert not PlanImportCorrection.objects.exists()
    assert not PlanImport.objects.visible_to(nanhai_officer).exists()


def test_undo_a_correction_before_confirming_and_not_after(client, panyu_officer, preview):
    client.force_login(panyu_officer)
    correct(client, preview, **LEVEL)
    row = PlanImportCorrection.objects.get()
    undo = reverse("plans:import-correction-undo", args=[preview.pk, row.pk])
    assert client.post(undo).status_code == 302
    row.refresh_from_db()
    assert row.deleted_at is not None
    body = client.get(reverse("plans:import-preview", args=[preview.pk])).content.decode()
    assert "按“(一)”一级识别为任务(共5项)" in body
    correct(client, preview, **LEVEL)
    client.post(reverse("plans:import-preview", args=[preview.pk]))
    kept = PlanImportCorrection.objects.active().get()
    assert client.post(reverse("plans:import-correction-undo", args=[preview.pk, kept.pk])).status_code == 400
    assert correct(client, preview, kind="task_level", value="(一)").status_code == 400
    assert PlanImportCorrection.objects.active().count() == 1
