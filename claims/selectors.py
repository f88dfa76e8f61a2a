"""Reads for articles, claims, their history and comments. All of them scope rows to a user."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims.claimreview import ClaimReviewInput
from claims.filters import ClaimFilter
from claims.models import Article, Claim, ClaimChange, Comment, Mention
from workbench.selectors import team_list_for_user

Viewer = User | AnonymousUser


OPEN_STATUSES = (Claim.Status.UNREVIEWED, Claim.Status.IN_PROGRESS, Claim.Status.IN_REVIEW)


def _claim_count(*conditions: Q, **filters: Any) -> Coalesce:
    """Claims of the outer article (optionally filtered), as a correlated subquery.

    A subquery rather than a join + GROUP BY: the page query stays one query, and Django leaves
    unreferenced subquery annotations out of COUNT(*) queries (the admin's paginator).
    """
    counted = (
        Claim.objects.filter(*conditions, article=OuterRef("pk"), **filters)
        .order_by()
        .values("article")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def article_with_claim_counts(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate claims_total, claims_open and claims_published on each article."""
    return queryset.annotate(
        claims_total=_claim_count(),
        claims_open=_claim_count(status__in=OPEN_STATUSES),
        claims_published=_claim_count(status=Claim.Status.PUBLISHED),
    )


def article_with_finding_counts(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate claims_with_findings: how many of each article's claims carry a finding.

    Counted per claim (a finding involving two claims counts twice), in the same page query.
    """
    return queryset.annotate(claims_with_findings=_claim_count(~Q(findings=[])))


def article_list(*, user: Viewer) -> QuerySet[Article]:
    """A user's teams' articles, newest first, with claim counts per status."""
    return article_with_claim_counts(
        Article.objects.filter(team__in=team_list_for_user(user=user))
        .select_related("team", "created_by")
        .defer("body")
        .order_by("-created_at", "-id")
    )


def article_get(*, user: Viewer, code: Any) -> Article | None:
    return (
        Article.objects.filter(team__in=team_list_for_user(user=user), code=code)
        .select_related("team", "created_by")
        .first()
    )


def article_claims(*, article: Article) -> QuerySet[Claim]:
    """An article's claims in reading order."""
    return article.claims.select_related("assignee").order_by("start", "id")


def _claims_for(user: Viewer) -> QuerySet[Claim]:
    """A user's teams' claims with what a claim's JSON names joined in (one query a page)."""
    return (
        Claim.objects.filter(team__in=team_list_for_user(user=user))
        .select_related("team", "article", "assignee", "reviewed_by")
        .defer("article__body")
    )


# What a queue row shows: every column of the claim, and of the rows joined to it only what
# names them. Loading whole articles and users (passwords, dates, ...) for 50 rows cost about a
# tenth of the claim list's time (bench/api.py).
_QUEUE_COLUMNS = (
    *(field.name for field in Claim._meta.concrete_fields),
    "team__code",
    "team__name",
    "article__code",
    "article__title",
    "assignee__username",
    "reviewed_by__username",
)


def claim_list(*, user: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[Claim]:
    """The claim queue: a user's teams' claims, filtered (see ClaimFilter), newest first.

    Invalid filter values raise ValidationError with a message list per parameter, e.g.
    ``{"checkworthiness_min": ["Enter a number."]}``.
    """
    queryset = _claims_for(user).only(*_QUEUE_COLUMNS).order_by("-created_at", "-id")
    claim_filter = ClaimFilter(filters or {}, queryset=queryset, user=user)
    if not claim_filter.is_valid():
        raise ValidationError(claim_filter.errors.as_data())
    return cast(QuerySet[Claim], claim_filter.qs)


def claim_get(*, user: Viewer, code: Any) -> Claim | None:
    return _claims_for(user).filter(code=code).first()


def claim_review_list(*, user: Viewer, team: Any = None) -> QuerySet[Claim]:
    """A user's teams' published claims (the ClaimReview feed), newest publication first.

    `team` (a team code) narrows it to one of the user's teams; naming any other team gives
    nothing, never that team's claims.
    """
    queryset = _claims_for(user).filter(status=Claim.Status.PUBLISHED)
    if team is not None:
        queryset = queryset.filter(team__code=team)
    return queryset.order_by("-published_at", "-id")


def claim_review_facts(
    claim: Claim, *, fallback_url: str, published_on: datetime.date | None = None
) -> ClaimReviewInput:
    """What a claim's ClaimReview says (its team and article loaded; a verdict set).

    `fallback_url` is the review's address when the claim has no `review_url`; `published_on`
    defaults to the publication date (today for a preview of an unpublished claim).
    """
    article = claim.article
    if published_on is None:
        published_on = timezone.localdate(claim.published_at) if claim.published_at else None
    return ClaimReviewInput(
        claim_text=claim.text,
        verdict=claim.verdict,
        verdict_label=str(Claim.Verdict(claim.verdict).label) if claim.verdict else "",
        published_on=published_on or timezone.localdate(),
        review_url=claim.review_url or fallback_url,
        team_name=claim.team.name,
        team_website=claim.team.website,
        article_url=article.url,
        article_title=article.title,
        article_outlet=article.outlet,
        appeared_on=timezone.localdate(article.published_at) if article.published_at else None,
    )


def team_member_get(*, team_id: int, username: str) -> User | None:
    """The member of a team with this username (None for anyone else: a user outside the team is
    not revealed to exist)."""
    return User.objects.filter(username=username, memberships__team_id=team_id).first()


def claim_history(*, claim: Claim) -> QuerySet[ClaimChange]:
    return claim.changes.select_related("changed_by").order_by("created_at", "id")


def claim_comments(*, claim: Claim) -> QuerySet[Comment]:
    return claim.comments.select_related("author").order_by("created_at", "id")


def mention_list(*, user: User, team_id: int, limit: int = 10) -> list[Mention]:
    """The newest comments of a team that mention a user, with their claims and authors."""
    return list(
        Mention.objects.filter(user=user, comment__claim__team_id=team_id)
        .select_related("comment__author", "comment__claim")
        .only(
            "created_at",
            "comment__code",
            "comment__body",
            "comment__created_at",
            "comment__author__username",
            "comment__claim__code",
            "comment__claim__text",
        )
        .order_by("-created_at", "-id")[:limit]
    )
