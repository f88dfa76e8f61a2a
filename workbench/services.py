"""Writes for teams and memberships, and the shared helpers every service uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, models, transaction

from workbench.exceptions import ApplicationError, PermissionDeniedError
from workbench.models import Membership, Team

M = TypeVar("M", bound=models.Model)

EDIT_ROLES: tuple[str, ...] = (Membership.Role.OWNER, Membership.Role.EDITOR)
OWNER_ROLES: tuple[str, ...] = (Membership.Role.OWNER,)


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
def team_save(*, team: Team, by: User | None = None) -> Team:
    """Create a team (`by` becomes its first owner) or rename one (owners only)."""
    creating = team._state.adding
    if not creating:
        require_role(user=by, team=team, roles=OWNER_ROLES, action="rename the team")
    team.name = team.name.strip()
    team.full_clean()
    team.save()
    if creating and by is not None:
        Membership.objects.create(team=team, user=by, role=Membership.Role.OWNER)
    return team


@transaction.atomic
def membership_set(*, team: Team, user: User, role: str, by: User | None = None) -> Membership:
    """Add a user to a team with a role, or change a member's role. Owners manage members."""
    require_role(user=by, team=team, roles=OWNER_ROLES, action="manage members")
    membership = Membership.objects.select_for_update().filter(team=team, user=user).first()
    if membership is None:
        membership = Membership(team=team, user=user, role=role)
        membership.full_clean()
        membership.save()
        return membership
    if membership.role == Membership.Role.OWNER and role != Membership.Role.OWNER:
        _keep_an_owner(team=team, leaving=membership)
    model_update(instance=membership, fields=["role"], data={"role": role})
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User | None = None) -> None:
    """Take a member out of a team; the last owner cannot leave."""
    require_role(user=by, team=membership.team, roles=OWNER_ROLES, action="manage members")
    if membership.role == Membership.Role.OWNER:
        _keep_an_owner(team=membership.team, leaving=membership)
    membership.delete()


def _keep_an_owner(*, team: Team, leaving: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(team=team, role=Membership.Role.OWNER)
        .exclude(pk=leaving.pk)
    )
    if not others.exists():
        raise ApplicationError(f"{team.name} must keep at least one owner.")


def user_has_role(*, user: User | AnonymousUser | None, team: Team, roles: tuple[str, ...]) -> bool:
    """Superusers act as owners of every team; anonymous users have no role anywhere."""
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(team=team, user=user, role__in=roles).exists()


def user_can_edit(*, user: User | AnonymousUser | None, team: Team) -> bool:
    """Owners and editors write; viewers read."""
    return user_has_role(user=user, team=team, roles=EDIT_ROLES)


def require_role(
    *, user: User | None, team: Team, roles: tuple[str, ...], action: str = "do this"
) -> None:
    """Raise unless `user` has one of `roles` in `team`. None is the system (commands, tasks)."""
    if user is None:
        return
    if not user_has_role(user=user, team=team, roles=roles):
        names = " or ".join(roles)
        raise PermissionDeniedError(
            f"You need the {names} role in {team.name} to {action}.",
            extra={"team": str(team.code)},
        )


def require_edit(*, user: User | None, team: Team) -> None:
    """Raise unless `user` may write in `team` (owner or editor)."""
    require_role(user=user, team=team, roles=EDIT_ROLES)
