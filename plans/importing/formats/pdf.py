"""PDF: the text layer read with pdfminer (pdfplumber's engine), lines put back into paragraphs; a PDF whose
pages carry no text (a scan) goes to OCR page by page."""

from __future__ import annotations

import io
import itertools

from ..errors import DocumentError, ErrorCode
from . import ocr
from .base import EXTRACTING, Progress, Read, no_progress
from .layout import PlacedLine, paragraphs

MAX_PDF_PAGES = 300
MAX_SCANNED_PAGES = 40  # OCR takes seconds a page: a longer scan is refused rather than run for an hour
_MIN_PAGE_CHARACTERS = 10  # fewer on a page: a scanned page (perhaps with a stamp or a page number)


def read_pdf(data: bytes, *, progress: Progress = no_progress) -> Read:
    """Text of a PDF; OCR for pages without a text layer. ``DocumentError`` for a damaged, protected,
    too long or (without tesseract) scanned PDF."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    pages = list(_pages(data, PDFPage))
    if len(pages) > MAX_PDF_PAGES:
        raise DocumentError(
            ErrorCode.TOO_MANY_PAGES,
            f"PDF共{len(pages)}页,超过{MAX_PDF_PAGES}页的上限。请只上传规划正文及任务分工表部分",
        )
    progress(EXTRACTING, 0, len(pages))
    manager = PDFResourceManager(caching=True)
    # No layout analysis: characters are grouped into lines here (``_page_lines``), which keeps quotation
    # marks set in another font on their line instead of on lines of their own.
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    placed: list[PlacedLine] = []
    textless: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            interpreter.process_page(page)
            layout = device.get_result()
        except Exception as exc:  # pdfminer raises many kinds on a damaged content stream
            raise _damaged(f"第{number}页无法读取:{type(exc).__name__}") from exc
        lines = _page_lines(layout, number)
        if sum(len(line.text.strip()) for line in lines) < _MIN_PAGE_CHARACTERS:
            textless.append(number)
        placed.extend(lines)
        progress(EXTRACTING, number, len(pages))

    doubts = []
    if textless and len(textless) * 2 >= len(pages):
        if len(pages) > MAX_SCANNED_PAGES:
            raise DocumentError(
                ErrorCode.TOO_MANY_PAGES,
                f"这是扫描件,共{len(pages)}页,超过文字识别{MAX_SCANNED_PAGES}页的上限。请上传可复制文字的版本,"
                "或只上传任务所在的页",
            )
        ocr.require()
        images = _render(data, textless)
        placed = [line for line in placed if line.page not in set(textless)]
        scanned, doubts = ocr.recognise_pages(images, progress=progress)
        placed = sorted([*placed, *scanned], key=lambda line: line.page)
        source = "pdf_scan"
    else:
        source = "pdf"
    blocks = paragraphs(placed)
    return Read(text="\n".join(blocks), source_format=source, blocks=list(blocks), ocr_doubts=doubts, pages=len(pages))


def _page_lines(layout, page: int) -> list[PlacedLine]:
    """The page's characters grouped into lines by their vertical centre, each line read left to right."""
    from pdfminer.layout import LTChar, LTContainer

    chars = []
    stack = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            text = item.get_text()
            if text.strip():
                chars.append((item.x0, item.x1, (item.y0 + item.y1) / 2, max(item.y1 - item.y0, 1.0), text))
        elif isinstance(item, LTContainer):
            stack.extend(item)
    chars.sort(key=lambda char: -char[2])
    rows: list[list[tuple[float, float, float, float, str]]] = []
    for char in chars:
        if rows and abs(rows[-1][0][2] - char[2]) <= rows[-1][0][3] * 0.45:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda char: char[0])
        size = sorted(char[3] for char in row)[len(row) // 2]
        parts = [row[0][4]]
        for previous, char in itertools.pairwise(row):
            if char[0] - previous[1] > size * 0.35:
                parts.append(" ")
            parts.append(char[4])
        top = layout.height - row[0][2]
        lines.append(PlacedLine(page, row[0][0], max(char[1] for char in row), top, "".join(parts), size))
    return lines


def _pages(data: bytes, page_class) -> list:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        return list(page_class.get_pages(io.BytesIO(data), password="", check_extractable=False))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise DocumentError(
            ErrorCode.ENCRYPTED, "PDF设有打开密码,无法读取。请取消密码后重新导出PDF,或上传Word版本"
        ) from None
    except PDFSyntaxError as exc:
        raise _damaged(str(exc)[:60]) from exc
    except Exception as exc:  # truncated files end in many ways (KeyError, TypeError, PSEOF…)
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise DocumentError(ErrorCode.ENCRYPTED, "PDF设有打开密码,无法读取。请取消密码后重新上传") from exc
        raise _damaged(type(exc).__name__) from exc


def _damaged(detail: str) -> DocumentError:
    return DocumentError(
        ErrorCode.DAMAGED, f"PDF文件已损坏或不完整,无法读取({detail})。请重新导出或下载PDF,或上传Word版本"
    )


def _render(data: bytes, page_numbers: list[int]) -> list[tuple[int, bytes]]:
    """PNG images (300 dpi) of the given pages, for OCR."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    images = []
    try:
        for number in page_numbers:
            bitmap = document[number - 1].render(scale=300 / 72, grayscale=True)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG")
            images.append((number, buffer.getvalue()))
    finally:
        document.close()
    return images
