"""The 分工 sheet round trip of issue 14: export, edit in a spreadsheet (openpyxl stands in for Excel/WPS),
upload, preview (added / removed / role changed / unchanged, row errors), confirm; stale previews, other
districts and bad files refused with a message and nothing changed."""

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plans import division, services
from plans.importing import division as sheet
from plans.models import Assignment, Clause, Deadline, DivisionImport, Task
from tests.conftest import make_unit, service_missing
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


# --- pure: cells ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("区司法局、区财政局", ["区司法局", "区财政局"]),
        ("区司法局,区财政局;各镇街", ["区司法局", "区财政局", "各镇街"]),
        ("区委办(区府办)、区人力资源和社会保障局", ["区委办(区府办)", "区人力资源和社会保障局"]),
        ("区司法局、 区司法局 、", ["区司法局"]),
        ("区 司法局\n区财政局", ["区司法局", "区财政局"]),
        (None, []),
        ("", []),
    ],
)
def test_unit_names_split(cell, names):
    assert sheet.unit_names_split(cell) == names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 6, 30), [("2026-06-30", dt.date(2026, 6, 30), None)]),
        ("2026-06-30", [("2026-06-30", dt.date(2026, 6, 30), None)]),
        ("2026/6/30", [("2026/6/30", dt.date(2026, 6, 30), None)]),
        ("2026年6月30日前", [("2026年6月30日前", dt.date(2026, 6, 30), None)]),
        ("2026年底前", [("2026年底前", dt.date(2026, 12, 31), None)]),
        ("每年12月底前", [("每年12月底前", None, {"rule": "yearly", "month": 12, "part": "end"})]),
        ("每季度末", [("每季度末", None, {"rule": "quarterly"})]),
        ("长期坚持", [("长期坚持", None, None)]),
        ("2026年底前;每年12月底前", [("2026年底前", dt.date(2026, 12, 31), None), ("每年12月底前", None, "yearly")]),
    ],
)
def test_deadline_cell_parse(value, expected):
    found = sheet.deadline_cell_parse(value, plan_year=2026, today=TODAY)
    got = [(d.text, d.due, d.recurrence) for d in found]
    for (text, due, recurrence), (t, d, r) in zip(expected, got, strict=True):
        assert (t, d) == (text, due)
        assert r == recurrence or (recurrence == "yearly" and r["rule"] == "yearly")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2023-02-30", "2023年2月没有30日"),
        ("2023年2月30日前", "不是存在的日期"),
        ("2026-13-01", "不是存在的日期"),
        ("尽快", "无法识别"),
        ("下周", "无法识别"),
    ],
)
def test_deadline_cell_refuses_what_is_not_a_date(value, says):
    with pytest.raises(sheet.DeadlineCellError) as exc:
        sheet.deadline_cell_parse(value, plan_year=2026, today=TODAY)
    assert says in exc.value.message


def test_a_file_that_is_not_a_sheet_or_is_a_zip_bomb_is_refused():
    with pytest.raises(sheet.SheetError, match="文件已损坏"):
        sheet.workbook_rows(b"not a zip at all")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(sheet.SheetError, match="压缩比异常"):
        sheet.workbook_rows(bomb.getvalue())


# --- the database: fixtures -------------------------------------------------------------------------------


@pytest.fixture
def justice(district):
    return make_unit(district, "区司法局", short_name="司法局")


@pytest.fixture
def plan(district, unit, other_unit, justice):
    """Three tasks led by 区编办 (task 1 helped by 区财政局); task 3 has two clauses."""
    plan = plan_factory(jurisdiction=district, tasks=3, lead=unit)
    first, _, third = plan.tasks.order_by("position")
    Assignment.objects.create(clause=first.clauses.get(), unit=other_unit, role="cooperating")
    Clause.objects.create(task=third, position=1, text="并建立台账。")
    Deadline.objects.create(task=first, text="2026年6月底前", due_on=dt.date(2026, 6, 30))
    return plan


