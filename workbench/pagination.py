"""The API's pagination (DRF loads it by name from settings while its own modules load: this
module must not import ``rest_framework.views``, ``drf_spectacular`` or ``workbench.rest``)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


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
