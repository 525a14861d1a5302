"""Turn uploaded bytes into text, one paragraph or table cell a line, and into blocks (paragraphs and tables
as rows of cells) for the task-division table reader.

Formats: .txt in any Chinese encoding, .html, .docx (paragraphs and tables in document order), .doc and .wps
(converted by LibreOffice), .pdf with a text layer, .xlsx/.xls task sheets, and scans (.pdf without text,
.png/.jpg/.tif) read by OCR. The bytes decide the format, checked against the extension, because a renamed
file is the most common upload mistake. Everything a clerk can upload by mistake (an image renamed .docx, a
GBK file declared UTF-8, a protected PDF, a 500-page scan) ends here as a ``DocumentError`` whose message
says in Chinese what is wrong and what to do, before any parsing starts.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import PurePath

from .archive import zip_check
from .errors import DocumentError, ErrorCode
from .formats import convert, ocr, odt, pdf, sheets
from .formats.base import CONVERTING, PARSING, SAME_AS_ABOVE, Block, Progress, Read, Table, blocks_text, no_progress
from .outline import chinese_numeral

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_SCAN_BYTES = 30 * 1024 * 1024  # a PDF or a photographed page: scans are bigger than text

TEXT_EXTENSIONS = frozenset({".txt", ".text"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
DOCX_EXTENSIONS = frozenset({".docx"})
WORD_EXTENSIONS = frozenset({".docx", ".doc", ".wps", ".docm", ".dotx"})
SHEET_EXTENSIONS = frozenset({".xlsx", ".xls", ".et", ".xlsm"})
PDF_EXTENSIONS = frozenset({".pdf"})
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"})
ACCEPTED_EXTENSIONS = (
    TEXT_EXTENSIONS | HTML_EXTENSIONS | WORD_EXTENSIONS | SHEET_EXTENSIONS | PDF_EXTENSIONS | IMAGE_EXTENSIONS
)
# Formats read in a background job with a progress bar (conversion, PDF layout, OCR take seconds).
SLOW_EXTENSIONS = frozenset({".doc", ".wps", ".xls", ".et"}) | PDF_EXTENSIONS | IMAGE_EXTENSIONS

# Magic numbers of what people upload instead of a document, with the name we tell them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG图片"),
    (b"\xff\xd8\xff", "JPEG图片"),
    (b"GIF87a", "GIF图片"),
    (b"GIF89a", "GIF图片"),
    (b"II*\x00", "TIFF图片"),
    (b"MM\x00*", "TIFF图片"),
    (b"%PDF", "PDF文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版Office文件(.doc/.xls)"),
    (b"Rar!", "RAR压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z压缩包"),
    (b"\x1f\x8b", "gzip压缩包"),
    (b"{\\rtf", "RTF文件"),
)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OCR_IMAGES = frozenset({"PNG图片", "JPEG图片", "TIFF图片", "BMP图片"})

_UNSUPPORTED_MESSAGE = "文件不是可读取的文档(支持.txt/.html/.docx/.doc/.wps/.pdf/.xlsx/.xls及扫描图片)"
_PROTECTED_MESSAGE = "文件设有密码保护,无法读取。请在Word、WPS或Excel中取消密码后重新保存并上传"

# Names people type in the upload form, mapped to the codec that reads them. GBK and GB2312 files are read
# with GB18030, their superset, so a rare character outside GBK does not fail the whole file.
_ENCODING_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "utf8-bom": "utf-8",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "big5": "big5",
    "utf-16": "utf-16",
}
_ENCODING_LABELS = {"utf-8": "UTF-8", "gb18030": "GB18030", "big5": "Big5", "utf-16": "UTF-16"}

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def read_document(data: bytes, filename: str, encoding: str | None = None) -> str:
    """The text of an uploaded document, one block (paragraph, heading, table cell) a line."""
    return read_upload(data, filename, encoding).text


def read_upload(data: bytes, filename: str, encoding: str | None = None, *, progress: Progress = no_progress) -> Read:
    """Read an upload: its text, its blocks (paragraphs and tables), the format it was read as, OCR doubts.

    ``filename`` gives the extension, but the bytes decide (and are checked against it). ``encoding`` is
    what the user declared in the upload form; without it the encoding is detected (BOM, then strict UTF-8,
    then GB18030). ``progress`` hears the stages of slow formats (conversion, extraction, OCR).
    """
    extension = PurePath(filename or "").suffix.lower()
    size = len(data)
    limit = MAX_SCAN_BYTES if extension in PDF_EXTENSIONS | IMAGE_EXTENSIONS else MAX_DOCUMENT_BYTES
    if size > limit:
        raise DocumentError(
            ErrorCode.TOO_LARGE,
            f"文件超过{limit // (1024 * 1024)} MB的上限(实际{size / (1024 * 1024):.1f} MB)",
        )
    if size == 0:
        raise DocumentError(ErrorCode.EMPTY, "文件为空")

    read = _read_by_content(data, extension, encoding, progress)
    if not read.text.strip() and not read.tables:
        if read.source_format in ("pdf_scan", "image"):
            raise DocumentError(ErrorCode.EMPTY, "扫描件中没有识别出文字,请上传更清晰的扫描件或可复制文字的版本")
        raise DocumentError(ErrorCode.EMPTY, "文件为空(没有任何文字)")
    progress(PARSING)
    return read


def _read_by_content(data: bytes, extension: str, encoding: str | None, progress: Progress) -> Read:
    sniffed = _sniff_binary(data)
    label = extension or "(无扩展名)"

    if sniffed and (extension in TEXT_EXTENSIONS or extension in HTML_EXTENSIONS):
        raise DocumentError(ErrorCode.BINARY, f"{_UNSUPPORTED_MESSAGE};内容是{sniffed}")
    if data.startswith(_OLE_MAGIC):
        return _read_ole(data, extension, progress)
    if data.startswith(_ZIP_MAGIC):
        if extension in TEXT_EXTENSIONS or extension in HTML_EXTENSIONS:
            raise DocumentError(ErrorCode.BINARY, f"{_UNSUPPORTED_MESSAGE};内容是ZIP压缩包")
        return _read_zip(data, extension)
    if data.startswith(b"%PDF"):
        if extension not in PDF_EXTENSIONS | {""}:
            raise _renamed(extension, sniffed)
        return pdf.read_pdf(data, progress=progress)
    if sniffed in _OCR_IMAGES and extension in IMAGE_EXTENSIONS:
        return ocr.read_image(data, progress=progress)

    if extension in WORD_EXTENSIONS | SHEET_EXTENSIONS | PDF_EXTENSIONS:
        raise _renamed(extension, sniffed)
    if extension in IMAGE_EXTENSIONS:
        found = f",内容是{sniffed}" if sniffed else ""
        raise DocumentError(ErrorCode.DAMAGED, f"扩展名为{extension},但内容不是可识别的图片{found}")
    if extension in TEXT_EXTENSIONS or extension in HTML_EXTENSIONS or extension == "":
        if sniffed:
            raise DocumentError(ErrorCode.BINARY, f"{_UNSUPPORTED_MESSAGE};内容是{sniffed}")
        is_html = extension in HTML_EXTENSIONS or _looks_like_html(data)
        decoded = _decode(data, encoding, html=is_html)
        if "\x00" in decoded:
            raise DocumentError(ErrorCode.BINARY, f"{_UNSUPPORTED_MESSAGE};内容含有二进制数据")
        text = html_to_text(decoded) if is_html else decoded
        return Read(text=text, source_format="html" if is_html else "txt", blocks=[])
    found = f",内容是{sniffed}" if sniffed else ""
    raise DocumentError(ErrorCode.UNSUPPORTED_TYPE, f"{_UNSUPPORTED_MESSAGE};收到的扩展名是{label}{found}")


def _renamed(extension: str, sniffed: str | None) -> DocumentError:
    """A file whose content is not what its extension says."""
    kinds = {".pdf": "PDF文件", ".xlsx": "Excel文件", ".xls": "Excel文件", ".et": "Excel文件", ".xlsm": "Excel文件"}
    kind = kinds.get(extension, "Word文档")
    found = f"实际是{sniffed}" if sniffed else "可能是改了扩展名的图片或其他文件"
    code = ErrorCode.BAD_DOCX if kind == "Word文档" else ErrorCode.DAMAGED
    return DocumentError(code, f"扩展名为{extension},但内容不是有效的{kind}({found})")


def _read_ole(data: bytes, extension: str, progress: Progress) -> Read:
    """An OLE compound file: a password-protected .docx/.xlsx (Office encrypts into OLE), or an old .doc,
    .wps or .xls, which LibreOffice converts."""
    head = data[: 512 * 1024]
    if "EncryptedPackage".encode("utf-16-le") in head:
        raise DocumentError(ErrorCode.ENCRYPTED, _PROTECTED_MESSAGE)
    is_sheet = "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head[:4096]
    if extension in SHEET_EXTENSIONS or (is_sheet and extension not in WORD_EXTENSIONS):
        progress(CONVERTING)
        converted = convert.convert(data, source_suffix=".xls", target="xlsx")
        read = sheets.read_xlsx(converted, source_format="xls")
        return read
    if extension not in WORD_EXTENSIONS | {""}:
        raise DocumentError(ErrorCode.UNSUPPORTED_TYPE, f"{_UNSUPPORTED_MESSAGE};内容是旧版Office文件")
    source = extension if extension in (".doc", ".wps") else ".doc"
    progress(CONVERTING)
    # To .odt first: LibreOffice writes it several times faster than .docx (formats/odt.py). A document
    # numbered by Word's automatic lists is converted again to .docx, whose reader renders the numbers.
    converted = convert.convert(data, source_suffix=source, target="odt")
    if not odt.uses_list_numbering(converted):
        return odt.read_odt(converted, source_format=source.lstrip("."))
    converted = convert.convert(data, source_suffix=source, target="docx")
    read = _read_docx(converted, source)
    read.source_format = source.lstrip(".")
    return read


def _read_zip(data: bytes, extension: str) -> Read:
    archive = zip_check(data, label="Word文档" if extension in WORD_EXTENSIONS else "文件")
    with archive:
        names = set(archive.namelist())
    if "word/document.xml" in names:
        return _read_docx(data, extension or ".docx")
    if "xl/workbook.xml" in names:
        return sheets.read_xlsx(data)
    if extension in WORD_EXTENSIONS:
        raise DocumentError(
            ErrorCode.BAD_DOCX, f"扩展名为{extension},但内容不是有效的Word文档(是ZIP压缩包,不是Word文件)"
        )
    if extension in SHEET_EXTENSIONS:
        raise DocumentError(ErrorCode.DAMAGED, f"扩展名为{extension},但内容不是有效的Excel文件(是ZIP压缩包)")
    raise DocumentError(ErrorCode.BINARY, f"{_UNSUPPORTED_MESSAGE};内容是ZIP压缩包")


def _sniff_binary(data: bytes) -> str | None:
    """Name the binary format the bytes start with, or None for what may be text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data.startswith(b"BM") and data[6:10] == b"\x00\x00\x00\x00":
        return "BMP图片"  # "BM" alone would also start a text about BMW
    head = data[:8192]
    if data.startswith(_ZIP_MAGIC):
        return None  # judged by the caller: a docx is fine, another zip is not
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text has NULs by design
    if b"\x00" in head:
        return "二进制数据"
    return None


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _decode(data: bytes, encoding: str | None, *, html: bool) -> str:
    """Decode with the declared encoding (strictly) or detect it; never guess silently on a declaration."""
    if encoding:
        codec = _ENCODING_ALIASES.get(encoding.strip().lower().replace("_", "-"))
        if codec is None:
            raise DocumentError(ErrorCode.ENCODING, f"不认识的编码名称“{encoding}”,请选择UTF-8或GB18030(GBK)")
        try:
            return _decode_with(data, codec)
        except UnicodeDecodeError:
            label = _ENCODING_LABELS[codec]
            hint = "可能是GBK/GB18030编码" if codec != "gb18030" else "可能是UTF-8编码"
            raise DocumentError(ErrorCode.ENCODING, f"文件声明为{label}编码,但内容不是有效的{label},{hint}") from None

    if data.startswith(codecs.BOM_UTF8):
        return _decode_or_fail(data, "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_or_fail(data, "utf-16")
    if html:
        declared = _META_CHARSET_RE.search(data[:4096])
        codec = _ENCODING_ALIASES.get(declared.group(1).decode("ascii").lower()) if declared else None
        if codec:
            try:
                return _decode_with(data, codec)
            except UnicodeDecodeError:
                pass  # pages often lie about their charset; fall back to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DocumentError(
            ErrorCode.ENCODING, "无法识别文件编码:既不是UTF-8也不是GB18030(GBK),请另存为UTF-8后再上传"
        ) from None