def export(client, plan) -> tuple:
    response = client.get(reverse("plans:division-export", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == division.exporting.XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook, workbook[sheet.SHEET_TITLE]


def header_index(ws) -> tuple[int, dict[str, int]]:
    for row in ws.iter_rows(min_row=1, max_row=6):
        names = [c.value for c in row]
        if sheet.ID_HEADER in names:
            return row[0].row, {name: i + 1 for i, name in enumerate(names) if name}
    raise AssertionError("no header")


def body_rows(ws) -> list[dict]:
    at, col = header_index(ws)
    rows = []
    for number in range(at + 1, ws.max_row + 1):
        values = {name: ws.cell(number, index).value for name, index in col.items()}
        if values[sheet.ID_HEADER] is not None:
            rows.append({"row": number, **values})
    return rows


def set_cells(ws, task: Task, clause: Clause | None = None, **values) -> None:
    at, col = header_index(ws)
    for number in range(at + 1, ws.max_row + 1):
        if ws.cell(number, col[sheet.ID_HEADER]).value == task.pk and (
            clause is None or ws.cell(number, col[sheet.CLAUSE_HEADER]).value == clause.pk
        ):
            for name, value in values.items():
                ws.cell(number, col[name]).value = value
            return
    raise AssertionError(f"no row for task {task.pk}")


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, plan, data: bytes, name: str = "分工表.xlsx"):
    return client.post(reverse("plans:division-import", args=[plan.pk]), {"file": _file(data, name)})


def _file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=division.exporting.XLSX_CONTENT_TYPE)


def live(plan) -> dict:
    """The plan's 分工 as (task position, clause position) → {(unit, role)} and task → deadline texts."""
    parts: dict = {}
    for a in Assignment.objects.active().filter(clause__task__plan=plan).select_related("unit", "clause__task"):
        parts.setdefault((a.clause.task.position, a.clause.position), set()).add((a.unit.name, a.role))
    deadlines = {
        t.position: sorted(d.text for d in t.deadlines.all()) for t in plan.tasks.prefetch_related("deadlines")
    }
    return {"parts": parts, "deadlines": deadlines}


# --- export ------------------------------------------------------------------------------------------------


def test_export_has_one_row_per_task_or_clause_with_ids_units_and_deadlines(client, legal_officer, plan):
    client.force_login(legal_officer)
    _, ws = export(client, plan)
    first, second, third = plan.tasks.order_by("position")
    rows = body_rows(ws)
    assert [r[sheet.ID_HEADER] for r in rows] == [first.pk, second.pk, third.pk, third.pk]
    # A one-clause task needs no clause ID; each of task 3's clauses has its own row, ID and text.
    assert rows[0][sheet.CLAUSE_HEADER] is None
    clause_ids = list(third.clauses.order_by("position").values_list("pk", flat=True))
    assert [r[sheet.CLAUSE_HEADER] for r in rows[2:]] == clause_ids
    assert rows[3]["条款"] == "并建立台账。"
    assert rows[0]["任务"] == first.heading and rows[0]["序号"] == "1."
    assert (rows[0]["牵头单位"], rows[0]["配合单位"], rows[0]["完成时限"]) == ("区编办", "区财政局", "2026年6月底前")
    # A title and the filling notes above the header; the IDs are grey (system columns).
    at, col = header_index(ws)
    assert at == 4 and "任务分工表" in ws.cell(1, 1).value and "灰色列由系统生成" in ws.cell(2, 1).value
    assert ws.cell(at + 1, col[sheet.ID_HEADER]).fill.fgColor.rgb.endswith("EEEEEE")
    assert ws.cell(at + 1, col["牵头单位"]).fill.fill_type is None


def test_export_survives_a_formula_like_heading(client, legal_officer, plan):
    task = plan.tasks.order_by("position").first()
    Task.objects.filter(pk=task.pk).update(heading='=HYPERLINK("http://x")')
    client.force_login(legal_officer)
    _, ws = export(client, plan)
    cell = ws.cell(header_index(ws)[0] + 1, header_index(ws)[1]["任务"])
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# --- the round trip ------------------------------------------------------------------------------------------


