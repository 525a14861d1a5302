"""The kernel's bases (ScopedQuerySet, SoftDeletable, StoredFile) and the notification kinds the apps register."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models

from assessment.models import AssessmentCycle, ItemEvidence, Rubric, Submission, item_evidence_path
from lawgov.models import (
    SYSTEM,
    Notification,
    ScopedQuerySet,
    SoftDeletable,
    SoftDeletableQuerySet,
    StoredFile,
    Unit,
)
from lawgov.notifications import NotificationKinds, kind_choices
from plans.models import Assignment, Plan, Task
from tasks.models import Evidence, ProgressReport, evidence_path
from tests.factories import plan_factory

# Every kind the apps send today, with the label the bell and the admin show. A kind an app stops
# registering, or one registered under another label, shows here.
KINDS = [
    ("due_soon", "即将到期"),
    ("overdue", "已逾期"),
    ("returned", "进展被退回"),
    ("digest", "每周汇总"),
    ("reviewed", "进展已审核"),
    ("assigned", "任务交办"),
    ("urged", "催办"),
    ("extension", "延期申请"),
    ("assessment_returned", "考核自评被退回"),
    ("assessment_published", "考核结果已发布"),
    ("assessment_window", "考核自评时间"),
    ("report_due", "年度报告时限提醒"),
]

SCOPED = [Unit, Plan, Task, ProgressReport, Rubric, AssessmentCycle, Submission]


def test_the_apps_register_every_kind_they_send():
    assert kind_choices() == KINDS
    assert Notification._meta.get_field("kind").flatchoices == KINDS


@pytest.mark.parametrize(("code", "label"), KINDS)
def test_the_old_spelling_names_the_registered_code(code, label):
    member = getattr(Notification.Kind, code.upper())
    assert member == code and member.label == label
    assert code in Notification.Kind


def test_an_unregistered_kind_is_refused_and_has_no_name(reporter):
    with pytest.raises(AttributeError):
        Notification.Kind.NOT_A_KIND  # noqa: B018
    notice = Notification(user=reporter, kind="not_a_kind", key="k", title="t")
    with pytest.raises(ValidationError) as refused:
        notice.full_clean()
    assert "kind" in refused.value.message_dict
    notice.kind = "reviewed"
    notice.full_clean()
    assert notice.get_kind_display() == "进展已审核"


def test_the_kinds_are_not_in_the_migrations():
    """The field deconstructs to a reference to the registry's callable, never to today's list: a new kind
    changes no migration (``makemigrations --check`` in CI holds the rest)."""
    _, _, _, kwargs = Notification._meta.get_field("kind").deconstruct()
    assert kwargs["choices"] is kind_choices


def test_registering_is_idempotent_and_refuses_clashes():
    registry = NotificationKinds()
    assert registry.register("due_soon", "即将到期") == "due_soon"
    registry.register("due_soon", "即将到期")
    with pytest.raises(ValueError, match="already registered"):
        registry.register("due_soon", "快到期了")
    with pytest.raises(ValueError, match="already stands for"):
        registry.register("due_soon_2", "另一个", name="DUE_SOON")
    with pytest.raises(ValueError, match="characters"):
        registry.register("x" * 21, "太长")
    assert registry.choices() == [("due_soon", "即将到期")]


def test_notification_keeps_its_table_and_rows(reporter):
    """Moved from the tasks app in state only: the rows written before the move are in the same table."""
    assert Notification._meta.db_table == "tasks_notification"
    assert Notification._meta.app_label == "lawgov"
    Notification.objects.create(user=reporter, kind=Notification.Kind.DUE_SOON, key="k", title="t")
    assert list(reporter.notifications.values_list("kind", flat=True)) == ["due_soon"]


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_every_scoped_model_says_its_policy_through_the_kernel(model):
    assert isinstance(model.objects.all(), ScopedQuerySet)
    assert type(model.objects.all())._visible_by_role is not ScopedQuerySet._visible_by_role


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
@pytest.mark.parametrize("method", ["visible_to", "editable_by"])
def test_nobody_signed_in_sees_or_edits_anything(model, method):
    assert getattr(model.objects, method)(AnonymousUser()).query.is_empty()


def test_the_system_sees_every_active_row(district, unit):
    plan = plan_factory(jurisdiction=district, tasks=2, lead=unit)
    gone = plan_factory(jurisdiction=district, tasks=1, lead=unit)
    Plan.objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    assert list(Plan.objects.visible_to(SYSTEM)) == [plan]
    assert set(Task.objects.visible_to(SYSTEM)) == set(plan.tasks.all())


@pytest.mark.parametrize(
    ("who", "manages"),
    [("legal_officer", {"番禺"}), ("outsider_officer", {"南海"}), ("leader", set()), ("reporter", set())],
)
def test_for_legal_office_is_its_jurisdictions_and_no_one_else(who, manages, request, district, other_district):
    user = request.getfixturevalue(who)
    plans = {
        "番禺": plan_factory(jurisdiction=district, tasks=1),
        "南海": plan_factory(jurisdiction=other_district, tasks=1),
    }
    assert set(Plan.objects.for_legal_office(user)) == {plans[name] for name in manages}
    assert set(Plan.objects.editable_by(user)) == {plans[name] for name in manages}


def test_soft_delete_and_restore(district, unit, legal_officer):
    assert isinstance(unit, SoftDeletable)
    unit.soft_delete()
    assert unit.is_deleted and not Unit.objects.active().filter(pk=unit.pk).exists()
    assert unit not in Unit.objects.visible_to(legal_officer)
    unit.refresh_from_db()
    unit.restore()
    unit.refresh_from_db()
    assert not unit.is_deleted and unit in Unit.objects.visible_to(legal_officer)


@pytest.mark.parametrize("model", [Evidence, ItemEvidence], ids=lambda m: m.__name__)
def test_both_evidence_models_share_the_kernel_bases(model):
    assert issubclass(model, SoftDeletable) and issubclass(model, StoredFile)
    assert isinstance(model.objects.all(), SoftDeletableQuerySet)
    columns = {f.name: f.column for f in model._meta.concrete_fields}
    for name in ("file", "original_name", "size", "uploaded_at", "deleted_at"):
        assert columns[name] == name
    assert columns["uploaded_by"] == "uploaded_by_id"
    assert isinstance(model._meta.get_field("file"), models.FileField)


@pytest.mark.parametrize(
    ("path", "folder"),
    [(evidence_path, "evidence"), (item_evidence_path, "assessment")],
    ids=["progress", "assessment"],
)
def test_stored_names_never_come_from_the_user(path, folder):
    model = Evidence if folder == "evidence" else ItemEvidence
    name = path(model(), "../../etc/会议纪要.PDF")
    assert re.fullmatch(rf"{folder}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.pdf", name), name


def test_assignments_only_say_which_are_active():
    assert isinstance(Assignment.objects.all(), SoftDeletableQuerySet)
    assert not isinstance(Assignment.objects.all(), ScopedQuerySet)
