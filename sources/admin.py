"""Back office for sources, evidence and lookup runs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from claims.models import Claim
from sources.models import Evidence, LibraryItem, LookupRun, Source
from sources.services import (
    evidence_add,
    evidence_remove,
    evidence_update,
    library_add,
    lookup_claim_start,
    source_update,
    source_upsert,
)
from workbench.admin import TeamScopedAdmin, acting_user, error_text
from workbench.exceptions import ApplicationError


def lookups_restart(request: HttpRequest, claims: Iterable[Claim]) -> int:
    """Queue every enabled backend again for each claim the user may edit; report the rest.
    Returns how many runs were queued."""
    runs = 0
    for claim in claims:
        try:
            runs += len(lookup_claim_start(claim=claim, by=acting_user(request)))
        except ApplicationError as exc:
            messages.error(request, f"{claim}: {exc.message}")
    return runs


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Sources are a shared archive keyed by URL (what a page said when fetched)."""

    list_display = ("title", "publisher", "kind", "url", "fetched_at", "http_status")
    list_filter = ("kind",)
    search_fields = ("title", "publisher", "url")
    readonly_fields = ("code", "text_hash", "fetched_at", "http_status", "created_at", "updated_at")
    show_full_result_count = False
    paginator = Paginator

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        queryset = super().get_queryset(request)
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if url_name and url_name.endswith("_changelist"):
            queryset = queryset.defer("archived_text")  # can be large; not shown in the list
        return queryset

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.readonly_fields
        # The URL and what it said when archived are a record: evidence points into them.
        return (*self.readonly_fields, "url", "archived_text")

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            source_update(source=obj, data=data)
            return
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "url"}
        saved = source_upsert(url=obj.url, **fields)
        obj.pk, obj.url = saved.pk, saved.url


@admin.register(LibraryItem)
class LibraryItemAdmin(TeamScopedAdmin):
    """A team's library: what it loaded (load_library) or attached to claims. Searched first."""

    list_display = ("source_title", "publisher", "team", "origin", "added_by", "created_at")
    list_filter = ("team", "origin", "source__kind")
    list_select_related = ("source", "team", "added_by")
    search_fields = ("source__title", "source__publisher", "source__url")
    autocomplete_fields = ("source",)
    readonly_fields = ("added_by", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LibraryItem]:
        return super().get_queryset(request).defer("source__archived_text")

    @admin.display(description="source", ordering="source__title")
    def source_title(self, obj: LibraryItem) -> str:
        return str(obj.source)

    @admin.display(description="publisher", ordering="source__publisher")
    def publisher(self, obj: LibraryItem) -> str:
        return obj.source.publisher

    def save_model(self, request: HttpRequest, obj: LibraryItem, form: Any, change: bool) -> None:
        if change:
            return  # an item only links a team to a source; nothing to edit
        try:
            saved, created = library_add(
                team=obj.team, source=obj.source, by=acting_user(request), origin="reviewer"
            )
        except ApplicationError as exc:
            messages.error(request, f"Not added: {exc.message}")
            return
        obj.pk = saved.pk
        if not created:
            messages.warning(request, "This source was already in the team's library.")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)


@admin.register(Evidence)
class EvidenceAdmin(TeamScopedAdmin):
    team_lookup = "claim__team"
    list_display = (
        "short_passage",
        "claim",
        "source",
        "stance",
        "stance_reason",
        "relevance",
        "origin",
        "created_at",
    )
    list_filter = ("stance", "origin", "claim__team")
    list_select_related = ("claim", "source")
    search_fields = ("passage", "claim__text", "source__title", "source__url")
    autocomplete_fields = ("source",)
    raw_id_fields = ("claim",)
    readonly_fields = (
        "code",
        "passage_hash",
        "stance_reason",
        "details",
        "created_by",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return super().get_queryset(request).defer("source__archived_text")

    @admin.display(description="passage")
    def short_passage(self, obj: Evidence) -> str:
        return obj.passage if len(obj.passage) <= 90 else obj.passage[:89] + "…"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "claim", "source", "origin")  # a row links one pair

    def delete_model(self, request: HttpRequest, obj: Evidence) -> None:
        try:
            evidence_remove(evidence=obj, by=acting_user(request))
        except ApplicationError as exc:
            messages.error(request, f"Not removed: {exc.message}")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        for evidence in queryset:
            self.delete_model(request, evidence)

    def save_model(self, request: HttpRequest, obj: Evidence, form: Any, change: bool) -> None:
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                evidence_update(evidence=obj, by=acting_user(request), data=data)
            except (ApplicationError, ValidationError) as exc:
                messages.error(request, f"Not saved: {error_text(exc)}")
            return
        try:
            saved, created = evidence_add(
                claim=obj.claim,
                source=obj.source,
                passage=obj.passage,
                stance=obj.stance,
                relevance=obj.relevance,
                origin=obj.origin or "reviewer",
                created_by=acting_user(request),
            )
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, f"Not saved: {error_text(exc)}")
            return
        obj.pk = saved.pk
        if not created:
            messages.warning(request, "This passage was already evidence for the claim.")


@admin.register(LookupRun)
class LookupRunAdmin(TeamScopedAdmin):
    team_lookup = "claim__team"
    list_display = (
        "claim",
        "backend",
        "status",
        "attempts",
        "results_count",
        "duration",
        "created_at",
    )
    list_filter = ("status", "backend")
    list_select_related = ("claim",)
    actions = ("run_again",)
    search_fields = ("claim__text", "backend", "error")
    readonly_fields = [f.name for f in LookupRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are written by lookup tasks

    @admin.display(description="duration (ms)")
    def duration(self, obj: LookupRun) -> int | None:
        return obj.duration_ms

    @admin.action(description="Run these lookups again")
    def run_again(self, request: HttpRequest, queryset: QuerySet[LookupRun]) -> None:
        claims = {run.claim for run in queryset.select_related("claim__team")}
        runs = lookups_restart(request, claims)
        if runs:
            messages.success(request, f"{runs} lookup(s) queued for {len(claims)} claim(s).")
