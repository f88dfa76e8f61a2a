"""Filters for the claim queue (used by selectors; the API and UI pass the same parameters)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet, Subquery

from claims.models import Article, Claim
from workbench.filters import ChoicesFilter, UUIDFilter
from workbench.models import Team

# `assignee=me`: the claims assigned to the person asking.
ASSIGNEE_ME = "me"

_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, not "no filter" (NullBooleanField's
    reading of a typo)."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise forms.ValidationError("Enter true or false.", code="invalid")

    def validate(self, value: Any) -> None:
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):  # type: ignore[misc]
    field_class = StrictBooleanField


class ClaimFilter(django_filters.FilterSet):  # type: ignore[misc]
    """team and article by code; status, claim_type, verdict and suggestion take several values
    (any of them); assignee is a username or "me" (the `user` the filter is built for);
    unassigned=true; checkworthiness_min/max from 0 to 1; q searches the claim and its sentence."""

    # By code, resolved to the id inside the query: `team_id = (SELECT id ...)` lets PostgreSQL
    # use the queue index (team, status, -created_at); a join on the code would not.
    team = UUIDFilter(method="filter_team")
    article = UUIDFilter(method="filter_article")
    status = ChoicesFilter(choices=Claim.Status.choices)
    claim_type = ChoicesFilter(choices=Claim.Type.choices)
    verdict = ChoicesFilter(choices=Claim.Verdict.choices)
    suggestion = ChoicesFilter(choices=Claim.Suggestion.choices)
    assignee = django_filters.CharFilter(method="filter_assignee", max_length=150)
    unassigned = StrictBooleanFilter(field_name="assignee", lookup_expr="isnull")
    checkworthiness_min = django_filters.NumberFilter(
        field_name="checkworthiness", lookup_expr="gte", min_value=0, max_value=1
    )
    checkworthiness_max = django_filters.NumberFilter(
        field_name="checkworthiness", lookup_expr="lte", min_value=0, max_value=1
    )
    q = django_filters.CharFilter(method="filter_text", max_length=500)

    class Meta:
        model = Claim
        fields: list[str] = []

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Claim] | None = None,
        *,
        user: User | AnonymousUser | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.user = user

    def filter_team(self, queryset: QuerySet[Claim], name: str, value: Any) -> QuerySet[Claim]:
        team_id = Team.objects.filter(code=value).values("id")[:1]
        return queryset.filter(team_id=Subquery(team_id))

    def filter_article(self, queryset: QuerySet[Claim], name: str, value: Any) -> QuerySet[Claim]:
        article_id = Article.objects.filter(code=value).values("id")[:1]
        return queryset.filter(article_id=Subquery(article_id))

    def filter_assignee(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        value = value.strip()
        if not value:
            return queryset
        if value == ASSIGNEE_ME:
            if self.user is None or not self.user.is_authenticated:
                return queryset.none()
            return queryset.filter(assignee_id=self.user.pk)
        return queryset.filter(assignee__username=value)

    def filter_text(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(text__icontains=value) | Q(sentence__icontains=value))


class ArticleFilter(django_filters.FilterSet):  # type: ignore[misc]
    """The article list's query parameters: team (code), extraction_status (several)."""

    team = UUIDFilter(method="filter_team")
    extraction_status = ChoicesFilter(choices=Article.ExtractionStatus.choices)

    class Meta:
        model = Article
        fields: list[str] = []

    def filter_team(self, queryset: QuerySet[Article], name: str, value: Any) -> QuerySet[Article]:
        team_id = Team.objects.filter(code=value).values("id")[:1]
        return queryset.filter(team_id=Subquery(team_id))
