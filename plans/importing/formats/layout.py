"""Lines placed on a page (from a PDF's text layer or from OCR) back into paragraphs.

A printed notice (公文) breaks every line at the page width and indents each paragraph's first line by two
characters; the page number sits alone between pages (— 3 —). So a line that reaches the right margin runs
on into the next one unless that one is indented or opens a heading; page numbers and running headers go.
Spaces PDF extraction and OCR put between Chinese characters (人力 资源社会保障局, 牵 头) are removed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’、。,;:!?()《》〔〕【】…—"
_SPACE_IN_CJK_RE = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+(?=[{_CJK}])")
_SPACE_NEAR_CJK_RE = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])[ \t\u00a0]+(?=[{_CJK}])")
_PAGE_NUMBER_RES = (
    re.compile(r"^[—–\-－−一_~]+\s*\d{1,4}\s*[—–\-－−一_~]+$"),  # — 3 —, - 3 -
    re.compile(r"^第\s*\d{1,4}\s*页(\s*[,,/]?\s*共\s*\d{1,4}\s*页)?$"),  # 第3页, 第3页 共10页
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 3/10
)
_BARE_NUMBER_RE = re.compile(r"^(page\s*)?\d{1,4}$", re.IGNORECASE)  # a bare 3, only first or last on a page
# What opens a new block even when the line above ran to the margin.
_OPENS_BLOCK_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[((][一二三四五六七八九十]{1,3}[))]|\d{1,3}[.、.](?!\d)|[((]\d{1,3}[))]"
    r"|[①-⑳]|第[一二三四五六七八九十百零\d]{1,4}[章节条]|附件|(?:牵头|配合|责任|协办)\s*单\s*位\s*[::])"
)

_ENDS_SENTENCE = "。;!?:;!?:"


@dataclass
class PlacedLine:
    """One line of text where it sits on its page (PDF points or image pixels; only ratios matter)."""

    page: int
    x0: float
    x1: float
    top: float
    text: str
    size: float = 0.0  # a character's height, to measure indents and margins in characters


def tidy(text: str) -> str:
    """Remove the spaces extraction puts inside Chinese words and around numbers next to Chinese."""
    text = _SPACE_IN_CJK_RE.sub("", text.strip())
    return _SPACE_NEAR_CJK_RE.sub("", text)


def is_page_number(text: str, *, page_edge: bool = False) -> bool:
    """A page-number line (— 3 —, - 3 -, 第3页); a bare number counts only at the top or foot of a page."""
    compact = text.strip()
    if page_edge and _BARE_NUMBER_RE.match(compact):
        return True
    return any(pattern.match(compact) for pattern in _PAGE_NUMBER_RES)


def paragraphs(lines: list[PlacedLine]) -> list[str]:
    """Join wrapped lines into paragraphs, page by page and across page breaks, dropping page numbers."""
    lines = [line for line in lines if line.text.strip()]
    edges = {id(line) for line in _page_edges(lines)}
    kept = [line for line in lines if not is_page_number(line.text, page_edge=id(line) in edges)]
    if not kept:
        return []
    size = _median([line.size for line in kept if line.size > 0]) or 10.0
    left = _margin([line.x0 for line in kept], size, lowest=True)
    right = _margin([line.x1 for line in kept], size, lowest=False)
    result: list[str] = []
    current = ""
    previous: PlacedLine | None = None
    for line in kept:
        text = tidy(line.text)
        if not text:
            continue
        if previous is not None and current and _runs_on(previous, line, text, left, right, size):
            current += text if _joins_tight(current, text) else " " + text
        else:
            if current:
                result.append(current)
            current = text
        previous = line
    if current:
        result.append(current)
    return result


def _page_edges(lines: list[PlacedLine]) -> list[PlacedLine]:
    """The first and last line of every page."""
    edges: list[PlacedLine] = []
    for index, line in enumerate(lines):
        if index == 0 or lines[index - 1].page != line.page:
            edges.append(line)
        if index == len(lines) - 1 or lines[index + 1].page != line.page:
            edges.append(line)
    return edges


def _runs_on(previous: PlacedLine, line: PlacedLine, text: str, left: float, right: float, size: float) -> bool:
    # A line broken early before an unbreakable run (digits, a Latin word, (2015—2020年)) stops a few
    # characters short of the margin; one that ends a sentence there is a paragraph's last line.
    reaches_margin = previous.x1 >= right - 1.5 * size or (
        previous.x1 >= right - 8 * size and not previous.text.rstrip().endswith(tuple(_ENDS_SENTENCE))
    )
    starts_at_margin = line.x0 <= left + 0.6 * size
    return reaches_margin and starts_at_margin and not _OPENS_BLOCK_RE.match(text)


def _joins_tight(before: str, after: str) -> bool:
    """Chinese joins without a space; two Latin words keep one."""
    return not (before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii() and after[:1].isalnum())


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _margin(values: list[float], size: float, *, lowest: bool) -> float:
    """The body's left (or right) margin: the most common edge, counted in half-characters, taken from the
    outermost busy bucket (a centred title or a short last line does not move it)."""
    step = max(size / 2, 1.0)
    buckets = Counter(round(value / step) for value in values)
    busiest = max(buckets.values())
    busy = [bucket for bucket, count in buckets.items() if count >= max(2, busiest // 4)] or list(buckets)
    chosen = min(busy) if lowest else max(busy)
    return chosen * step
