"""One FilterSet per listed model of the assessment app, used by views and API alike."""

import django_filters

from assessment.models import AssessedKind, AssessmentCycle, CycleStatus, Submission, SubmissionStatus
from lawgov.filters import FilterSet, IdFilter


class CycleFilterSet(FilterSet):
    year = django_filters.NumberFilter(field_name="year")
    status = django_filters.ChoiceFilter(choices=CycleStatus.choices)
    jurisdiction = IdFilter(field_name="jurisdiction_id")

    class Meta:
        model = AssessmentCycle
        fields: list[str] = []


class SubmissionFilterSet(FilterSet):
    cycle = IdFilter(field_name="cycle_id")
    year = django_filters.NumberFilter(field_name="cycle__year")
    unit = IdFilter(field_name="unit_id")
    kind = django_filters.ChoiceFilter(field_name="unit__kind", choices=AssessedKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=SubmissionStatus.choices)

    class Meta:
        model = Submission
        fields: list[str] = []
