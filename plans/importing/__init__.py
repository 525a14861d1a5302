"""Plan-document import: bytes → text → canonical lines → structure, as pure functions.

Nothing here touches Django or the database, so the whole pipeline is testable in plain pytest and
reusable from a management command, a Celery job or the rubric importer.
"""

from .classify import classify
from .deadlines import Deadline, next_due
from .errors import DocumentError, ErrorCode
from .normalize import NormalizedDocument, normalize_document, normalize_text
from .parser import ensure_importable, parse_bytes, parse_document
from .reader import MAX_DOCUMENT_BYTES, read_document
from .result import (
    Annex,
    Clause,
    ParsedDocument,
    ParseWarning,
    Period,
    Phase,
    ReportInfo,
    Requirement,
    Section,
    Task,
)
from .targets import Target
from .units import GROUP_PHRASES, Role, UnitMention, is_group_phrase

__all__ = [
    "GROUP_PHRASES",
    "MAX_DOCUMENT_BYTES",
    "Annex",
    "Clause",
    "Deadline",
    "DocumentError",
    "ErrorCode",
    "NormalizedDocument",
    "ParseWarning",
    "ParsedDocument",
    "Period",
    "Phase",
    "ReportInfo",
    "Requirement",
    "Role",
    "Section",
    "Target",
    "Task",
    "UnitMention",
    "classify",
    "ensure_importable",
    "is_group_phrase",
    "next_due",
    "normalize_document",
    "normalize_text",
    "parse_bytes",
    "parse_document",
    "read_document",
]
