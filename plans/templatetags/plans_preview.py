"""Filters of the import preview."""

from django import template

from plans.importing.corrections import path_label as _path_label

register = template.Library()


@register.filter
def path_label(path: str) -> str:
    """二/(三)/2 → 2. : how the last number of a task's path was printed (the tree shows the rest)."""
    return _path_label(path or "")
