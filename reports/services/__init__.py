"""Writes of the reports app: figures, wording, theme lists, generation jobs, versions, publication.

Every write that people race on (two clicks on 生成, two editors on one section, a publish during a job) is
decided by a constraint or a conditional UPDATE in the database, never by reading first and writing later.
Refusals are ``ReportError`` with a Chinese message and the HTTP status that fits.

One module per part: ``access`` (who may, ``ReportError``), ``indicators`` (the shared catalogue),
``figures``, ``wording`` (wording and theme lists), ``generation`` (the background draft, on the kernel's
job machinery in lawgov.background), ``editing`` (edits, versions, publication). The modules import each
other directly, never this package; callers (views, API, demo, commands, tests) use the names below.
"""

from reports.services.access import ReportError
from reports.services.calendar import (
    ReportCalendar,
    calendar_for,
    calendars_for,
    report_reminders_send,
    report_settings_save,
)
from reports.services.editing import (
    ParagraphInput,
    report_edits_restore,
    report_publish,
    report_section_save,
    version_docx,
    version_pdf,
)
from reports.services.figures import (
    indicator_save,
    parse_value,
    statistic_delete,
    statistic_save,
    statistics_store_computed,
)
from reports.services.generation import (
    BROKER_DOWN_MESSAGE,
    Requested,
    enqueue,
    report_generation_request,
    report_job_check,
    report_job_run,
    report_title,
)
from reports.services.indicators import INDICATOR_CATALOGUE, catalogue_ensure
from reports.services.wording import (
    GUANGZHOU_LIST_NAME,
    parse_theme_lines,
    theme_list_guangzhou,
    theme_list_save,
    wording_save,
)

__all__ = [
    "BROKER_DOWN_MESSAGE",
    "GUANGZHOU_LIST_NAME",
    "INDICATOR_CATALOGUE",
    "ParagraphInput",
    "ReportCalendar",
    "ReportError",
    "Requested",
    "calendar_for",
    "calendars_for",
    "catalogue_ensure",
    "enqueue",
    "indicator_save",
    "parse_theme_lines",
    "parse_value",
    "report_edits_restore",
    "report_generation_request",
    "report_job_check",
    "report_job_run",
    "report_publish",
    "report_reminders_send",
    "report_section_save",
    "report_settings_save",
    "report_title",
    "statistic_delete",
    "statistic_save",
    "statistics_store_computed",
    "theme_list_guangzhou",
    "theme_list_save",
    "version_docx",
    "version_pdf",
    "wording_save",
]
