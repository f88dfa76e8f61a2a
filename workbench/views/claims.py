"""Pages of the web workbench: claims (the queue and its bulk actions; the claim page)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, Value, When
from django.db.models.functions import Greatest, Least, Substr
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from claims.claimreview import ClaimReviewError, claim_review
from claims.filters import ASSIGNEE_ME
from claims.mentions import mention_pieces
from claims.models import Article, Claim
from claims.selectors import (
    article_list,
    claim_comments,
    claim_get,
    claim_history,
    claim_list,
    claim_review_facts,
    team_member_get,
)
from claims.services import (
    ALLOWED_TRANSITIONS,
    COMMENT_MAX_CHARS,
    RATIONALE_MAX_CHARS,
    ClaimConflictError,
    claim_assign,
    claim_dismiss,
    claim_snapshot,
    claim_update,
    comment_create,
)
from sources.models import Evidence, LookupRun
from sources.selectors import evidence_for_claim, evidence_get, lookup_runs_latest, source_get
from sources.services import (
    evidence_remove,
    evidence_update,
    lookup_claim_start,
    lookup_url_attach,
)
from workbench.exceptions import ApplicationError, PermissionDeniedError
from workbench.models import Membership, Team
from workbench.rest import request_user
from workbench.selectors import membership_list
from workbench.services import EDIT_ROLES
from workbench.views.articles import RUNS_ACTIVE, findings_shown
from workbench.views.current import can_edit, current_role, current_team, is_htmx

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


def _members_and_can_edit(request: HttpRequest, team: Team) -> tuple[list[Membership], bool]:
    """A team's members (owners first) and whether the user may write in it: their role among
    the members, or a superuser's (no membership) from current_role. One query for members."""
    members = list(membership_list(team=team))
    user = request_user(request)
    role = next((m.role for m in members if m.user_id == user.pk), None)
    if role is None:
        role = current_role(request, team)
    return members, role in EDIT_ROLES


