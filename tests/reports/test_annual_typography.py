"""Issue 17: the report set as a 公文 — full-width punctuation, a title broken between words, 主送/落款/成文日期,
and GB/T 9704's 22 lines of 28 characters with the page number 7 mm under the text block, read back from the
PDF that LibreOffice makes of our .docx (with the free fonts, and as a plain LibreOffice would)."""

import datetime as dt
import io
import itertools
import re
from collections import defaultdict

import pdfplumber
import pytest
from docx import Document

from reports import docx_render
from reports.generator.facts import default_addressee, document_date
from reports.generator.typography import fullwidth, title_lines
from reports.models import DateStyle, ReportSettings
from tests.conftest import service_missing
from tests.reports.test_annual_generator import build_year, draft

COMMA, SEMI, COLON, LP, RP = "\uff0c", "\uff1b", "\uff1a", "\uff08", "\uff09"
HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:()?!]|[,;:()?!][\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("区编办(区府办)牵头,各有关部门配合", f"区编办{LP}区府办{RP}牵头{COMMA}各有关部门配合"),
        ("完成率12.5%,共1,200件;时间10:30", f"完成率12.5%{COMMA}共1,200件{SEMI}时间10:30"),
        ("主要表现在:一是...", f"主要表现在{COLON}一是\u2026\u2026"),
        ("印发《规定》(试行).下一步", f"印发《规定》{LP}试行{RP}\u3002下一步"),
        ("共计\uff11\uff12件", "共计12件"),  # digits half width
        ("见 http://www.gz.gov.cn/a,b.html 。", "见 http://www.gz.gov.cn/a,b.html 。"),  # a URL is left alone
        ("Word (docx) format, ok", "Word (docx) format, ok"),  # Latin text keeps its punctuation
    ],
)
def test_fullwidth_punctuation_in_chinese_and_only_there(typed, printed):
    assert fullwidth(typed) == printed


def test_title_is_broken_between_words_upper_line_longer():
    lines = title_lines(
        "广州市番禺区人民政府关于我区2017年法治政府建设情况的报告",
        chars_per_line=20,
        keep_whole=("广州市番禺区人民政府",),
    )
    assert lines == ["广州市番禺区人民政府关于我区", "2017年法治政府建设情况的报告"]
    for title in (
        "某某市某某区人民政府关于2023年度法治政府建设情况和2024年工作安排的报告",
        "关于法治政府建设情况的报告" * 2,
    ):
        lines = title_lines(title, chars_per_line=20)
        assert "".join(lines) == title and all(len(line) <= 20 for line in lines)
        for cut in range(1, len(lines)):
            joint = lines[cut - 1][-2:] + lines[cut][:2]
            assert "法治政府" not in joint[1:4] and "人民政府" not in joint[1:4]


def test_document_date_and_default_addressee(district):
    assert document_date(dt.date(2018, 3, 1), DateStyle.ARABIC) == "2018年3月1日"
    assert document_date(dt.date(2018, 3, 1), DateStyle.CHINESE) == "二〇一八年三月一日"
    assert document_date(dt.date(2020, 12, 31), DateStyle.CHINESE) == "二〇二〇年十二月三十一日"
    assert default_addressee(district) == f"区委、区人大常委会{COMMA}市委、市政府"


@pytest.fixture
def body(district, legal_officer):
    build_year(district)
    return draft(district)[1]


def test_generated_docx_has_the_statutory_elements_and_no_half_width_punctuation(district, body):
    ReportSettings.objects.create(jurisdiction=district, addressee="区委,区人大常委会", date_style=DateStyle.CHINESE)
    body = draft(district)[1]
    doc = Document(io.BytesIO(docx_render.render_docx(body, author="广州市番禺区人民政府")))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[1] == f"区委{COMMA}区人大常委会{COLON}"  # 主送 under the title, from the settings
    assert texts[-2] == "广州市番禺区人民政府"  # 落款
    assert re.fullmatch(r"二〇[〇一二三四五六七八九]{2}年[一二三四五六七八九十]+月[一二三四五六七八九十]+日", texts[-1])
    offenders = [t for t in texts if HALF_WIDTH_IN_CHINESE.search(t)]
    assert offenders == []
    assert any(t.startswith(f"{LP}一{RP}") for t in texts)


