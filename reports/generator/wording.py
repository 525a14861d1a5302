"""The wording of the draft: Django templates the legal office may edit (``WordingTemplate``), defaulting to
the files under templates/reports/wording/."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine, Template

from reports.models import (
    WordingKey,
    WordingTemplate,
)

WORDING_DIR = Path(settings.BASE_DIR) / "templates" / "reports" / "wording"
_ENGINE = Engine(autoescape=False, debug=False)


def default_wording(key: str) -> str:
    return (WORDING_DIR / f"{key}.txt").read_text(encoding="utf-8")


@cache
def _compiled(text: str) -> Template:
    return _ENGINE.from_string(text)


def compile_wording(text: str) -> Template:
    """A wording template, compiled; raises ``TemplateSyntaxError`` with Django's message."""
    return _compiled(text)


def wording_for(jurisdiction_id: int) -> dict[str, str]:
    """The jurisdiction's wording: its own templates where it has them, the default files elsewhere."""
    texts = {key: default_wording(key) for key in WordingKey.values}
    for key, text in WordingTemplate.objects.filter(jurisdiction_id=jurisdiction_id).values_list("key", "text"):
        texts[key] = text
    return texts


def render_wording(text: str, context: dict[str, Any]) -> str:
    """Fill a template; line breaks and the indentation around them vanish (Chinese needs no spaces)."""
    out = compile_wording(text).render(Context(context, autoescape=False))
    out = re.sub(r"\s*\n\s*", "", out)
    return out.strip()


class WordingError(Exception):
    def __init__(self, key: str, detail: str):
        super().__init__(detail)
        self.key = key
        self.detail = detail
