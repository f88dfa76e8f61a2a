"""Reads for teams and memberships."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from workbench.models import ApiToken, Membership, Team


def team_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Team]:
    """The teams whose rows `user` may see; every team for a superuser, none for anonymous users."""
    if not user.is_authenticated:
        return Team.objects.none()
    if getattr(user, "is_superuser", False):
        return Team.objects.order_by("name")
    return Team.objects.filter(memberships__user=user).order_by("name")


def team_list_with_roles(*, user: User | AnonymousUser) -> QuerySet[Team]:
    """`team_list_for_user` with `role` (the user's role; None where a superuser is no member)
    and `members_count` annotated, each a subquery: one query for any number of teams."""
    role = Membership.objects.filter(team=OuterRef("pk"), user=user.pk).values("role")[:1]
    count = (
        Membership.objects.filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return team_list_for_user(user=user).annotate(
        role=Subquery(role),
        members_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
    )


def team_get_by_name(*, name: str) -> Team | None:
    return Team.objects.filter(name=name).first()


def token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """A user's API tokens, newest first (revoked and expired ones included, marked as such)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def membership_list(*, team: Team) -> QuerySet[Membership]:
    """A team's members, owners first, then by username."""
    return (
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by(
            Case(
                When(role=Membership.Role.OWNER, then=Value(0)),
                When(role=Membership.Role.EDITOR, then=Value(1)),
                default=Value(2),
            ),
            "user__username",
        )
    )


def membership_get(*, team: Team, username: str) -> Membership | None:
    """The membership of the user named `username` in `team` (with its user), or None."""
    return (
        Membership.objects.filter(team=team, user__username=username)
        .select_related("user", "team")
        .first()
    )
