"""The statutory calendar of the annual report, and the jurisdiction's report settings.

《法治政府建设与责任落实督察工作规定》(2019): a 县/区 government reports last year's work by 1 March to the
同级党委 and 人大常委会 and the 上一级党委和政府, and publishes it by 1 April. The dates and the recipients are
the jurisdiction's ``ReportSettings`` (the legal office edits them on 报告设置); the recipients are also the
draft's 主送机关. The legal office is reminded from a month before the report is due until it is published.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from lawgov.models import Role, Unit, User
from reports.generator.facts import default_addressee, government_name
from reports.models import AnnualReport, DateStyle, NotificationKind, ReportSettings, ReportStatus
from reports.services.access import ReportError, _require_office
from tasks.services import notification_send

MONTH_DAY_RE = re.compile(r"^(\d{1,2})-(\d{1,2})$")
# Days before a due date on which the office is reminded every day (else on the first day and on Mondays).
CLOSE_DAYS = 7


def month_day(text: str, year: int) -> dt.date:
    """ "03-01" in ``year``; 02-29 falls back to 02-28 in a common year. Raises ValueError on bad input."""
    m = MONTH_DAY_RE.match(text.strip())
    if not m:
        raise ValueError(text)
    month, day = int(m.group(1)), int(m.group(2))
    dt.date(2000, month, day)  # a leap year: refuses 02-30, 13-01…
    if (month, day) == (2, 29):
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def _month_before(day: dt.date) -> dt.date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Deadline:
    """One due date as the pages show it: 2018年3月1日, and how far off it is."""

    label: str
    due: dt.date
    days_left: int
    done: bool

    @property
    def text(self) -> str:
        day = f"{self.due.year}年{self.due.month}月{self.due.day}日"
        if self.done:
            return f"{self.label}:{day}前(已完成)"
        if self.days_left > 0:
            return f"{self.label}:{day}前,还有{self.days_left}天"
        if self.days_left == 0:
            return f"{self.label}:{day}前,今天到期"
        return f"{self.label}:{day}前,已超过{-self.days_left}天"

    @property
    def urgent(self) -> bool:
        return not self.done and self.days_left <= CLOSE_DAYS


@dataclass(frozen=True)
class ReportCalendar:
    """The calendar of one jurisdiction's report on one year's work (due in the following year)."""

    jurisdiction_id: int
    year: int
    addressee: str
    report: Deadline
    publish: Deadline
    remind_from: dt.date
    published: bool

    @property
    def deadlines(self) -> list[Deadline]:
        return [self.report, self.publish]

    def remind_on(self, today: dt.date) -> bool:
        """Remind on the first day, on Mondays, and every day of the week before each due date, until the
        report is published."""
        if self.published or today < self.remind_from:
            return False
        if today == self.remind_from or today.weekday() == 0:
            return True
        return any(0 <= (d.due - today).days <= CLOSE_DAYS for d in self.deadlines)


def report_calendar(
    *,
    jurisdiction: Unit,
    year: int,
    today: dt.date,
    stored: ReportSettings | None,
    published: bool,
) -> ReportCalendar:
    """The due dates of ``year``'s report (in year + 1) from the settings (``stored``, None: the defaults)."""
    report_due = month_day(stored.report_due if stored else "03-01", year + 1)
    publish_due = month_day(stored.publish_due if stored else "04-01", year + 1)
    return ReportCalendar(
        jurisdiction_id=jurisdiction.pk,
        year=year,
        addressee=(stored.addressee if stored else "") or default_addressee(jurisdiction),
        report=Deadline("报送", report_due, (report_due - today).days, published),
        publish=Deadline("向社会公开", publish_due, (publish_due - today).days, published),
        remind_from=_month_before(report_due),
        published=published,
    )


def calendar_for(*, jurisdiction: Unit, year: int, today: dt.date) -> ReportCalendar:
    """The calendar of one report, read from the database (two queries)."""
    stored = ReportSettings.objects.filter(jurisdiction=jurisdiction).first()
    published = AnnualReport.objects.filter(
        jurisdiction=jurisdiction, year=year, status=ReportStatus.PUBLISHED
    ).exists()
    return report_calendar(jurisdiction=jurisdiction, year=year, today=today, stored=stored, published=published)


