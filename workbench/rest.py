"""What every API endpoint shares: the token scheme in the schema, input serializers that refuse
unknown fields and wrong JSON types, throttles, one exception handler and the error responses of
the OpenAPI schema. (Pagination, the parser and token authentication have modules of their own:
DRF imports them while its own views module loads, so they must not import this one.)

Every error leaves the API as JSON of one shape::

    {"detail": "A sentence for a person.", "code": "machine_readable", "fields": {...}}

``fields`` (per-field messages) comes with validation errors only; a business-rule error adds
what it carries (a refused claim change adds ``current``, the claim as it is now).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from workbench.exceptions import ApplicationError

# --- authentication (the class itself is in workbench.authentication) ---------------------------


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "workbench.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "wb_<prefix>_<secret> (create one in the admin or at /account/tokens/)",
        }


def request_user(request: Request | HttpRequest) -> User:
    """The signed-in user of an API request (IsAuthenticated has let no one else in)."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - guarded by IsAuthenticated
        raise exceptions.NotAuthenticated()
    return user


def viewer_of(request: Request | HttpRequest) -> User | AnonymousUser:
    user = request.user
    assert isinstance(user, User | AnonymousUser)
    return user


# --- serializers ----------------------------------------------------------------------------------


class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """An input serializer that refuses fields it does not know (a typo is an error, not a
    silently ignored change) and a body that is not a JSON object."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise exceptions.ValidationError(
                {"non_field_errors": ["Send a JSON object."]}, code="invalid"
            )
        known = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(data) - known)
        if unknown:
            raise exceptions.ValidationError(
                {name: ["Unknown field."] for name in unknown}, code="unknown_field"
            )
        wrong = {
            name: [f"Expected {expected}."]
            for name, value in data.items()
            if (expected := _json_type_mismatch(self.fields[name], value)) is not None
        }
        if wrong:
            raise exceptions.ValidationError(wrong, code="invalid_type")
        return super().to_internal_value(data)


# JSON types each kind of field takes. DRF coerces (0 -> "0", false -> 0.0, "3" -> 3); an API
# that says "string" in its schema and takes a number hides client bugs, so these are refused.
_JSON_TYPES: tuple[tuple[type[serializers.Field], tuple[type, ...], str], ...] = (  # type: ignore[type-arg]
    (serializers.BooleanField, (bool,), "true or false"),
    (serializers.IntegerField, (int,), "an integer"),
    (serializers.FloatField, (int, float), "a number"),
    (serializers.MultipleChoiceField, (list,), "a list"),
    (serializers.ListField, (list,), "a list"),
    (serializers.DictField, (dict,), "an object"),
    (serializers.CharField, (str,), "a string"),
    (serializers.ChoiceField, (str,), "a string"),
    (serializers.DateTimeField, (str,), "a date and time (ISO 8601 string)"),
    (serializers.DateField, (str,), "a date (ISO 8601 string)"),
    (serializers.UUIDField, (str,), "an id (UUID string)"),
)


def _json_type_mismatch(field: serializers.Field, value: Any) -> str | None:  # type: ignore[type-arg]
    """What `field` expects when `value` has the wrong JSON type for it, else None."""
    if value is None:
        return None  # the field's own allow_null decides
    for kind, types, expected in _JSON_TYPES:
        if isinstance(field, kind):
            ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
            return None if ok else expected
    return None


# --- throttles ------------------------------------------------------------------------------------


class EnqueueThrottle(SimpleRateThrottle):
    """For endpoints that queue background work (ingest, fetch a link, re-run lookups): per
    user, API_THROTTLE_ENQUEUE (e.g. "60/minute"). A courtesy to the workers, not security."""

    scope = "enqueue"

    def get_rate(self) -> str | None:
        rate: str | None = settings.API_THROTTLE_ENQUEUE
        return rate

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            ident = str(request.user.pk)
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- errors ---------------------------------------------------------------------------------------


def _codes_first(codes: Any) -> str:
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else "error"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turns every error a view or service raises into the JSON error shape above."""
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {**exc.extra, "detail": exc.message, "code": exc.code}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, APIException)
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        response.data = {
            "detail": _validation_summary(fields),
            "code": _codes_first(exc.get_codes()),
            "fields": fields,
        }
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = {
            "detail": str(detail if detail is not None else exc.detail),
            "code": _codes_first(exc.get_codes()),
        }
    return response


def _validation_summary(fields: Any) -> str:
    """One sentence for the first problem, e.g. "version: This field is required."."""
    if isinstance(fields, dict) and fields:
        name, messages = next(iter(fields.items()))
        while isinstance(messages, dict) and messages:
            name, messages = next(iter(messages.items()))
        message = messages[0] if isinstance(messages, list) and messages else messages
        if name in ("non_field_errors", "__all__"):
            return str(message)
        return f"{name}: {message}"
    return "Invalid input."


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> Any:
    """handler404: JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Not found.", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def json_server_error(request: HttpRequest) -> Any:
    """handler500: JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Server error; it has been logged.", "code": "server_error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    from django.views.defaults import server_error

    return server_error(request)


# --- OpenAPI --------------------------------------------------------------------------------------

_ERROR_RESPONSES = {
    "400": "Invalid input: a field, a filter or the cursor (see `fields`).",
    "401": "No credentials, or an invalid, expired or revoked token.",
    "403": "Your role in the team does not allow this (viewers read; editors write).",
    "404": "No such object among your teams' (another team's objects are not found either).",
    "429": "Too many requests of this kind; wait the seconds in Retry-After.",
}
_BODY_ERROR_RESPONSES = {
    "413": "The request body is larger than the limit.",
    "415": "Send JSON (application/json).",
}


def error_responses_hook(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing: every operation documents the error responses it can give,
    all with the shared Error body."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "description": "Every error response has this shape.",
        "properties": {
            "detail": {"type": "string", "description": "What went wrong, for a person."},
            "code": {"type": "string", "description": "What went wrong, for a program."},
            "fields": {
                "type": "object",
                "additionalProperties": {},
                "description": "Per-field messages (validation errors only).",
            },
        },
        "required": ["detail", "code"],
        "additionalProperties": {},
    }
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            wanted = dict(_ERROR_RESPONSES)
            if method in ("post", "put", "patch"):
                wanted.update(_BODY_ERROR_RESPONSES)
            for code, description in wanted.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": reference}
                )
    return result
