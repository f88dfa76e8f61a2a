"""The abstract base model, and teams with their members' roles.

Every article, claim, evidence row and comment belongs to exactly one team; a user sees only the
rows of the teams they are a member of.
"""

from __future__ import annotations

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
