"""Assessment cycles and submissions over the API, read-only: scoring and review happen on the pages.

Reporters see their own unit's submissions, the legal office and leaders every submission of their
jurisdictions, API clients only results that have been approved and published (``visible_to``).
"""

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from rest_framework import viewsets

from assessment.api.serializers import CycleSerializer, SubmissionDetailSerializer, SubmissionSerializer
from assessment.filtersets import CycleFilterSet, SubmissionFilterSet
from assessment.models import RANKED, AssessmentCycle, ItemScore, Submission, WindowExtension


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    """December assessment cycles of the caller's jurisdictions (a reporter: those its unit is in)."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = CycleSerializer
    filterset_class = CycleFilterSet

    def get_queryset(self):
        # The counts follow what the caller may see of the submissions (an API client: none until approval).
        shown = Submission.objects.visible_to(self.request.user).filter(cycle_id=OuterRef("pk")).order_by()
        counted = shown.values("cycle_id").annotate(n=Count("id")).values("n")
        # Reviewed: the legal office has finished with the unit, submitted or not (the ``reviewed_at`` marker).
        reviewed = shown.filter(reviewed_at__isnull=False).values("cycle_id").annotate(n=Count("id"))
        return (
            AssessmentCycle.objects.visible_to(self.request.user)
            .select_related("jurisdiction")
            .annotate(
                submission_count=Coalesce(Subquery(counted), 0),
                reviewed_count=Coalesce(Subquery(reviewed.values("n")), 0),
            )
            .order_by("-year", "jurisdiction_id")
        )


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """Units' self-assessments and results: totals, review, rank within the unit kind; one submission
    with its item scores."""

    lookup_value_regex = r"[0-9]+"
    filterset_class = SubmissionFilterSet

    def get_serializer_class(self):
        return SubmissionDetailSerializer if self.action == "retrieve" else SubmissionSerializer

    def get_queryset(self):
        # Rank = 1 + the units of the same kind in the cycle with a higher total, counted over the whole
        # cycle (not the filtered page), in the same query.
        same_kind = Submission.objects.filter(
            RANKED, cycle_id=OuterRef("cycle_id"), unit__kind=OuterRef("unit__kind")
        ).order_by()
        better = same_kind.filter(final_total__gt=OuterRef("final_total")).values("cycle_id").annotate(n=Count("id"))
        ranked = same_kind.values("cycle_id").annotate(n=Count("id"))
        # The unit's own window end, for the status computed when read (not_submitted after it).
        extended = WindowExtension.objects.filter(cycle_id=OuterRef("cycle_id"), unit_id=OuterRef("unit_id"))
        queryset = (
            Submission.objects.visible_to(self.request.user)
            .select_related("cycle", "unit")
            .annotate(
                better=Coalesce(Subquery(better.values("n")), Value(0), output_field=IntegerField()),
                same_kind=Coalesce(Subquery(ranked.values("n")), Value(0), output_field=IntegerField()),
                window_until=Subquery(extended.values("until")[:1]),
            )
            .order_by("-cycle__year", "cycle_id", "unit__kind", F("final_total").desc(nulls_last=True), "unit__name")
        )
        if self.action == "retrieve":
            scores = ItemScore.objects.select_related("item__category").order_by("item__position")
            queryset = queryset.prefetch_related(Prefetch("item_scores", queryset=scores))
        return queryset
