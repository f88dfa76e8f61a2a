"""Admin for teams, and the team scoping every workbench admin class shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from workbench.exceptions import ApplicationError
from workbench.models import Membership, Team
from workbench.selectors import team_list_for_user
from workbench.services import (
    OWNER_ROLES,
    membership_remove,
    membership_set,
    team_save,
    user_has_role,
)


def error_text(exc: Exception) -> str:
    """The message(s) of a service error, for the admin's message bar."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, ApplicationError):
        return exc.message
    return str(exc)


def acting_user(request: HttpRequest) -> User:
    """The signed-in staff user of an admin request (the admin lets no one else in)."""
    user = request.user
    assert isinstance(user, User), "admin views require a signed-in user"
    return user


def owners_only_form(
    form: Any, *, user: User, team_of: Callable[[Any, dict[str, Any]], Team | None], message: str
) -> Any:
    """`form` with a clean() that refuses the save unless `user` owns the team it touches.

    `team_of(form, cleaned_data)` names that team, or None when the save needs no owner.
    """

    class OwnersOnlyForm(form):  # type: ignore[misc]
        def clean(self) -> dict[str, Any]:
            data: dict[str, Any] = super().clean()
            team = team_of(self, data)
            if team is not None and not user_has_role(user=user, team=team, roles=OWNER_ROLES):
                raise ValidationError(message.format(team=team))
            return data

    return OwnersOnlyForm


class TeamScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Staff who are not superusers see and pick only rows of their own teams.

    `team_lookup` is the path from the model to its Team ("team", "claim__team", ...).
    """

    team_lookup = "team"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if getattr(request.user, "is_superuser", False):
            return queryset
        return queryset.filter(**{f"{self.team_lookup}__in": team_list_for_user(user=request.user)})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Team and not getattr(request.user, "is_superuser", False):
            kwargs["queryset"] = team_list_for_user(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "code", "created_at")
    search_fields = ("name",)
    readonly_fields = ("code", "created_at", "updated_at")
    inlines = (MembershipInline,)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        def renamed_team(form: Any, data: dict[str, Any]) -> Team | None:
            return obj if obj is not None and "name" in form.changed_data else None

        return owners_only_form(
            super().get_form(request, obj, change=change, **kwargs),
            user=acting_user(request),
            team_of=renamed_team,
            message="Only owners of {team} rename it.",
        )

    def save_model(self, request: HttpRequest, obj: Team, form: Any, change: bool) -> None:
        # The one who creates a team in the back office becomes its owner.
        if not change or "name" in form.changed_data:
            team_save(team=obj, by=acting_user(request))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        by = acting_user(request)
        for membership_form in formset.forms:
            data = getattr(membership_form, "cleaned_data", None)
            if not data or not membership_form.has_changed():
                continue
            try:
                if data.get("DELETE"):
                    if data.get("id") is not None:
                        membership_remove(membership=data["id"], by=by)
                else:
                    membership_set(team=form.instance, user=data["user"], role=data["role"], by=by)
            except (ApplicationError, ValidationError) as exc:
                messages.error(request, f"Not saved: {error_text(exc)}")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return team_list_for_user(user=request.user)


@admin.register(Membership)
class MembershipAdmin(TeamScopedAdmin):
    list_display = ("user", "team", "role", "created_at")
    list_filter = ("role", "team")
    list_select_related = ("user", "team")
    search_fields = ("user__username", "user__email", "team__name")
    autocomplete_fields = ("user", "team")
    fields = ("team", "user", "role")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        def membership_team(form: Any, data: dict[str, Any]) -> Team | None:
            team: Team | None = data.get("team") or (obj.team if obj is not None else None)
            return team

        return owners_only_form(
            super().get_form(request, obj, change=change, **kwargs),
            user=acting_user(request),
            team_of=membership_team,
            message="Only owners of {team} manage its members.",
        )

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        try:
            saved = membership_set(
                team=obj.team, user=obj.user, role=obj.role, by=acting_user(request)
            )
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, f"Not saved: {error_text(exc)}")
            return
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        try:
            membership_remove(membership=obj, by=acting_user(request))
        except ApplicationError as exc:
            messages.error(request, f"Not removed: {exc.message}")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("team"):
            self.delete_model(request, membership)
