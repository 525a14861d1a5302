"""Reading uploads (.txt/.html/.docx, UTF-8/GB18030) and normalizing their text; every bad upload gives a
``DocumentError`` with a stable code and a Chinese message. No database."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from plans.importing import (
    MAX_DOCUMENT_BYTES,
    DocumentError,
    normalize_document,
    normalize_text,
    parse_bytes,
    read_document,
)
from plans.importing.normalize import fold_width, is_noise_line, remove_pinyin, to_simplified

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))
PANYU = "000_0578085f5c3a17e6.txt"
ZHAOHUA = "003_2f94a3db44b8a14d.txt"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@cache
def seed_dict(name: str) -> dict:
    return parse_bytes((SEEDS / name).read_bytes(), name).to_dict()


# --- encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEED_NAMES)
def test_utf8_with_bom_parses_like_utf8(name):
    data = codecs.BOM_UTF8 + seed_text(name).encode("utf-8")
    assert parse_bytes(data, name).to_dict() == seed_dict(name)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_gb18030_bytes_parse_like_utf8(name):
    data = seed_text(name).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test is only meaningful if the bytes really differ
    assert parse_bytes(data, name).to_dict() == seed_dict(name)


@pytest.mark.parametrize("declared", ["gbk", "GB18030", "gb2312"])
def test_declared_gbk_family_reads_gb_bytes(declared):
    data = seed_text(ZHAOHUA).encode("gb18030")
    assert parse_bytes(data, ZHAOHUA, encoding=declared).to_dict() == seed_dict(ZHAOHUA)


def test_declared_utf8_reads_utf8_with_bom():
    data = codecs.BOM_UTF8 + seed_text(ZHAOHUA).encode("utf-8")
    assert read_document(data, "plan.txt", encoding="UTF-8") == seed_text(ZHAOHUA)


def test_utf16_with_bom_is_read():
    data = seed_text(ZHAOHUA).encode("utf-16")
    assert parse_bytes(data, ZHAOHUA).to_dict() == seed_dict(ZHAOHUA)


# --- normalization --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("區政府辦公室", "区政府办公室"),
        ("全麵貫徹", "全面贯彻"),  # conversion slips in 004
        ("工作製度", "工作制度"),
        ("體製機製", "体制机制"),
        ("區人力資源和社會保障局", "区人力资源和社会保障局"),
        ("已是简体的文字", "已是简体的文字"),
    ],
)
def test_traditional_to_simplified(raw, expected):
    assert to_simplified(raw) == expected
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("各鎮(zhèn)政府", "各鎮政府"),
        ("區(qū)政府", "區政府"),
        ("区（qū）政府", "区政府"),
        ("創(chuàng)建", "創建"),
        ("執(zhí)法(fǎ)", "執法"),
        ("(牵头单位:区编办)", "(牵头单位:区编办)"),
        ("纲要(2015—2020年)", "纲要(2015—2020年)"),
        ("区、镇(街)、社区(村)", "区、镇(街)、社区(村)"),
        ("条款(a)和(iii)", "条款(a)和(iii)"),
        ("English (zhèn) after a space", "English (zhèn) after a space"),
    ],
)
def test_pinyin_removal(raw, expected):
    assert remove_pinyin(raw) == expected


def test_pinyin_and_traditional_together():
    assert normalize_text("各鎮(zhèn)政府、街道辦(bàn)事處(chù)") == "各镇政府、街道办事处"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("（牵头单位：区编办，配合单位：区财政局；）", "(牵头单位:区编办,配合单位:区财政局;)"),
        ("１２３ＡＢＣ", "123ABC"),
        ("番府办〔2016〕60号", "番府办〔2016〕60号"),
        ("番府办［2016］60号", "番府办〔2016〕60号"),
        ("各镇、街道。", "各镇、街道。"),
        ("“四个全面”《决定》", "“四个全面”《决定》"),
        ("１．加强领导", "1.加强领导"),
    ],
)
def test_width_folding(raw, expected):
    assert fold_width(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("法治政府 建设工作安排", "法治政府建设工作安排"),
        ("每月报送 2条以上", "每月报送2条以上"),
        ("\u3000\u3000为贯彻落实", "为贯彻落实"),
        ("十二五规划(20112015年)", "十二五规划(2011—2015年)"),
        ("20189月,举行听证会", "2018年9月,举行听证会"),
        ("全面清理20181021发布的政策", "全面清理20181021发布的政策"),  # a date, not a range
    ],
)
def test_line_repairs(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "line",
    [
        "继续访问",
        "智能问答 关闭",
        "你还可以输入40",
        "您当前的位置: 首页 > 依法行政指导",
        "【字体:",
        "分享到: 分享到网易微博",
        "千年古郡·幸福南海",
        "·",
        "佛山市南海区人民政府办公室 2012年611印发",
        "彩神8快3下载",
        "快3彩票_Wellcome!!|大发pk10_Wellcome!!",
    ],
)
def test_noise_lines(line):
    assert is_noise_line(normalize_text(line) or line)
    assert normalize_text(line) == ""


@pytest.mark.parametrize(
    "line",
    [
        "一、指导思想和总体目标",
        "(一)加强领导。",
        "1.依法全面履行政府职能",
        "2017年5月31日",
        "昭府办发〔2017〕10号",
    ],
)
def test_document_lines_are_not_noise(line):
    assert not is_noise_line(line)


def test_page_header_fields_become_metadata():
    normalized = normalize_document(
        "  索引号:   20120710112404785159439          发布机构: 佛山市南海区人民政府\n"
        "  发文日期:   2012-06-08          文号:   南府〔2012〕132号\n"
        "正文第一行\n"
    )
    assert normalized.lines == ["正文第一行"]
    assert normalized.meta == {
        "index_number": "20120710112404785159439",
        "issuer": "佛山市南海区人民政府",
        "issued": "2012-06-08",
        "doc_number": "南府〔2012〕132号",
    }


def test_normalization_is_idempotent():
    once = normalize_text(seed_text(PANYU))
    assert normalize_text(once) == once


# --- html -----------------------------------------------------------------------------------------


def seed_as_html(name: str, charset: str) -> str:
    paragraphs = "\n".join(f"<p>{line}</p>" for line in seed_text(name).splitlines() if line.strip())
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>页面标题</title>'
        '<style>p { margin: 0 }</style><script>var note = "1.这不是任务";</script></head>'
        "<body><nav><a href='/'>首页</a> 一、网站导航</nav>"
        f"<div class='content'>{paragraphs}</div>"
        "<script>document.write('二、脚本')</script></body></html>"
    )


def test_html_seed_parses_like_text():
    data = seed_as_html(ZHAOHUA, "gb2312").encode("gb18030")
    html_document = parse_bytes(data, "plan.html").to_dict()
    text_document = seed_dict(ZHAOHUA)
    assert html_document["tasks"] == text_document["tasks"]
    assert html_document["title"] == text_document["title"]
    assert html_document["annexes"] == text_document["annexes"]


def test_html_drops_script_style_nav_and_keeps_blocks():
    html = (
        "<html><head><style>.a{}</style></head><body><nav>导航 1.假</nav>"
        "<h1>标题</h1><p>第一段<br>第二段</p><table><tr><td>序号</td><td>考核项目</td></tr></table>"
        "<script>var x = 1;</script><div>结尾&nbsp;文字</div></body></html>"
    )
    text = read_document(html.encode("utf-8"), "page.htm")
    assert text.splitlines() == ["标题", "第一段", "第二段", "序号", "考核项目", "结尾\xa0文字"]


def test_html_meta_charset_is_honoured_and_a_wrong_one_falls_back():
    body = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gbk'></head><p>区法制办</p>"
    assert read_document(body.encode("gbk"), "a.html") == "区法制办"
    lying = body.replace("gbk", "utf-8")
    assert read_document(lying.encode("gbk"), "a.html") == "区法制办"


# --- docx -----------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    document = docx.Document()
    lines = seed_text(ZHAOHUA).splitlines()
    annex_at = lines.index("附件3")
    for line in lines[:annex_at]:
        if line.strip():
            document.add_paragraph(line)
    document.add_paragraph("附件3")
    document.add_paragraph("区级各部门2017年度法治政府建设考核评分细则")
    table = document.add_table(rows=2, cols=3)
    for column, text in enumerate(["考核事项", "考核内容", "评分标准"]):
        table.cell(0, column).text = text
    for column, text in enumerate(["一、依法科学民主决策(15)", "1.遵守行政决策程序(10分)", "未建立扣2分。"]):
        table.cell(1, column).text = text
    document.add_paragraph("表后的段落")
    path = tmp_path / "plan.docx"
    document.save(path)

    parsed = parse_bytes(path.read_bytes(), "plan.docx")
    assert [task.to_dict() for task in parsed.tasks] == seed_dict(ZHAOHUA)["tasks"]
    rubric = parsed.annexes[-1]
    assert rubric.title == "区级各部门2017年度法治政府建设考核评分细则"
    assert rubric.lines == [
        "考核事项",
        "考核内容",
        "评分标准",
        "一、依法科学民主决策(15)",
        "1.遵守行政决策程序(10分)",
        "未建立扣2分。",
        "表后的段落",
    ]


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_docx_automatic_numbering_is_rendered(tmp_path):
    """Headings and task numbers typed as Word list numbering are not in paragraph.text; they are put back."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = [(0, "chineseCounting", "%1、"), (1, "chineseCounting", "(%2)"), (2, "decimal", "%3.")]
    level_xml = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for level, fmt, text in levels
    )
    numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="90">{level_xml}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )

    document.add_paragraph("某区府办〔2024〕3号")
    document.add_paragraph("2024年2月1日")
    document.add_paragraph("某区2024年法治政府建设工作要点")
    numbered("总体要求", 0)
    document.add_paragraph("全面推进依法行政。")
    numbered("主要任务", 0)
    numbered("完善制度", 1)
    numbered("清理规范性文件(牵头单位:区司法局,配合单位:区政府各部门)", 2)
    numbered("公开权责清单(区政务办负责)", 2)
    numbered("强化监督", 1)
    numbered("开展执法检查,6月底前完成(区司法局牵头,各镇街配合)", 2)
    buffer = io.BytesIO()
    document.save(buffer)

    parsed = parse_bytes(buffer.getvalue(), "points.docx")
    assert parsed.plan_kind == "key_points"
    # As Word shows it: a deeper level restarts under each new (二).
    assert [task.path for task in parsed.tasks] == ["二/(一)/1", "二/(一)/2", "二/(二)/1"]
    assert parsed.task("二/(一)/2").units[0].name == "区政务办"
    assert parsed.task("二/(二)/1").deadlines[0].due.isoformat() == "2024-06-30"


