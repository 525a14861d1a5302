"""One FilterSet per listed model of the reports app, used by views and API alike."""

import django_filters

from lawgov.filters import FilterSet, IdFilter, IntegerFilter
from reports.models import AnnualReport, ReportStatus


class AnnualReportFilterSet(FilterSet):
    year = IntegerFilter(field_name="year")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    jurisdiction = IdFilter(field_name="jurisdiction_id")

    class Meta:
        model = AnnualReport
        fields: list[str] = []
