"""OpenDocument text (.odt), the form LibreOffice converts an old .doc or .wps into for reading.

Why .odt and not .docx: LibreOffice writes its own format several times faster than Word's (a 30-page
.doc: about 1 s of processor time to .odt against 4 s to .docx, most of it the .docx export filter), and
the conversion is what keeps a .doc upload under 5 s. The reading gives the same blocks as the .docx
reader: paragraphs, and tables as rows of cells with a cell spanning columns followed by empty cells and a
cell continuing a vertical merge read as ``SAME_AS_ABOVE``.

Word's automatic numbering (一、 typed by the list, not by the writer) has no text in .odt: a document
that uses it is reported by ``uses_list_numbering`` and read through .docx instead, where the numbering is
rendered (``reader._Numbering``).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from ..errors import DocumentError, ErrorCode
from .base import SAME_AS_ABOVE, Block, Read, Table, blocks_text

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
# A numbered list or numbered headings: the numbers would be lost (see the module docstring).
_NUMBERED_LIST_RE = re.compile(rb"<text:list-level-style-number[^>]*style:num-format=\"[^\"]+\"")
_NUMBERED_OUTLINE_RE = re.compile(rb"<text:outline-level-style[^>]*style:num-format=\"[^\"]+\"")
_ROW_CONTAINERS = {f"{_TABLE}table-header-rows", f"{_TABLE}table-rows", f"{_TABLE}table-row-group"}


def _parts(data: bytes) -> tuple[bytes, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
            styles = archive.read("styles.xml") if "styles.xml" in archive.namelist() else b""
    except (zipfile.BadZipFile, KeyError) as exc:
        raise DocumentError(ErrorCode.CONVERSION, "转换后的文件无法读取,请在Word或WPS中另存为.docx后上传") from exc
    return content, styles


def uses_list_numbering(data: bytes) -> bool:
    """Whether the text carries numbers that only a list style prints (一、 as Word's automatic list)."""
    content, styles = _parts(data)
    if b"<text:list " in content or b"<text:list>" in content:
        if _NUMBERED_LIST_RE.search(content) or _NUMBERED_LIST_RE.search(styles):
            return True
    return bool(_NUMBERED_OUTLINE_RE.search(styles)) and b"text:outline-level" in content


def read_odt(data: bytes, *, source_format: str = "odt") -> Read:
    """Paragraphs and tables of an .odt in document order."""
    content, _ = _parts(data)
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise DocumentError(ErrorCode.CONVERSION, "转换后的文件无法读取,请在Word或WPS中另存为.docx后上传") from exc
    body = root.find(f"{_OFFICE}body/{_OFFICE}text")
    blocks = list(_blocks(body)) if body is not None else []
    return Read(text=blocks_text(blocks), source_format=source_format, blocks=blocks)


def _blocks(container, *, in_cell: bool = False) -> Iterator[Block]:
    for child in container.iterchildren():
        tag = child.tag
        if tag in (f"{_TEXT}p", f"{_TEXT}h"):
            text = _paragraph_text(child, line_break="\n" if in_cell else " ")
            if text.strip():
                yield text
        elif tag == f"{_TABLE}table":
            yield _table(child)
        elif tag in (f"{_TEXT}list", f"{_TEXT}list-item", f"{_TEXT}list-header", f"{_TEXT}section"):
            yield from _blocks(child, in_cell=in_cell)


def _paragraph_text(paragraph, *, line_break: str) -> str:
    parts: list[str] = []

    def walk(element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element.iterchildren():
            tag = child.tag
            if tag == f"{_TEXT}s":
                parts.append(" " * int(child.get(f"{_TEXT}c", "1")))
            elif tag == f"{_TEXT}tab":
                parts.append("\t")
            elif tag == f"{_TEXT}line-break":
                parts.append(line_break)
            elif tag in (f"{_TEXT}note", f"{_OFFICE}annotation"):
                pass  # a footnote or comment is not the sentence's text
            elif isinstance(tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(paragraph)
    return "".join(parts)


def _rows(table) -> Iterator:
    for child in table.iterchildren():
        if child.tag == f"{_TABLE}table-row":
            yield child
        elif child.tag in _ROW_CONTAINERS:
            yield from _rows(child)


def _table(table) -> Table:
    rows: Table = []
    for row in _rows(table):
        cells: list[str] = []
        spanned = 0  # covered cells still owed to a cell spanning columns to their left
        for cell in row.iterchildren():
            repeat = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
            if cell.tag == f"{_TABLE}covered-table-cell":
                for _ in range(repeat):
                    if spanned:
                        spanned -= 1
                        cells.append("")
                    else:
                        cells.append(SAME_AS_ABOVE)  # under a cell merged down from the row above
            elif cell.tag == f"{_TABLE}table-cell":
                text = "\n".join(
                    block if isinstance(block, str) else blocks_text([block]) for block in _blocks(cell, in_cell=True)
                )
                for _ in range(repeat):
                    cells.append(text)
                spanned = int(cell.get(f"{_TABLE}number-columns-spanned", "1")) - 1
        rows.append(cells)
    return rows