def _editor_names(members: list[Membership]) -> list[str]:
    """The usernames a claim may be assigned to: the team's editors and owners."""
    return [m.user.get_username() for m in members if m.role != Membership.Role.VIEWER]


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
        return render(request, RESULTS_TEMPLATE if is_htmx(request) else QUEUE_TEMPLATE, context)

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

    members, editable = _members_and_can_edit(request, team)
    recent_articles = (
        article_list(user=user).filter(team=team).values("code", "title")[:RECENT_ARTICLES]
    )
    params = request.GET.copy()
    params.pop("page", None)
    context.update(
        page=page,
        filter_errors=filter_errors,
        can_edit=editable,
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
    return render(request, RESULTS_TEMPLATE if is_htmx(request) else QUEUE_TEMPLATE, context)


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


# --- the claim page -------------------------------------------------------------------------------

DETAIL_TEMPLATE = "workbench/claims/detail.html"
LOOKUPS_TEMPLATE = "workbench/claims/detail_lookups.html"
SOURCE_TEMPLATE = "workbench/claims/source.html"
# Characters of the article shown either side of the claim's sentence, and of a source either
# side of an evidence passage (cut back to a word boundary).
CONTEXT_CHARS = 280
PASSAGE_CONTEXT_CHARS = 240
# Stance groups in the order a reviewer reads them: what contradicts the claim first.
STANCE_ORDER = (
    Evidence.Stance.REFUTES,
    Evidence.Stance.SUPPORTS,
    Evidence.Stance.MIXED,
    Evidence.Stance.NEUTRAL,
)
# A confidence figure only means something for a suggestion that takes a side.
CONFIDENT_SUGGESTIONS = (Claim.Suggestion.SUPPORTED, Claim.Suggestion.CONTRADICTED)
# What the verdict form edits, in the order a conflict lists them.
FORM_FIELDS = ("status", "verdict", "rationale", "review_url", "assignee")
FIELD_LABELS = {
    "status": "Status",
    "verdict": "Verdict",
    "rationale": "Rationale",
    "review_url": "Review URL",
    "assignee": "Assignee",
}


class VerdictForm(forms.Form):
    """The claim's status, verdict, rationale, review URL and assignee, with the version seen."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label="Status", choices=Claim.Status.choices)
    verdict = forms.ChoiceField(label="Verdict", choices=Claim.Verdict.choices, required=False)
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        strip=False,
        max_length=RATIONALE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "aria-describedby": "rationale-help"}),
    )
    review_url = forms.URLField(
        label="Review URL (the desk's published fact-check, optional)",
        required=False,
        max_length=2000,
        assume_scheme="https",
    )
    assignee = forms.ChoiceField(label="Assignee", required=False)

    def __init__(self, *args: Any, claim: Claim, editors: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The current status and the steps the workflow allows from it.
        allowed = ALLOWED_TRANSITIONS[claim.status]
        status_field = self.fields["status"]
        assert isinstance(status_field, forms.ChoiceField)
        offered = {claim.status, *allowed}
        # A status sent from an older page (a conflict) is let through to the workflow's check,
        # which says why it is refused.
        sent = self.data.get("status") if self.is_bound else None
        if sent in Claim.Status.values:
            offered.add(sent)
        status_field.choices = [
            (value, label if value != claim.status else f"{label} (now)")
            for value, label in Claim.Status.choices
            if value in offered
        ]
        names = list(editors)
        if claim.assignee_id and claim.assignee and claim.assignee.get_username() not in names:
            names.append(claim.assignee.get_username())
        assignee_field = self.fields["assignee"]
        assert isinstance(assignee_field, forms.ChoiceField)
        assignee_field.choices = [("", "Nobody"), *((name, name) for name in names)]

    @staticmethod
    def initial_for(claim: Claim) -> dict[str, Any]:
        """The form's values for the claim as it is (claims.services.claim_snapshot's fields)."""
        snapshot = claim_snapshot(claim)
        return {name: snapshot[name] or "" for name in ("version", *FORM_FIELDS)}


class EvidenceUrlForm(forms.Form):
    url = forms.CharField(
        label="Add evidence by link",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://…", "aria-describedby": "url-help"}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "comment-help"}),
    )


def _claim_or_404(request: HttpRequest, code: Any) -> Claim:
    """One of the user's teams' claims; another team's (or none) is a 404."""
    claim = claim_get(user=request_user(request), code=code)
    if claim is None:
        raise Http404("No such claim.")
    return claim


