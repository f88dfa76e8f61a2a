"""The team a signed-in user is working in (kept in the session) and what they may do in it;
whether htmx sent a request. For every page."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from workbench.models import Membership, Team
from workbench.selectors import team_list_for_user
from workbench.services import EDIT_ROLES

SESSION_KEY = "workbench_team"


def current_team(request: HttpRequest) -> Team | None:
    """The team chosen with the switcher, or the user's first team; None without any team."""
    user = request.user
    if not isinstance(user, User):
        return None
    teams = team_list_for_user(user=user)
    chosen = request.session.get(SESSION_KEY)
    team = teams.filter(code=chosen).first() if chosen else None
    return team or teams.first()


def current_team_set(request: HttpRequest, team: Team) -> None:
    request.session[SESSION_KEY] = str(team.code)


def current_role(request: HttpRequest, team: Team | None) -> str | None:
    user = request.user
    if team is None or not isinstance(user, User):
        return None
    if user.is_superuser:
        return Membership.Role.OWNER
    return Membership.objects.filter(team=team, user=user).values_list("role", flat=True).first()


def can_edit(request: HttpRequest, team: Team | None) -> bool:
    """Whether the user may write in `team` (an editor or owner, or a superuser)."""
    return current_role(request, team) in EDIT_ROLES


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


def workbench_context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the user's teams and the current one. Lazy: one query, and only on
    pages that show them (the admin's pages don't)."""
    user = request.user
    if not isinstance(user, User):
        return {}

    @functools.cache
    def teams() -> list[Team]:
        return list(team_list_for_user(user=user))

    def current() -> Team | None:
        chosen = request.session.get(SESSION_KEY)
        mine = teams()
        return next((t for t in mine if str(t.code) == chosen), mine[0] if mine else None)

    return {"teams": SimpleLazyObject(teams), "current_team": SimpleLazyObject(current)}
