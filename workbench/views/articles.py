"""Pages of the web workbench: articles (the inbox, adding an article, the article page and its
progress fragment, polled by htmx while extraction and lookups run)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from claims.models import Article, Claim
from claims.selectors import article_claims, article_get, article_list, mention_list
from claims.services import article_extraction_requeue, article_ingest, article_ingest_url
from sources.models import LookupRun
from sources.services import lookup_article_start
from workbench.exceptions import ApplicationError, PermissionDeniedError
from workbench.rest import request_user
from workbench.views.current import can_edit, current_team, is_htmx

INBOX_PAGE_SIZE = 50
INBOX_TEMPLATE = "workbench/articles/inbox.html"
DETAIL_TEMPLATE = "workbench/articles/detail.html"
PROGRESS_TEMPLATE = "workbench/articles/progress.html"
UNFINISHED = (
    Article.ExtractionStatus.FETCHING,
    Article.ExtractionStatus.PENDING,
    Article.ExtractionStatus.RUNNING,
)
RUN_STATUSES = [value for value, _ in LookupRun.Status.choices]
RUNS_ACTIVE = (LookupRun.Status.QUEUED, LookupRun.Status.RUNNING)


def _article_or_404(request: HttpRequest, code: Any) -> Article:
    """One of the user's teams' articles; anything else (another team's, none) is a 404."""
    article = article_get(user=request_user(request), code=code)
    if article is None:
        raise Http404("No such article.")
    return article


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# --- inbox and adding an article ------------------------------------------------------------------


class ArticleAddForm(forms.Form):
    """Text or a link (the services check both); a title is optional."""

    text = forms.CharField(
        label="Article text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "aria-describedby": "add-text-help"}),
    )
    url = forms.CharField(
        label="Or a link to the article",
        required=False,
        max_length=2000,
        widget=forms.URLInput(
            attrs={"placeholder": "https://…", "aria-describedby": "add-url-help"}
        ),
    )
    title = forms.CharField(label="Title (optional)", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service refuses NUL characters with its own message ("binary data is not an
        # article"); the form's generic check would hide it.
        self.fields["text"].validators = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not (data.get("url") or "").strip():
            raise ValidationError("Paste the article's text or give a link to it.")
        return data


@dataclass
class InboxRow:
    article: Article
    counts: dict[str, int] = field(default_factory=dict)
    assignees: list[str] = field(default_factory=list)

    @property
    def unfinished(self) -> bool:
        return self.article.extraction_status in UNFINISHED

    @property
    def per_status(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every status the article has claims in."""
        return [
            (v, label, self.counts[v]) for v, label in Claim.Status.choices if self.counts.get(v)
        ]


def _inbox_rows(articles: list[Article]) -> list[InboxRow]:
    """Rows with per-status claim counts and who is assigned: two queries for the whole page."""
    rows = {a.pk: InboxRow(article=a) for a in articles}
    if not rows:
        return []
    per_status = (
        Claim.objects.filter(article_id__in=rows)
        .order_by()
        .values_list("article_id", "status")
        .annotate(n=Count("id"))
    )
    for article_id, status, n in per_status:
        rows[article_id].counts[status] = n
    assigned = (
        Claim.objects.filter(article_id__in=rows, assignee__isnull=False)
        .order_by("assignee__username")
        .values_list("article_id", "assignee__username")
        .distinct()
    )
    for article_id, username in assigned:
        rows[article_id].assignees.append(username)
    return list(rows.values())


def _inbox(
    request: HttpRequest, *, form: ArticleAddForm | None = None, status: int = 200
) -> HttpResponse:
    team = current_team(request)
    context: dict[str, Any] = {"nav": "inbox", "team": team}
    if team is not None:
        articles = article_list(user=request_user(request)).filter(team=team)
        page = Paginator(articles, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            page=page,
            rows=_inbox_rows(list(page.object_list)),
            mentions=mention_list(user=request_user(request), team_id=team.pk),
            can_edit=can_edit(request, team),
            form=form or ArticleAddForm(),
        )
    return render(request, INBOX_TEMPLATE, context, status=status)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The current team's articles, newest first, 50 a page; editors get the "add" form."""
    return _inbox(request)


@login_required
@require_POST
def article_add(request: HttpRequest) -> HttpResponse:
    """Add an article from pasted text or from a link, then go to its page. The same text again
    goes to the article already in the inbox. Refusals are shown on the inbox (400/403)."""
    user = request_user(request)
    team = current_team(request)
    form = ArticleAddForm(request.POST)
    if team is None:
        messages.error(request, "You are not a member of any team yet.")
        return _inbox(request, form=form, status=403)
    if not form.is_valid():
        return _inbox(request, form=form, status=400)
    text = form.cleaned_data["text"]
    url = form.cleaned_data["url"].strip()
    title = form.cleaned_data["title"]
    try:
        if text.strip():
            result = article_ingest(team=team, body=text, url=url, title=title, created_by=user)
        else:
            result = article_ingest_url(team=team, url=url, title=title, created_by=user)
    except PermissionDeniedError as exc:
        messages.error(request, exc.message)
        return _inbox(request, form=form, status=403)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _inbox(request, form=form, status=400)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                target = name if name in form.fields else None
                form.add_error(target, ValidationError(errors).messages)
        else:
            form.add_error("text" if text.strip() else "url", _messages_of(exc))
        return _inbox(request, form=form, status=400)
    article = result.article
    if result.created:
        if article.extraction_status == Article.ExtractionStatus.FETCHING:
            messages.success(request, "Article added: its page is being fetched.")
        else:
            messages.success(request, "Article added: its claims are being extracted.")
    else:
        messages.info(request, "This article is already in the inbox.")
    return HttpResponseRedirect(reverse("article-detail", args=[article.code]))


# --- the article page -----------------------------------------------------------------------------


def _spans_of(claim: Claim, length: int) -> list[tuple[int, int]]:
    """A claim's spans as (start, end) offsets inside the body; invalid ones are left out."""
    raw = claim.spans or [[claim.start, claim.end]]
    spans: list[tuple[int, int]] = []
    for item in raw:
        try:
            start, end = int(item[0]), int(item[1])
        except (TypeError, ValueError, IndexError):
            continue
        start, end = max(0, start), min(length, end)
        if start < end:
            spans.append((start, end))
    return spans


def article_highlighted(body: str, claims: list[Claim]) -> SafeString:
    """The body as HTML, every claim span in a <mark>. Every piece of text is escaped.

    The text is cut at every span boundary; each piece is wrapped in one <mark> per span covering
    it (nested, longest outside), so overlapping spans neither break nor repeat text. The first
    piece of a span carries its id and is focusable; hovering or focusing shows the claim
    (title, and aria-describedby pointing at the claim in the list beside the text)."""
    # (start, end, claim, index of the span in the claim)
    spans = [
        (start, end, claim, i)
        for claim in claims
        for i, (start, end) in enumerate(_spans_of(claim, len(body)))
    ]
    if not spans:
        return mark_safe(escape(body))  # escaped
    cuts = sorted({0, len(body), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    spans.sort(key=lambda item: (item[0], -item[1]))
    parts: list[str] = []
    for left, right in itertools.pairwise(cuts):
        piece = escape(body[left:right])
        covering = [item for item in spans if item[0] <= left and right <= item[1]]
        opened: list[str] = []
        for start, _end, claim, i in covering:
            first = start == left
            opened.append(
                format_html(
                    '<mark class="claim status-{}"{} title="{}" aria-describedby="claim-{}-text"'
                    ' data-claim="{}">',
                    claim.status,
                    format_html(' id="span-{}-{}" tabindex="0"', claim.code, i) if first else "",
                    claim.text,
                    claim.code,
                    claim.code,
                )
            )
        parts.append("".join(opened) + piece + "</mark>" * len(opened))
    return mark_safe("".join(parts))  # every piece is escaped above


@dataclass
class ClaimItem:
    claim: Claim
    findings: list[dict[str, Any]]
    has_conflict: bool


def findings_shown(claim: Claim, texts: dict[str, str]) -> list[dict[str, Any]]:
    """The claim's findings, each with the other claims it involves (code and text)."""
    shown: list[dict[str, Any]] = []
    for finding in claim.findings or []:
        if not isinstance(finding, dict):
            continue
        others = [
            {"code": code, "text": texts[code]}
            for code in finding.get("claims") or []
            if isinstance(code, str) and code != str(claim.code) and code in texts
        ]
        shown.append(
            {
                "kind": str(finding.get("kind", "")).replace("_", " "),
                "severity": str(finding.get("severity", "info")),
                "message": str(finding.get("message", "")),
                "others": others,
            }
        )
    shown.sort(key=lambda f: f["severity"] != Claim.FindingSeverity.CONFLICT)
    return shown


def _progress(article: Article) -> dict[str, Any]:
    """Extraction status and the article's lookup runs counted by status (one query)."""
    counted = dict(
        LookupRun.objects.filter(claim__article_id=article.pk)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    runs = {status: counted.get(status, 0) for status in RUN_STATUSES}
    active = sum(runs[s] for s in RUNS_ACTIVE)
    extracting = article.extraction_status in UNFINISHED
    return {
        "article": article,
        "runs": runs,
        "runs_total": sum(runs.values()),
        "runs_active": active,
        "runs_done": sum(runs.values()) - active,
        "extracting": extracting,
        "finished": not extracting and not active,
    }


@login_required
@require_GET
def article_detail(request: HttpRequest, code: Any) -> HttpResponse:
    """The article text with its claims highlighted, the claims beside it in reading order with
    their findings, and the progress of extraction and lookups (polled while unfinished)."""
    article = _article_or_404(request, code)
    claims = list(article_claims(article=article))
    texts = {str(c.code): c.text for c in claims}
    items = [
        ClaimItem(
            claim=c,
            findings=(found := findings_shown(c, texts)),
            has_conflict=any(f["severity"] == Claim.FindingSeverity.CONFLICT for f in found),
        )
        for c in claims
    ]
    context = {
        "nav": "inbox",
        "article": article,
        "highlighted": article_highlighted(article.body, claims),
        "items": items,
        "can_edit": can_edit(request, article.team),
        "progress": _progress(article),
        "shown": article.extraction_status,
    }
    return render(request, DETAIL_TEMPLATE, context)


@login_required
@require_GET
def article_progress(request: HttpRequest, code: Any) -> HttpResponse:
    """The progress fragment (htmx polls it every 2 s until everything has finished).

    `shown` is the extraction status the page was rendered with: when extraction has finished
    since, the article page is told to reload (HX-Refresh) to show the claims. `compact=1` is the
    inbox row's variant (no reload: it links to the article instead)."""
    article = _article_or_404(request, code)
    if not is_htmx(request):
        return HttpResponseRedirect(reverse("article-detail", args=[article.code]))
    compact = request.GET.get("compact") == "1"
    shown = request.GET.get("shown", "")
    changed = shown in UNFINISHED and article.extraction_status not in UNFINISHED
    context = {
        **_progress(article),
        "compact": compact,
        "shown": article.extraction_status,
        "shown_changed": changed,
    }
    response = render(request, PROGRESS_TEMPLATE, context)
    if changed and not compact:
        response["HX-Refresh"] = "true"
    return response


def _article_action(request: HttpRequest, code: Any, action: str) -> HttpResponse:
    article = _article_or_404(request, code)
    user = request_user(request)
    try:
        if action == "lookups":
            runs = lookup_article_start(article_id=article.pk, force=True, by=user)
            queued = sum(run.status == LookupRun.Status.QUEUED for run in runs)
            messages.success(request, f"Lookups started again: {queued} queued.")
        else:
            article_extraction_requeue(article=article, by=user)
            messages.success(request, "Extraction queued again; reviewers' work is kept.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(reverse("article-detail", args=[article.code]))


@login_required
@require_POST
def article_lookups(request: HttpRequest, code: Any) -> HttpResponse:
    """Run every lookup for the article's open claims again (editors and owners)."""
    return _article_action(request, code, "lookups")


@login_required
@require_POST
def article_extract(request: HttpRequest, code: Any) -> HttpResponse:
    """Extract the article's claims again (editors and owners); reviewers' work is kept."""
    return _article_action(request, code, "extract")
