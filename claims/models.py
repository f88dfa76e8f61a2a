"""Articles, the claims extracted from them, comments and the history of every claim change.

Claims are never deleted by the workbench: dismissing is a status, and re-running extraction keeps
every claim a reviewer has touched (see `claims.services.article_extract`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from workbench.models import BaseModel, Team


class Article(BaseModel):
    class ExtractionStatus(models.TextChoices):
        # Created from a link: the page is being fetched; the body is empty until it arrives.
        FETCHING = "fetching", "Fetching"
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The text claims point into: `body[claim.start:claim.end]` is the claim's sentence. Empty
    # only while the page of a linked article is fetched (or when fetching it failed).
    body = models.TextField(blank=True)
    language = models.CharField(max_length=16, default="en")
    # SHA-256 of the body as stored; the same text ingested twice by one team is one article.
    # Empty while there is no body yet.
    content_hash = models.CharField(max_length=64, editable=False, blank=True)
    extraction_status = models.CharField(
        max_length=16, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    extraction_error = models.TextField(blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    extractor_version = models.CharField(max_length=32, blank=True)
    # Deliveries of the fetch or extraction task now under way that started and have not finished
    # (a worker died with it): the broker does not count them, the task does, and gives up after
    # settings.TASK_MAX_REDELIVERIES. Back to 0 whenever the task finishes.
    deliveries = models.PositiveSmallIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_created",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "content_hash"],
                condition=~Q(content_hash=""),
                name="claims_article_unique_team_content_hash",
            ),
            # One fetch of a link at a time per team: the same link sent twice is one article.
            models.UniqueConstraint(
                fields=["team", "url"],
                condition=Q(extraction_status="fetching"),
                name="claims_article_unique_team_url_fetching",
            ),
            # Only an article made from a link is ever without text: while its page is fetched,
            # or when that failed.
            models.CheckConstraint(
                condition=~Q(body="")
                | (~Q(url="") & Q(extraction_status__in=["fetching", "failed"])),
                name="claims_article_body_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(
                    extraction_status__in=["fetching", "pending", "running", "done", "failed"]
                ),
                name="claims_article_extraction_status_valid",
            ),
        ]
        indexes = [
            # The team inbox: a team's articles, newest first.
            models.Index(fields=["team", "-created_at"], name="claims_article_inbox_idx"),
            # The sweep that re-enqueues fetches and extractions stuck before "done".
            models.Index(
                fields=["extraction_status", "created_at"],
                name="claims_article_unfinished_idx",
                condition=Q(extraction_status__in=["fetching", "pending", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Claim(BaseModel):
    class Type(models.TextChoices):
        QUANTITY = "quantity", "Quantity"
        TEMPORAL = "temporal", "Temporal"
        ATTRIBUTION = "attribution", "Attribution"
        EVENT = "event", "Event"
        RELATION = "relation", "Relation / identity"
        CAUSAL = "causal", "Causal"
        PREDICTION = "prediction", "Prediction"
        RULE = "rule", "Rule / law"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        UNREVIEWED = "unreviewed", "Unreviewed"
        IN_PROGRESS = "in_progress", "In progress"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        DISMISSED = "dismissed", "Dismissed"

    class Verdict(models.TextChoices):
        # Mapped to ClaimReview ratingValue (1..5) by the publishing code; "" means no verdict yet.
        NONE = "", "No verdict"
        FALSE = "false", "False"
        MOSTLY_FALSE = "mostly_false", "Mostly false"
        MIXED = "mixed", "Mixed"
        MOSTLY_TRUE = "mostly_true", "Mostly true"
        TRUE = "true", "True"
        MISLEADING = "misleading", "Misleading"
        UNVERIFIABLE = "unverifiable", "Unverifiable"

    class FindingSeverity(models.TextChoices):
        # The severity of a stored finding (a key inside `findings`, not a column).
        INFO = "info", "Info"
        CONFLICT = "conflict", "Conflict"

    class Suggestion(models.TextChoices):
        NONE = "", "No suggestion yet"
        SUPPORTED = "supported", "Supported"
        CONTRADICTED = "contradicted", "Contradicted"
        INCONCLUSIVE = "inconclusive", "Inconclusive"
        NO_EVIDENCE = "no_evidence", "No evidence"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Denormalised from the article so the team queues filter and sort on one table.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="claims")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    text = models.TextField()
    sentence = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    claim_type = models.CharField(max_length=16, choices=Type.choices, default=Type.OTHER)
    checkworthiness = models.FloatField(default=0.0)
    entities = models.JSONField(default=list, blank=True)
    values = models.JSONField(default=list, blank=True)
    # Every place the statement occurs in the body, [[start, end], ...] in reading order; the first
    # is [start, end]. A conclusion restating the opening adds its span here (one claim, two spans).
    spans = models.JSONField(default=list, blank=True)
    # A reference in the sentence ("he", "the country") the extractor could not resolve: the
    # claim's wording may not stand alone. Not indexed: no queue filters on it (admin filter only).
    ambiguous = models.BooleanField(default=False)
    # References made explicit in the wording: [{"text", "start", "end", "replacement"}, ...], e.g.
    # "the two nations" (body[start:end]) -> "China and Cuba".
    replacements = models.JSONField(default=list, blank=True)
    # Conclusions drawn across the article's claims that involve this one: [{"kind", "severity",
    # "message", "value", "claims": [code, ...]}, ...], "claims" naming every claim involved (this
    # one included) by code. Machine information: refreshed by every extraction run, even on
    # claims a reviewer has touched, without a new version or history row.
    findings = models.JSONField(default=list, blank=True)
    # Identity of the claim inside its article (hash of its normalised text): lets extraction run
    # again without duplicating claims.
    fingerprint = models.CharField(max_length=64, editable=False)
    extractor_version = models.CharField(max_length=32, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNREVIEWED)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True, default="")
    rationale = models.TextField(blank=True)
    # Where the desk published its fact-check of this claim (ClaimReview `url`); empty: the
    # workbench's own ClaimReview address stands in.
    review_url = models.URLField(max_length=2000, blank=True)
    suggestion = models.CharField(max_length=16, choices=Suggestion.choices, blank=True, default="")
    suggestion_confidence = models.FloatField(null=True, blank=True)
    suggestion_reason = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_assigned",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_reviewed",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every change goes through claim_update, which refuses a stale version
    # and increments it (system changes included).
    version = models.PositiveIntegerField(default=1)
    # When a person last changed the claim; extraction never rewrites a claim once this is set.
    touched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article_id", "start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "fingerprint"], name="claims_claim_unique_article_fingerprint"
            ),
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")), name="claims_claim_span_ordered"
            ),
            models.CheckConstraint(
                condition=Q(checkworthiness__gte=0.0) & Q(checkworthiness__lte=1.0),
                name="claims_claim_checkworthiness_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["unreviewed", "in_progress", "in_review", "published", "dismissed"]
                ),
                name="claims_claim_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    verdict__in=[
                        "",
                        "false",
                        "mostly_false",
                        "mixed",
                        "mostly_true",
                        "true",
                        "misleading",
                        "unverifiable",
                    ]
                ),
                name="claims_claim_verdict_valid",
            ),
            # A published claim always carries a verdict and a publication time.
            models.CheckConstraint(
                condition=~Q(status="published") | (~Q(verdict="") & Q(published_at__isnull=False)),
                name="claims_claim_published_has_verdict",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="claims_claim_version_positive"
            ),
        ]
        indexes = [
            # The claim queue: a team's claims in one status, newest first (API list, UI queue).
            models.Index(fields=["team", "status", "-created_at"], name="claims_claim_queue_idx"),
            # "My claims": what is assigned to a person, by status.
            models.Index(
                fields=["assignee", "status"],
                name="claims_claim_assignee_idx",
                condition=Q(assignee__isnull=False),
            ),
            # Triage: a team's unreviewed claims, most check-worthy first.
            models.Index(
                fields=["team", "-checkworthiness"],
                name="claims_claim_triage_idx",
                condition=Q(status="unreviewed"),
            ),
            # The published-verdicts feed (ClaimReview), newest first.
            models.Index(
                fields=["team", "-published_at"],
                name="claims_claim_published_idx",
                condition=Q(status="published"),
            ),
            # The same feed across all of a user's teams (no ?team=): one order over every team,
            # so a page stops after its 50 rows instead of sorting every published claim.
            models.Index(
                fields=["-published_at", "-id"],
                name="claims_claim_feed_idx",
                condition=Q(status="published"),
            ),
        ]
        # The article page lists claims in reading order: served by the unique
        # (article, fingerprint) index's leading column plus a sort on the few rows per article.

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    @property
    def is_touched(self) -> bool:
        """True once a person has changed the claim; extraction then leaves it alone."""
        return self.touched_at is not None


class ClaimChange(models.Model):
    """One change of one field of a claim: who, when, from, to. Written only by claims.services."""

    class Field(models.TextChoices):
        STATUS = "status", "Status"
        VERDICT = "verdict", "Verdict"
        ASSIGNEE = "assignee", "Assignee"
        RATIONALE = "rationale", "Rationale"
        TEXT = "text", "Claim text"
        REVIEW_URL = "review_url", "Review URL"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="changes")
    # None: the system (e.g. extraction dismissing a claim it no longer finds).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claim_changes",
    )
    field = models.CharField(max_length=16, choices=Field.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    # The claim's version after this change; changes made in one save share it.
    version = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        indexes = [
            # A claim's history, oldest first.
            models.Index(fields=["claim", "created_at"], name="claims_change_history_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value!r} → {self.new_value!r}"


class Comment(BaseModel):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="claim_comments",
    )
    body = models.TextField()

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="claims_comment_body_not_empty"),
        ]
        indexes = [
            # A claim's discussion, oldest first.
            models.Index(fields=["claim", "created_at"], name="claims_comment_thread_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:80]


class Mention(BaseModel):
    """A team member named with @username in a comment (not its author): listed in their inbox."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claim_mentions"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="claims_mention_unique_comment_user"
            ),
        ]
        indexes = [
            # A person's mentions, newest first (the inbox).
            models.Index(fields=["user", "-created_at"], name="claims_mention_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} in comment {self.comment_id}"