def _long_body() -> dict:
    sentence = "区司法局组织开展行政复议案件评查,全年共办理行政复议案件128件,较上年增长12%。"
    theme_titles = ["加强行政复议工作", "推进严格规范公正文明执法并加强行政执法监督工作的若干重点措施与成效"]
    return {
        "title": "广州市番禺区人民政府关于我区2017年法治政府建设情况的报告",
        "addressee": "区委、区人大常委会",
        "sections": [
            {
                "key": f"t{n}",
                "kind": "theme",
                "title": title,
                "paragraphs": [
                    {"key": f"p{n}{i}", "title": "做好行政复议案件办理", "text": sentence * 6} for i in range(3)
                ],
            }
            for n, title in enumerate(theme_titles)
        ],
        "signature": "广州市番禺区人民政府",
        "date": "2018年3月1日",
    }


@pytest.fixture
def soffice():
    if docx_render.soffice_path() is None:
        service_missing("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")


def _page_lines(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page, the text lines as (top mm, font size, text), top to bottom."""
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            rows: dict[int, list] = defaultdict(list)
            for ch in page.chars:
                rows[round(ch["top"])].append(ch)
            pages.append(
                [(top * 25.4 / 72, rows[top][0]["size"], "".join(c["text"] for c in rows[top])) for top in sorted(rows)]
            )
    return pages


TEXT_BLOCK_BOTTOM_MM = 297 - 35


@pytest.mark.parametrize("font_aliases", [True, False], ids=["free-fonts", "plain-libreoffice"])
def test_libreoffice_sets_22_lines_and_the_page_number_under_the_block(soffice, font_aliases):
    pdf = docx_render.convert(docx_render.render_docx(_long_body()), "pdf", font_aliases=font_aliases)
    pages = _page_lines(pdf)
    assert len(pages) >= 3
    body_page = pages[1]  # a full body page: no title
    text_lines = [line for line in body_page if line[0] < TEXT_BLOCK_BOTTOM_MM]
    numbers = [line for line in body_page if line[0] >= TEXT_BLOCK_BOTTOM_MM]
    assert len(text_lines) == 22, [t for _, _, t in text_lines]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(text_lines)]
    # One pitch (225 mm / 22 ≈ 10.2 mm) between every two lines: no empty line inside a wrapped 黑体 heading.
    assert max(gaps) - min(gaps) < 1.0 and 9.7 < sum(gaps) / len(gaps) < 10.5
    assert len(numbers) == 1 and re.fullmatch(r"—\s*2\s*—", numbers[0][2])
    assert numbers[0][0] - TEXT_BLOCK_BOTTOM_MM <= 8
    # Page 1: the title on two lines, never broken inside 法治政府.
    title_lines_printed = [t for _, size, t in pages[0] if size > 20]
    assert title_lines_printed == ["广州市番禺区人民政府关于我区", "2017年法治政府建设情况的报告"]


FIGURE_OR_MEASURE = re.compile(
    r"《[^》]{2,}》|〔\d{4}〕\d+号|\d+(?:\.\d+)?(?:%|件|次|项|个|人次|条|份|名|人|家|场|期|学时)"
)
STATUTORY_PARTS = (
    "主要举措和成效",
    "存在的不足和原因",
    "第一责任人职责",
    "推进法治政府建设的主要安排",
    "其他需要报告的事项",
)


@pytest.mark.slow
def test_the_panyu_2017_demo_draft_reads_as_a_report(db):
    """Issue 17, done when: the 番禺 2017 demo draft — every (一) paragraph of the first part carries a figure or
    a named measure, the median paragraph is at least 150 characters, no half-width punctuation in Chinese
    text, the five statutory parts present — checked on the generated .docx."""
    from django.core.management import call_command

    from lawgov.models import Unit
    from reports.generator import gather, wording_for, write

    call_command("seed_demo", "--quiet-table", stdout=io.StringIO())
    panyu = Unit.objects.get(name="番禺区", kind="district")
    data = gather(jurisdiction=panyu, year=2017, theme_list=None, today=dt.date(2018, 2, 1))
    doc = Document(io.BytesIO(docx_render.render_docx(write(data, wording_for(panyu.pk)), author=data.government)))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    parts = [t for t in texts if re.match(r"^[一二三四五六七八九十]+\u3001", t)]
    assert len(parts) == 5 and all(word in part for word, part in zip(STATUTORY_PARTS, parts, strict=True))
    first = texts[texts.index(parts[0]) + 1 : texts.index(parts[1])]
    assert len(first) >= 5 and all(t.startswith(LP) for t in first)
    assert [t for t in first if not FIGURE_OR_MEASURE.search(t)] == []
    assert sorted(len(t) for t in first)[len(first) // 2] >= 150
    assert [t for t in texts if HALF_WIDTH_IN_CHINESE.search(t)] == []
    assert "审核采纳" not in "".join(texts)
