"""The one error an import can raise, with a stable code for programs and a Chinese message for people."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable English slugs: views, the API and tests switch on these, never on the message text."""

    EMPTY = "empty"
    BINARY = "binary"
    TOO_LARGE = "too_large"
    BAD_DOCX = "bad_docx"
    ENCODING = "encoding"
    UNSUPPORTED_TYPE = "unsupported_type"
    NO_TASKS = "no_tasks"
    NOT_A_PLAN = "not_a_plan"
    ENCRYPTED = "encrypted"
    DAMAGED = "damaged"
    TOO_MANY_PAGES = "too_many_pages"
    CONVERSION = "conversion"
    NO_OCR = "no_ocr"


class DocumentError(Exception):
    """A document that cannot be imported at all.

    ``message`` is shown to the legal-office clerk as is, so it names the problem and, where there is one,
    the fix (another encoding, save as .docx); ``code`` is what programs compare.
    """

    def __init__(self, code: ErrorCode | str, message: str, *, details: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        # What a program may show beside the message: for not_a_plan, the document's kind and the reason.
        self.details = dict(details or {})

    def to_dict(self) -> dict[str, str]:
        """The JSON body an upload view or the API returns with a 400."""
        return {"code": str(self.code), "message": self.message}

    def __repr__(self) -> str:
        return f"DocumentError(code={self.code.value!r}, message={self.message!r})"
