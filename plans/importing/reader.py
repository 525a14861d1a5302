"""Turn uploaded bytes (.txt, .html, .docx) into plain text, one paragraph or table cell a line.

Everything a clerk can upload by mistake (an image renamed .docx, a GBK file declared UTF-8, a 30 MB scan)
ends here as a ``DocumentError`` whose message says what is wrong in Chinese, before any parsing starts.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import PurePath

from .errors import DocumentError, ErrorCode

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

TEXT_EXTENSIONS = frozenset({".txt", ".text"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
DOCX_EXTENSIONS = frozenset({".docx"})

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

_UNSUPPORTED_MESSAGE = "文件不是文本、网页或Word文档(.txt/.html/.docx)"

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
    """Return the text of an uploaded document, one block (paragraph, heading, table cell) a line.

    ``filename`` decides the format by its extension, but the bytes are checked against it, because a
    renamed file is the most common upload mistake. ``encoding`` is what the user declared in the upload
    form; without it the encoding is detected (BOM, then strict UTF-8, then GB18030).
    """
    size = len(data)
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            ErrorCode.TOO_LARGE,
            f"文件超过{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB的上限(实际{size / (1024 * 1024):.1f} MB)",
        )
    if size == 0:
        raise DocumentError(ErrorCode.EMPTY, "文件为空")

    extension = PurePath(filename or "").suffix.lower()
    sniffed = _sniff_binary(data)
    is_zip = data.startswith(_ZIP_MAGIC)

    if is_zip and extension not in DOCX_EXTENSIONS and not _is_docx_archive(data):
        raise DocumentError(ErrorCode.BINARY, f"{_UNSUPPORTED_MESSAGE};内容是ZIP压缩包")

    if extension in DOCX_EXTENSIONS or is_zip:
        if not is_zip:
            found = f"实际是{sniffed}" if sniffed else "可能是改了扩展名的图片或其他文件"
            if sniffed and sniffed.startswith("旧版Office"):
                found = "实际是旧版Word(.doc)格式,请在Word中另存为.docx"
            raise DocumentError(ErrorCode.BAD_DOCX, f"扩展名为{extension or '.docx'},但内容不是有效的Word文档({found})")
        text = _read_docx(data, extension or ".docx")
    elif extension in TEXT_EXTENSIONS or extension in HTML_EXTENSIONS or extension == "":
        if sniffed:
            raise DocumentError(ErrorCode.BINARY, f"{_UNSUPPORTED_MESSAGE};内容是{sniffed}")
        decoded = _decode(data, encoding, html=extension in HTML_EXTENSIONS or _looks_like_html(data))
        if "\x00" in decoded:
            raise DocumentError(ErrorCode.BINARY, f"{_UNSUPPORTED_MESSAGE};内容含有二进制数据")
        if extension in HTML_EXTENSIONS or (extension == "" and _looks_like_html(data)):
            text = html_to_text(decoded)
        else:
            text = decoded
    elif extension == ".doc":
        raise DocumentError(ErrorCode.UNSUPPORTED_TYPE, "不支持旧版Word(.doc)格式,请在Word中另存为.docx后再上传")
    else:
        found = f",内容是{sniffed}" if sniffed else ""
        raise DocumentError(ErrorCode.UNSUPPORTED_TYPE, f"{_UNSUPPORTED_MESSAGE};收到的扩展名是{extension}{found}")

    if not text.strip():
        raise DocumentError(ErrorCode.EMPTY, "文件为空(没有任何文字)")
    return text


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


def _is_docx_archive(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


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


def _read_docx(data: bytes, extension: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise DocumentError(
                    ErrorCode.BAD_DOCX,
                    f"扩展名为{extension},但内容不是有效的Word文档(是ZIP压缩包,不是Word文件)",
                )
    except zipfile.BadZipFile:
        raise DocumentError(
            ErrorCode.BAD_DOCX, f"扩展名为{extension},但内容不是有效的Word文档(文件已损坏或不完整)"
        ) from None

    import docx  # python-docx is heavy to import; only docx uploads pay for it

    try:
        document = docx.Document(io.BytesIO(data))
        numbering = _Numbering.from_document(document)
        lines = list(_docx_lines(document.element.body, numbering))
    except DocumentError:
        raise
    except Exception as exc:  # python-docx raises many kinds (KeyError, ValueError, lxml errors)
        raise DocumentError(
            ErrorCode.BAD_DOCX, f"扩展名为{extension},但内容不是有效的Word文档(无法读取:{type(exc).__name__})"
        ) from exc
    return "\n".join(line for line in lines if line.strip())


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_lines(container, numbering: _Numbering) -> Iterator[str]:
    """Paragraphs and table cells in document order; content controls (w:sdt) are looked into."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            text = _paragraph_text(child)
            prefix = numbering.prefix(child)
            if text.strip() or prefix:
                yield prefix + text
        elif tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                for cell in row.iterchildren(f"{_W}tc"):
                    yield from _docx_lines(cell, numbering)
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _docx_lines(content, numbering)


def _paragraph_text(paragraph) -> str:
    """Text of runs, hyperlinks and fields of a paragraph; deleted revisions are skipped."""
    parts: list[str] = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        parts.append(node.text or "" if node.tag == f"{_W}t" else " ")
    return "".join(parts)


_CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十: the counting style of 一、 and (一) headings."""
    if number <= 0:
        return str(number)
    if number < 10:
        return _CHINESE_DIGITS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        head = "十" if tens == 1 else _CHINESE_DIGITS[tens] + "十"
        return head + (_CHINESE_DIGITS[units] if units else "")
    return str(number)


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
