"""Sources (archived documents), the evidence passages linking them to claims, and lookup runs.

A Source is shared by URL across teams (it is a cache of what a URL said when fetched); what a
team owns is the Evidence row linking a source passage to one of its claims.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from claims.models import Claim
from workbench.models import BaseModel, Team


class Source(BaseModel):
    class Kind(models.TextChoices):
        ENCYCLOPEDIA = "encyclopedia", "Encyclopedia"
        NEWS = "news", "News"
        OFFICIAL = "official", "Official"
        FACT_CHECK = "fact_check", "Fact-check"
        DATASET = "dataset", "Dataset"
        OTHER = "other", "Other"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Normalised (scheme and host lower-cased, fragment dropped) by sources.services.
    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    published_at = models.DateTimeField(null=True, blank=True)
    # What the page said when fetched, as text, so evidence survives the page changing.
    archived_text = models.TextField(blank=True)
    text_hash = models.CharField(max_length=64, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["encyclopedia", "news", "official", "fact_check", "dataset", "other"]
                ),
                name="sources_source_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class LibraryItem(BaseModel):
    """A source in a team's own library: searched first for every claim (ARCHITECTURE §6).

    Full-text search runs over the Source's title and archived text: PostgreSQL keeps a stored,
    generated ``tsvector`` column with a GIN index; SQLite keeps an FTS5 table in step by
    triggers. Both are created by migration 0002 and are invisible to the ORM (see
    ``sources.selectors.library_search``).
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="library")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="library_items")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_items_added",
    )
    # Why it is in the library: "import" (load_library), "reviewer" (a link attached to a claim).
    origin = models.CharField(max_length=32, default="import")

    class Meta:
        ordering = ["team_id", "-created_at", "-id"]
        constraints = [
            # Also serves "a team's library" (team leads) and the search's join on (team, source).
            models.UniqueConstraint(
                fields=["team", "source"], name="sources_libraryitem_unique_team_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} in {self.team_id}"


class Evidence(BaseModel):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        MIXED = "mixed", "Mixed"
        NEUTRAL = "neutral", "Neutral"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    passage = models.TextField()
    # SHA-256 of the passage: re-running a lookup never duplicates evidence (see constraint).
    passage_hash = models.CharField(max_length=64, editable=False)
    # Offsets of the passage inside source.archived_text, when it was cut from it.
    passage_start = models.PositiveIntegerField(null=True, blank=True)
    passage_end = models.PositiveIntegerField(null=True, blank=True)
    stance = models.CharField(max_length=16, choices=Stance.choices, default=Stance.NEUTRAL)
    # Why the machine gave that stance, in one line a person can check against the passage
    # ("passage says 28 September 1960; claim says 1960"). Empty for a reviewer's own stance.
    stance_reason = models.CharField(max_length=500, blank=True)
    relevance = models.FloatField(default=0.0)
    # What else the backend said: a fact-check's rating and claimant, a Wikidata property ...
    details = models.JSONField(default=dict, blank=True)
    # Which lookup backend found it ("library", "wikipedia", ...) or "reviewer".
    origin = models.CharField(max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence_added",
    )

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim_id", "-relevance", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "passage_hash"],
                name="sources_evidence_unique_claim_source_passage",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=["supports", "refutes", "mixed", "neutral"]),
                name="sources_evidence_stance_valid",
            ),
            models.CheckConstraint(
                condition=Q(passage_start__isnull=True)
                | Q(passage_end__isnull=True)
                | Q(passage_start__lte=models.F("passage_end")),
                name="sources_evidence_passage_span_ordered",
            ),
        ]
        # A claim's evidence list is served by the unique constraint's index (claim leads).

    def __str__(self) -> str:
        return f"{self.stance}: {self.passage[:60]}"


class LookupRun(BaseModel):
    """One attempt of one backend at finding evidence for one claim (the UI shows progress)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lookup_runs")
    backend = models.CharField(max_length=32)
    # The link to fetch, for the "url" backend (a reviewer attached it); empty for searches.
    url = models.URLField(max_length=2000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lookup_runs_requested",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    results_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["claim_id", "backend", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed", "skipped"]),
                name="sources_lookuprun_status_valid",
            ),
            # A link fetch knows its link.
            models.CheckConstraint(
                condition=~Q(backend="url") | ~Q(url=""), name="sources_lookuprun_url_has_link"
            ),
        ]
        indexes = [
            # A claim's runs per backend, latest first (claim page progress).
            models.Index(
                fields=["claim", "backend", "-created_at"], name="sources_lookuprun_claim_idx"
            ),
            # Runs not finished yet (progress polling, stuck-run sweep).
            models.Index(
                fields=["status", "created_at"],
                name="sources_lookuprun_active_idx",
                condition=Q(status__in=["queued", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.backend} for claim {self.claim_id}: {self.status}"

    @property
    def duration_ms(self) -> int | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds() * 1000)
