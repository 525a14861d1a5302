"""Who may write the annual report, and the one error every refusal of the reports app raises."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from lawgov.errors import DomainError
from reports.models import AnnualReport, ReportJob, ReportStatus

if TYPE_CHECKING:
    from lawgov.models import SystemActor, Unit, User


class ReportError(DomainError):
    """A refused write of the annual report. A 409 for a job already running carries it as ``job``."""

    def __init__(
        self, code: str, message: str, status: int = 400, job: ReportJob | None = None, details: list[str] | None = None
    ):
        super().__init__(code, message, status, details=details, job=job)


def _require_office(user: User | SystemActor, jurisdiction: Unit, what: str) -> None:
    # The kernel's one rule (User.is_legal_office_of); the system (SYSTEM) may act for any jurisdiction.
    if not user.is_legal_office_of(jurisdiction):
        raise ReportError("forbidden", f"只有{jurisdiction.name}的法制办可以{what}。", 403)


def _require_draft(report: AnnualReport) -> None:
    if report.status == ReportStatus.PUBLISHED:
        raise ReportError("published", "报告已发布并锁定,不能再修改或重新生成。", 409)


def _check_year(year: int, today: dt.date) -> None:
    if not 2000 <= year <= today.year:
        raise ReportError("bad_year", f"年度应在2000年至{today.year}年之间。", 400)
