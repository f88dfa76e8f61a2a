"""Teams, their members, and the signed-in user's API tokens.

- ``/teams/``: the caller's teams with their role; ``/teams/{id}/members/`` lists members (any
  member) and adds one (owners); ``/teams/{id}/members/{username}/`` changes a role or removes a
  member (owners). A team the caller is not in is a 404.
- ``/tokens/``: the caller's API tokens. The key is in the answer to the create request only;
  it is stored as a hash. Creating and revoking need a signed-in session, not a token: a leaked
  token must not mint more tokens (nor revoke the ones its owner uses elsewhere).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from workbench import rest
from workbench.authentication import TokenAuthentication
from workbench.models import ApiToken, Membership, Team
from workbench.pagination import CursorPage
from workbench.rest import request_user
from workbench.selectors import (
    membership_get,
    membership_list,
    team_list_with_roles,
    token_list_for_user,
)
from workbench.services import (
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    TOKEN_NAME_MAX_CHARS,
    membership_add_by_username,
    membership_remove,
    membership_set,
    token_create,
    token_revoke,
)

# --- teams and members ----------------------------------------------------------------------------


class TeamPage(CursorPage):
    """Teams in alphabetical order (names are unique, so the order is stable)."""

    ordering = ("name", "id")


@extend_schema_serializer(component_name="Member")
class MemberOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    joined_at = serializers.DateTimeField(source="created_at")


@extend_schema_serializer(component_name="MemberAdd")
class MemberAddInputSerializer(rest.InputSerializer):
    """A user to add to the team, by username, with a role."""

    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Membership.Role.choices)


@extend_schema_serializer(component_name="MemberRole")
class MemberRoleInputSerializer(rest.InputSerializer):
    """A member's new role (a PATCH without it changes nothing)."""

    role = serializers.ChoiceField(choices=Membership.Role.choices)


USERNAME_PARAMETER = OpenApiParameter(
    "username", str, OpenApiParameter.PATH, description="The member's username."
)


@extend_schema_view(
    list=extend_schema(summary="Your teams, by name, with your role in each."),
    retrieve=extend_schema(summary="One of your teams."),
)
class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    lookup_field = "code"
    lookup_value_converter = "uuid"
    pagination_class = TeamPage

    @extend_schema_serializer(component_name="Team")
    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        id = serializers.UUIDField(source="code")
        name = serializers.CharField()
        # Empty when the team has not set one (a URLField would promise a URI in the schema).
        website = serializers.CharField()
        role = serializers.ChoiceField(
            choices=Membership.Role.choices,
            allow_null=True,
            help_text="Your role; null where a superuser is not a member.",
        )
        members_count = serializers.IntegerField()

    def get_serializer_class(self) -> type[serializers.Serializer]:  # type: ignore[type-arg]
        # Per action and method (the browsable API builds its forms from these too).
        writing = self.request.method in ("POST", "PUT", "PATCH")
        if self.action == "members":
            return MemberAddInputSerializer if writing else MemberOutputSerializer
        if self.action == "member":
            return MemberRoleInputSerializer if writing else MemberOutputSerializer
        return self.OutputSerializer

    def get_queryset(self) -> QuerySet[Team]:
        return team_list_with_roles(user=request_user(self.request))

    def _membership(self, team: Team, username: str) -> Membership:
        membership = membership_get(team=team, username=username)
        if membership is None:
            raise NotFound("No such member in this team.")
        return membership

    @extend_schema(
        methods=["GET"],
        summary="The team's members, owners first (any member may read).",
        request=None,
        responses=MemberOutputSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a member, or set an existing member's role (owners only).",
        request=MemberAddInputSerializer,
        responses={
            201: OpenApiResponse(MemberOutputSerializer, "Added."),
            200: OpenApiResponse(MemberOutputSerializer, "Already a member: role set."),
        },
    )
    @action(detail=True, methods=["get", "post"], url_path="members", pagination_class=None)
    def members(self, request: Request, code: str) -> Response:
        team = self.get_object()
        if request.method == "GET":
            rows = membership_list(team=team)
            return Response(MemberOutputSerializer(rows, many=True).data)
        data = _validated(MemberAddInputSerializer, request)
        membership, created = membership_add_by_username(
            team=team, username=data["username"], role=data["role"], by=request_user(request)
        )
        return Response(
            MemberOutputSerializer(membership).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        methods=["PATCH"],
        summary="Change a member's role (owners only; a team keeps at least one owner).",
        parameters=[USERNAME_PARAMETER],
        request=MemberRoleInputSerializer,
        responses=MemberOutputSerializer,
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove a member (owners only; the last owner cannot leave).",
        parameters=[USERNAME_PARAMETER],
        request=None,
        responses={204: OpenApiResponse(description="Removed.")},
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path="members/<str:username>",
        url_name="member",
    )
    def member(self, request: Request, code: str, username: str) -> Response:
        team = self.get_object()
        membership = self._membership(team, username)
        by = request_user(request)
        if request.method == "DELETE":
            membership_remove(membership=membership, by=by)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = _validated(MemberRoleInputSerializer, request, partial=True)
        role = data.get("role", membership.role)
        membership = membership_set(team=team, user=membership.user, role=role, by=by)
        return Response(MemberOutputSerializer(membership).data)


