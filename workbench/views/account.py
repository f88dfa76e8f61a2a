"""Pages of the web workbench: the user's teams, switching team, a team's members."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from workbench import services
from workbench.exceptions import ApplicationError, PermissionDeniedError
from workbench.models import Membership, Team
from workbench.rest import request_user
from workbench.selectors import (
    membership_get,
    membership_list,
    team_list_for_user,
    team_list_with_roles,
)
from workbench.views.current import current_team_set


class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.EDITOR)


class MemberRoleForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Membership.Role.choices)


class MemberRemoveForm(forms.Form):
    username = forms.CharField(max_length=150)


@login_required
@require_http_methods(["GET", "HEAD"])
def team_list(request: HttpRequest) -> HttpResponse:
    """The user's teams, each with the user's role and its member count (one query)."""
    user = request_user(request)
    teams = list(team_list_with_roles(user=user))
    return render(request, "workbench/teams/list.html", {"nav": "teams", "team_rows": teams})


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
def team_switch(request: HttpRequest) -> HttpResponse:
    """Make one of the user's teams the current one, then go back (`next`, if it is ours)."""
    user = request_user(request)
    try:
        code = uuid.UUID(request.POST.get("team", ""))
    except ValueError:
        raise Http404("No such team.") from None
    team = get_object_or_404(team_list_for_user(user=user), code=code)
    current_team_set(request, team)
    messages.success(request, f"You are now working in {team.name}.")
    return HttpResponseRedirect(_safe_next(request) or reverse("inbox"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def team_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """A team's members with their roles; owners add, re-role and remove members here."""
    user = request_user(request)
    team = get_object_or_404(team_list_for_user(user=user), code=code)
    add_form = MemberAddForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                add_form = MemberAddForm(request.POST)
                if add_form.is_valid():
                    username = add_form.cleaned_data["username"].strip()
                    role = add_form.cleaned_data["role"]
                    _, created = services.membership_add_by_username(
                        team=team, username=username, role=role, by=user
                    )
                    verb = "added to" if created else "already in; role set in"
                    messages.success(request, f"{username} {verb} {team.name} as {role}.")
                    return HttpResponseRedirect(reverse("team-detail", args=[team.code]))
                status = 400
            elif action in ("role", "remove"):
                form: forms.Form = (
                    MemberRoleForm(request.POST)
                    if action == "role"
                    else MemberRemoveForm(request.POST)
                )
                if not form.is_valid():
                    raise ValidationError("Choose a member and a valid role.")
                username = form.cleaned_data["username"]
                membership = membership_get(team=team, username=username)
                if membership is None:
                    raise ValidationError(f"{username} is not a member of {team.name}.")
                if action == "role":
                    role = form.cleaned_data["role"]
                    services.membership_set(team=team, user=membership.user, role=role, by=user)
                    messages.success(request, f"{username} is now {role} in {team.name}.")
                else:
                    services.membership_remove(membership=membership, by=user)
                    messages.success(request, f"{username} removed from {team.name}.")
                if action == "remove" and membership.user_id == user.pk:
                    return HttpResponseRedirect(reverse("team-list"))
                return HttpResponseRedirect(reverse("team-detail", args=[team.code]))
            else:
                raise ValidationError("Unknown action.")
        except PermissionDeniedError as exc:
            messages.error(request, exc.message)
            status = 403
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = 400
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            status = 400
    return _team_page(request, team, add_form, status)


def _team_page(
    request: HttpRequest, team: Team, add_form: MemberAddForm, status: int
) -> HttpResponse:
    user = request_user(request)
    members = list(membership_list(team=team))
    my_role = next((m.role for m in members if m.user_id == user.pk), None)
    is_owner = user.is_superuser or my_role == Membership.Role.OWNER
    context = {
        "nav": "teams",
        "team": team,
        "members": members,
        "my_role": my_role,
        "is_owner": is_owner,
        "add_form": add_form,
        "roles": Membership.Role.choices,
    }
    return render(request, "workbench/teams/detail.html", context, status=status)
