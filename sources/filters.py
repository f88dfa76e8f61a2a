"""Filters for evidence, sources and lookup runs (applied by sources.selectors; the API passes
its query parameters)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from sources.models import Evidence, LookupRun, Source
from workbench.filters import ChoicesFilter, UUIDFilter


class EvidenceFilter(django_filters.FilterSet):  # type: ignore[misc]
    claim = UUIDFilter(field_name="claim__code")
    article = UUIDFilter(field_name="claim__article__code")
    stance = ChoicesFilter(choices=Evidence.Stance.choices)
    origin = django_filters.CharFilter()

    class Meta:
        model = Evidence
        fields: list[str] = []


class SourceFilter(django_filters.FilterSet):  # type: ignore[misc]
    kind = ChoicesFilter(choices=Source.Kind.choices)
    q = django_filters.CharFilter(method="filter_text")

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Source], name: str, value: str) -> QuerySet[Source]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(url__icontains=value))


class LookupRunFilter(django_filters.FilterSet):  # type: ignore[misc]
    claim = UUIDFilter(field_name="claim__code")
    article = UUIDFilter(field_name="claim__article__code")
    status = ChoicesFilter(choices=LookupRun.Status.choices)
    backend = django_filters.CharFilter()

    class Meta:
        model = LookupRun
        fields: list[str] = []