# --- bad uploads ----------------------------------------------------------------------------------


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("一些文字")
    document.save(buffer)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


BAD_UPLOADS = [
    ("empty", b"", "plan.txt", None, "文件为空"),
    ("only_whitespace", b" \r\n\t\n", "plan.txt", None, "文件为空"),
    ("nul_bytes", b"\x00\x01\x02abc\x00", "plan.txt", None, "文件不是可读取的文档"),
    ("png_as_txt", PNG, "plan.txt", None, "内容是PNG图片"),
    ("pdf_as_txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "plan.txt", None, "内容是PDF文件"),
    ("zip_as_txt", plain_zip(), "plan.txt", None, "内容是ZIP压缩包"),
    ("png_as_docx", PNG, "plan.docx", None, "扩展名为.docx,但内容不是有效的Word文档(实际是PNG图片"),
    ("jpeg_as_docx", b"\xff\xd8\xff\xe0\x00\x10JFIF", "plan.docx", None, "实际是JPEG图片"),
    ("zip_as_docx", plain_zip(), "plan.docx", None, "不是Word文件"),
    ("truncated_docx", docx_bytes()[:300], "plan.docx", None, "文件已损坏或不完整"),
    (
        "old_doc_as_docx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        "plan.docx",
        None,
        "另存为Word(.docx)",
    ),
    ("old_doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "plan.doc", None, "另存为Word(.docx)"),
    ("pdf", b"%PDF-1.4 ...", "plan.pdf", None, "PDF文件已损坏或不完整"),
    ("image", PNG, "photo.png", None, "图片已损坏或不完整"),
    ("odt", b"an OpenDocument text", "plan.odt", None, "收到的扩展名是.odt"),
    (
        "gbk_declared_utf8",
        "一、主要任务\n1.加强领导(区法制办负责)".encode("gbk"),
        "plan.txt",
        "utf-8",
        "文件声明为UTF-8编码,但内容不是有效的UTF-8,可能是GBK/GB18030编码",
    ),
    ("unknown_encoding", b"abc", "plan.txt", "latin-9", "不认识的编码名称“latin-9”"),
    ("no_tasks", "这是一份说明,没有任何编号的任务。".encode(), "notes.txt", None, "没有找到可识别的任务"),
    (
        "headings_only",
        "某区工作方案\n一、总体要求\n全面推进。".encode(),
        "plan.txt",
        None,
        "没有找到可识别的任务",
    ),
]
EXPECTED_CODES = {
    "empty": "empty",
    "only_whitespace": "empty",
    "nul_bytes": "binary",
    "png_as_txt": "binary",
    "pdf_as_txt": "binary",
    "zip_as_txt": "binary",
    "png_as_docx": "bad_docx",
    "jpeg_as_docx": "bad_docx",
    "zip_as_docx": "bad_docx",
    "truncated_docx": "bad_docx",
    "old_doc_as_docx": "conversion",  # an old .doc renamed .docx is converted like a .doc; this one is junk
    "old_doc": "conversion",
    "pdf": "damaged",
    "image": "damaged",
    "odt": "unsupported_type",
    "gbk_declared_utf8": "encoding",
    "unknown_encoding": "encoding",
    "no_tasks": "no_tasks",
    "headings_only": "no_tasks",
}


@pytest.mark.parametrize(
    ("case", "data", "filename", "encoding", "message_part"),
    BAD_UPLOADS,
    ids=[case[0] for case in BAD_UPLOADS],
)
def test_bad_upload_is_refused_with_a_code_and_a_chinese_message(case, data, filename, encoding, message_part):
    with pytest.raises(DocumentError) as caught:
        parse_bytes(data, filename, encoding)
    error = caught.value
    assert error.code == EXPECTED_CODES[case]
    assert message_part in error.message
    assert CJK.search(error.message)
    assert error.to_dict() == {"code": EXPECTED_CODES[case], "message": error.message}


def test_too_large_is_checked_before_anything_else():
    data = b"\x89PNG" + b"a" * (MAX_DOCUMENT_BYTES + 512 * 1024)
    with pytest.raises(DocumentError) as caught:
        read_document(data, "plan.docx")
    assert caught.value.code == "too_large"
    assert caught.value.message == "文件超过10 MB的上限(实际10.5 MB)"


def test_exactly_the_limit_is_allowed():
    line = "一、主要任务\n1.加强领导(区法制办负责)\n".encode()
    data = line + b" " * (MAX_DOCUMENT_BYTES - len(line))
    assert len(parse_bytes(data, "plan.txt").tasks) == 1


def test_a_report_without_tasks_is_not_refused():
    data = "某市人民政府关于2023年法治政府建设情况的报告\n一、主要工作\n(一)推进立法。完成立法5件。".encode()
    document = parse_bytes(data, "report.txt")
    assert document.kind == "report"
    assert document.tasks == []


def test_html_without_closing_head_keeps_its_body():
    html = "<html><head><meta charset='utf-8'><title>标题</title><body><p>一、主要任务</p><p>1.甲(区编办负责)</p>"
    assert read_document(html.encode("utf-8"), "page.html").splitlines() == ["一、主要任务", "1.甲(区编办负责)"]


def test_text_that_starts_like_a_magic_number_is_still_text():
    assert read_document("BMW公司的工作方案".encode(), "a.txt") == "BMW公司的工作方案"
    with pytest.raises(DocumentError) as caught:
        read_document(b"BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00", "a.txt")
    assert caught.value.code == "binary" and "BMP图片" in caught.value.message