def _validated(
    serializer_class: type[serializers.Serializer],  # type: ignore[type-arg]
    request: Request,
    partial: bool = False,
) -> Any:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- API tokens -----------------------------------------------------------------------------------

SESSION_ONLY_MESSAGE = (
    "API tokens are created and revoked from a signed-in session (the tokens page or the "
    "admin), not with an API token."
)


def _by_token(request: Request) -> bool:
    return isinstance(request.successful_authenticator, TokenAuthentication)


class SignedInSession(permissions.BasePermission):
    """Refuses token-authenticated creates and revokes. A revoke is refused only once the token
    is found (another user's token is a 404 whatever the authentication)."""

    message = SESSION_ONLY_MESSAGE

    def has_permission(self, request: Request, view: Any) -> bool:
        return not (view.action == "create" and _by_token(request))

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return not _by_token(request)


@extend_schema_view(
    list=extend_schema(
        summary="Your API tokens, newest first (revoked and expired ones included).",
    ),
    create=extend_schema(
        summary="Create an API token (signed-in session only); the key is shown this once.",
    ),
    destroy=extend_schema(
        summary="Revoke an API token (signed-in session only; revoking twice is fine).",
        responses={204: OpenApiResponse(description="Revoked.")},
    ),
)
class TokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    lookup_field = "code"
    lookup_value_converter = "uuid"
    permission_classes = [permissions.IsAuthenticated, SignedInSession]

    @extend_schema_serializer(component_name="TokenCreate")
    class InputSerializer(rest.InputSerializer):
        """A name telling the token apart (where it is used) and its lifetime in days."""

        name = serializers.CharField(max_length=TOKEN_NAME_MAX_CHARS)
        expires_in_days = serializers.IntegerField(
            min_value=1, max_value=TOKEN_MAX_DAYS, default=TOKEN_DEFAULT_DAYS
        )

    @extend_schema_serializer(component_name="Token")
    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        id = serializers.UUIDField(source="code")
        name = serializers.CharField()
        prefix = serializers.CharField(help_text="The key's first characters, to tell it apart.")
        created_at = serializers.DateTimeField()
        expires_at = serializers.DateTimeField()
        last_used_at = serializers.DateTimeField(allow_null=True)
        revoked_at = serializers.DateTimeField(allow_null=True)
        live = serializers.BooleanField(source="is_live", help_text="Not revoked, not expired.")

    @extend_schema_serializer(component_name="NewToken")
    class CreatedOutputSerializer(OutputSerializer):
        key = serializers.CharField(
            help_text="The whole key: shown in this answer only, never again. Send it as "
            "`Authorization: Bearer <key>`."
        )

    def get_queryset(self) -> QuerySet[ApiToken]:
        return token_list_for_user(user=request_user(self.request))

    def get_serializer_class(self) -> type[serializers.Serializer]:  # type: ignore[type-arg]
        # (The browsable API asks for the POST form's serializer while on the list action.)
        if self.action == "create" or self.request.method == "POST":
            return self.InputSerializer
        return self.OutputSerializer

    @extend_schema(request=InputSerializer, responses={201: CreatedOutputSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _validated(self.InputSerializer, request)
        user = request_user(request)
        new = token_create(
            user=user, name=data["name"], expires_in_days=data["expires_in_days"], by=user
        )
        body = {**self.OutputSerializer(new.token).data, "key": new.key}
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        token_revoke(token=instance, by=request_user(self.request))