def test_round_trip_preview_then_confirm_makes_the_plan_equal_the_sheet(client, legal_officer, plan, justice):
    client.force_login(legal_officer)
    workbook, ws = export(client, plan)
    first, second, third = plan.tasks.order_by("position")
    clause0, clause1 = third.clauses.order_by("position")
    # Task 1: 区司法局 leads, 区编办 moves from lead to cooperating, 区财政局 stays; its deadline is kept.
    set_cells(ws, first, 牵头单位="区司法局", 配合单位="区财政局、区编办")
    # Task 2: written by the alias (区委编办 is 区编办): unchanged; a deadline is given.
    set_cells(ws, second, 牵头单位="区委编办", 完成时限="2026年底前")
    # Task 3: clause 1 loses its lead, clause 2 gets 区司法局 (by its short name) as cooperating.
    set_cells(ws, third, clause0, 牵头单位=None)
    set_cells(ws, third, clause1, 配合单位="司法局", 完成时限="每年12月底前")
    set_cells(ws, third, clause0, 完成时限="每年12月底前")
    # The office sorts the rows the other way round: the IDs still find the tasks.
    at, _ = header_index(ws)
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=at + 1, max_row=ws.max_row)]
    for offset, row in enumerate(reversed(values)):
        for index, value in enumerate(row, start=1):
            ws.cell(at + 1 + offset, index).value = value
    before = live(plan)

    response = upload(client, plan, to_bytes(workbook))
    assert response.status_code == 302
    division_import = DivisionImport.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert live(plan) == before  # nothing applied before the confirmation
    counts = division_import.preview["counts"]
    assert counts == {"added": 2, "removed": 1, "changed": 1, "unchanged": 2, "deadlines": 2, "tasks": 3}
    by_task = {t["task_id"]: t for t in division_import.preview["tasks"]}
    assert [a["unit"] for a in by_task[first.pk]["clauses"][0]["added"]] == ["区司法局"]
    assert by_task[first.pk]["clauses"][0]["changed"][0]["unit"] == "区编办"
    assert by_task[second.pk]["changed"] is True and by_task[second.pk]["clauses"][0]["unchanged"]
    assert "+ 牵头 · 区司法局" in preview and "区编办:牵头 → 配合" in preview
    assert "<del>牵头 · 区编办</del>" in preview and "2026年底前(2026-12-31)" in preview
    assert "确认导入(3 项任务有变化)" in preview

    confirmed = client.post(reverse("plans:division-confirm", args=[division_import.pk]), follow=True)
    assert "分工表已导入:新增 2 个单位分工,移除 1 个,调整角色 1 个" in confirmed.content.decode()
    after = live(plan)
    assert after["parts"] == {
        (first.position, 0): {("区司法局", "lead"), ("区财政局", "cooperating"), ("区编办", "cooperating")},
        (second.position, 0): {("区编办", "lead")},
        (third.position, 1): {("区司法局", "cooperating")},
    }
    assert after["deadlines"] == {
        first.position: ["2026年6月底前"],
        second.position: ["2026年底前"],
        third.position: ["每年12月底前"],
    }
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.due_on == dt.date(2026, 12, 31) and third.due_on >= dt.date(2026, 12, 31)
    # Every change is in the history under the person who confirmed.
    records = Assignment.history.filter(clause__task__plan=plan, history_user=legal_officer)
    assert records.count() == 4 and set(records.values_list("history_change_reason", flat=True)) == {"分工表导入"}
    assert second.history.filter(history_user=legal_officer, history_change_reason__contains="2026年底前").exists()
    # The task page shows it; a new export reads exactly what was uploaded.
    page = client.get(reverse("tasks:detail", args=[second.pk])).content.decode()
    assert "分工表导入:时限 无 → 2026年底前" in page
    _, again = export(client, plan)
    rows = {(r[sheet.ID_HEADER], r[sheet.CLAUSE_HEADER]): r for r in body_rows(again)}
    assert rows[(first.pk, None)]["牵头单位"] == "区司法局"
    assert set(rows[(first.pk, None)]["配合单位"].split("、")) == {"区财政局", "区编办"}
    assert rows[(third.pk, clause1.pk)]["配合单位"] == "区司法局" and rows[(third.pk, clause0.pk)]["牵头单位"] is None
    # Confirming twice is refused.
    again_response = client.post(reverse("plans:division-confirm", args=[division_import.pk]), follow=True)
    assert "已经导入过" in again_response.content.decode()


