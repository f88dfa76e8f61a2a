"""The backend interface: a query built from a claim in, candidate passages out.

A backend is a small class with a ``name`` and ``search(query) -> list[Candidate]``. It raises
:class:`BackendError` subclasses, never bare library exceptions, so the Django layer can record
on the LookupRun why it failed and whether trying again could help.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ClaimQuery:
    """What a backend knows about a claim: its wording and what the extractor found in it.

    ``entities`` and ``values`` are the extractor's dicts as stored on the Claim
    (``{"text", "label", "start", "end"}`` and ``{"kind", "text", "value", "start", "end"}``).
    ``url`` is set only for the url backend (the link a reviewer attached).
    """

    text: str
    entities: tuple[dict[str, Any], ...] = ()
    values: tuple[dict[str, Any], ...] = ()
    language: str = "en"
    url: str = ""

    def entity_names(self, *labels: str) -> list[str]:
        """Distinct entity texts in order of appearance, optionally only the given labels."""
        seen: list[str] = []
        for entity in self.entities:
            name = str(entity.get("text", "")).strip()
            if name and name not in seen and (not labels or entity.get("label") in labels):
                seen.append(name)
        return seen


@dataclass(frozen=True)
class Candidate:
    """One passage a backend offers as evidence.

    ``url`` identifies the source (it becomes a Source row); ``text`` is the whole document as
    archived (empty when the backend has only the passage); ``passage_start``/``passage_end``
    index ``text`` when the passage was cut from it. ``score`` is the backend's own relevance,
    higher is better, comparable only within one backend's results. ``kind`` is a Source.Kind
    value ("encyclopedia", "news", "official", "fact_check", "dataset", "other"); ``published``
    an ISO date or "". ``rating`` is a fact-check's textual rating ("False", "Mostly true", ...)
    and ``extra`` anything else worth keeping (reviewer, claimant, Wikidata property).
    """

    url: str
    title: str
    passage: str
    score: float
    publisher: str = ""
    kind: str = "other"
    published: str = ""
    text: str = ""
    passage_start: int | None = None
    passage_end: int | None = None
    rating: str = ""
    http_status: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    name: str

    def search(self, query: ClaimQuery) -> list[Candidate]: ...


class BackendError(Exception):
    """A lookup failed; ``str(error)`` is a one-line reason fit for a reviewer to read."""

    transient = False


class TransientError(BackendError):
    """Timeouts, refused connections, 429 and 5xx after the client's own retries: may work later."""

    transient = True


class PermanentError(BackendError):
    """Trying again will not help: 4xx, malformed payloads, refused URLs, oversized responses."""


class BlockedURLError(PermanentError):
    """The SSRF guard refused the URL: bad scheme, or a host resolving to a non-public address."""


class ResponseTooLargeError(PermanentError):
    """The response body went over the size cap (or never ended); it was cut and discarded."""


class NotConfiguredError(BackendError):
    """The backend is switched off here (no API key, no such service): the run is skipped."""
