"""The legal office's wording of the draft and its theme lists (the sections a report is grouped in)."""

from __future__ import annotations

from django.db import transaction
from django.template import TemplateSyntaxError

from lawgov.models import Unit, User
from reports import generator
from reports.models import (
    ThemeList,
    WordingTemplate,
    split_keywords,
)
from reports.services.access import ReportError, _require_office

GUANGZHOU_LIST_NAME = "广州市2018年报告的八个方面"


_SAMPLE = {
    "year": 2017,
    "next_year": 2018,
    "self_ref": "我区",
    "government": "示例区人民政府",
    "has_data": True,
    "plans": [{"title": "示例工作方案", "doc_number": "示府办〔2017〕1号"}],
    "counts": {"tasks": 3, "done": 1, "overdue": 1, "reports": 4, "units": 2, "active": 2},
    "honours": [],
    "other_figures": [],
    "assessment": None,
    "task": {"heading": "示例任务", "units": [{"name": "区某局", "text": "完成了工作。"}], "figures": []},
    "figures": [{"sentence": "收到行政复议申请10件", "parts": []}],
    "theme": {"title": "示例方面", "task_count": 1, "done": 1, "headings": []},
    "items": [{"ordinal": "一", "text": "示例"}],
    "next_plan": None,
}


@transaction.atomic
def wording_save(*, jurisdiction: Unit, key: str, text: str, by: User, reset: bool = False) -> WordingTemplate | None:
    """The legal office's own sentence frame for one piece of the draft. A blank the frame does not have is
    refused with the list of those it has, so a typo is caught here instead of failing a generation later.
    Saving the default text back (or ``reset``) removes the override. Django template syntax is 高级: only a
    superuser writes it (checked by filling it with sample facts), and only a superuser edits a row that is
    advanced."""
    _require_office(by, jurisdiction, "修改报告措辞")
    if key not in generator.FRAMES:
        raise ReportError("bad_key", "没有这一部分。", 404)
    frame = generator.FRAMES[key]
    row = WordingTemplate.objects.select_for_update().filter(jurisdiction=jurisdiction, key=key).first()
    if row is not None and row.advanced and not by.is_superuser:
        raise ReportError(
            "advanced", f"“{frame.label}”是高级模板(程序模板语法),只有系统管理员可以修改或恢复默认。", 403
        )
    text = generator.default_wording(key) if reset else text.replace("\r\n", "\n").strip() + "\n"
    advanced = generator.is_template_syntax(text)
    if advanced and not by.is_superuser:
        chips = "、".join(f"【{n}】" for n in frame.names)
        raise ReportError("template_syntax", f"措辞中不能使用程序模板语法({{{{ }}}}、{{% %}}),请用空位:{chips}。")
    if advanced:
        try:
            generator.render_wording(text, _SAMPLE)
        except TemplateSyntaxError as exc:
            raise ReportError("bad_template", f"模板有误:{exc}") from exc
        except Exception as exc:
            raise ReportError("bad_template", f"模板无法填充示例数据:{type(exc).__name__}: {exc}") from exc
    else:
        try:
            generator.frame_check(key, text)
        except generator.FrameError as exc:
            raise ReportError("unknown_blank", str(exc), details=exc.valid) from exc
    if not advanced and text.strip() == generator.default_wording(key).strip():
        if row is not None:
            row._history_user = by
            row.delete()
        return None
    row = row or WordingTemplate(jurisdiction=jurisdiction, key=key)
    row.text, row.advanced, row.updated_by = text, advanced, by
    row._history_user = by
    row.save()
    return row


def parse_theme_lines(text: str) -> list[dict]:
    """ "标题|关键词,关键词" one theme a line (the keywords are optional)."""
    themes = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        title, _, words = line.partition("|")
        title = generator._clean(title.lstrip("一二三四五六七八九十、0123456789. "))
        if title:
            themes.append({"title": title[:120], "keywords": split_keywords(words)})
    return themes


@transaction.atomic
def theme_list_save(
    *, jurisdiction: Unit, name: str, lines: str, by: User, theme_list: ThemeList | None = None
) -> ThemeList:
    """A theme list of the jurisdiction (the sections a report is grouped in, with their keywords)."""
    _require_office(by, jurisdiction, "设置报告结构")
    themes = parse_theme_lines(lines)
    if not themes:
        raise ReportError("themes_required", "请至少填写一个方面,每行一个:标题|关键词,关键词。")
    if not name.strip():
        raise ReportError("name_required", "请填写名称。")
    if theme_list is not None and theme_list.jurisdiction_id != jurisdiction.pk:
        raise ReportError("forbidden", "通用的报告结构不能修改,可另存为本辖区的。", 403)
    theme_list = theme_list or ThemeList(jurisdiction=jurisdiction, created_by=by)
    theme_list.name, theme_list.themes = name.strip()[:100], themes
    theme_list._history_user = by
    theme_list.save()
    return theme_list


def theme_list_guangzhou() -> ThemeList:
    """The shared list of the 8 themes of 广州's 2018 report, created on first use."""
    found = ThemeList.objects.active().filter(jurisdiction__isnull=True, name=GUANGZHOU_LIST_NAME).first()
    if found is not None:
        return found
    return ThemeList.objects.create(jurisdiction=None, name=GUANGZHOU_LIST_NAME, themes=generator.GUANGZHOU_THEMES)