@pytest.mark.slow
def test_a_sheet_saved_again_by_libreoffice_reads_back_unchanged(client, legal_officer, plan, tmp_path):
    """What WPS or Excel do to a sheet they save (numbers as floats, their own styles) changes nothing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        service_missing("LibreOffice (soffice) is not installed")
    client.force_login(legal_officer)
    source = tmp_path / "division.xlsx"
    source.write_bytes(client.get(reverse("plans:division-export", args=[plan.pk])).content)
    profile = (tmp_path / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck"]
    command += ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), str(source)]
    subprocess.run(command, check=True, timeout=180, capture_output=True)
    saved = (tmp_path / "out" / "division.xlsx").read_bytes()
    assert saved != source.read_bytes()
    assert upload(client, plan, saved).status_code == 302
    preview = DivisionImport.objects.get().preview
    assert not preview["errors"] and preview["counts"]["tasks"] == 0 and preview["counts"]["unchanged"] == 4


def test_a_sheet_without_changes_previews_as_unchanged(client, legal_officer, plan):
    client.force_login(legal_officer)
    workbook, _ = export(client, plan)
    upload(client, plan, to_bytes(workbook))
    preview = DivisionImport.objects.get().preview
    assert preview["counts"]["tasks"] == 0 and preview["counts"]["unchanged"] == 4 and not preview["errors"]


def test_a_task_without_clauses_gets_one_when_the_sheet_assigns_it(client, legal_officer, plan, justice):
    task = plan.tasks.order_by("position").first()
    task.clauses.all().delete()
    client.force_login(legal_officer)
    workbook, ws = export(client, plan)
    set_cells(ws, task, 牵头单位="区司法局")
    upload(client, plan, to_bytes(workbook))
    client.post(reverse("plans:division-confirm", args=[DivisionImport.objects.get().pk]))
    clause = task.clauses.get()
    assert clause.text == task.text and [a.unit for a in clause.assignments.active()] == [justice]


# --- row errors: shown, nothing applied ----------------------------------------------------------------------


def _preview_with(client, legal_officer, plan, edit) -> tuple[DivisionImport, str]:
    client.force_login(legal_officer)
    workbook, ws = export(client, plan)
    edit(ws)
    before = live(plan)
    response = upload(client, plan, to_bytes(workbook))
    assert response.status_code == 302, response.content.decode()[:2000]
    division_import = DivisionImport.objects.latest("pk")
    body = client.get(response["Location"]).content.decode()
    assert "data-division-errors" in body and "data-division-confirm" not in body
    refused = client.post(reverse("plans:division-confirm", args=[division_import.pk]), follow=True)
    assert "处错误" in refused.content.decode()
    assert live(plan) == before
    assert DivisionImport.objects.get(pk=division_import.pk).status == "preview"
    return division_import, body


def test_unknown_unit_is_a_row_error_with_a_suggestion(client, legal_officer, plan, justice):
    task = plan.tasks.order_by("position").first()
    _, body = _preview_with(client, legal_officer, plan, lambda ws: set_cells(ws, task, 牵头单位="区司法厅、区编办"))
    assert "牵头单位“区司法厅”不在番禺区的单位名录中,是否为“区司法局”?" in body
    assert "第 5 行" in body


def test_unknown_unit_without_anything_close(client, legal_officer, plan):
    task = plan.tasks.order_by("position").first()
    _, body = _preview_with(client, legal_officer, plan, lambda ws: set_cells(ws, task, 配合单位="区气象台"))
    assert "配合单位“区气象台”不在番禺区的单位名录中,请先在单位名录中添加" in body


def test_a_date_that_does_not_exist_is_a_row_error(client, legal_officer, plan):
    task = plan.tasks.order_by("position")[1]
    _, body = _preview_with(client, legal_officer, plan, lambda ws: set_cells(ws, task, 完成时限="2023-02-30"))
    assert "“2023-02-30”不是存在的日期(2023年2月没有30日)" in body


def test_a_row_of_another_plans_task_is_a_row_error(client, legal_officer, plan, district, unit):
    other = plan_factory(jurisdiction=district, tasks=1, lead=unit).tasks.get()
    task = plan.tasks.order_by("position").first()
    _, body = _preview_with(client, legal_officer, plan, lambda ws: set_cells(ws, task, 任务ID=other.pk))
    assert f"任务ID {other.pk} 不是本规划“{plan.title}”的任务" in body


def test_a_sheet_of_another_plan_is_named_as_such(client, legal_officer, plan, district, unit):
    other = plan_factory(jurisdiction=district, tasks=2, lead=unit)
    client.force_login(legal_officer)
    workbook, _ = export(client, other)
    before = live(plan)
    response = upload(client, plan, to_bytes(workbook))
    body = client.get(response["Location"]).content.decode()
    assert f"表中没有一行属于规划“{plan.title}”:这是另一份规划的分工表" in body
    assert live(plan) == before


def test_one_unit_in_two_roles_duplicate_rows_and_disagreeing_deadlines(client, legal_officer, plan):
    first, second, third = plan.tasks.order_by("position")
    clause0, clause1 = third.clauses.order_by("position")

    def edit(ws):
        set_cells(ws, first, 配合单位="区编办")  # also its lead
        set_cells(ws, third, clause0, 完成时限="2026年底前")
        set_cells(ws, third, clause1, 完成时限="2026年6月底前")
        _, col = header_index(ws)
        ws.cell(ws.max_row + 1, col[sheet.ID_HEADER]).value = second.pk  # the same task twice

    _, body = _preview_with(client, legal_officer, plan, edit)
    assert "“区编办”同时写在牵头单位和配合单位中" in body
    assert "与第 6 行是同一任务(分句),请只保留一行" in body
    assert "各行的完成时限不一致" in body


def test_a_multi_clause_task_row_without_its_clause_id(client, legal_officer, plan):
    third = plan.tasks.order_by("position")[2]
    clause0 = third.clauses.order_by("position").first()
    _, body = _preview_with(
        client, legal_officer, plan, lambda ws: set_cells(ws, third, clause0, **{sheet.CLAUSE_HEADER: None})
    )
    assert "有 2 个分句,请保留分句ID" in body


# --- stale previews, other districts, bad files ----------------------------------------------------------------


def test_a_stale_preview_is_refused_then_rechecked(client, legal_officer, plan, justice, other_unit):
    first, second, _ = plan.tasks.order_by("position")
    client.force_login(legal_officer)
    workbook, ws = export(client, plan)
    set_cells(ws, first, 牵头单位="区司法局")
    upload(client, plan, to_bytes(workbook))
    division_import = DivisionImport.objects.get()
    # Someone assigns a unit on the task page meanwhile.
    services.assignment_add(clause=second.clauses.get(), unit=other_unit, role="cooperating", by=legal_officer)
    before = live(plan)
    response = client.post(reverse("plans:division-confirm", args=[division_import.pk]), follow=True)
    assert "这份预览已过期,未做任何修改" in response.content.decode()
    assert live(plan) == before
    with pytest.raises(division.DivisionImportError) as exc:
        division.division_import_confirm(division_import=division_import, by=legal_officer, today=TODAY)
    assert exc.value.code == "stale"
    # Checked again against the plan as it is now, the sheet also removes that unit, and can be confirmed.
    response = client.post(reverse("plans:division-recheck", args=[division_import.pk]))
    fresh = DivisionImport.objects.latest("pk")
    assert response["Location"] == reverse("plans:division-preview", args=[fresh.pk])
    removed = [a["unit"] for t in fresh.preview["tasks"] for c in t["clauses"] for a in c["removed"]]
    assert sorted(removed) == sorted(["区财政局", "区编办"])
    client.post(reverse("plans:division-confirm", args=[fresh.pk]))
    assert live(plan)["parts"][(first.position, 0)] == {("区司法局", "lead"), ("区财政局", "cooperating")}


def test_a_renamed_directory_also_makes_a_preview_stale(client, legal_officer, plan, justice):
    first = plan.tasks.order_by("position").first()
    client.force_login(legal_officer)
    workbook, ws = export(client, plan)
    set_cells(ws, first, 牵头单位="区司法局")
    upload(client, plan, to_bytes(workbook))
    justice.soft_delete()  # retired after the preview: the name no longer resolves
    with pytest.raises(division.DivisionImportError) as exc:
        division.division_import_confirm(division_import=DivisionImport.objects.get(), by=legal_officer, today=TODAY)
    assert exc.value.code == "stale"


def test_another_districts_legal_office_cannot_export_upload_see_or_confirm(
    client, legal_officer, outsider_officer, leader, plan
):
    client.force_login(legal_officer)
    workbook, ws = export(client, plan)
    set_cells(ws, plan.tasks.order_by("position").first(), 牵头单位="区财政局")
    data = to_bytes(workbook)
    upload(client, plan, data)
    division_import = DivisionImport.objects.get()
    before = live(plan)
    client.force_login(outsider_officer)
    assert client.get(reverse("plans:division-export", args=[plan.pk])).status_code == 404
    assert upload(client, plan, data).status_code == 404
    assert client.get(reverse("plans:division-preview", args=[division_import.pk])).status_code == 404
    assert client.post(reverse("plans:division-confirm", args=[division_import.pk])).status_code == 404
    assert client.post(reverse("plans:division-recheck", args=[division_import.pk])).status_code == 404
    client.force_login(leader)  # the same district, but not the legal office
    response = client.get(reverse("plans:division-export", args=[plan.pk]))
    assert response.status_code == 403 and "无权访问" in response.content.decode()
    assert client.post(reverse("plans:division-confirm", args=[division_import.pk])).status_code == 403
    assert live(plan) == before and DivisionImport.objects.count() == 1
    assert DivisionImport.objects.get().status == "preview"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("分工表.xls", b"\xd0\xcf\x11\xe0", "只接受 .xlsx"),
        ("分工表.xlsx", b"plain text, not a workbook", "文件已损坏或不完整"),
        ("分工表.xlsx", b"", "文件为空"),
    ],
)
def test_bad_files_are_refused_with_a_message(client, legal_officer, plan, name, data, says):
    client.force_login(legal_officer)
    response = upload(client, plan, data, name)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert DivisionImport.objects.count() == 0


def test_a_workbook_without_the_id_column_is_refused(client, legal_officer, plan):
    client.force_login(legal_officer)
    workbook, ws = export(client, plan)
    at, col = header_index(ws)
    ws.cell(at, col[sheet.ID_HEADER]).value = "编号"
    response = upload(client, plan, to_bytes(workbook))
    assert response.status_code == 400 and "找不到“任务ID”列" in response.content.decode()


def test_too_large_a_file_is_refused(client, legal_officer, plan, settings):
    client.force_login(legal_officer)
    response = upload(client, plan, b"0" * (sheet.MAX_SHEET_BYTES + 1))
    assert response.status_code == 400 and "MB 的上限" in response.content.decode()


# --- queries -----------------------------------------------------------------------------------------------


def test_export_and_preview_queries_do_not_grow_with_tasks(client, legal_officer, district, unit, other_unit):
    client.force_login(legal_officer)
    counts = []
    for size in (3, 30):
        plan = plan_factory(jurisdiction=district, tasks=size, lead=unit, cooperating=other_unit)
        with CaptureQueriesContext(connection) as exported:
            workbook, ws = export(client, plan)
        for task in plan.tasks.all():
            set_cells(ws, task, 牵头单位="区财政局", 配合单位="区委编办")
        with CaptureQueriesContext(connection) as previewed:
            upload(client, plan, to_bytes(workbook))
        division_import = DivisionImport.objects.latest("pk")
        with CaptureQueriesContext(connection) as shown:
            client.get(reverse("plans:division-preview", args=[division_import.pk]))
        counts.append((len(exported), len(previewed), len(shown)))
    assert counts[0] == counts[1]
