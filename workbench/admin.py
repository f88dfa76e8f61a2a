"""Admin for teams, and the team scoping every workbench admin class shares."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from workbench.models import Membership, Team
from workbench.selectors import team_list_for_user
from workbench.services import membership_set, team_save


def acting_user(request: HttpRequest) -> User:
    """The signed-in staff user of an admin request (the admin lets no one else in)."""
    user = request.user
    assert isinstance(user, User), "admin views require a signed-in user"
    return user


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

    def save_model(self, request: HttpRequest, obj: Team, form: Any, change: bool) -> None:
        # The one who creates a team in the back office becomes its owner.
        team_save(team=obj, owner=None if change else acting_user(request))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for membership_form in formset.forms:
            data = getattr(membership_form, "cleaned_data", None)
            if not data or not membership_form.has_changed():
                continue
            if data.get("DELETE"):
                if data.get("id") is not None:
                    data["id"].delete()
                continue
            membership_set(team=form.instance, user=data["user"], role=data["role"])

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return team_list_for_user(user=request.user)


@admin.register(Membership)
class MembershipAdmin(TeamScopedAdmin):
    list_display = ("user", "team", "role", "created_at")
    list_filter = ("role", "team")
    list_select_related = ("user", "team")
    search_fields = ("user__username", "user__email", "team__name")
    autocomplete_fields = ("user", "team")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        membership_set(team=obj.team, user=obj.user, role=obj.role)
