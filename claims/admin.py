"""The reviewers' back office for articles, claims, comments and claim history.

Every write goes through claims.services: claim edits carry the version the reviewer saw, so a
save over someone else's newer change is refused with a message, never applied silently.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from claims import services
from claims.models import Article, Claim, ClaimChange, Comment
from claims.selectors import article_with_claim_counts, article_with_finding_counts
from sources.admin import lookups_restart
from sources.models import Evidence, LookupRun
from sources.services import (
    EVIDENCE_EDITABLE,
    evidence_add,
    evidence_remove,
    evidence_update,
    lookup_article_start,
    lookup_url_attach,
)
from workbench.admin import TeamScopedAdmin, acting_user, error_text
from workbench.exceptions import ApplicationError
from workbench.services import user_can_edit

CONTEXT_CHARS = 300
EXCERPT_CHARS = 120


def _highlighted(body: str, spans: list[tuple[int, int]]) -> SafeString:
    """The text with the given spans in <mark>; every piece of article text is escaped."""
    pieces: list[tuple[str, str]] = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        pieces.append(("{}", body[cursor:start]))
        pieces.append(("<mark>{}</mark>", body[start:end]))
        cursor = end
    pieces.append(("{}", body[cursor:]))
    inner = format_html_join("", "{}", ((format_html(tpl, text),) for tpl, text in pieces))
    return format_html('<div style="white-space: pre-wrap; max-width: 60em;">{}</div>', inner)


def _paragraph_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph around [start, end), cut at word boundaries to CONTEXT_CHARS on each side."""
    left = body.rfind("\n", 0, start) + 1
    right = body.find("\n", end)
    right = len(body) if right == -1 else right
    if start - left > CONTEXT_CHARS:
        cut = body.find(" ", start - CONTEXT_CHARS, start)
        left = cut + 1 if cut != -1 else start - CONTEXT_CHARS
    if right - end > CONTEXT_CHARS:
        cut = body.rfind(" ", end, end + CONTEXT_CHARS)
        right = cut if cut != -1 else end + CONTEXT_CHARS
    return left, right


def _bullets(items: Any) -> SafeString:
    rows = [(item,) for item in items]
    if not rows:
        return format_html("{}", "—")
    return format_html(
        "<ul style='margin:0;padding-left:1.2em'>{}</ul>", format_html_join("", "<li>{}</li>", rows)
    )


