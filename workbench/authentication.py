"""API token authentication: ``Authorization: Bearer wb_<prefix>_<secret>``.

Its own module because DRF imports authentication classes while its views module loads: this
module must not import ``rest_framework.views`` (nor anything that does).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from workbench.models import ApiToken
from workbench.services import token_authenticate


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer wb_<prefix>_<secret>`` (``Token`` works as the keyword too)."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: send “Bearer <token>”."
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                "The API token is invalid, expired or revoked."
            ) from None
        token = token_authenticate(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed("The API token is invalid, expired or revoked.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (with this challenge), not 403, when no credentials came.
        return 'Bearer realm="api"'
