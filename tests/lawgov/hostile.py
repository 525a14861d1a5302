"""Hostile files for the upload tests (issue 18): a real workbook or document whose one member inflates
out of proportion, generated small, so every importer's guard is tested on the same kind of bomb."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from openpyxl import Workbook


def workbook_bytes(rows: list[list] | None = None) -> bytes:
    wb = Workbook()
    for row in rows or [["a", "b"]]:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def docx_bytes(text: str = "正文") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def inflated(data: bytes, member: str, megabytes: int = 60) -> bytes:
    """``data`` (a zip) with ``member`` padded by ``megabytes`` of blanks inside its XML: a few hundred KB
    on disk, tens of MB once inflated (the 144 KB .docx of the issue that became 50 MB of XML)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                head, _, tail = content.rpartition(b"</")
                content = head + b" " * (megabytes * 1024 * 1024) + b"</" + tail
            target.writestr(info.filename, content)
    return out.getvalue()
