"""Filters for the claim queue (used by selectors; the API and UI pass the same parameters)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from claims.models import Claim


class ClaimFilter(django_filters.FilterSet):  # type: ignore[misc]
    team = django_filters.UUIDFilter(field_name="team__code")
    article = django_filters.UUIDFilter(field_name="article__code")
    status = django_filters.MultipleChoiceFilter(choices=Claim.Status.choices)
    claim_type = django_filters.MultipleChoiceFilter(choices=Claim.Type.choices)
    verdict = django_filters.MultipleChoiceFilter(choices=Claim.Verdict.choices)
    assignee = django_filters.NumberFilter(field_name="assignee_id")
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")
    checkworthiness_min = django_filters.NumberFilter(
        field_name="checkworthiness", lookup_expr="gte"
    )
    checkworthiness_max = django_filters.NumberFilter(
        field_name="checkworthiness", lookup_expr="lte"
    )
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(text__icontains=value) | Q(sentence__icontains=value))