def calendars_for(*, jurisdictions: list[Unit], today: dt.date) -> list[ReportCalendar]:
    """The calendars of last year's reports of several jurisdictions (the dashboard), in two queries; only
    those in their reminder window (from a month before the report is due) and not yet published."""
    year = today.year - 1
    ids = [j.pk for j in jurisdictions]
    stored = {s.jurisdiction_id: s for s in ReportSettings.objects.filter(jurisdiction_id__in=ids)}
    published = set(
        AnnualReport.objects.filter(jurisdiction_id__in=ids, year=year, status=ReportStatus.PUBLISHED).values_list(
            "jurisdiction_id", flat=True
        )
    )
    found = []
    for j in jurisdictions:
        cal = report_calendar(
            jurisdiction=j, year=year, today=today, stored=stored.get(j.pk), published=j.pk in published
        )
        if not cal.published and today >= cal.remind_from:
            found.append(cal)
    return found


def report_reminders_send(*, today: dt.date) -> int:
    """Daily (registered with the kernel's daily sweep): remind each legal office of last year's report
    from a month before it is due until it is published. Idempotent: the key holds the day."""
    officers = list(
        User.objects.filter(role=Role.LEGAL_OFFICE, is_active=True)
        .exclude(jurisdiction=None)
        .select_related("jurisdiction")
    )
    by_jurisdiction: dict[int, Unit] = {o.jurisdiction_id: o.jurisdiction for o in officers}
    calendars = {c.jurisdiction_id: c for c in calendars_for(jurisdictions=list(by_jurisdiction.values()), today=today)}
    created = 0
    for officer in officers:
        cal = calendars.get(officer.jurisdiction_id)
        if cal is None or not cal.remind_on(today):
            continue
        title = f"{cal.year}年法治政府建设情况报告:{cal.report.text}"
        body = (
            f"{government_name(officer.jurisdiction)}{cal.year}年法治政府建设情况报告应于"
            f"{cal.report.due.month}月{cal.report.due.day}日前报送{cal.addressee},"
            f"{cal.publish.due.month}月{cal.publish.due.day}日前向社会公开。{cal.publish.text}。"
        )
        url = reverse("annual-detail", args=[officer.jurisdiction_id, cal.year])
        key = f"{NotificationKind.REPORT_DUE}:{officer.jurisdiction_id}:{cal.year}:{today:%Y-%m-%d}"
        if notification_send(user=officer, kind=NotificationKind.REPORT_DUE, key=key, title=title, body=body, url=url):
            created += 1
    return created


@transaction.atomic
def report_settings_save(
    *,
    jurisdiction: Unit,
    by: User,
    addressee: str,
    signature: str,
    date_style: str,
    report_due: str,
    publish_due: str,
) -> ReportSettings:
    """The legal office's 主送机关 (the recipients), 落款, date style and due dates. Dates are 月-日 of the
    following year; the report is due before it is published."""
    _require_office(by, jurisdiction, "修改报告设置")
    if date_style not in DateStyle.values:
        raise ReportError("bad_date_style", "请选择成文日期的写法。")
    try:
        due = month_day(report_due, 2000)
        public = month_day(publish_due, 2000)
    except ValueError as exc:
        raise ReportError("bad_due", f"时限“{exc.args[0]}”应写作 月-日,如 03-01。") from exc
    if public < due:
        raise ReportError("bad_due", "公开时限不能早于报送时限。")
    row = ReportSettings.objects.select_for_update().filter(jurisdiction=jurisdiction).first()
    row = row or ReportSettings(jurisdiction=jurisdiction)
    row.addressee, row.signature = addressee.strip()[:200], signature.strip()[:120]
    row.date_style = date_style
    row.report_due, row.publish_due = f"{due:%m-%d}", f"{public:%m-%d}"
    row._history_user = by
    row.save()
    return row
