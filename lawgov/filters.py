"""Filters shared by the apps' FilterSets."""

import django_filters
from django import forms

MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("error_messages", {"invalid": "请填写正整数ID。"})
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """An id in a query string: a whole number in the database's range, anything else a 400 (a fuzzer's
    -4.9e+139 must not reach SQL as an overflowing number)."""

    field_class = IdField
