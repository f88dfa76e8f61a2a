"""Admin for teams and API tokens, and the team scoping every workbench admin class shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from workbench.exceptions import ApplicationError
from workbench.models import ApiToken, Membership, Team
from workbench.selectors import team_list_for_user
from workbench.services import (
    OWNER_ROLES,
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    TOKEN_NAME_MAX_CHARS,
    membership_remove,
    membership_set,
    team_save,
    token_create,
    token_revoke,
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


# --- API tokens -----------------------------------------------------------------------------------


class ApiTokenAddForm(forms.Form):
    """Who the token is for, its name and lifetime. Staff who are not superusers can only pick
    themselves."""

    user = forms.ModelChoiceField(queryset=User.objects.none())
    name = forms.CharField(
        max_length=TOKEN_NAME_MAX_CHARS, help_text="Where the token is used, e.g. “CMS import”."
    )
    expires_in_days = forms.IntegerField(
        label="Expires in (days)",
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=TOKEN_DEFAULT_DAYS,
    )

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).order_by("username")
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = users if by.is_superuser else users.filter(pk=by.pk)
        field.initial = by.pk


class TokenStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "Live"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        if self.value() == "live":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """API tokens: read-only rows, created through token_create (the key is shown once, in the
    message after creating) and revoked through token_revoke. The key's hash is never shown.
    Staff who are not superusers see, create and revoke only their own tokens."""

    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "live",
    )
    list_filter = (TokenStateFilter, "created_at", "expires_at")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    fields = list_display
    readonly_fields = list_display
    actions = ("revoke_selected",)
    add_template = "workbench/admin_token_add.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        queryset = super().get_queryset(request).select_related("user")
        if getattr(request.user, "is_superuser", False):
            return queryset
        return queryset.filter(user=request.user.pk)

    @admin.display(boolean=True, description="live")
    def live(self, obj: ApiToken) -> bool:
        return obj.is_live()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A token's page is read-only; "change" is the permission to revoke from the list.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, not deleted: the row says when and by which prefix

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        by = acting_user(request)
        form = ApiTokenAddForm(request.POST if request.method == "POST" else None, by=by)
        if request.method == "POST" and form.is_valid():
            try:
                new = token_create(
                    user=form.cleaned_data["user"],
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                    by=by,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.log_addition(request, new.token, [{"added": {}}])
                messages.success(
                    request,
                    format_html(
                        "API token “{}” for {} created. Its key is <code>{}</code> — copy it "
                        "now; it is not shown again.",
                        new.token.name,
                        new.token.user.get_username(),
                        new.key,
                    ),
                )
                return HttpResponseRedirect(
                    reverse("admin:workbench_apitoken_change", args=[new.token.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "opts": self.opts,
            "title": "Add API token",
            "form": form,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, self.add_template, context)

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        by = acting_user(request)
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                token_revoke(token=token, by=by)
            except ApplicationError as exc:
                messages.error(request, f"Not revoked: {exc.message}")
                continue
            revoked += 1
        self.message_user(request, f"Revoked {revoked} token{'' if revoked == 1 else 's'}.")
