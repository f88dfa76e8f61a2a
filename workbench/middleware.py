"""Middleware of the workbench as a whole: a request id on every log line and response, and a fast
503 (not a 500) while the database is unreachable."""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse

from workbench.logging import log_context

logger = logging.getLogger(__name__)

# A proxy's or client's id is kept only if it is a short, plain token (it goes into logs).
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
RETRY_AFTER_SECONDS = 5

_UNAVAILABLE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Service unavailable</title></head>
<body><h1>Service unavailable</h1>
<p>The workbench cannot reach its database right now. Nothing was saved; please try again in a
few seconds.</p></body></html>
"""


class RequestIdMiddleware:
    """Takes X-Request-ID from the request when it is a sane token, else makes one (uuid4 hex);
    every log line of the request carries it (workbench.logging.ContextFilter), and so does the
    response's X-Request-ID header. First in MIDDLEWARE so every response gets it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # Cleared when the response is finished (below), not here: Django logs 4xx/5xx responses
        # ("Not Found: ...") after the middleware has returned.
        log_context.set({"request_id": request_id})
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


@receiver(request_finished, dispatch_uid="workbench.middleware.clear_request_id")
def _clear_request_id(**_: object) -> None:
    log_context.set(None)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/ (the API's error shape), a small page elsewhere."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": "The database is unavailable; try again in a few seconds.",
                "code": "service_unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(_UNAVAILABLE_HTML, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database cannot be reached answers 503 at once.

    Django marks the broken connection (errors_occurred) and closes it when the request finishes,
    and CONN_HEALTH_CHECKS checks a persistent connection before reuse, so the next request after
    the database is back opens a fresh one: no restart needed (tests/ops/test_database_outage.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "database.unavailable",
            extra={"path": request.path, "error": f"{type(exception).__name__}: {exception}"},
        )
        return database_unavailable(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database error raised outside a view (a middleware saving the session, say)
    is a 503 too; anything else is the usual 500 (workbench.rest.json_server_error)."""
    from workbench.rest import json_server_error

    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    response: HttpResponse = json_server_error(request)
    return response