def _word_cut_left(text: str, limit: int) -> str:
    """The end of `text` when it is longer than `limit` characters, starting at a word, "…"
    first. (Callers pass one character more than they show to say that it was cut.)"""
    if len(text) <= limit:
        return text
    piece = text[-limit:]
    space = piece.find(" ")
    return "…" + (piece[space + 1 :] if 0 <= space < limit // 3 else piece)


def _word_cut_right(text: str, limit: int) -> str:
    """The start of `text` when it is longer than `limit` characters, ending at a word, "…"
    last."""
    if len(text) <= limit:
        return text
    piece = text[:limit]
    space = piece.rfind(" ")
    return (piece[:space] if space > limit * 2 // 3 else piece) + "…"


def _claim_context(claim: Claim) -> dict[str, str]:
    """The claim's sentence with the text around it, cut from the article in the database (one
    query; a long article is never loaded whole)."""
    row = (
        Article.objects.filter(pk=claim.article_id)
        .annotate(
            # One character more than shown on each side: it tells whether the text goes on.
            before=Substr(
                "body", max(claim.start - CONTEXT_CHARS, 1), min(claim.start, CONTEXT_CHARS + 1)
            ),
            middle=Substr("body", claim.start + 1, max(claim.end - claim.start, 1)),
            after=Substr("body", claim.end + 1, CONTEXT_CHARS + 1),
        )
        .values("before", "middle", "after")
        .first()
    )
    if row is None:  # pragma: no cover - the claim's article is loaded with it
        return {"before": "", "middle": claim.sentence, "after": ""}
    return {
        "before": _word_cut_left(row["before"] or "" if claim.start else "", CONTEXT_CHARS),
        "middle": row["middle"] or claim.sentence,
        "after": _word_cut_right(row["after"] or "", CONTEXT_CHARS),
    }


@dataclass
class StanceGroup:
    stance: str
    label: str
    items: list[Evidence]


def _evidence_groups(claim: Claim) -> list[StanceGroup]:
    """The claim's evidence by stance (refuting first), each passage with a little of the
    archived source around it (cut in the same query)."""
    n = PASSAGE_CONTEXT_CHARS
    rows = evidence_for_claim(claim_id=claim.pk).annotate(
        context_before=Case(
            When(
                passage_start__isnull=False,
                then=Substr(
                    "source__archived_text",
                    Greatest(F("passage_start") - n, Value(1)),
                    Least(F("passage_start"), Value(n + 1)),
                ),
            ),
            default=Value(""),
        ),
        context_after=Case(
            When(
                passage_end__isnull=False,
                then=Substr("source__archived_text", F("passage_end") + 1, Value(n + 1)),
            ),
            default=Value(""),
        ),
    )
    grouped: dict[str, list[Evidence]] = {stance: [] for stance in STANCE_ORDER}
    for item in rows:
        item.context_before = _word_cut_left(item.context_before or "", n)
        item.context_after = _word_cut_right(item.context_after or "", n)
        grouped.setdefault(item.stance, []).append(item)
    labels = dict(Evidence.Stance.choices)
    return [
        StanceGroup(stance=stance, label=str(labels.get(stance, stance)), items=items)
        for stance, items in grouped.items()
        if items
    ]


def mentions_rendered(body: str, members: set[str]) -> SafeString:
    """A comment as HTML: every piece escaped; @username of a team member in <strong>."""
    return mark_safe(  # every piece is escaped
        "".join(
            format_html('<strong class="mention">{}</strong>', piece) if mention else escape(piece)
            for piece, mention in mention_pieces(body, members)
        )
    )


def _claim_review_preview(request: HttpRequest, claim: Claim) -> str:
    """The ClaimReview JSON-LD the claim has (published) or would have (a verdict set), as
    indented JSON; "" without a verdict."""
    if not claim.verdict:
        return ""
    facts = claim_review_facts(
        claim,
        fallback_url=request.build_absolute_uri(
            reverse("api:claim-claimreview", kwargs={"code": claim.code})
        ),
    )
    try:
        return json.dumps(claim_review(facts), indent=2, ensure_ascii=False)
    except ClaimReviewError:  # pragma: no cover - every verdict has a rating
        return ""


def _neighbours(claim: Claim) -> tuple[Any, Any]:
    """The previous and next claims of the same article in reading order (codes; one query)."""
    codes = list(
        Claim.objects.filter(article_id=claim.article_id)
        .order_by("start", "id")
        .values_list("code", flat=True)
    )
    at = codes.index(claim.code) if claim.code in codes else -1
    previous = codes[at - 1] if at > 0 else None
    following = codes[at + 1] if 0 <= at < len(codes) - 1 else None
    return previous, following


def _finding_items(claim: Claim) -> list[dict[str, Any]]:
    codes = {
        code
        for finding in claim.findings or []
        if isinstance(finding, dict)
        for code in finding.get("claims") or []
        if isinstance(code, str)
    }
    texts: dict[str, str] = {}
    if codes - {str(claim.code)}:
        valid = []
        for code in codes:
            try:
                valid.append(uuid.UUID(code))
            except ValueError:
                continue
        texts = {
            str(code): text
            for code, text in Claim.objects.filter(
                article_id=claim.article_id, code__in=valid
            ).values_list("code", "text")
        }
    return findings_shown(claim, texts)


def _runs_context(claim: Claim) -> dict[str, Any]:
    runs = lookup_runs_latest(claim_id=claim.pk)
    return {
        "claim": claim,
        "runs": runs,
        "runs_active": any(run.status in RUNS_ACTIVE for run in runs),
    }


def _claim_page(
    request: HttpRequest,
    claim: Claim,
    *,
    status: int = 200,
    verdict_form: VerdictForm | None = None,
    url_form: EvidenceUrlForm | None = None,
    comment_form: CommentForm | None = None,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    members, editable = _members_and_can_edit(request, claim.team)
    usernames = {m.user.get_username() for m in members}
    comments = [
        (comment, mentions_rendered(comment.body, usernames))
        for comment in claim_comments(claim=claim)
    ]
    previous, following = _neighbours(claim)
    context = {
        "nav": "queue",
        "claim": claim,
        "article": claim.article,
        "context": _claim_context(claim),
        "findings": _finding_items(claim),
        "groups": _evidence_groups(claim),
        "stances": Evidence.Stance.choices,
        **_runs_context(claim),
        "comments": comments,
        "history": list(claim_history(claim=claim)),
        "members": sorted(usernames),
        "can_edit": editable,
        "show_confidence": claim.suggestion in CONFIDENT_SUGGESTIONS
        and claim.suggestion_confidence is not None,
        "verdict_form": verdict_form
        or VerdictForm(
            initial=VerdictForm.initial_for(claim), claim=claim, editors=_editor_names(members)
        ),
        "url_form": url_form or EvidenceUrlForm(),
        "comment_form": comment_form or CommentForm(),
        "claim_review": _claim_review_preview(request, claim),
        "previous": previous,
        "following": following,
        "conflict": conflict,
    }
    return render(request, DETAIL_TEMPLATE, context, status=status)


@login_required
@require_GET
def claim_detail(request: HttpRequest, code: Any) -> HttpResponse:
    """The claim page: the claim in its article, its findings, evidence by stance, lookups,
    comments, history, the verdict form and the ClaimReview it has or would have."""
    return _claim_page(request, _claim_or_404(request, code))


def _form_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {name: cleaned.get(name, "") for name in FORM_FIELDS}


def _conflict(mine: dict[str, Any], exc: ClaimConflictError) -> dict[str, Any]:
    """Both versions side by side (the fields that differ first) and a form that saves mine on
    the current version."""
    current = exc.extra.get("current", {})
    rows = []
    for name in FORM_FIELDS:
        theirs = current.get(name)
        theirs = "" if theirs is None else str(theirs)
        rows.append(
            {
                "name": name,
                "label": FIELD_LABELS[name],
                "mine": _shown(name, mine.get(name, "")),
                "theirs": _shown(name, theirs),
                "differs": str(mine.get(name, "")) != theirs,
            }
        )
    rows.sort(key=lambda row: not row["differs"])
    return {
        "rows": rows,
        "version": current.get("version"),
        "your_version": exc.extra.get("your_version"),
        "mine": mine,
    }


def _shown(name: str, value: Any) -> str:
    if name == "status" and value:
        return str(Claim.Status(value).label) if value in Claim.Status.values else str(value)
    if name == "verdict":
        return str(Claim.Verdict(value).label) if value in Claim.Verdict.values else str(value)
    return str(value)


@login_required
@require_POST
def claim_save(request: HttpRequest, code: Any) -> HttpResponse:
    """Save the verdict form on the version the reviewer saw. Someone else's newer change is a
    409 page with both versions and a "Save mine anyway" form: nothing is overwritten silently.
    Refusals (workflow, role, invalid values) re-show the form with what was typed."""
    claim = _claim_or_404(request, code)
    user = request_user(request)
    editors = _editor_names(list(membership_list(team=claim.team)))
    form = VerdictForm(request.POST, claim=claim, editors=editors)
    if not form.is_valid():
        # A status the workflow does not offer from here is a refusal with the workflow's words.
        return _claim_page(request, claim, status=400, verdict_form=form)
    mine = _form_values(form.cleaned_data)
    data: dict[str, Any] = {name: mine[name] for name in FORM_FIELDS if name != "assignee"}
    if mine["assignee"]:
        assignee = team_member_get(team_id=claim.team_id, username=mine["assignee"])
        if assignee is None:
            form.add_error("assignee", f"{mine['assignee']} is not a member of this team.")
            return _claim_page(request, claim, status=400, verdict_form=form)
        data["assignee"] = assignee
    else:
        data["assignee"] = None
    try:
        saved = claim_update(claim=claim, by=user, version=form.cleaned_data["version"], data=data)
    except ClaimConflictError as exc:
        current = claim_get(user=user, code=claim.code) or claim
        return _claim_page(
            request,
            current,
            status=409,
            verdict_form=VerdictForm(
                initial={**mine, "version": exc.extra["current"]["version"]},
                claim=current,
                editors=editors,
            ),
            conflict=_conflict(mine, exc),
        )
    except PermissionDeniedError as exc:
        messages.error(request, exc.message)
        return _claim_page(request, claim, status=403, verdict_form=form)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _claim_page(request, claim, status=400, verdict_form=form)
    except ValidationError as exc:
        for name, errors in getattr(exc, "error_dict", {"__all__": exc.error_list}).items():
            target = name if name in form.fields else None
            form.add_error(target, ValidationError(errors).messages)
        return _claim_page(request, claim, status=400, verdict_form=form)
    if saved.version == claim.version:
        messages.info(request, "Nothing to save: the claim already says that.")
    elif saved.status == Claim.Status.PUBLISHED and claim.status != Claim.Status.PUBLISHED:
        messages.success(request, "Published: the verdict is in the ClaimReview feed.")
    else:
        messages.success(request, "Saved.")
    return HttpResponseRedirect(reverse("claim-detail", args=[saved.code]))


@login_required
@require_POST
def claim_comment(request: HttpRequest, code: Any) -> HttpResponse:
    """Add a comment (editors and owners); an empty or too long one is shown back, kept."""
    claim = _claim_or_404(request, code)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, status=400, comment_form=form)
    try:
        comment_create(claim=claim, author=request_user(request), body=form.cleaned_data["body"])
    except PermissionDeniedError as exc:
        form.add_error(None, exc.message)
        return _claim_page(request, claim, status=403, comment_form=form)
    except ValidationError as exc:
        form.add_error("body", exc.messages)
        return _claim_page(request, claim, status=400, comment_form=form)
    return HttpResponseRedirect(reverse("claim-detail", args=[claim.code]) + "#comments")


@login_required
@require_POST
def claim_lookups(request: HttpRequest, code: Any) -> HttpResponse:
    """Run every enabled lookup backend for the claim again."""
    claim = _claim_or_404(request, code)
    try:
        runs = lookup_claim_start(claim=claim, by=request_user(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        queued = sum(run.status == LookupRun.Status.QUEUED for run in runs)
        messages.success(request, f"Lookups started again: {queued} queued.")
    return HttpResponseRedirect(reverse("claim-detail", args=[claim.code]) + "#lookups")


@login_required
@require_POST
def claim_evidence_url(request: HttpRequest, code: Any) -> HttpResponse:
    """Attach a link: fetched and archived in the background, its passages become evidence. A
    refused link (private address, not http(s), ...) is shown back with the reason."""
    claim = _claim_or_404(request, code)
    form = EvidenceUrlForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, status=400, url_form=form)
    try:
        url = form.cleaned_data["url"].strip()
        lookup_url_attach(claim=claim, url=url, by=request_user(request))
    except PermissionDeniedError as exc:
        form.add_error(None, exc.message)
        return _claim_page(request, claim, status=403, url_form=form)
    except ApplicationError as exc:
        form.add_error("url", exc.message)
        return _claim_page(request, claim, status=400, url_form=form)
    except ValidationError as exc:
        form.add_error("url", exc.messages)
        return _claim_page(request, claim, status=400, url_form=form)
    messages.success(request, "The link is being fetched; its passages appear under Evidence.")
    return HttpResponseRedirect(reverse("claim-detail", args=[claim.code]) + "#lookups")


@login_required
@require_POST
def claim_evidence_change(request: HttpRequest, code: Any, evidence: Any) -> HttpResponse:
    """A reviewer corrects a passage's stance (`stance`) or takes it off the claim (`remove`);
    the machine suggestion is worked out again."""
    claim = _claim_or_404(request, code)
    row = Evidence.objects.filter(claim=claim, code=evidence).first()
    if row is None:
        raise Http404("No such evidence on this claim.")
    user = request_user(request)
    try:
        if request.POST.get("action") == "remove":
            evidence_remove(evidence=row, by=user)
            messages.success(request, "The passage was taken off the claim; its source stays.")
        else:
            stance = request.POST.get("stance", "")
            if stance not in Evidence.Stance.values:
                messages.error(request, "Choose a stance: supports, refutes, mixed or neutral.")
                return HttpResponseRedirect(reverse("claim-detail", args=[claim.code]))
            evidence_update(evidence=row, by=user, data={"stance": stance})
            messages.success(request, "Stance saved; the suggestion was worked out again.")
    except PermissionDeniedError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("claim-detail", args=[claim.code]))
    return HttpResponseRedirect(reverse("claim-detail", args=[claim.code]) + "#evidence")


@login_required
@require_GET
def claim_lookup_progress(request: HttpRequest, code: Any) -> HttpResponse:
    """The lookup runs fragment (htmx polls it every 2 s while a run is queued or running).
    When the runs have finished, the evidence section comes with it (out of band), so new
    evidence appears without a reload and without touching a half-typed verdict."""
    claim = _claim_or_404(request, code)
    if not is_htmx(request):
        return HttpResponseRedirect(reverse("claim-detail", args=[claim.code]) + "#lookups")
    context = _runs_context(claim)
    if not context["runs_active"] and request.GET.get("shown") == "active":
        context["evidence_oob"] = True
        context["groups"] = _evidence_groups(claim)
        context["stances"] = Evidence.Stance.choices
        context["can_edit"] = can_edit(request, claim.team)
    return render(request, LOOKUPS_TEMPLATE, context)


@login_required
@require_GET
def source_detail(request: HttpRequest, code: Any) -> HttpResponse:
    """A source's archived text as the workbench stored it (plain, escaped text), with one
    evidence passage highlighted (`?evidence=<code>`). Only sources a user's teams cite or hold
    in their library; anything else is a 404."""
    user = request_user(request)
    source = source_get(user=user, code=code)
    if source is None:
        raise Http404("No such source.")
    highlighted: SafeString = mark_safe(escape(source.archived_text))  # escaped
    evidence = None
    wanted = request.GET.get("evidence", "")
    if wanted:
        try:
            evidence = evidence_get(user=user, code=uuid.UUID(wanted))
        except ValueError:
            evidence = None
        if evidence is not None and evidence.source_id != source.pk:
            evidence = None
    text = source.archived_text
    if (
        evidence is not None
        and evidence.passage_start is not None
        and evidence.passage_end is not None
        and 0 <= evidence.passage_start <= evidence.passage_end <= len(text)
    ):
        highlighted = format_html(
            '{}<mark id="passage" class="passage" tabindex="-1">{}</mark>{}',
            text[: evidence.passage_start],
            text[evidence.passage_start : evidence.passage_end],
            text[evidence.passage_end :],
        )
    context = {"nav": "queue", "source": source, "highlighted": highlighted, "evidence": evidence}
    return render(request, SOURCE_TEMPLATE, context)
