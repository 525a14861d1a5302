"""Clean scraped or typed plan text into one canonical form before any structure is looked for.

The parser's patterns are written once, against simplified characters, ASCII ``( ) : , ;`` and Chinese
``、。〔〕《》“”``; everything that reaches it is folded into that form here: traditional characters, pinyin
readings after characters, full-width punctuation, web-page widgets, spam and footers, lost dashes in
year ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import opencc
from opencc import OpenCC

# Built once: the converter loads its dictionaries in the constructor.
_T2S = OpenCC("t2s")


def _traditional_characters() -> str:
    """Characters that t2s changes; a line without any of them is left untouched (and fast)."""
    dictionary = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars: list[str] = []
    with dictionary.open(encoding="utf-8") as handle:
        for line in handle:
            key, _, value = line.rstrip("\n").partition("\t")
            if len(key) == 1 and value.split(" ")[0] != key:
                chars.append(key)
    return "".join(chars)


# A set, not a regex character class: isdisjoint() over 4,000 characters is ten times faster.
_TRADITIONAL = frozenset(_traditional_characters())


def has_traditional(text: str) -> bool:
    """Whether a text contains a character that traditional → simplified conversion would change."""
    return not _TRADITIONAL.isdisjoint(text)


# Full-width and half-width forms folded to one form. ASCII for ( ) : , ; ! ? % + and digits and letters;
# Chinese for 、。〔〕 (half-width ､｡ become them). NFKC is not used: it would also turn 〔〕 and “” and
# the ideographic space into other things and decompose ① into 1.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE.update(
    {
        ord("　"): " ",
        ord("\xa0"): " ",
        ord("\u2002"): " ",
        ord("\u2003"): " ",
        ord("\u2009"): " ",
        ord("\u200b"): "",
        ord("\ufeff"): "",
        ord("［"): "〔",
        ord("］"): "〕",
        ord("﹝"): "〔",
        ord("﹞"): "〕",
        ord("｡"): "。",
        ord("､"): "、",
        ord("｢"): "“",
        ord("｣"): "”",
        # Corner brackets are the quotation marks of traditional-character and some typed texts; single
        # angle brackets stand in for 《》 when a typist or font lacks them (关于印发〈X〉的通知). Folded so the
        # title rules are written once, against “” and 《》.
        ord("「"): "“",
        ord("」"): "”",
        ord("『"): "‘",
        ord("』"): "’",
        ord("〈"): "《",
        ord("〉"): "》",
        ord("\u2329"): "《",  # 〈 the older code point of the same mark
        ord("\u232a"): "》",
        ord("﹁"): "“",  # vertical-text forms from PDF copies
        ord("﹂"): "”",
        ord("︽"): "《",
        ord("︾"): "》",
        ord("﹐"): ",",
        ord("﹑"): "、",
        ord("﹔"): ";",
        ord("﹕"): ":",
        ord("﹙"): "(",
        ord("﹚"): ")",
        ord("―"): "—",  # horizontal bar, used as 破折号 by some GB fonts
        ord("～"): "~",
        ord("＂"): "“",
    }
)


# The same table for a regular expression: str.translate looks every character of a text up in the table
# (about 0.5 µs a character on Chinese text: most of the cost of normalizing a long plan), a character class
# finds the few characters that change and only those are looked up.
_WIDTH_CHARACTERS_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in _WIDTH_TABLE) + "]")
_WIDTH_REPLACEMENTS = {
    chr(code): chr(value) if isinstance(value, int) else value for code, value in _WIDTH_TABLE.items()
}


def _folded(match: re.Match[str]) -> str:
    return _WIDTH_REPLACEMENTS[match.group()]


def fold_width(text: str) -> str:
    """Fold full-width ASCII, full-width space and odd bracket variants into the canonical form."""
    return _WIDTH_CHARACTERS_RE.sub(_folded, text)


def to_simplified(text: str) -> str:
    """Traditional → simplified with OpenCC, only on the lines that need it (conversion is slow)."""
    if not has_traditional(text):
        return text
    return "\n".join(_T2S.convert(line) if has_traditional(line) else line for line in text.split("\n"))


_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = rf"[a-zü]*[{_TONE_VOWELS}][a-zü]*"
_NEUTRAL = r"de|le|me|men|ma|ne|ba|zi|zhe|ge|er"
# A reading sits right after a CJK character: 鎮(zhèn), 区（qū）, 东西(dōng xi). Only lowercase Latin
# syllables with a tone mark (or a handful of neutral-tone particles) qualify, so (牵头单位:…), (2015—2020年),
# (a) and (iii) survive.
_PINYIN_RE = re.compile(
    rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]\s*(?:{_SYLLABLE}|{_NEUTRAL})(?:\s+(?:{_SYLLABLE}|{_NEUTRAL}))*\s*[)）]"
)


def remove_pinyin(text: str) -> str:
    """Drop pinyin readings placed in parentheses after characters."""
    if "(" not in text and "（" not in text:
        return text  # no parenthesis, no reading: most lines, spared the pattern's scan
    return _PINYIN_RE.sub("", text)


# 十二五规划(20112015年): the dash between the years was lost in scraping; a second year later than the
# first and within 30 years of it tells the range from a date such as 20181021.
_GLUED_YEARS_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)((?:19|20)\d\d)(?=年|\)|$)")
# 20189月: the 年 was lost after a year.
_GLUED_MONTH_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(1[0-2]|[1-9])(?=月)")
_SPACE_NEAR_CJK_RE = re.compile(r"(?<=[^\x00-\x7f])[ \t]+|[ \t]+(?=[^\x00-\x7f])")
_SPACES_RE = re.compile(r"[ \t]{2,}")
_LEADING_BULLETS_RE = re.compile(r"^[\s•●·▪■◆◇□○◎►▶\-*]+(?=\S)")
# The repairs need eight digits in a row (two years), or five and a 月 (a year and a month): most lines
# have neither, and a substring test and a plain scan are cheaper than the repairs' patterns.
_EIGHT_DIGITS_RE = re.compile(r"\d{8}")
_FIVE_DIGITS_RE = re.compile(r"\d{5}")


def _repair_glued_years(match: re.Match[str]) -> str:
    first, second = int(match.group(1)), int(match.group(2))
    if first < second <= first + 30:
        return f"{first}—{second}"
    return match.group(0)


def _canonical_characters(line: str, *, folded: bool = False, traditional: bool = True) -> str:
    """``folded``: the width is folded already; ``traditional=False``: the caller knows the line has no
    traditional character (normalize_document checks both once for the whole text)."""
    if not folded:
        line = fold_width(line)
    line = remove_pinyin(line)
    if traditional and has_traditional(line):
        line = _T2S.convert(line)
    if _EIGHT_DIGITS_RE.search(line):
        line = _GLUED_YEARS_RE.sub(_repair_glued_years, line)
    if "月" in line and _FIVE_DIGITS_RE.search(line):
        line = _GLUED_MONTH_RE.sub(r"\1年\2", line)
    line = line.strip()
    if line[:1] in "•●·▪■◆◇□○◎►▶":
        line = _LEADING_BULLETS_RE.sub("", line)
    return line


def _tidy_spaces(line: str) -> str:
    """Spaces next to Chinese text are layout (法治政府 建设, 每月报送 2条); between Latin words they stay."""
    if " " not in line and "\t" not in line:
        return line
    return _SPACES_RE.sub(" ", _SPACE_NEAR_CJK_RE.sub("", line))


def normalize_line(line: str) -> str:
    """One line into canonical form: width, characters, pinyin, glued years, spacing."""
    return _tidy_spaces(_canonical_characters(line))


# --- web-page noise -----------------------------------------------------------------------------------

# Fields of a government site's document header (索引号 … 文号 …) and of a page's info bar. They are read
# for metadata, then dropped: they are not part of the document.
_HEADER_FIELDS = {
    "索引号": "index_number",
    "发布机构": "issuer",
    "发文机关": "issuer",
    "制发机构": "issuer",
    "发文机构": "issuer",
    "有效性": "validity",
    "发文日期": "issued",
    "成文日期": "issued",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "名称": "name",
    "标题": "name",
    "主题词": "subject_words",
    "主题分类": "subject",
    "公报期号": "gazette_issue",
    "发布时间": "published",
    "发布日期": "published",
    "转载时间": "reposted",
    "来源网站": "source",
    "来源": "source",
    "信息来源": "source",
    "浏览次数": "views",
    "访问量": "views",
    "作者": "author",
}
# Sites space out short field names to align them (索 引 号, 标 题): a field name may hold spaces.
_FIELD_NAMES = "|".join(r"[ \t]*".join(name) for name in sorted(_HEADER_FIELDS, key=len, reverse=True))
_HEADER_LINE_RE = re.compile(rf"^(?:{_FIELD_NAMES})\s*:")
_HEADER_FIELD_RE = re.compile(rf"({_FIELD_NAMES})\s*:\s*")
_FIELD_SPACES_RE = re.compile(r"[ \t]+")


# A header set out as a list: a bullet before the field name (• 发文字号:, - 发布日期:2021-07-19), and the value
# on the next line when the field's own line ends at its colon. The value is taken only when it has the
# field's form, so an empty field (主题分类:) never swallows the line after it.
_BULLET_RE = re.compile(r"^[•·\-*]\s*(?=\S)")
_DATE_VALUE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_NEXT_LINE_VALUE_RES = {
    "doc_number": re.compile(r"^[\u4e00-\u9fff]{1,15}[〔\[(]\d{4}[〕\])]\d{1,4}号?$"),
    "issued": re.compile(rf"^{_DATE_VALUE}$"),
    "published": re.compile(rf"^{_DATE_VALUE}$"),
    "index_number": re.compile(r"^[0-9A-Za-z][0-9A-Za-z/\-_]{5,40}$"),
}


def _empty_field(line: str) -> str | None:
    """The key of a header line that is one field name and its colon, nothing after (• 发文字号:)."""
    match = _HEADER_FIELD_RE.match(line)
    if match and match.end() == len(line.rstrip()):
        return _HEADER_FIELDS[_FIELD_SPACES_RE.sub("", match.group(1))]
    return None


def _header_pipe_fields(line: str) -> dict[str, str] | None:
    """A header copied as a table row, cells between |: ``发文字号 | X | 制发机构 | Y |`` → its fields, in
    name/value pairs; None when the row does not begin with a header field name (a task table's row)."""
    if "|" not in line:
        return None
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    if _FIELD_SPACES_RE.sub("", cells[0]) not in _HEADER_FIELDS:
        return None
    fields: dict[str, str] = {}
    for index in range(0, len(cells) - 1, 2):
        name, value = _FIELD_SPACES_RE.sub("", cells[index]), cells[index + 1]
        if name in _HEADER_FIELDS and value and _HEADER_FIELDS[name] not in fields:
            fields[_HEADER_FIELDS[name]] = _SPACES_RE.sub(" ", value)
    return fields


# Patterns of a whole line or of its start (every alternative begins with ^).
_NOISE_LINE_PATTERNS = (
    r"^继续访问$",
    r"^智能问答",
    r"^你还可以输入\d*",
    r"^关闭(窗口|本页)?$",
    r"^打印(本页|此页)?$",
    r"^(首页|返回顶部|返回首页|收藏本页|打印本页)$",
    r"^(您|你)?(当前|现在)?的?(所在)?位置\s*:",
    r"^【?字(体|号)\s*:",
    r"^分享到",
    r"^扫一扫",
    r"^(上一篇|下一篇)\s*:",
    r"^相关(链接|文章|阅读)\s*:?$",
    r"^(抄送|抄报)\s*:",
    r"^\(此件.{0,12}\)$",  # (此件公开发布)
    r"^[-—]\s*\d{1,3}\s*[-—]$",  # page numbers: - 3 -
    r"^[^\w]*$",  # only punctuation or symbols, such as a lone ·
    # Page slogans such as 千年古郡·幸福南海.
    r"^[\u4e00-\u9fff]{2,6}·[\u4e00-\u9fff]{2,6}$",
    # Printing footer: 佛山市南海区人民政府办公室 2012年6月11日印发 (digits may be lost). The lookahead only
    # spares a line that does not end in 印发 the backtracking of \S{2,30}.
    r"^(?=.*印发$)\S{2,30}(办公室|办公厅|人民政府|政府办)\s*\d{4}年[\d月日]*印发$",
    # Site footers (with those found anywhere below): 主办单位:…办公室 网站标识码:… ICP备案号:…, 版权所有,
    # 技术支持:…; 主办单位 here is the site's owner, not a lead unit.
    r"^技术支持\s*:|^(网站)?(主办|承办)单位\s*:.*(网站|维护|承办|电话)",
    r"^(联系我们|网站地图|网站声明|隐私声明|建议使用.{0,20}浏览器.*)$",
)
# Patterns found anywhere in a line.
_NOISE_ANYWHERE_PATTERNS = (
    r"网站标识码|ICP备|公网安备|版权所有|Copyright|©",
    # Gambling spam that hosting pages inject at top and bottom.
    r"快3|pk10|wellcome|彩神|时时彩|六合彩|百家乐|彩票.*下载|下载.*彩票",
)
_NOISE_RES = tuple(re.compile(pattern, re.IGNORECASE) for pattern in _NOISE_LINE_PATTERNS + _NOISE_ANYWHERE_PATTERNS)


# Each group as one alternation: one match at the line's start and one scan instead of twenty (the cost per
# line of a long plan). The scan runs only on a line holding a character that one of its alternatives needs
# (网 备 版 C © 快 P W 彩 百; under IGNORECASE c, p and w match only their two cases): a case-insensitive
# alternation is tried at every position of every line, and few lines of a plan hold any of these.
_NOISE_LINE_RE = re.compile("|".join(f"(?:{pattern})" for pattern in _NOISE_LINE_PATTERNS), re.IGNORECASE)
_NOISE_ANYWHERE_RE = re.compile("|".join(f"(?:{pattern})" for pattern in _NOISE_ANYWHERE_PATTERNS), re.IGNORECASE)
_NOISE_ANYWHERE_CHARACTERS_RE = re.compile("[网备版Cc©快PpWw彩百]")


def is_noise_line(line: str) -> bool:
    """Whether a normalized line is page furniture rather than document text."""
    if _NOISE_LINE_RE.match(line) is not None:
        return True
    return _NOISE_ANYWHERE_CHARACTERS_RE.search(line) is not None and _NOISE_ANYWHERE_RE.search(line) is not None


def parse_header_fields(line: str) -> dict[str, str]:
    """``索引号: X  发布机构: Y`` → {"index_number": "X", "issuer": "Y"}; empty values are skipped."""
    matches = list(_HEADER_FIELD_RE.finditer(line))
    fields: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
        value = _SPACES_RE.sub(" ", line[match.end() : end].strip(" ,;"))
        key = _HEADER_FIELDS[_FIELD_SPACES_RE.sub("", match.group(1))]
        if value and key not in fields:
            fields[key] = value
    return fields


@dataclass
class NormalizedDocument:
    """The document's lines in canonical form, and the page-header fields that were taken out of it."""

    lines: list[str]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def normalize_document(text: str) -> NormalizedDocument:
    """Canonical lines of a decoded document, noise and blank lines dropped, header fields kept aside."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    # Width is folded in one pass over the whole text (the table neither makes nor removes a line break, and
    # a line it empties is dropped below either way), and one look tells whether any line has a traditional
    # character: per line, these two were a good part of the cost of a 30,000-line document (issue 18).
    text = fold_width(text)
    traditional = has_traditional(text)
    lines: list[str] = []
    meta: dict[str, str] = {}
    pending: str | None = None  # a header field whose value is on the next line
    for raw in text.split("\n"):
        if not raw.strip():
            continue
        line = _canonical_characters(raw, folded=True, traditional=traditional)
        if (pipe_fields := _header_pipe_fields(line)) is not None:
            for key, value in pipe_fields.items():
                meta.setdefault(key, value)
            continue
        bare = _BULLET_RE.sub("", line)
        if _HEADER_LINE_RE.match(bare):
            # Read before spaces are tidied: the fields of one header line are separated by spaces only.
            for key, value in parse_header_fields(bare).items():
                meta.setdefault(key, value)
            pending = _empty_field(bare)
            continue
        if pending is not None:
            key, pending, value = pending, None, _tidy_spaces(line)
            field_re = _NEXT_LINE_VALUE_RES.get(key)
            if field_re is not None and field_re.match(value):
                meta.setdefault(key, value)
                continue
        line = _tidy_spaces(line)
        if not line:
            continue
        if is_noise_line(line):
            continue
        lines.append(line)
    return NormalizedDocument(lines=lines, meta=meta)


def normalize_text(text: str) -> str:
    """Convenience: the normalized document as text, one line per block."""
    return normalize_document(text).text


_KEY_DROP_RE = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")


def comparison_key(text: str) -> str:
    """A text reduced to what survives normalization unchanged (simplified characters, letters and digits,
    no spaces or punctuation), to find a raw line (an OCR line, say) inside the parsed text it became after
    line-wrap repair and folding."""
    text = fold_width(text)
    if has_traditional(text):
        text = _T2S.convert(text)
    return _KEY_DROP_RE.sub("", text)
