"""Parser regressions found by trying the platform as its users do."""

import pytest

from plans.importing import parse_document
from plans.importing.units import parse_assignment


def test_time_limit_inside_the_unit_parenthesis_is_not_a_unit():
    mentions = parse_assignment("牵头单位:区司法局,2026年12月底前完成")
    assert [(m.name, m.role.value) for m in mentions] == [("区司法局", "lead")]


def test_units_with_conjunctions_still_split():
    mentions = parse_assignment("牵头单位:区人力资源和社会保障局,配合单位:区法制办和各镇、街")
    assert [(m.name, m.role.value) for m in mentions] == [
        ("区人力资源和社会保障局", "lead"),
        ("区法制办", "cooperating"),
        ("各镇街", "cooperating"),
    ]


# Issue 13: a notice names the plan it sends between 《》, 〈〉 (a typist's or font's stand-in), 「」 (the
# quotation marks of traditional-character texts) or “”, or bare; the plan title comes out without them.
_BRACKETS = [("《", "》"), ("〈", "〉"), ("\u2329", "\u232a"), ("「", "」"), ("“", "”"), ("", "")]
_NAME = "青山区法治政府建设实施方案(2024—2025年)"
_TASKS = (
    "一、主要任务\n(一)完善制度。2024年底前完成(区司法局牵头,区财政局配合)。\n"
    "(二)推进公开。每年3月底前发布(区政务办负责)。\n"
)


@pytest.mark.parametrize(("opening", "closing"), _BRACKETS, ids=lambda mark: mark or "bare")
def test_a_notice_without_a_title_line_gives_the_plan_title(opening, closing):
    """The notice title is the only title: the plan's name inside it, without the brackets."""
    text = (
        f"青府办〔2024〕3号\n关于印发{opening}{_NAME}{closing}的通知\n各镇人民政府,区政府各部门:\n"
        f"现将{opening}{_NAME}{closing}印发给你们,请认真贯彻执行。\n青山区人民政府办公室\n2024年3月1日\n" + _TASKS
    )
    document = parse_document(text)
    assert document.title == _NAME
    assert document.plan_kind == "scheme" and (document.period.start, document.period.end) == (2024, 2025)
    # The notice's number, signature and date are read after its title; its cover letter is no preamble.
    assert document.doc_number == "青府办〔2024〕3号" and str(document.issued) == "2024-03-01"
    assert document.issuer == "青山区人民政府办公室" and document.preamble == ""
    assert len(document.tasks) == 2


@pytest.mark.parametrize(("opening", "closing"), _BRACKETS, ids=lambda mark: mark or "bare")
def test_a_short_title_line_is_completed_from_the_notice(opening, closing):
    """The plan's own title line lacks the district and has its years on the next line; the notice, in any
    brackets, gives the whole name."""
    text = (
        f"青山区人民政府办公室关于印发{opening}{_NAME}{closing}的通知\n青府办〔2024〕3号\n"
        f"各镇人民政府,区政府各部门:\n现将{opening}{_NAME}{closing}印发给你们,请认真贯彻执行。\n"
        "青山区人民政府办公室\n2024年3月1日\n法治政府建设实施方案\n(2024—2025年)\n" + _TASKS
    )
    document = parse_document(text)
    assert document.title == _NAME
    assert document.doc_number == "青府办〔2024〕3号" and str(document.issued) == "2024-03-01"
    assert document.preamble == "" and len(document.tasks) == 2
