"""Reads for teams and memberships."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from workbench.models import Team


def team_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Team]:
    """The teams whose rows `user` may see; every team for a superuser, none for anonymous users."""
    if not user.is_authenticated:
        return Team.objects.none()
    if getattr(user, "is_superuser", False):
        return Team.objects.order_by("name")
    return Team.objects.filter(memberships__user=user).order_by("name")


def team_get_by_name(*, name: str) -> Team | None:
    return Team.objects.filter(name=name).first()
