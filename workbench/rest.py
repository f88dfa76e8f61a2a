"""What every API endpoint shares: the token scheme in the schema, pagination, parsers with a
size limit, input serializers that refuse unknown fields, throttles, one exception handler and
the error responses of the OpenAPI schema.

Every error leaves the API as JSON of one shape::

    {"detail": "A sentence for a person.", "code": "machine_readable", "fields": {...}}

``fields`` (per-field messages) comes with validation errors only; a business-rule error adds
what it carries (a refused claim change adds ``current``, the claim as it is now).
"""

from __future__ import annotations

import base64
import binascii
import json
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
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
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


# --- pagination -----------------------------------------------------------------------------------


class CursorPage(CursorPagination):
    """Cursor pages, newest first. Stable under inserts: a page never repeats or skips a row
    that existed when the first page was read. ``page_size`` from 1 to 200 (default 50); any
    other value is a 400, not silently replaced."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"A page holds 1 to {self.max_page_size} items."]}
            )
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters

    def decode_cursor(self, request: Request) -> Any:
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            if encoded is not None:
                # DRF's decoding skips characters outside base64, so "!!!" would be read as
                # an empty cursor (the first page) instead of refused.
                base64.b64decode(encoded.encode("ascii"), validate=True)
            return super().decode_cursor(request)
        except (binascii.Error, UnicodeEncodeError, exceptions.NotFound):
            raise exceptions.ValidationError(
                {"cursor": ["This cursor is not valid; start again from the first page."]}
            ) from None

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, OverflowError):
            # A cursor whose position is not a value of the ordering field (edited by hand).
            raise exceptions.ValidationError(
                {"cursor": ["This cursor is not valid; start again from the first page."]}
            ) from None


# --- parsers --------------------------------------------------------------------------------------


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


def _read_limited(stream: Any, request: Any) -> bytes:
    limit = settings.API_MAX_BODY_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(declared)
    except ValueError:
        raise exceptions.ParseError("Content-Length is not a number.") from None
    message = (
        f"The request body is {{size}} bytes; the limit is {limit:,} bytes "
        f"(an article is at most {settings.ARTICLE_MAX_CHARS:,} characters)."
    )
    if length > limit:
        raise RequestTooLarge(message.format(size=f"{length:,}"))
    data: bytes = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise RequestTooLarge(message.format(size=f"over {limit:,}"))
    return data


class LimitedJSONParser(JSONParser):
    """JSON, UTF-8, at most API_MAX_BODY_BYTES; NaN and Infinity are refused."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        request = (parser_context or {})["request"]
        data = _read_limited(stream, request)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.ParseError("The request body is not UTF-8.") from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as exc:
            raise exceptions.ParseError(f"The request body is not valid JSON: {exc}") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


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
