"""Bulk work on the plan tree (issue 14): one part per unit and clause, bulk 分工 and deadlines, in-place
edits, each refusal with nothing changed. The pages and the API are in test_bulk_views.py."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from lawgov.models import UnitKind
from plans import bulk, services
from plans.models import Assignment, Clause, Deadline, Task
from tests.conftest import make_unit
from tests.factories import plan_factory
from tests.plans.conftest import district_named

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def plan(district):
    return plan_factory(jurisdiction=district, tasks=4)


@pytest.fixture
def justice(district):
    return make_unit(district, "区司法局", short_name="司法局")


def ids(plan):
    return list(plan.tasks.order_by("position").values_list("pk", flat=True))


def live(task, unit=None):
    rows = Assignment.objects.active().filter(clause__task=task)
    return rows.filter(unit=unit) if unit else rows


def snapshot():
    """Everything a refused request must leave as it was."""
    return (
        sorted(Assignment.objects.values_list("id", "clause_id", "unit_id", "role", "deleted_at")),
        sorted(Deadline.objects.values_list("task_id", "text", "due_on")),
        sorted(Task.objects.values_list("id", "heading", "text", "due_on")),
        Assignment.history.count(),
        Task.history.count(),
    )


# --- one part per unit and clause ------------------------------------------------------------------------


def test_the_database_refuses_a_second_live_part_for_a_unit_on_a_clause(plan, unit):
    clause = Clause.objects.filter(task__plan=plan).first()
    Assignment.objects.create(clause=clause, unit=unit, role="lead")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(clause=clause, unit=unit, role="cooperating")
    # A retired row is history, outside the rule: the unit can be given a part again.
    Assignment.objects.filter(clause=clause, unit=unit).update(deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    Assignment.objects.create(clause=clause, unit=unit, role="cooperating")


def test_assignment_add_refuses_a_second_part_and_repeats_the_same_one(plan, unit, legal_officer):
    clause = Clause.objects.filter(task__plan=plan).first()
    first = services.assignment_add(clause=clause, unit=unit, role="lead", by=legal_officer)
    assert services.assignment_add(clause=clause, unit=unit, role="lead", by=legal_officer) == first
    with pytest.raises(services.AssignmentConflict) as refused:
        services.assignment_add(clause=clause, unit=unit, role="cooperating", by=legal_officer)
    assert refused.value.status == 409 and refused.value.code == "assignment_conflict"
    assert "区编办已是该分句的牵头单位,不能再作为配合单位" in refused.value.message
    assert list(live(clause.task).values_list("role", flat=True)) == ["lead"]


def test_group_phrase_replace_keeps_the_part_a_unit_already_has(plan, unit, other_unit, legal_officer, district):
    group = make_unit(district, "区政府有关部门", kind=UnitKind.GROUP)
    clause = Clause.objects.filter(task__plan=plan).first()
    services.assignment_add(clause=clause, unit=unit, role="lead", by=legal_officer)
    phrase = services.assignment_add(clause=clause, unit=group, role="cooperating", by=legal_officer)
    services.group_phrase_replace(assignment=phrase, units=[unit, other_unit], by=legal_officer)
    assert dict(live(clause.task).values_list("unit__name", "role")) == {"区编办": "lead", "区财政局": "cooperating"}


def test_a_document_printing_a_unit_twice_on_a_clause_gives_it_the_stronger_part(demo):
    daxing = district_named("大兴区")
    text = (
        "大兴区2026年法治政府建设工作要点\n一、完善制度\n"
        "1.加强行政规范性文件备案审查。(牵头单位:区司法局;配合单位:区司法局、区政府办)\n"
        "2.推进政务公开。(牵头单位:区政府办)\n"
    ).encode()
    plan = services.plan_import_bytes(data=text, filename="yaodian.txt", jurisdiction=daxing, by=None).plan
    task = plan.tasks.get(number="1")
    assert dict(live(task).values_list("unit__name", "role")) == {"区司法局": "lead", "区政府办": "cooperating"}


def test_a_reimport_keeps_a_part_the_legal_office_changed(demo, legal_officer):
    daxing = district_named("大兴区")
    legal_officer.jurisdiction = daxing
    legal_officer.save()
    text = "大兴区2026年法治政府建设工作要点\n一、完善制度\n1.推进政务公开。(牵头单位:区政府办;配合单位:区司法局)\n"
    plan = services.plan_import_bytes(data=text.encode(), filename="a.txt", jurisdiction=daxing, by=None).plan
    task = plan.tasks.get()
    justice = daxing.jurisdiction_units.get(name="区司法局")
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=[task.pk], action="role", units=[justice.pk], role="lead")
    services.plan_import_bytes(data=text.encode(), filename="a.txt", jurisdiction=daxing, by=None)
    assert dict(live(task).values_list("unit__name", "role")) == {"区政府办": "lead", "区司法局": "lead"}
    assert live(task, justice).get().source == Assignment.Source.MANUAL


# --- bulk 分工 ----------------------------------------------------------------------------------------------


def test_bulk_apply_gives_every_clause_of_every_task_its_units_and_deadline(plan, legal_officer, unit, other_unit):
    task_ids = ids(plan)[:3]
    second = Clause.objects.create(task_id=task_ids[0], position=1, text="第二个分句")
    bare = Task.objects.get(pk=task_ids[2])
    bare.clauses.all().delete()  # a task without a clause gets one holding its text
    result = bulk.bulk_apply(
        plan=plan,
        by=legal_officer,
        task_ids=task_ids,
        lead=[unit.pk],
        cooperating=[other_unit.pk],
        deadline="每年12月底前",
        today=TODAY,
    )
    assert (result.tasks, result.added, result.deadlines) == (3, 8, 3)
    assert dict(live(second.task).filter(clause=second).values_list("unit__name", "role")) == {
        "区编办": "lead",
        "区财政局": "cooperating",
    }
    assert bare.clauses.get().text == bare.text
    for task in Task.objects.filter(pk__in=task_ids):
        assert set(live(task).values_list("source", flat=True)) == {"manual"}
        deadline = task.deadlines.get()
        assert (deadline.text, deadline.recurrence) == ("每年12月底前", {"rule": "yearly", "month": 12, "part": "end"})
        assert task.due_on == dt.date(2026, 12, 31)
    untouched = Task.objects.get(pk=ids(plan)[3])
    assert not live(untouched).exists() and not untouched.deadlines.exists()
    # Who did it is in the history of every row.
    history = Assignment.history.filter(clause__task_id__in=task_ids)
    assert history.count() == 8 and set(history.values_list("history_user", flat=True)) == {legal_officer.pk}
    assert "已将区编办指定为 3 项任务的牵头单位。" in result.messages


def test_bulk_apply_twice_adds_nothing_the_second_time(plan, legal_officer, unit):
    kwargs = {"plan": plan, "by": legal_officer, "task_ids": ids(plan), "lead": [unit.pk]}
    bulk.bulk_apply(**kwargs)
    again = bulk.bulk_apply(**kwargs)
    assert (again.added, again.kept) == (0, 4)
    assert Assignment.objects.active().count() == 4


def test_a_unit_with_another_part_refuses_the_whole_request(plan, legal_officer, unit, other_unit):
    first = ids(plan)[0]
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=[first], cooperating=[unit.pk])
    before = snapshot()
    with pytest.raises(services.AssignmentConflict) as refused:
        bulk.bulk_apply(
            plan=plan,
            by=legal_officer,
            task_ids=ids(plan),
            lead=[unit.pk],
            cooperating=[other_unit.pk],
            deadline="长期坚持",
        )
    assert refused.value.status == 409
    assert "区编办已是任务1.的配合单位,不能再作为牵头单位" in refused.value.message
    assert refused.value.details == ["区编办已是任务1.的配合单位,不能再作为牵头单位;如需调整,请使用“改变分工”。"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({}, "nothing_to_do", "请选择要指定的单位,或填写时限。"),
        ({"lead": ["x1"]}, "bad_id", "单位编号“x1”无效。"),
        ({"deadline": "下个月"}, "deadline_not_understood", "无法识别时限“下个月”。"),
        ({"deadline": "2023-02-30"}, "deadline_bad_date", "日期“2023-02-30”不存在,请检查年月日。"),
        ({"action": "delete_all"}, "bad_action", "不支持的批量操作。"),
        ({"action": "role", "units": ["UNIT"]}, "bad_role", "请选择要改成的分工"),
        ({"action": "remove"}, "no_units", "请选择要调整的单位。"),
    ],
)
def test_bad_input_is_refused_with_nothing_changed(plan, legal_officer, unit, fields, code, message):
    fields = {k: ([unit.pk] if v == ["UNIT"] else v) for k, v in fields.items()}
    before = snapshot()
    with pytest.raises(bulk.BulkError) as refused:
        bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=ids(plan), **fields)
    assert refused.value.code == code and message in refused.value.message and refused.value.status == 400
    assert snapshot() == before


def test_the_same_unit_in_two_parts_is_refused(plan, legal_officer, unit):
    with pytest.raises(bulk.BulkError, match="区编办被同时选为两种分工"):
        bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=ids(plan), lead=[unit.pk], cooperating=[unit.pk])
    assert not Assignment.objects.exists()


def test_tasks_of_another_plan_or_district_are_refused_with_nothing_changed(
    plan, district, other_district, legal_officer, outsider_officer, unit
):
    other_plan = plan_factory(jurisdiction=district, tasks=1)
    foreign_plan = plan_factory(jurisdiction=other_district, tasks=1)
    before = snapshot()
    for stray in (ids(other_plan), ids(foreign_plan), [999_999]):
        with pytest.raises(bulk.BulkError) as refused:
            bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=ids(plan) + stray, lead=[unit.pk])
        assert refused.value.code == "tasks_outside_plan"
        assert "所选任务中有 1 项不属于规划" in refused.value.message and "未做任何修改" in refused.value.message
    # The legal office of another district may not touch this plan's tasks at all.
    with pytest.raises(bulk.BulkError, match="有 4 项不属于规划"):
        bulk.bulk_apply(plan=plan, by=outsider_officer, task_ids=ids(plan), deadline="长期坚持")
    assert snapshot() == before


def test_units_of_another_district_and_retired_units_are_refused(plan, other_district, legal_officer, unit, district):
    foreign = make_unit(other_district, "区财政局")
    retired = make_unit(district, "区旧局")
    retired.soft_delete()
    for stray in (foreign, retired):
        with pytest.raises(bulk.BulkError, match="所选单位中有 1 个不存在、已停用或不属于番禺区"):
            bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=ids(plan), lead=[unit.pk, stray.pk])
    assert not Assignment.objects.exists()


def test_a_group_phrase_is_assigned_as_a_group(plan, legal_officer, district):
    group = make_unit(district, "各镇街", kind=UnitKind.GROUP, group_kinds=[UnitKind.TOWNSHIP])
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=ids(plan), cooperating=[group.pk])
    assert Assignment.objects.active().filter(unit=group, role="cooperating").count() == 4


def test_remove_and_change_role_in_bulk_keep_history(plan, legal_officer, unit, other_unit):
    task_ids = ids(plan)
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=task_ids, lead=[unit.pk], cooperating=[other_unit.pk])
    changed = bulk.bulk_apply(
        plan=plan, by=legal_officer, task_ids=task_ids[:2], action="role", units=[other_unit.pk], role="responsible"
    )
    assert changed.role_changed == 2
    assert Assignment.objects.active().filter(unit=other_unit, role="responsible").count() == 2
    removed = bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=task_ids, action="remove", units=[unit.pk])
    assert removed.removed == 4 and not Assignment.objects.active().filter(unit=unit).exists()
    assert Assignment.objects.filter(unit=unit).count() == 4  # retired, not deleted
    kinds = list(Assignment.history.filter(unit=unit).order_by("history_id").values_list("history_type", flat=True))
    assert kinds == ["+"] * 4 + ["~"] * 4
    assert set(Assignment.history.filter(history_type="~").values_list("history_user", flat=True)) == {legal_officer.pk}
    with pytest.raises(bulk.BulkError, match="没有这些单位的分工"):
        bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=task_ids, action="remove", units=[unit.pk])


# --- deadlines -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "text", "due_on", "recurrence"),
    [
        ("每年12月底前", "每年12月底前", None, {"rule": "yearly", "month": 12, "part": "end"}),
        ("每季度末", "每季度末", None, {"rule": "quarterly"}),
        ("每年第一季度", "每年第一季度", None, {"rule": "yearly", "quarter": 1}),
        ("每月20日前", "每月20日前", None, {"rule": "monthly", "day": 20}),
        ("长期坚持", "长期坚持", None, None),
        (" 持续推进 ", "长期坚持", None, None),
        ("2023-06-30", "2023年6月30日前", dt.date(2023, 6, 30), None),
        ("2023/6/30", "2023年6月30日前", dt.date(2023, 6, 30), None),
        ("2023年6月底前", "2023年6月底前", dt.date(2023, 6, 30), None),
        ("到2025年底", "到2025年底", dt.date(2025, 12, 31), None),
        ("12月20日前。", "12月20日前", dt.date(2026, 12, 20), None),  # the plan's year
    ],
)
def test_deadline_parse_understands_dates_rules_and_ongoing_work(typed, text, due_on, recurrence):
    choice = bulk.deadline_parse(typed, plan_year=2026, today=TODAY)
    assert (choice.text, choice.due_on, choice.recurrence) == (text, due_on, recurrence)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "deadline_empty"),
        ("尽快", "deadline_not_understood"),
        ("每年12月底前完成并于2023年6月底前", "deadline_not_understood"),  # two deadlines in one field
        ("2023-13-01", "deadline_bad_date"),
        ("每年12月底前再说", "deadline_not_understood"),
        ("x" * 121, "deadline_too_long"),
    ],
)
def test_deadline_parse_refuses_what_it_does_not_understand(typed, code):
    with pytest.raises(bulk.BulkError) as refused:
        bulk.deadline_parse(typed, plan_year=2026, today=TODAY)
    assert refused.value.code == code


def test_a_date_without_a_year_needs_the_plan_year():
    with pytest.raises(bulk.BulkError, match="没有年份"):
        bulk.deadline_parse("12月20日前", plan_year=None, today=TODAY)


def test_bulk_deadline_replaces_the_old_one_and_names_it_in_the_history(plan, legal_officer):
    task_ids = ids(plan)
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=task_ids, deadline="2026-06-30", today=TODAY)
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=task_ids[:2], deadline="每季度末", today=TODAY)
    task = Task.objects.get(pk=task_ids[0])
    assert list(task.deadlines.values_list("text", flat=True)) == ["每季度末"]
    assert task.due_on == dt.date(2026, 3, 31)
    latest = task.history.order_by("-history_id").first()
    assert latest.history_change_reason == "时限改为“每季度末”(原:2026年6月30日前)"
    assert latest.history_user == legal_officer
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=task_ids[:1], deadline="长期坚持", today=TODAY)
    task.refresh_from_db()
    assert task.due_on is None and task.deadlines.get().text == "长期坚持"
    assert Task.objects.get(pk=task_ids[3]).due_on == dt.date(2026, 6, 30)


# --- heading and text ----------------------------------------------------------------------------------


def test_task_text_edit_keeps_the_old_wording_in_the_history(plan, legal_officer):
    task = plan.tasks.order_by("position").first()
    edited = bulk.task_text_edit(
        task=task, heading="  根据不同层级政府的事权和职能  ", text="新的内容。", by=legal_officer
    )
    assert (edited.heading, edited.text) == ("根据不同层级政府的事权和职能", "新的内容。")
    old = task.history.order_by("history_id").first()
    assert old.heading == "任务1"
    assert task.history.order_by("-history_id").first().history_user == legal_officer
    for heading, text, code in (
        ("", "x", "heading_empty"),
        ("x" * 301, "x", "heading_too_long"),
        ("x", " ", "text_empty"),
    ):
        with pytest.raises(bulk.BulkError) as refused:
            bulk.task_text_edit(task=task, heading=heading, text=text, by=legal_officer)
        assert refused.value.code == code
    task.refresh_from_db()
    assert task.heading == "根据不同层级政府的事权和职能"


# --- 只看待分配 ------------------------------------------------------------------------------------------


def test_awaiting_lead_lists_tasks_without_a_lead_or_responsible_unit(plan, legal_officer, unit, other_unit):
    first, second, third, fourth = ids(plan)
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=[first], lead=[unit.pk])
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=[second], cooperating=[other_unit.pk])
    bulk.bulk_apply(plan=plan, by=legal_officer, task_ids=[third], responsible=[unit.pk])
    waiting = set(Task.objects.filter(plan=plan).awaiting_lead().values_list("pk", flat=True))
    assert waiting == {second, fourth}