def _excerpt(body: str, start: int, end: int) -> str:
    text = " ".join(body[start:end].split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _article_body(claim: Claim) -> str:
    """The text of the claim's article, read once per claim page (one query) and kept on it."""
    body: str | None = getattr(claim, "_article_body", None)
    if body is None:
        body = Article.objects.values_list("body", flat=True).get(pk=claim.article_id)
        claim._article_body = body  # type: ignore[attr-defined]
    return body


def _claim_spans(claim: Claim) -> list[tuple[int, int]]:
    """Where the claim occurs; claims stored before spans were recorded have their own only."""
    spans = [(int(start), int(end)) for start, end in claim.spans or []]
    return spans or [(claim.start, claim.end)]


def _codes(values: Any) -> list[uuid.UUID]:
    """Claim codes as stored in findings, in order, once each; anything else is skipped."""
    codes: dict[uuid.UUID, None] = {}
    for value in values:
        try:
            codes.setdefault(uuid.UUID(str(value)))
        except ValueError:
            continue
    return list(codes)


# --- articles -------------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """Rows shown under their parent but written elsewhere (through services)."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClaimInline(ReadOnlyInline):
    """An article's claims in reading order; edited on the claim's own page (with its version)."""

    model = Claim
    fields = ("text", "claim_type", "checkworthiness", "status", "verdict", "assignee")
    ordering = ("start", "id")
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return super().get_queryset(request).select_related("assignee")


class ArticleAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """Paste an article. The text is checked as the ingest service will (empty, size, binary)."""

    user: User | None = None  # set per request by ArticleAdmin.get_form

    class Meta:
        model = Article
        fields = ("team", "title", "url", "outlet", "published_at", "language", "body")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = "Leave empty to use the first line of the text."
        body = self.fields["body"]
        assert isinstance(body, forms.CharField)
        body.strip = False  # keep the text as pasted; the service cleans it

    def clean_body(self) -> str:
        return services.article_body_clean(self.cleaned_data["body"])

    def clean_team(self) -> Any:
        team = self.cleaned_data["team"]
        if not user_can_edit(user=self.user, team=team):
            raise ValidationError(f"You need the editor or owner role in {team} to add articles.")
        return team


@admin.register(Article)
class ArticleAdmin(TeamScopedAdmin):
    list_display = (
        "title",
        "team",
        "extraction_status",
        "claims_total",
        "claims_open",
        "claims_with_findings",
        "created_by",
        "created_at",
    )
    list_filter = ("extraction_status", "team", "language")
    list_select_related = ("team", "created_by")
    search_fields = ("title", "url", "outlet")
    readonly_fields = (
        "code",
        "content_hash",
        "extraction_status",
        "extraction_error",
        "extracted_at",
        "extractor_version",
        "created_by",
        "created_at",
        "updated_at",
        "text_with_claims",
    )
    fieldsets = (
        (None, {"fields": ("team", "title", "url", "outlet", "published_at", "language")}),
        ("Text", {"fields": ("text_with_claims",)}),
        (
            "Extraction",
            {
                "fields": (
                    "extraction_status",
                    "extraction_error",
                    "extracted_at",
                    "extractor_version",
                )
            },
        ),
        ("Record", {"fields": ("code", "content_hash", "created_by", "created_at", "updated_at")}),
    )
    inlines = (ClaimInline,)
    actions = ("rerun_extraction", "rerun_lookups")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return article_with_finding_counts(
            article_with_claim_counts(super().get_queryset(request).defer("body"))
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = type(
                "ArticleAddForm", (ArticleAddForm,), {"user": acting_user(request)}
            )
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:  # adding: paste the text
            return ((None, {"fields": ArticleAddForm.Meta.fields}),)
        return self.fieldsets

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.inlines if obj is not None else ()  # no claims before the text is in

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        # The team and text are fixed once claims point into the text.
        return (*self.readonly_fields, "team")

    @admin.display(description="claims", ordering="claims_total")
    def claims_total(self, obj: Article) -> int:
        return obj.claims_total  # type: ignore[attr-defined,no-any-return]

    @admin.display(description="open", ordering="claims_open")
    def claims_open(self, obj: Article) -> int:
        return obj.claims_open  # type: ignore[attr-defined,no-any-return]

    @admin.display(description="with findings", ordering="claims_with_findings")
    def claims_with_findings(self, obj: Article) -> int:
        return obj.claims_with_findings  # type: ignore[attr-defined,no-any-return]

    @admin.display(description="text (claims highlighted)")
    def text_with_claims(self, obj: Article) -> SafeString:
        """Every place a claim occurs, a restatement included (one query for the claims)."""
        spans = [
            (int(start), int(end))
            for own_start, own_end, stored in obj.claims.values_list("start", "end", "spans")
            for start, end in (stored or [(own_start, own_end)])
        ]
        return _highlighted(obj.body, spans)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            services.article_update(article=obj, by=acting_user(request), data=data)
            return
        result = services.article_ingest(
            team=obj.team,
            body=obj.body,
            title=obj.title,
            url=obj.url,
            outlet=obj.outlet,
            published_at=obj.published_at,
            language=obj.language,
            created_by=acting_user(request),
        )
        obj.pk = result.article.pk
        if not result.created:
            messages.warning(
                request, "This team already has this text; showing the existing article."
            )

    @admin.action(description="Re-run extraction (keeps reviewers' work)")
    def rerun_extraction(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        _requeue_extraction(request, queryset)

    @admin.action(description="Look up sources again for their claims")
    def rerun_lookups(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        runs = 0
        for article in queryset:
            try:
                runs += len(
                    lookup_article_start(article_id=article.pk, force=True, by=acting_user(request))
                )
            except ApplicationError as exc:
                messages.error(request, f"{article}: {exc.message}")
        if runs:
            messages.success(request, f"{runs} lookup(s) queued.")


def _requeue_extraction(request: HttpRequest, articles: QuerySet[Article]) -> None:
    """Queue extraction again for each article the user may edit; report the rest."""
    queued = 0
    for article in articles.select_related("team"):
        try:
            services.article_extraction_requeue(article=article, by=acting_user(request))
            queued += 1
        except ApplicationError as exc:
            messages.error(request, f"{article}: {exc.message}")
    if queued:
        messages.success(request, f"Extraction queued for {queued} article(s).")


# --- claims ---------------------------------------------------------------------------------------


class EvidenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Evidence
    fields = ("source", "passage", "stance", "stance_reason", "relevance", "origin", "created_by")
    readonly_fields = ("stance_reason", "origin", "created_by")
    autocomplete_fields = ("source",)
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return (
            super()
            .get_queryset(request)
            .select_related("source", "created_by")
            .defer("source__archived_text")
        )


class CommentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Comment
    fields = ("author", "body", "created_at")
    readonly_fields = ("author", "created_at")
    extra = 1
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a discussion is a record: add, do not rewrite


class LookupRunInline(ReadOnlyInline):
    model = LookupRun
    verbose_name = "lookup"
    verbose_name_plural = "lookups (what each backend did)"
    fields = ("backend", "status", "results_count", "attempts", "error", "url", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LookupRun]:
        return super().get_queryset(request).order_by("-created_at", "backend")


class ClaimChangeInline(ReadOnlyInline):
    model = ClaimChange
    verbose_name = "change"
    verbose_name_plural = "history"
    fields = ("created_at", "changed_by", "field", "old_value", "new_value", "version", "note")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClaimChange]:
        return super().get_queryset(request).select_related("changed_by")


class ClaimAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    # The version the reviewer loaded the form at; the service refuses the save if it moved on.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=True)
    attach_url = forms.URLField(
        required=False,
        max_length=2000,
        label="Attach a link",
        help_text="Fetched, archived in the team's library and searched for passages in the "
        "background; see Lookups below.",
    )

    class Meta:
        model = Claim
        fields = ("text", "status", "verdict", "rationale", "assignee")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("me", "Assigned to me"), ("none", "Unassigned"), ("any", "Assigned")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() == "me":
            return queryset.filter(assignee=acting_user(request))
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        if self.value() == "any":
            return queryset.filter(assignee__isnull=False)
        return queryset


@admin.register(Claim)
class ClaimAdmin(TeamScopedAdmin):
    form = ClaimAdminForm
    list_display = (
        "short_text",
        "article_title",
        "team",
        "claim_type",
        "score",
        "ambiguous",
        "status",
        "verdict",
        "assignee",
        "updated_at",
    )
    list_filter = (
        "status",
        "claim_type",
        "verdict",
        "ambiguous",
        "team",
        AssigneeFilter,
        ("assignee", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("article", "team", "assignee")
    search_fields = ("text", "sentence", "article__title")
    readonly_fields = (
        "code",
        "article",
        "team",
        "sentence_in_context",
        "findings_list",
        "claim_type",
        "checkworthiness",
        "ambiguous",
        "spans_list",
        "replacements_list",
        "entities_list",
        "values_list",
        "suggestion",
        "suggestion_confidence",
        "suggestion_reason",
        "version",
        "reviewed_by",
        "published_at",
        "touched_at",
        "extractor_version",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("article", "team", "text", "sentence_in_context")}),
        ("Findings", {"fields": ("findings_list",)}),
        ("Review", {"fields": ("status", "verdict", "rationale", "assignee", "expected_version")}),
        ("Evidence", {"fields": ("attach_url",)}),
        (
            "Machine",
            {
                "fields": (
                    "claim_type",
                    "checkworthiness",
                    "ambiguous",
                    "spans_list",
                    "replacements_list",
                    "entities_list",
                    "values_list",
                    "suggestion",
                    "suggestion_confidence",
                    "suggestion_reason",
                    "extractor_version",
                )
            },
        ),
        (
            "Record",
            {
                "fields": (
                    "code",
                    "version",
                    "reviewed_by",
                    "published_at",
                    "touched_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    autocomplete_fields = ("assignee",)
    inlines = (EvidenceInline, LookupRunInline, CommentInline, ClaimChangeInline)
    actions = ("assign_to_me", "dismiss", "reopen", "rerun_extraction", "rerun_lookups")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return super().get_queryset(request).defer("article__body")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims come from articles

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # claims are never deleted: dismiss instead

    @admin.display(description="claim", ordering="text")
    def short_text(self, obj: Claim) -> str:
        return str(obj)

    @admin.display(description="score", ordering="checkworthiness")
    def score(self, obj: Claim) -> str:
        return f"{obj.checkworthiness:.2f}"

    @admin.display(description="article", ordering="article__title")
    def article_title(self, obj: Claim) -> str:
        title = obj.article.title
        return title if len(title) <= 40 else title[:39] + "…"

    @admin.display(description="sentence in the article")
    def sentence_in_context(self, obj: Claim) -> SafeString:
        """The paragraph the claim comes from, with its sentence marked (one query for the text)."""
        body = _article_body(obj)
        left, right = _paragraph_bounds(body, obj.start, obj.end)
        shown = _highlighted(body[left:right], [(obj.start - left, obj.end - left)])
        cut_left = left > 0 and body[left - 1] != "\n"
        cut_right = right < len(body) and body[right] != "\n"
        return format_html("{}{}{}", "… " if cut_left else "", shown, " …" if cut_right else "")

    @admin.display(description="findings across the article's claims")
    def findings_list(self, obj: Claim) -> SafeString:
        """Each finding: severity, message and links to the other claims it involves.

        One query (the other claims' ids and wording), none when the claim has no findings.
        """
        if not obj.findings:
            return format_html("{}", "—")
        codes = set(_codes(code for f in obj.findings for code in f.get("claims") or ()))
        codes.discard(obj.code)
        links = {
            code: format_html(
                '<a href="{}">{}</a>',
                reverse("admin:claims_claim_change", args=[pk]),
                _excerpt(text, 0, len(text)),
            )
            for code, pk, text in Claim.objects.filter(
                article_id=obj.article_id, code__in=codes
            ).values_list("code", "pk", "text")
        }
        rows = []
        for finding in obj.findings:
            severity = str(finding.get("severity", ""))
            label = (
                Claim.FindingSeverity(severity).label
                if severity in Claim.FindingSeverity.values
                else severity
            )
            colour = "#ba2121" if severity == Claim.FindingSeverity.CONFLICT else "inherit"
            others = [links[c] for c in _codes(finding.get("claims") or ()) if c in links]
            with_others = (
                format_html("<br>With: {}", format_html_join("; ", "{}", ((a,) for a in others)))
                if others
                else ""
            )
            rows.append((colour, label, finding.get("message", ""), with_others))
        return format_html(
            "<ul style='margin:0;padding-left:1.2em'>{}</ul>",
            format_html_join("", '<li><strong style="color: {}">{}</strong>: {}{}</li>', rows),
        )

    @admin.display(description="found at")
    def spans_list(self, obj: Claim) -> SafeString:
        body = _article_body(obj)
        return _bullets(
            f"characters {start} to {end}: “{_excerpt(body, start, end)}”"
            for start, end in _claim_spans(obj)
        )

    @admin.display(description="references made explicit")
    def replacements_list(self, obj: Claim) -> SafeString:
        return _bullets(
            f"“{r.get('text')}” → “{r.get('replacement')}” "
            f"(characters {r.get('start')} to {r.get('end')})"
            for r in obj.replacements
        )

    @admin.display(description="entities")
    def entities_list(self, obj: Claim) -> SafeString:
        return _bullets(
            f"{e.get('text')} ({str(e.get('label', '')).lower()})" for e in obj.entities
        )

    @admin.display(description="values")
    def values_list(self, obj: Claim) -> SafeString:
        return _bullets(f"{v.get('text')} → {v.get('kind')} {v.get('value')}" for v in obj.values)

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        data = {
            field: form.cleaned_data[field]
            for field in form.changed_data
            if field in ClaimAdminForm.Meta.fields
        }
        try:
            saved = services.claim_update(
                claim=obj,
                by=acting_user(request),
                version=form.cleaned_data["expected_version"],
                data=data,
            )
        except (ApplicationError, ValidationError) as exc:
            request._claim_save_refused = True  # type: ignore[attr-defined]
            current = exc.extra.get("current") if isinstance(exc, ApplicationError) else None
            detail = f" Current state: {current}." if current else ""
            messages.error(request, f"Not saved: {error_text(exc)}{detail}")
            return
        obj.version = saved.version
        link = form.cleaned_data.get("attach_url")
        if link:
            try:
                lookup_url_attach(claim=saved, url=link, by=acting_user(request))
            except (ApplicationError, ValidationError) as exc:
                messages.error(request, f"Link not attached: {error_text(exc)}")
            else:
                messages.success(request, f"Fetching {link} in the background.")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            # What the admin's change message reads; the services below do the writing.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if getattr(request, "_claim_save_refused", False):
            return  # nothing of a refused save is written, inlines included
        claim = form.instance
        for formset in formsets:
            for inline_form in formset.forms:
                data = getattr(inline_form, "cleaned_data", None)
                if not data or not inline_form.has_changed():
                    continue
                try:
                    self._save_inline(request, claim, formset.model, inline_form, data)
                except (ApplicationError, ValidationError) as exc:
                    messages.error(request, f"Not saved: {error_text(exc)}")

    def _save_inline(
        self, request: HttpRequest, claim: Claim, model: Any, inline_form: Any, data: dict[str, Any]
    ) -> None:
        if model is Comment and data.get("id") is None:
            services.comment_create(claim=claim, author=acting_user(request), body=data["body"])
        elif model is Evidence:
            by = acting_user(request)
            if data.get("DELETE") and data.get("id") is not None:
                evidence_remove(evidence=data["id"], by=by)
            elif data.get("id") is None:
                evidence_add(
                    claim=claim,
                    source=data["source"],
                    passage=data["passage"],
                    stance=data["stance"],
                    relevance=data.get("relevance") or 0.0,
                    origin="reviewer",
                    created_by=by,
                )
            else:
                if "source" in inline_form.changed_data:
                    raise ValidationError(
                        "Evidence keeps its source; add a new row for a passage of another source."
                    )
                changed = {f: data[f] for f in inline_form.changed_data if f in EVIDENCE_EDITABLE}
                evidence_update(evidence=data["id"], by=by, data=changed)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, "_claim_save_refused", False):
            return None  # nothing changed; the refusal is shown, not logged as a change
        return super().log_change(request, obj, message)

    def response_change(self, request: HttpRequest, obj: Claim) -> Any:
        if getattr(request, "_claim_save_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _bulk(
        self, request: HttpRequest, queryset: QuerySet[Claim], verb: str, **kwargs: Any
    ) -> None:
        done, refused = 0, []
        for claim in queryset.select_related("team"):
            try:
                getattr(services, f"claim_{verb}")(
                    claim=claim, by=acting_user(request), version=claim.version, **kwargs
                )
                done += 1
            except (ApplicationError, ValidationError) as exc:
                refused.append(f"“{claim}”: {error_text(exc)}")
        if done:
            messages.success(request, f"{done} claim(s) updated.")
        for line in refused[:10]:
            messages.error(request, line)

    @admin.action(description="Assign to me")
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._bulk(request, queryset, "assign", assignee=acting_user(request))

    @admin.action(description="Dismiss (not check-worthy)")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._bulk(request, queryset, "dismiss", reason="Dismissed from the back office.")

    @admin.action(description="Reopen dismissed claims")
    def reopen(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._bulk(request, queryset, "reopen")

    @admin.action(description="Look up sources again")
    def rerun_lookups(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        runs = lookups_restart(request, queryset.select_related("team"))
        if runs:
            messages.success(request, f"{runs} lookup(s) queued.")

    @admin.action(description="Re-run extraction of their articles")
    def rerun_extraction(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        _requeue_extraction(request, Article.objects.filter(pk__in=queryset.values("article_id")))


@admin.register(Comment)
class CommentAdmin(TeamScopedAdmin):
    team_lookup = "claim__team"
    list_display = ("short_body", "claim", "author", "created_at")
    list_select_related = ("claim", "author")
    search_fields = ("body", "claim__text", "author__username")
    list_filter = ("claim__team",)
    readonly_fields = ("claim", "author", "body", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are added on the claim

    @admin.display(description="comment")
    def short_body(self, obj: Comment) -> str:
        return str(obj)


@admin.register(ClaimChange)
class ClaimChangeAdmin(TeamScopedAdmin):
    """The audit trail: read-only."""

    team_lookup = "claim__team"
    list_display = (
        "created_at",
        "claim",
        "field",
        "old_value",
        "new_value",
        "changed_by",
        "version",
    )
    list_filter = ("field", "claim__team")
    list_select_related = ("claim", "changed_by")
    search_fields = ("claim__text", "changed_by__username", "note")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
