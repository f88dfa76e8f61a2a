"""Pages of the web workbench: claims (the queue and its bulk actions; the claim page)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from claims.filters import ASSIGNEE_ME
from claims.models import Claim
from claims.selectors import article_list, claim_list, team_member_get
from claims.services import claim_assign, claim_dismiss
from workbench.exceptions import ApplicationError
from workbench.models import Membership
from workbench.rest import request_user
from workbench.selectors import membership_list
from workbench.views.current import current_role, current_team

# --- claim queue (W2) -----------------------------------------------------------------------------

QUEUE_PAGE_SIZE = 50
QUEUE_TEMPLATE = "workbench/claims/queue.html"
# The results alone (count, bulk form, table, pages): what an htmx request gets.
RESULTS_TEMPLATE = "workbench/claims/queue_results.html"
# The queue's own parameters; everything else in the query string is left to ClaimFilter.
QUEUE_FILTERS = (
    "status",
    "claim_type",
    "verdict",
    "assignee",
    "article",
    "checkworthiness_min",
    "q",
)
# `assignee=unassigned` in the form stands for ClaimFilter's `unassigned=true`.
ASSIGNEE_NONE = "unassigned"
SORTS = {
    "newest": ("Newest first", ("-created_at", "-id")),
    "checkworthy": ("Most check-worthy first", ("-checkworthiness", "-created_at", "-id")),
    "oldest": ("Oldest first", ("created_at", "id")),
}
RECENT_ARTICLES = 100
BULK_ACTIONS = {
    "assign_me": "assigned to you",
    "assign": "assigned",
    "unassign": "unassigned",
    "dismiss": "dismissed",
}
BULK_MAX = 500
FAILURES_SHOWN = 10
PARAM_LABELS = {
    "status": "Status",
    "claim_type": "Type",
    "verdict": "Verdict",
    "assignee": "Assignee",
    "unassigned": "Assignee",
    "article": "Article",
    "checkworthiness_min": "Check-worthiness at least",
    "q": "Search",
    "sort": "Sort",
}


def _is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


def _queue_filters(params: QueryDict, team_code: uuid.UUID) -> QueryDict:
    """The query string as ClaimFilter reads it: the queue's parameters without empty values
    (an empty select means "any"), scoped to the current team."""
    filters = QueryDict(mutable=True)
    for name in QUEUE_FILTERS:
        values = [v for v in params.getlist(name) if v.strip()]
        if name == "assignee" and ASSIGNEE_NONE in values:
            filters["unassigned"] = "true"
            values = [v for v in values if v != ASSIGNEE_NONE]
        if values:
            filters.setlist(name, values[:1] if name != "status" else values)
    filters["team"] = str(team_code)
    return filters


def _error_lines(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{PARAM_LABELS.get(name, name)}: {' '.join(ValidationError(errors).messages)}"
            for name, errors in exc.error_dict.items()
        ]
    return list(exc.messages)


@login_required
@require_GET
def claim_queue(request: HttpRequest) -> HttpResponse:
    """The current team's claims, filtered and sorted from the query string (a GET form), 50 a
    page. Invalid filter values are shown and dropped, never a 500. Editors get bulk actions and
    "Assign to me"; htmx requests get the results alone (queue_results.html)."""
    user = request_user(request)
    team = current_team(request)
    context: dict[str, Any] = {"nav": "queue", "team": team}
    if team is None:
        return render(request, RESULTS_TEMPLATE if _is_htmx(request) else QUEUE_TEMPLATE, context)

    filters = _queue_filters(request.GET, team.code)
    filter_errors: list[str] = []
    try:
        claims = claim_list(user=user, filters=filters)
    except ValidationError as exc:
        filter_errors = _error_lines(exc)
        for name in getattr(exc, "error_dict", {}):
            filters.pop(name, None)
        try:
            claims = claim_list(user=user, filters=filters)
        except ValidationError:  # pragma: no cover - only valid parameters are left
            claims = claim_list(user=user, filters={"team": str(team.code)})

    sort = request.GET.get("sort") or "newest"
    if sort not in SORTS:
        filter_errors.append(f"Sort: “{sort}” is not one of the choices.")
        sort = "newest"
    claims = claims.order_by(*SORTS[sort][1])
    page = Paginator(claims, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))

    members = list(membership_list(team=team))
    role = next((m.role for m in members if m.user_id == user.pk), None)
    if role is None:
        role = current_role(request, team)  # a superuser without a membership
    recent_articles = (
        article_list(user=user).filter(team=team).values("code", "title")[:RECENT_ARTICLES]
    )
    params = request.GET.copy()
    params.pop("page", None)
    context.update(
        page=page,
        filter_errors=filter_errors,
        can_edit=role in (Membership.Role.OWNER, Membership.Role.EDITOR),
        statuses=Claim.Status.choices,
        claim_types=Claim.Type.choices,
        verdicts=[c for c in Claim.Verdict.choices if c[0]],
        members=members,
        editors=[m for m in members if m.role != Membership.Role.VIEWER],
        articles=recent_articles,
        sorts=[(key, label) for key, (label, _) in SORTS.items()],
        chosen={
            "status": request.GET.getlist("status"),
            "claim_type": request.GET.get("claim_type", ""),
            "verdict": request.GET.get("verdict", ""),
            "assignee": request.GET.get("assignee", ""),
            "article": request.GET.get("article", ""),
            "checkworthiness_min": request.GET.get("checkworthiness_min", ""),
            "q": request.GET.get("q", ""),
            "sort": sort,
        },
        assignee_me=ASSIGNEE_ME,
        assignee_none=ASSIGNEE_NONE,
        page_query=params.urlencode(),
        here=request.get_full_path(),
    )
    return render(request, RESULTS_TEMPLATE if _is_htmx(request) else QUEUE_TEMPLATE, context)


def _next_url(request: HttpRequest) -> str:
    """Where to go back to: the `next` parameter if it is a path on this site, else the queue."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("claim-queue")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bulk_one(claim: Claim, *, action: str, user: User, assignee_name: str, reason: str) -> Claim:
    """One claim's bulk change, on its current version (a deliberate act on the current state)."""
    if action == "dismiss":
        return claim_dismiss(claim=claim, by=user, version=claim.version, reason=reason)
    assignee: User | None = None
    if action == "assign_me":
        assignee = user
    elif action == "assign":
        assignee = team_member_get(team_id=claim.team_id, username=assignee_name)
        if assignee is None:
            raise ApplicationError(f"{assignee_name} is not a member of {claim.team.name}.")
    return claim_assign(claim=claim, by=user, version=claim.version, assignee=assignee)


