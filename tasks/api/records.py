"""The 督办 records of tasks over the API: 催办 (``/api/v1/reminders/``) and 延期申请 (``/api/v1/extensions/``).

Read-only lists for the legal office, leaders and other systems (a reporter sees its own unit's), scoped by
``visible_to`` and filtered by one FilterSet each. Rows are built from ``values()`` so that a page costs the
same few queries however long it is.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from lawgov.models import Notification
from tasks.api.serializers import ExtensionRequestSerializer, ReminderSerializer
from tasks.filtersets import ExtensionRequestFilterSet, ReminderFilterSet
from tasks.models import ExtensionRequest, Reminder

TASK_FIELDS = ("task_id", "task__plan_id", "task__path", "task__heading")

REMINDER_FIELDS = (
    "id",
    *TASK_FIELDS,
    "unit_id",
    "unit__name",
    "sent_by_id",
    "sent_by__display_name",
    "sent_by__username",
    "sent_at",
    "text",
    "escalated",
    "recipients",
    "channels",
)

EXTENSION_FIELDS = (
    "id",
    *TASK_FIELDS,
    "unit_id",
    "unit__name",
    "requested_by_id",
    "requested_by__display_name",
    "requested_by__username",
    "requested_at",
    "reason",
    "old_due_on",
    "new_due_on",
    "status",
    "decided_by_id",
    "decided_by__display_name",
    "decided_by__username",
    "decided_at",
    "comment",
    "office_granted",
)


def _task(row: dict) -> dict:
    return {
        "id": row["task_id"],
        "plan": row["task__plan_id"],
        "path": row["task__path"],
        "heading": row["task__heading"],
    }


def _person(row: dict, field: str) -> dict | None:
    if row[f"{field}_id"] is None:
        return None
    return {"id": row[f"{field}_id"], "name": row[f"{field}__display_name"] or row[f"{field}__username"]}


def reminder_rows(rows: list[dict]) -> list[dict]:
    """Each 催办 with whether each recipient has read it: one query for the page's notices."""
    keys = {f"reminder:{r['id']}:{p['id']}" for r in rows for p in r["recipients"]}
    read = dict(
        Notification.objects.filter(key__in=keys).exclude(read_at=None).order_by().values_list("key", "read_at")
    )
    return [
        {
            "id": r["id"],
            "task": _task(r),
            "unit": {"id": r["unit_id"], "name": r["unit__name"]},
            "sent_by": _person(r, "sent_by"),
            "sent_at": r["sent_at"],
            "text": r["text"],
            "escalated": r["escalated"],
            "recipients": [
                {"id": p["id"], "name": p["name"], "read_at": read.get(f"reminder:{r['id']}:{p['id']}")}
                for p in r["recipients"]
            ],
            "channels": r["channels"],
        }
        for r in rows
    ]


def extension_row(r: dict) -> dict:
    return {
        "id": r["id"],
        "task": _task(r),
        "unit": {"id": r["unit_id"], "name": r["unit__name"]},
        "requested_by": _person(r, "requested_by"),
        "requested_at": r["requested_at"],
        "reason": r["reason"],
        "old_due_on": r["old_due_on"],
        "new_due_on": r["new_due_on"],
        "status": r["status"],
        "decided_by": _person(r, "decided_by"),
        "decided_at": r["decided_at"],
        "comment": r["comment"],
        "office_granted": r["office_granted"],
    }


class _RecordViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]+"
    model: type
    fields: tuple[str, ...]
    ordering: tuple[str, ...]

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).order_by(*self.ordering)

    def to_rows(self, rows: list[dict]) -> list[dict]:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        values = self.filter_queryset(self.get_queryset()).values(*self.fields)
        page = self.paginator.paginate_counted(values, request)
        return self.paginator.counted_response(self.to_rows(page))

    def retrieve(self, request, *args, **kwargs):
        row = get_object_or_404(self.get_queryset().values(*self.fields), pk=kwargs["pk"])
        return Response(self.to_rows([row])[0])


@extend_schema_view(
    list=extend_schema(summary="催办记录", responses=ReminderSerializer(many=True)),
    retrieve=extend_schema(summary="一条催办记录", responses=ReminderSerializer),
)
class ReminderViewSet(_RecordViewSet):
    """催办 of the tasks the caller may see, newest first: who sent it (null: the schedule), when, the text,
    whom it reached and how, and whether each recipient has read it."""

    filterset_class = ReminderFilterSet
    serializer_class = ReminderSerializer
    model = Reminder
    fields = REMINDER_FIELDS
    ordering = ("-sent_at", "-id")

    def to_rows(self, rows):
        return reminder_rows(rows)


@extend_schema_view(
    list=extend_schema(summary="延期申请", responses=ExtensionRequestSerializer(many=True)),
    retrieve=extend_schema(summary="一份延期申请", responses=ExtensionRequestSerializer),
)
class ExtensionRequestViewSet(_RecordViewSet):
    """延期申请 of the tasks the caller may see, newest first, with the legal office's decision."""

    filterset_class = ExtensionRequestFilterSet
    serializer_class = ExtensionRequestSerializer
    model = ExtensionRequest
    fields = EXTENSION_FIELDS
    ordering = ("-requested_at", "-id")

    def to_rows(self, rows):
        return [extension_row(r) for r in rows]
