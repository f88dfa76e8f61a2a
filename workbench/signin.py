"""Sign-in limits (django-axes): who the client is, and what a locked-out sign-in answers.

Both the web sign-in page and the admin's login go through Django's authentication, so the axes
backend (first in AUTHENTICATION_BACKENDS) counts failures and refuses sign-ins for both. The
settings are in the "authentication" block of workbench/settings.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def locked_out_message() -> str:
    """Why a sign-in is refused, with the cool-off window the settings give (AXES_COOLOFF_TIME)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        "Too many failed sign-in attempts. Sign-in is refused for this account and this address "
        f"for {minutes} minutes; try again later."
    )


def client_ip(request: HttpRequest) -> str | None:
    """The address failures are counted against.

    REMOTE_ADDR, unless the connection comes from a proxy listed in TRUSTED_PROXIES: then the
    right-most X-Forwarded-For entry that is not itself a trusted proxy (the address the proxy
    saw). Anything a client writes into X-Forwarded-For before that is ignored, so a forged header
    neither resets nor dodges the count.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    trusted = set(settings.TRUSTED_PROXIES)
    if remote is None or remote not in trusted:
        return remote
    forwarded: list[str] = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 with the page the user was on (sign-in or admin login), its form saying why."""
    if isinstance(original_response, TemplateResponse) and isinstance(
        original_response.context_data, dict
    ):
        context = dict(original_response.context_data)
        form = context.get("form")
        if form is not None and hasattr(form, "add_error"):
            # Replace "wrong password" (axes refused before the password was checked).
            form.errors.clear()
            form.add_error(None, locked_out_message())
        context["locked_out"] = True
        response = TemplateResponse(
            request, original_response.template_name or [], context, status=429
        )
        response.render()
        return response
    return HttpResponse(locked_out_message(), status=429, content_type="text/plain; charset=utf-8")
