"""Migrations that move data: what was written before them is there after them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lawgov.models import Notification

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
