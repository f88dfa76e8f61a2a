"""The API's request parser: JSON only, UTF-8, size-limited (DRF loads it by name from settings
while its own modules load: this module must not import ``rest_framework.views``,
``drf_spectacular`` or ``workbench.rest``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser


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
