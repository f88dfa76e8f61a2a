"""Writes for teams and memberships, and the shared helpers every service uses."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from workbench.exceptions import ApplicationError, PermissionDeniedError
from workbench.models import ApiToken, Membership, Team

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)

EDIT_ROLES: tuple[str, ...] = (Membership.Role.OWNER, Membership.Role.EDITOR)
OWNER_ROLES: tuple[str, ...] = (Membership.Role.OWNER,)


def stale_rows_send(
    *,
    model: type[models.Model],
    status_field: str,
    stale_after: Mapping[str, float],
    batch: int,
    now: datetime.datetime,
    fields: Sequence[str],
    send: Callable[[str, tuple[Any, ...]], bool],
) -> tuple[dict[str, int], int]:
    """The periodic sweep's mechanics: for each status, the rows in it whose `updated_at` is
    older than `stale_after[status]` seconds, at most `batch`, oldest first, locked with SKIP
    LOCKED (a second sweep passes them by), handed to `send(status, values of fields)` one by
    one; each row sent gets `updated_at = now`, so the next passes leave it alone for a while.

    `send` returns False when the broker cannot be reached: the pass stops there. Returns the
    rows sent per status and how many of the last batch were left unsent. `fields` starts with
    the primary key.
    """
    sent: dict[str, int] = {}
    unsent = 0
    for status, seconds in stale_after.items():
        with transaction.atomic():
            rows = list(
                model._default_manager.select_for_update(skip_locked=True)
                .filter(
                    **{status_field: status},
                    updated_at__lt=now - datetime.timedelta(seconds=seconds),
                )
                .order_by("updated_at", "pk")
                .values_list(*fields)[:batch]
            )
            done: list[Any] = []
            for row in rows:
                if not send(status, row):
                    break
                done.append(row[0])
            model._default_manager.filter(pk__in=done).update(updated_at=now)
        sent[status] = len(done)
        unsent = len(rows) - len(done)
        if unsent:
            break
    return sent, unsent


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
def membership_add_by_username(
    *, team: Team, username: str, role: str, by: User | None = None
) -> tuple[Membership, bool]:
    """`membership_set` for a user named by username (the API's way); returns (membership,
    created). Only owners learn whether a username exists: the role is checked first."""
    require_role(user=by, team=team, roles=OWNER_ROLES, action="manage members")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": "Unknown user."})
    created = not Membership.objects.filter(team=team, user=user).exists()
    return membership_set(team=team, user=user, role=role, by=by), created


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


# --- API tokens -----------------------------------------------------------------------------------

TOKEN_PREFIX = "wb"
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
TOKEN_NAME_MAX_CHARS = 100


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_prefix_of(key: str) -> str | None:
    """The stored prefix of a key as a client sends it (`wb_<prefix>_<secret>`), or None."""
    parts = key.split("_", 2)  # the secret (urlsafe base64) may itself contain "_"
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # The whole key: shown to its owner once, never stored.
    key: str


def token_create(
    *, user: User, name: str, expires_in_days: int = TOKEN_DEFAULT_DAYS, by: User | None = None
) -> NewToken:
    """A new API key for `user`, named and expiring. Only its prefix and hash are stored.

    `by` (None: the system) must be the user themselves or a superuser.
    """
    if by is not None and by.pk != user.pk and not by.is_superuser:
        raise PermissionDeniedError("You can only create API tokens for yourself.")
    if not user.is_active:
        raise ValidationError(f"{user.get_username()} is not an active user.")
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the token a name (where it is used)."})
    if len(name) > TOKEN_NAME_MAX_CHARS:
        raise ValidationError(
            {"name": f"A token name is limited to {TOKEN_NAME_MAX_CHARS} characters."}
        )
    if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {"expires_in_days": f"A token lives between 1 and {TOKEN_MAX_DAYS} days."}
        )
    if ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
        raise ValidationError({"name": f"You already have a live token named “{name}”."})
    now = timezone.now()
    for _ in range(5):
        prefix = secrets.token_hex(4)
        key = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken(
            user=user,
            name=name,
            prefix=prefix,
            key_hash=token_hash(key),
            created_at=now,
            expires_at=now + datetime.timedelta(days=expires_in_days),
        )
        try:
            with transaction.atomic():
                token.save()
        except IntegrityError:
            # A prefix collision (1 in 4 billion) or a concurrent token of the same name.
            if ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
                raise ValidationError(
                    {"name": f"You already have a live token named “{name}”."}
                ) from None
            continue
        logger.info("token.created", extra={"token": token.prefix, "user": user.pk})
        return NewToken(token=token, key=key)
    raise ApplicationError("Could not create a token; try again.")  # pragma: no cover


def token_revoke(*, token: ApiToken, by: User | None = None) -> ApiToken:
    """Revoke a token at once (idempotent). Its owner or a superuser may."""
    if by is not None and by.pk != token.user_id and not by.is_superuser:
        raise PermissionDeniedError("You can only revoke your own API tokens.")
    if token.revoked_at is None:
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, updated_at=now
        )
        token.refresh_from_db(fields=["revoked_at", "updated_at"])
        logger.info("token.revoked", extra={"token": token.prefix})
    return token


# A token's last use is recorded at most this often (one UPDATE per token per interval, not per
# request).
TOKEN_USE_RECORD_SECONDS = 60


def token_authenticate(*, key: str) -> ApiToken | None:
    """The live token whose key is `key` (with its user), or None. Records the use."""
    prefix = token_prefix_of(key)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, token_hash(key)):
        return None
    now = timezone.now()
    if not token.is_live(now) or not token.user.is_active:
        return None
    stale = now - datetime.timedelta(seconds=TOKEN_USE_RECORD_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
