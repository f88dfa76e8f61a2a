"""The abstract base model, and teams with their members' roles.

Every article, claim, evidence row and comment belongs to exactly one team; a user sees only the
rows of the teams they are a member of.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class BaseModel(models.Model):
    """Timestamps for every table (`default=now`, not auto_now_add, so factories can set them)."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Team(BaseModel):
    """A fact-checking desk. Owns articles, claims and everything hanging from them."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, unique=True)
    # The desk's public site: the ClaimReview author's url (schema.org Organization).
    website = models.URLField(max_length=500, blank=True)
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"  # manages members and everything an editor does
        EDITOR = "editor", "Editor"  # reviews claims, sets verdicts, publishes
        VIEWER = "viewer", "Viewer"  # reads

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"], name="workbench_membership_unique_team_user"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["owner", "editor", "viewer"]),
                name="workbench_membership_role_valid",
            ),
        ]
        indexes = [
            # "Which teams is this user in?" on every request that scopes rows to a user.
            models.Index(fields=["user", "team"], name="workbench_membership_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.EDITOR)


class ApiToken(BaseModel):
    """A named, expiring API key of one user; it acts with that user's roles in their teams.

    The key is shown once, when it is created (``workbench.services.token_create``). Only its
    first characters (``prefix``, to look it up and to tell tokens apart) and its SHA-256 are
    stored: a copy of the database holds no usable key. The key is 256 random bits, so a fast
    hash is enough (a password needs a slow one because people choose guessable ones).
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # Looked up on every API request that carries a token (the unique index serves it).
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Names tell a user's live tokens apart ("CMS import", "laptop"); a revoked token's
            # name may be used again.
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="workbench_apitoken_unique_live_name",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="workbench_apitoken_name_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="workbench_apitoken_expires_after_creation",
            ),
        ]
        indexes = [
            # A user's tokens page, newest first.
            models.Index(fields=["user", "-created_at"], name="workbench_apitoken_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_live(self, now: datetime.datetime | None = None) -> bool:
        """Not revoked and not expired."""
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
