"""Writes for teams and memberships, and the shared helpers every service uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, models, transaction

from workbench.exceptions import PermissionDeniedError
from workbench.models import Membership, Team

M = TypeVar("M", bound=models.Model)

EDIT_ROLES = (Membership.Role.OWNER, Membership.Role.EDITOR)


def model_update(*, instance: M, fields: Iterable[str], data: dict[str, Any]) -> tuple[M, bool]:
    """Set fields from data, validate, save only what changed; returns (instance, changed)."""
    changed: list[str] = []
    for field in fields:
        if field in data and getattr(instance, field) != data[field]:
            setattr(instance, field, data[field])
            changed.append(field)
    if changed:
        instance.full_clean()
        if any(f.name == "updated_at" for f in instance._meta.get_fields()):
            changed.append("updated_at")
        instance.save(update_fields=changed)
    return instance, bool(changed)


def create_unless_exists(
    *, instance: M, lookup: dict[str, Any], after_save: Callable[[M], None] | None = None
) -> tuple[M, bool]:
    """Insert a validated instance, or return the row a concurrent writer inserted first.

    For rows guarded by a unique constraint (`lookup` names its fields): the database decides
    between racing writers. `after_save` runs inside the same savepoint (e.g. to queue a task
    on commit), so it is undone with the insert. Returns (row, created).
    """
    try:
        with transaction.atomic():
            instance.save()
            if after_save is not None:
                after_save(instance)
    except IntegrityError:
        existing = type(instance)._default_manager.filter(**lookup).first()
        if existing is None:
            raise
        return existing, False
    return instance, True


@transaction.atomic
def team_save(*, team: Team, owner: User | None = None) -> Team:
    """Create or rename a team; a new team's `owner` becomes its first owner."""
    team.name = team.name.strip()
    team.full_clean()
    team.save()
    if owner is not None:
        membership_set(team=team, user=owner, role=Membership.Role.OWNER)
    return team


def team_create(*, name: str, owner: User | None = None) -> Team:
    return team_save(team=Team(name=name), owner=owner)


@transaction.atomic
def membership_set(*, team: Team, user: User, role: str) -> Membership:
    """Add a user to a team with a role, or change the role of an existing member."""
    membership, created = Membership.objects.get_or_create(
        team=team, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        model_update(instance=membership, fields=["role"], data={"role": role})
    elif created:
        membership.full_clean()
    return membership


def user_can_edit(*, user: User | AnonymousUser | None, team: Team) -> bool:
    """Owners and editors write; viewers read. Superusers act as owners of every team."""
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(team=team, user=user, role__in=EDIT_ROLES).exists()


def require_edit(*, user: User | None, team: Team) -> None:
    """Raise unless `user` may write in `team`. None means the system itself (commands, tasks)."""
    if user is None:
        return
    if not user_can_edit(user=user, team=team):
        raise PermissionDeniedError(
            f"You need the editor or owner role in {team.name} to do this.",
            extra={"team": str(team.code)},
        )