def _decode_with(data: bytes, codec: str) -> str:
    if codec == "utf-8":
        return data.decode("utf-8-sig")
    return data.decode(codec)


def _decode_or_fail(data: bytes, codec: str) -> str:
    try:
        return _decode_with(data, codec)
    except UnicodeDecodeError:
        label = _ENCODING_LABELS[codec]
        raise DocumentError(ErrorCode.ENCODING, f"文件开头标明是{label}编码,但内容不是有效的{label}") from None


# --- HTML ---------------------------------------------------------------------------------------------

_SKIPPED_TAGS = frozenset({"script", "style", "nav", "noscript", "template", "head", "iframe", "svg", "object"})
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "div", "dl", "dt",
        "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip


class _TextExtractor(HTMLParser):
    """Collect text by block elements; a table cell becomes its own line, as in the flattened seeds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skip_depth = 0  # pages that never close </head> would otherwise lose their body
        elif tag in _SKIPPED_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            # Source line breaks inside a paragraph are layout, not structure.
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def html_to_text(html: str) -> str:
    """Visible text of a page, one block a line; scripts, styles and navigation dropped."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (line.strip() for line in "".join(extractor.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- docx ---------------------------------------------------------------------------------------------


def _read_docx(data: bytes, extension: str) -> Read:
    """Paragraphs and tables of a Word document in document order (a table as rows of cells)."""
    zip_check(data, label="Word文档").close()
    import docx  # python-docx is heavy to import; only docx uploads pay for it

    try:
        document = docx.Document(io.BytesIO(data))
        numbering = _Numbering.from_document(document)
        blocks = list(_docx_blocks(document.element.body, numbering))
    except DocumentError:
        raise
    except Exception as exc:  # python-docx raises many kinds (KeyError, ValueError, lxml errors)
        raise DocumentError(
            ErrorCode.BAD_DOCX, f"扩展名为{extension},但内容不是有效的Word文档(无法读取:{type(exc).__name__})"
        ) from exc
    return Read(text=blocks_text(blocks), source_format="docx", blocks=blocks)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_blocks(container, numbering: _Numbering, *, in_cell: bool = False) -> Iterator[Block]:
    """Paragraphs and tables in document order; content controls (w:sdt) are looked into."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            text = _paragraph_text(child, line_break="\n" if in_cell else " ")
            prefix = numbering.prefix(child)
            if text.strip() or prefix:
                yield prefix + text
        elif tag == f"{_W}tbl":
            yield _docx_table(child, numbering)
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _docx_blocks(content, numbering, in_cell=in_cell)


def _docx_table(table, numbering: _Numbering) -> Table:
    """Rows of cells on the table's grid: a cell spanning columns is followed by empty cells, a cell
    continuing a vertical merge reads ``SAME_AS_ABOVE``; a table nested in a cell is flattened into it."""
    rows: Table = []
    for row in table.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        properties = row.find(f"{_W}trPr")
        before = properties.find(f"{_W}gridBefore") if properties is not None else None
        if before is not None:
            cells.extend([""] * int(before.get(f"{_W}val", "0")))
        for cell in _row_cells(row):
            tc_pr = cell.find(f"{_W}tcPr")
            span = tc_pr.find(f"{_W}gridSpan") if tc_pr is not None else None
            merge = tc_pr.find(f"{_W}vMerge") if tc_pr is not None else None
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                text = SAME_AS_ABOVE
            else:
                text = "\n".join(
                    line if isinstance(line, str) else blocks_text([line])
                    for line in _docx_blocks(cell, numbering, in_cell=True)
                )
            cells.append(text)
            if span is not None:
                cells.extend([""] * (int(span.get(f"{_W}val", "1")) - 1))
        rows.append(cells)
    return rows


def _row_cells(row) -> Iterator:
    """A row's cells, looking into content controls that wrap cells."""
    for child in row.iterchildren():
        if child.tag == f"{_W}tc":
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _row_cells(content)


