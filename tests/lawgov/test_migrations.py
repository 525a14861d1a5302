"""Migrations that move data: what was written before them is there after them."""

from importlib import import_module

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lawgov.models import CalendarDay, Notification, Unit, UnitKind
from plans.importing.units import is_group_phrase
from plans.models import Assignment
from tests.factories import plan_factory

BEFORE_THE_MOVE = ("tasks", "0002_notification_assessment_kinds")


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_notifications_written_by_the_tasks_app_survive_the_move_to_the_kernel():
    content_type = ContentType.objects.get_for_model(Notification)
    executor = migrate([BEFORE_THE_MOVE])
    try:
        old = executor.loader.project_state(BEFORE_THE_MOVE).apps
        assert ContentType.objects.get(pk=content_type.pk).app_label == "tasks"
        user = old.get_model("lawgov", "User").objects.create(username="before-the-move")
        old.get_model("tasks", "Notification").objects.create(
            user=user, kind="assessment_published", key="k:1", title="考核结果已发布", url="/assessment/"
        )
    finally:
        executor = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    moved = Notification.objects.get(key="k:1")
    assert (moved.user.username, moved.kind, moved.title, moved.url) == (
        "before-the-move",
        "assessment_published",
        "考核结果已发布",
        "/assessment/",
    )
    assert moved.get_kind_display() == "考核结果已发布"
    # Permissions and admin log entries hang on the content type: it moved with the model, same id.
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Notification).pk == content_type.pk


BEFORE_ROLE_GROUPS = ("lawgov", "0004_unit_directory")
ROLE_GROUPS = import_module("lawgov.migrations.0005_role_phrase_units_become_groups")


@pytest.mark.django_db(transaction=True)
def test_a_department_named_by_a_role_phrase_becomes_a_group_with_its_assignments_and_a_history_entry():
    """Issue 14: 行政决策起草和主办部门 was imported as a department and offered in every dropdown."""
    migrate([BEFORE_ROLE_GROUPS])
    try:
        # Only data changes after this state: today's models write the old rows.
        city = Unit.objects.create(name="佛山市", kind=UnitKind.CITY)
        district = Unit.objects.create(name="南海区", kind=UnitKind.DISTRICT, parent=city)
        role = Unit.objects.create(name="行政决策起草和主办部门", jurisdiction=district, parent=district)
        enforcement = Unit.objects.create(name="行政执法部门", jurisdiction=district, parent=district)
        real = Unit.objects.create(name="区城市管理行政执法局", jurisdiction=district, parent=district)
        court = Unit.objects.create(name="有关单位", kind=UnitKind.COURT, jurisdiction=district, parent=district)
        plan = plan_factory(jurisdiction=district, tasks=2, lead=role, cooperating=enforcement)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    kinds = dict(Unit.objects.filter(jurisdiction=district).values_list("name", "kind"))
    assert kinds == {
        "行政决策起草和主办部门": "group",
        "行政执法部门": "group",
        "区城市管理行政执法局": "department",  # a body's proper name, not a role
        "有关单位": "court",  # only departments are changed: a kind someone chose stays
    }
    assert Assignment.objects.active().filter(unit=role, role="lead", clause__task__plan=plan).count() == 2
    assert Assignment.objects.active().filter(unit=enforcement, clause__task__plan=plan).count() == 2
    latest = Unit.objects.get(pk=role.pk).history.first()
    assert (latest.kind, latest.history_change_reason) == ("group", ROLE_GROUPS.REASON)
    assert Unit.objects.get(pk=real.pk).history.count() == 1 and court.history.count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "行政决策起草和主办部门",
        "行政执法部门",
        "行业主管部门",
        "各镇街",
        "区政府有关部门",
        "区级相关部门",
        "各有关单位",
        "区直各部门",
        "区司法局",
        "区城市管理行政执法局",
        "区机关事务管理局",
        "区委政法委",
        "市场监督管理局",
        "区政府应急办",
    ],
)
def test_the_migration_s_frozen_rule_agrees_with_the_importer(name):
    """The migration keeps its own copy of the rule; the two must give the same answers (STYLE: one rule)."""
    assert ROLE_GROUPS.names_a_group(name) == is_group_phrase(name)


BEFORE_CALENDAR_MOVE = ("tasks", "0012_progressreport_delete_reason")


@pytest.mark.django_db(transaction=True)
def test_the_calendar_keeps_its_rows_and_history_moving_to_the_kernel():
    """Issue 15: the working-day calendar moved from tasks to lawgov (plans count "N个工作日内" on it)."""
    content_type = ContentType.objects.get_for_model(CalendarDay)
    executor = migrate([BEFORE_CALENDAR_MOVE])
    try:
        old = executor.loader.project_state(BEFORE_CALENDAR_MOVE).apps
        assert ContentType.objects.get(pk=content_type.pk).app_label == "tasks"
        city = Unit.objects.create(name="广州市", kind=UnitKind.CITY)  # units do not change in this move
        district = Unit.objects.create(name="番禺区", kind=UnitKind.DISTRICT, parent=city)
        days = old.get_model("tasks", "CalendarDay").objects
        days.filter(date="2027-10-01").delete()
        days.create(date="2027-10-01", kind="holiday", name="国庆节")
        days.create(jurisdiction_id=district.pk, date="2027-05-06", kind="holiday", name="区庆")
        old.get_model("tasks", "HistoricalCalendarDay").objects.create(
            id=1,
            date="2027-10-01",
            kind="holiday",
            name="国庆节",
            history_date="2026-11-20T10:00:00Z",
            history_type="+",
        )
        national = days.filter(jurisdiction=None).count()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert CalendarDay.objects.filter(jurisdiction=None).count() == national
    assert CalendarDay.objects.get(jurisdiction_id=district.pk).name == "区庆"
    assert CalendarDay.history.filter(date="2027-10-01", history_type="+").exists()
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(CalendarDay).pk == content_type.pk