@login_required
@require_POST
def claim_bulk(request: HttpRequest) -> HttpResponse:
    """Assign, unassign or dismiss the selected claims, each on its current version. Reports
    "N assigned, M refused: ..." and goes back to the queue with its filters (`next`). Codes
    outside the user's teams count as not found; every refusal (role, workflow, conflict) is
    listed, never a 500."""
    user = request_user(request)
    redirect = HttpResponseRedirect(_next_url(request))
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS:
        messages.error(request, "Choose what to do with the selected claims.")
        return redirect
    codes: set[uuid.UUID] = set()
    unknown = 0
    for value in request.POST.getlist("claims")[:BULK_MAX]:
        try:
            codes.add(uuid.UUID(value))
        except ValueError:
            unknown += 1
    if not codes and not unknown:
        messages.error(request, "Select at least one claim.")
        return redirect
    assignee_name = request.POST.get("assignee", "").strip()
    if action == "assign" and not assignee_name:
        messages.error(request, "Choose whom to assign the selected claims to.")
        return redirect
    reason = request.POST.get("reason", "").strip()

    claims = list(claim_list(user=user).filter(code__in=codes))
    unknown += len(codes) - len(claims)
    done = unchanged = 0
    refused: list[str] = []
    for claim in claims:
        try:
            saved = _bulk_one(
                claim, action=action, user=user, assignee_name=assignee_name, reason=reason
            )
        except ApplicationError as exc:
            refused.append(f"“{_short(claim.text)}”: {exc.message}")
        except ValidationError as exc:
            refused.append(f"“{_short(claim.text)}”: {' '.join(exc.messages)}")
        else:
            if saved.version == claim.version:
                unchanged += 1
            else:
                done += 1

    verb = BULK_ACTIONS[action]
    if action == "assign":
        verb = f"assigned to {assignee_name}"
    summary = f"{done} {verb}"
    if unchanged:
        summary += f", {unchanged} already so"
    if refused:
        shown = "; ".join(refused[:FAILURES_SHOWN])
        more = len(refused) - FAILURES_SHOWN
        if more > 0:
            shown += f"; and {more} more"
        messages.error(request, f"{summary}, {len(refused)} refused: {shown}")
    elif done or unchanged:
        messages.success(request, f"{summary}.")
    if unknown:
        messages.error(
            request, f"{unknown} selected claim{'s' if unknown != 1 else ''} not found (ignored)."
        )
    return redirect


# --- claim page (W3) ---


@login_required
def claim_detail(request: HttpRequest, code: Any) -> HttpResponse:
    return render(request, "workbench/base.html")
