"""Filters shared by the apps' FilterSets."""

import copy

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("error_messages", {"invalid": "请填写正整数ID。"})
        super().__init__(*args, **kwargs)


# How the OpenAPI schema declares an id: a whole number from 1 to the database's largest (BigAutoField).
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """An id in a query string: a whole number in the database's range, anything else a 400 (a fuzzer's
    -4.9e+139 must not reach SQL as an overflowing number)."""

    field_class = IdField


@extend_schema_field({"type": "integer"})
class IntegerFilter(django_filters.NumberFilter):
    """A whole number such as a year: ``2025.5`` is a 400, not a filter that matches nothing."""

    field_class = forms.IntegerField


class _FilterCopies(dict):
    """The filters of a FilterSet class, copied filter by filter for each request.

    django-filter deep-copies every filter (with its querysets, choices and widgets) on each FilterSet it
    builds: some 600 object copies, a tenth of a task-list API call. A shallow copy per filter, with its own
    ``extra`` and no cached form field, is all a request needs: the per-request querysets set after it land
    on the copy, never on the class's filter.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, original in self.items():
            clone = copy.copy(original)
            clone.extra = dict(original.extra)
            clone.__dict__.pop("_field", None)
            if clone.method is not None:
                clone.method = original.method  # rebinds the FilterMethod to the copy (and its parent)
            copies[name] = clone
        return copies


class FilterSet(django_filters.FilterSet):
    """The apps' FilterSet base: cheap per-request copies of its filters (see ``_FilterCopies``)."""

    @classmethod
    def get_filters(cls):
        return _FilterCopies(super().get_filters())


class StableOrderingFilter(django_filters.OrderingFilter):
    """``?ordering=due_on`` with ``id`` as the tie-breaker: many tasks share a deadline, and without it the
    database may return tied rows in any order, so a client paging through the list could see one task
    twice and miss another."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value in ([], (), {}, "", None):
            return qs
        ordering = list(qs.query.order_by)
        if not any(field.lstrip("-") in ("id", "pk") for field in ordering if isinstance(field, str)):
            qs = qs.order_by(*ordering, "id")
        return qs


class StrictBooleanField(forms.Field):
    """A yes/no query value: ``true``/``false`` as the docs write it, ``1``/``0`` as many clients send it
    (case ignored); anything else is a 400, never a silently dropped filter."""

    TRUE = frozenset({"true", "1"})
    FALSE = frozenset({"false", "0"})

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("请填写 true 或 false(也可写 1 或 0)。", code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(django_filters.Filter):
    """A boolean filter declared as a boolean in the OpenAPI schema (a generated client sends ``True``), and
    shown on pages as a 不限/是/否 select. ``method`` filters get ``True``/``False``; plain ones filter
    ``field_name`` on the boolean, as django-filter's own ``BooleanFilter`` does."""

    field_class = StrictBooleanField

    def __init__(self, *args, empty_label: str = "不限", **kwargs):
        choices = [("", empty_label), ("true", "是"), ("false", "否")]
        kwargs.setdefault("widget", forms.Select(choices=choices))
        super().__init__(*args, **kwargs)
