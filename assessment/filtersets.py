"""One FilterSet per listed model of the assessment app, used by views and API alike."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assessment.models import AssessedKind, AssessmentCycle, CycleStatus, Submission, SubmissionStatus, WindowExtension
from lawgov.filters import FilterSet, IdFilter, IntegerFilter


class CycleFilterSet(FilterSet):
    year = IntegerFilter(field_name="year")
    status = django_filters.ChoiceFilter(choices=CycleStatus.choices)
    jurisdiction = IdFilter(field_name="jurisdiction_id")

    class Meta:
        model = AssessmentCycle
        fields: list[str] = []


class SubmissionFilterSet(FilterSet):
    cycle = IdFilter(field_name="cycle_id")
    year = IntegerFilter(field_name="cycle__year")
    unit = IdFilter(field_name="unit_id")
    kind = django_filters.ChoiceFilter(field_name="unit__kind", choices=AssessedKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=SubmissionStatus.choices, method="filter_status")

    class Meta:
        model = Submission
        fields: list[str] = []

    def filter_status(self, queryset, name, values):
        """The status as read (``Submission.state``): draft and not_submitted are one stored status split by
        the unit's own window, the review marker and approval; held to the model method by a test."""
        if not values:
            return queryset
        today = timezone.localdate()
        open_extension = WindowExtension.objects.filter(
            cycle_id=OuterRef("cycle_id"), unit_id=OuterRef("unit_id"), until__gte=today
        )
        closed = (
            Q(reviewed_at__isnull=False)
            | Q(cycle__status=CycleStatus.APPROVED)
            | (Q(cycle__self_end__lt=today) & ~Exists(open_extension))
        )
        wanted = Q(pk__in=[])
        stored = [v for v in values if v not in (SubmissionStatus.DRAFT, SubmissionStatus.NOT_SUBMITTED)]
        if stored:
            wanted |= Q(status__in=stored)
        if SubmissionStatus.DRAFT in values:
            wanted |= Q(status=SubmissionStatus.DRAFT) & ~closed
        if SubmissionStatus.NOT_SUBMITTED in values:
            wanted |= Q(status=SubmissionStatus.DRAFT) & closed
        return queryset.filter(wanted)
