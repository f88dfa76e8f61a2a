"""Business-rule errors raised by services and translated by each interface (admin, API, UI)."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A request that breaks a business rule. `extra` carries data an interface may show.

    `status_code` and `code` are what the API answers with (see workbench.rest).
    """

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class PermissionDeniedError(ApplicationError):
    """The acting user's role in the team does not allow this write."""

    status_code = 403
    code = "permission_denied"
