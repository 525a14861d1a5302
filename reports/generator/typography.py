"""Chinese typography of the report: full-width punctuation, half-width digits, titles broken between words.

A 公文 sets punctuation in full width (,;:()?!) and digits in half width (2017年, 12.5%). Progress
texts arrive as typed — by a reporter on a phone, pasted from Excel — with ASCII punctuation among the
Chinese; the report is only as good as its worst paragraph, so every text that reaches the draft passes
through :func:`fullwidth`.

The rule is conservative where ASCII punctuation has a meaning of its own: a decimal point (12.5), a time
or ratio between digits (10:30, 1:2), a thousands separator (1,200), URLs and e-mail addresses, and
bracketed Latin (GB/T 9704) keep their half-width form. Punctuation next to Chinese text becomes full
width; a pair of parentheses becomes full width when what it encloses contains Chinese.
"""

from __future__ import annotations

import re

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_FULL_DIGITS = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)})
_FULL_LATIN = {chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)} | {
    chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)
}
# ASCII → full width (written as escapes: editors and terminals often fold the full-width forms).
_PUNCT = {",": "\uff0c", ";": "\uff1b", ":": "\uff1a", "?": "\uff1f", "!": "\uff01"}
LPAREN, RPAREN = "\uff08", "\uff09"
# A URL or an e-mail address is left alone as a whole.
_PROTECTED = re.compile(
    r"(?:https?://|www\.)[^\s" + _CJK + "\uff0c\u3002\uff1b\u3001" + r"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
# Parentheses with Chinese inside: (一), (区司法局负责) → full width.
_PARENS = re.compile(r"\(([^()]*[" + _CJK + r"][^()]*)\)")


_FULLWIDTH_PUNCT = (
    "".join(_PUNCT.values()) + LPAREN + RPAREN + "\u3002\u3001\u300a\u300b\u201c\u201d\u2018\u2019\u2014\u2026"
)


def _cjk_or_fullwidth(ch: str) -> bool:
    return bool(_CJK_RE.match(ch)) or ch in _FULLWIDTH_PUNCT


def _convert(text: str) -> str:
    # An ellipsis typed as dots (一是...) is the full 省略号 (……).
    text = re.sub(r"\.{3,}|\u2026+|\u3002{3,}", "\u2026\u2026", text)
    text = text.translate(_FULL_DIGITS)
    text = "".join(_FULL_LATIN.get(ch, ch) for ch in text)
    text = _PARENS.sub(lambda m: f"{LPAREN}{m.group(1)}{RPAREN}", text)
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in _PUNCT:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            between_digits = before.isdigit() and after.isdigit()
            if not between_digits and (_cjk_or_fullwidth(before) or _cjk_or_fullwidth(after) or not after):
                # A comma or colon typed after Chinese and followed by a space: the space goes too.
                out.append(_PUNCT[ch])
                continue
        if ch == " " and out and out[-1] in _PUNCT.values():
            continue
        out.append(ch)
    converted = "".join(out)
    # A full stop typed as "." after Chinese (reporters on a phone) ends the sentence as 。
    converted = re.sub(f"(?<=[{_CJK}{_FULLWIDTH_PUNCT}])\\.(?![\\d.])", "\u3002", converted)
    return converted


def fullwidth(text: str) -> str:
    """``text`` with the punctuation of Chinese sentences in full width, digits and Latin in half width."""
    if not text:
        return text
    pieces, last = [], 0
    for match in _PROTECTED.finditer(text):
        pieces.append(_convert(text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_convert(text[last:]))
    return "".join(pieces)


# Words a title line may not end inside. GB/T 9704 asks that a title be broken "词意完整": the words
# below are the ones report titles are made of; a jurisdiction's own name is added by the caller.
TITLE_WORDS = (
    "人民政府",
    "法治政府",
    "法治政府建设",
    "依法行政",
    "建设",
    "情况",
    "报告",
    "关于",
    "工作",
    "年度",
    "落实",
    "推进",
    "实施",
    "纲要",
)


def title_lines(title: str, *, chars_per_line: int, keep_whole: tuple[str, ...] = ()) -> list[str]:
    """Break ``title`` into lines of at most ``chars_per_line`` characters, never inside a word.

    A break may not fall inside any of ``TITLE_WORDS``, ``keep_whole`` (the government's name, the
    jurisdiction) or a run of digits with its 年. Among the allowed breaks the most even is chosen, the
    upper line not shorter than the lower (the 梯形 of GB/T 9704). A title with no allowed break is
    broken at the line width.
    """
    if len(title) <= chars_per_line:
        return [title]
    forbidden: set[int] = set()
    words = sorted({w for w in (*TITLE_WORDS, *keep_whole) if w}, key=len, reverse=True)
    for word in words:
        for match in re.finditer(re.escape(word), title):
            forbidden.update(range(match.start() + 1, match.end()))
    for match in re.finditer(r"[\d〇一二三四五六七八九十]+年(?:度)?|[(\uff08][^)\uff09]*[)\uff09]|《[^》]*》", title):
        forbidden.update(range(match.start() + 1, match.end()))
    lines: list[str] = []
    rest, offset = title, 0
    while len(rest) > chars_per_line:
        remaining_lines = -(-len(rest) // chars_per_line)
        target = -(-len(rest) // remaining_lines)
        allowed = [cut for cut in range(1, chars_per_line + 1) if offset + cut not in forbidden]
        if not allowed:
            cut = chars_per_line
        else:
            # Most even split; on a tie, the longer upper line.
            cut = min(allowed, key=lambda c: (abs(c - target) + (0.5 if c < target else 0), -c))
            # Never leave fewer characters for later lines than they can hold in remaining_lines - 1.
            while len(rest) - cut > chars_per_line * (remaining_lines - 1) and any(a > cut for a in allowed):
                cut = min(a for a in allowed if a > cut)
        lines.append(rest[:cut])
        rest, offset = rest[cut:], offset + cut
    lines.append(rest)
    return lines
