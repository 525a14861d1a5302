"""Plan pages: upload → preview → confirm, bad files refused with a Chinese message, visibility, query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lawgov.models import Unit
from plans import services
from plans.models import Plan, PlanImport, Task
from tests.plans.conftest import DAXING, PANYU, ZHAOHUA, district_named, seed_bytes

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def upload(client, name: str, data: bytes, encoding: str = ""):
    return client.post(reverse("plans:import"), {"file": SimpleUploadedFile(name, data), "encoding": encoding})


def test_upload_preview_confirm(client, panyu_officer):
    client.force_login(panyu_officer)
    response = upload(client, PANYU, seed_bytes(PANYU))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    body = preview.content.decode()
    assert "38 项任务" in body and "番府办〔2016〕60号" in body
    assert "单位对应" in body and "名称相同" in body
    assert not Plan.objects.exists()
    confirmed = client.post(response["Location"], follow=True)
    plan = Plan.objects.get()
    assert confirmed.redirect_chain[-1][0] == reverse("plans:detail", args=[plan.pk])
    assert "新建规划" in confirmed.content.decode()
    assert plan.tasks.count() == 38
    assert PlanImport.objects.get().status == PlanImport.Status.CONFIRMED
    # A second confirm of the same preview is refused, nothing duplicated.
    client.post(response["Location"])
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "encoding", "message"),
    [
        ("empty.txt", b"", "", "文件为空"),
        ("photo.docx", PNG, "", "不是有效的Word文档"),
        ("blob.txt", bytes(range(256)) * 20, "", "不是"),
        ("big.txt", b"a" * (30 * 1024 * 1024), "", "10 MB"),
        ("notes.txt", "今天开会,讨论了一些事情。\n明天继续。".encode(), "", "任务"),
        ("gbk.txt", seed_bytes(ZHAOHUA).decode("utf-8").encode("gb18030"), "utf-8", "UTF-8"),
        ("plan.odt", b"an OpenDocument text", "", "只接受"),
    ],
)
def test_bad_files_get_a_chinese_message_and_nothing_is_written(client, panyu_officer, name, data, encoding, message):
    client.force_login(panyu_officer)
    response = upload(client, name, data, encoding)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanImport.objects.exists() and not Plan.objects.exists()


def test_gbk_file_is_read_when_not_declared(client, panyu_officer):
    client.force_login(panyu_officer)
    response = upload(client, "zhaohua-gbk.txt", seed_bytes(ZHAOHUA).decode("utf-8").encode("gb18030"))
    assert response.status_code == 302
    assert len(PlanImport.objects.get().parsed["tasks"]) == 20


@pytest.mark.parametrize("who", ["panyu_reporter", "panyu_leader"])
def test_only_the_legal_office_imports(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("plans:import")).status_code == 403
    assert upload(client, PANYU, seed_bytes(PANYU)).status_code == 403
    assert not PlanImport.objects.exists()


def test_another_districts_preview_is_not_found(client, panyu_officer, nanhai_officer, panyu):
    plan_import = services.plan_import_preview(
        data=seed_bytes(PANYU), filename=PANYU, jurisdiction=panyu, by=panyu_officer
    )
    client.force_login(nanhai_officer)
    assert client.get(reverse("plans:import-preview", args=[plan_import.pk])).status_code == 404


@pytest.fixture
def panyu_plan(panyu):
    return services.plan_import_bytes(data=seed_bytes(PANYU), filename=PANYU, jurisdiction=panyu, by=None).plan


def test_reporter_sees_only_its_units_tasks(client, panyu_reporter, panyu_plan):
    client.force_login(panyu_reporter)
    mine = Task.objects.visible_to(panyu_reporter)
    assert 0 < mine.count() < 38
    body = client.get(reverse("plans:detail", args=[panyu_plan.pk])).content.decode()
    assert f"{mine.count()} 项" in body
    other = Task.objects.filter(plan=panyu_plan).exclude(pk__in=mine).first()
    assert client.get(reverse("tasks:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("tasks:detail", args=[mine.first().pk])).status_code == 200


def test_plan_filter_by_unit_and_role(client, panyu_officer, panyu_plan):
    client.force_login(panyu_officer)
    unit = Unit.objects.get(jurisdiction__name="番禺区", name="区编办")
    response = client.get(reverse("plans:detail", args=[panyu_plan.pk]), {"unit": unit.pk, "role": "lead"})
    # 区编办 leads directly and also through 区政府各部门, the group phrase that stands for every department.
    expected = Task.objects.filter(plan=panyu_plan).with_unit(unit.covering_ids(), "lead").count()
    assert expected > 0
    assert f"{expected} 项" in response.content.decode()


def test_plan_page_query_count_does_not_grow_with_tasks(client, panyu_officer, panyu):
    """Queries: session, user, plan, units list, tasks visible, clauses, assignments+units, deadlines,
    targets, sections, requirements exists; none per task."""
    client.force_login(panyu_officer)
    small = services.plan_import_bytes(
        data=seed_bytes(ZHAOHUA), filename=ZHAOHUA, jurisdiction=district_named("昭化区"), by=None
    ).plan
    big = services.plan_import_bytes(data=seed_bytes(PANYU), filename=PANYU, jurisdiction=panyu, by=None).plan
    panyu_officer.jurisdiction = district_named("昭化区")
    panyu_officer.save()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("plans:detail", args=[small.pk]))
    panyu_officer.jurisdiction = panyu
    panyu_officer.save()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("plans:detail", args=[big.pk]))
    assert len(many) == len(few)


def test_legal_office_assigns_units_to_daxing_task(client, demo):
    services.plan_import_bytes(data=seed_bytes(DAXING), filename=DAXING, jurisdiction=district_named("大兴区"), by=None)
    officer = Unit.objects.get(name="大兴区")
    from lawgov.models import Role, User

    user = User.objects.create_user("fzb_daxing", password="x-pass-1234", role=Role.LEGAL_OFFICE, jurisdiction=officer)
    client.force_login(user)
    task = Task.objects.get(plan__jurisdiction=officer, path__endswith="/1")
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "待分配" in page
    clause = task.clauses.first()
    unit = Unit.objects.get(jurisdiction=officer, name="区司法局")
    response = client.post(
        reverse("plans:clause-assign", args=[clause.pk]), {"unit": unit.pk, "role": "lead"}, follow=True
    )
    body = response.content.decode()
    assert "牵头 · 区司法局" in body
    assert "变更记录" in body and "分工新增" in body and "fzb_daxing" in body


def test_reporter_cannot_assign(client, panyu_reporter, panyu_plan):
    client.force_login(panyu_reporter)
    clause = Task.objects.visible_to(panyu_reporter).first().clauses.first()
    unit = Unit.objects.get(jurisdiction__name="番禺区", name="区财政局")
    assert (
        client.post(reverse("plans:clause-assign", args=[clause.pk]), {"unit": unit.pk, "role": "lead"}).status_code
        == 403
    )


def test_unit_page_lists_its_clauses_by_role(client, panyu_officer, panyu_plan):
    """Issue 14: the old address of a unit's tasks leads to the unit's page, the one place of its work."""
    client.force_login(panyu_officer)
    unit = Unit.objects.get(jurisdiction__name="番禺区", name="区编办")
    response = client.get(reverse("plans:unit-tasks", args=[unit.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("unit-detail", args=[unit.pk])
    body = client.get(response["Location"]).content.decode()
    assert 'data-role-group="lead"' in body and panyu_plan.title[:20] in body


def test_a_rubric_uploaded_as_a_plan_is_refused_with_its_kind_and_reason(client, panyu_officer):
    """Issue "Plan import reads what districts actually publish": a rubric was turned into "tasks"."""
    from tests.plans.test_parsing_general import RUBRIC

    client.force_login(panyu_officer)
    response = upload(client, "细则.txt", RUBRIC.encode())
    assert response.status_code == 400
    body = response.content.decode()
    assert "这份文件看起来是考核评分细则,不是工作规划" in body
    assert "扣分" in body and "请到考核细则导入页上传" in body
    # …and offered to the rubric import in one click.
    assert f'href="{reverse("assessment:rubric-import")}" data-offer-rubric' in body
    assert not PlanImport.objects.exists() and not Plan.objects.exists()


def test_a_plan_refused_for_another_reason_is_not_offered_to_the_rubric_import(client, panyu_officer):
    client.force_login(panyu_officer)
    response = upload(client, "空.txt", b"")
    assert response.status_code == 400 and "data-offer-rubric" not in response.content.decode()


def test_the_preview_marks_the_lines_ocr_read_uncertainly(client, panyu_officer):
    client.force_login(panyu_officer)
    response = upload(client, PANYU, seed_bytes(PANYU))
    plan_import = PlanImport.objects.get()
    plan_import.parsed["ocr_doubts"] = [{"page": 3, "line": 12, "text": "区编办牵头,区财攻局配合", "confidence": 41.0}]
    plan_import.save(update_fields=["parsed"])
    page = client.get(response["Location"]).content.decode()
    assert "文字识别(OCR)存疑的行(1 行)" in page and "区编办牵头,区财攻局配合(第3页)" in page


def test_the_preview_shows_each_ocr_doubt_beside_its_task(client, panyu_officer):
    """Issue 13: a doubtful OCR line is shown in the tree beside the task it was read in (as printed:
    a wrap space, a misread character, the task's own number), and still in the list with its page."""
    client.force_login(panyu_officer)
    response = upload(client, PANYU, seed_bytes(PANYU))
    plan_import = PlanImport.objects.get()
    plan_import.parsed["ocr_doubts"] = [
        # Task (一)4 as scanned: its number, a wrap space, and 垄断 misread as 龚断 in the second half.
        {"page": 2, "line": 7, "text": "4.全面清理规范行政审批 中介服务项目及收费,破除中介服务龚断", "confidence": 38},
        {"page": 3, "line": 2, "text": "创新市场监管方式,完善市场监管体系", "confidence": 52.5},
        {"page": 1, "line": 1, "text": "第1页", "confidence": 20.0},  # too short to place: the list only
    ]
    plan_import.save(update_fields=["parsed"])
    page = client.get(response["Location"]).content.decode()
    assert "文字识别(OCR)存疑的行(3 行)" in page
    four = page.split('data-preview-task="二/(一)/4"', 1)[1].split("</li>", 1)[0]
    assert 'data-task-ocr-doubts="二/(一)/4"' in four and "中介服务龚断”(第2页)" in four
    six = page.split('data-preview-task="二/(一)/6"', 1)[1].split("</li>", 1)[0]
    assert "“创新市场监管方式,完善市场监管体系”(第3页)" in six
    assert page.count("data-task-ocr-doubts=") == 2