def _paragraph_text(paragraph, *, line_break: str = " ") -> str:
    """Text of runs, hyperlinks and fields of a paragraph; deleted revisions are skipped. A line break in a
    table cell separates what it holds (one unit a line), so there it stays a line break."""
    parts: list[str] = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        else:
            parts.append(line_break if node.tag == f"{_W}br" else " ")
    return "".join(parts)


class _Numbering:
    """Word's automatic list numbering, rendered back into the text.

    A plan typed in Word usually gets its 一、/(一)/1. from list numbering, which python-docx does not put
    in ``paragraph.text``; without it no heading or task would be found.
    """

    def __init__(self, levels: dict[str, dict[int, tuple[str, str, int]]], nums: dict[str, str]) -> None:
        self.levels = levels  # abstractNumId → ilvl → (numFmt, lvlText, start)
        self.nums = nums  # numId → abstractNumId
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}

    @classmethod
    def from_document(cls, document) -> _Numbering:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls({}, {})
        levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        for abstract in root.iterchildren(f"{_W}abstractNum"):
            per_level: dict[int, tuple[str, str, int]] = {}
            for lvl in abstract.iterchildren(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                per_level[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "") if text is not None else "",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                )
            levels[abstract.get(f"{_W}abstractNumId")] = per_level
        nums = {}
        for num in root.iterchildren(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                nums[num.get(f"{_W}numId")] = ref.get(f"{_W}val")
        numbering = cls(levels, nums)
        try:
            for style in document.styles:
                ppr = style.element.find(f"{_W}pPr")
                num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
                if num_pr is not None:
                    num_id, ilvl = _num_pr_values(num_pr)
                    if num_id:
                        numbering.style_numbering[style.style_id] = (num_id, ilvl)
        except (KeyError, AttributeError):
            pass
        return numbering

    def prefix(self, paragraph) -> str:
        if not self.nums:
            return ""
        ppr = paragraph.find(f"{_W}pPr")
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        num_id, ilvl = _num_pr_values(num_pr) if num_pr is not None else (None, 0)
        if num_id is None and ppr is not None:
            style = ppr.find(f"{_W}pStyle")
            if style is not None and style.get(f"{_W}val") in self.style_numbering:
                num_id, ilvl = self.style_numbering[style.get(f"{_W}val")]
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id = self.nums[num_id]
        levels = self.levels.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        fmt, text, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""

        def render(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            level_fmt, _, level_start = levels.get(level, ("decimal", "", 1))
            return _format_number(counters.get(level, level_start), level_fmt)

        return re.sub(r"%(\d)", render, text)


def _num_pr_values(num_pr) -> tuple[str | None, int]:
    num_id = num_pr.find(f"{_W}numId")
    ilvl = num_pr.find(f"{_W}ilvl")
    return (
        num_id.get(f"{_W}val") if num_id is not None else None,
        int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0,
    )


def _format_number(number: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "japanese", "taiwanese", "koreanCounting")):
        return chinese_numeral(number)
    if fmt == "lowerLetter":
        return chr(ord("a") + (number - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (number - 1) % 26)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return chr(0x2460 + number - 1) if 1 <= number <= 20 else str(number)
    return str(number)
