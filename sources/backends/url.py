"""URL: the page a reviewer attached, fetched (through the SSRF guard) and reduced to text.

HTML goes through trafilatura (:mod:`.html`), ``text/plain`` is taken as it is; PDFs, images and
other binary types are refused with a reason. The result is one whole-document Candidate: the
shared ranker cuts passages from ``text`` like it does for the library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Candidate, ClaimQuery, PermanentError
from .html import html_to_document

if TYPE_CHECKING:
    from .http import HttpClient, HttpResponse

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
_BINARY_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)


class UrlBackend:
    """Fetches ``query.url`` and returns it as one document."""

    name = "url"

    def __init__(self, client: HttpClient, *, max_chars: int = 500_000) -> None:
        self.client = client
        self.max_chars = max_chars

    def search(self, query: ClaimQuery) -> list[Candidate]:
        if not query.url:
            raise PermanentError("url: no URL to fetch")
        response = self.client.get(query.url, backend=self.name)
        content_type = _content_type(response)
        if content_type in _HTML_TYPES:
            document = html_to_document(response.text, response.url)
            title, text = document.title, document.text
            publisher, published = document.publisher, document.published
        elif content_type in _TEXT_TYPES:
            text = response.text.replace("\r\n", "\n").strip()
            title = text.split("\n", 1)[0].strip()[:200] if text else ""
            publisher = published = ""
        else:
            raise PermanentError(f"url: cannot read {content_type or 'an unknown content type'}")
        if not text.strip():
            raise PermanentError(f"url: no readable text at {response.url}")
        return [
            Candidate(
                url=response.url,
                title=title or response.url,
                passage="",
                score=1.0,
                publisher=publisher,
                kind="other",
                published=published,
                text=text[: self.max_chars],
                http_status=response.status,
                extra={"content_type": content_type, "requested_url": query.url},
            )
        ]


def _content_type(response: HttpResponse) -> str:
    """The media type, from Content-Type or, when missing or generic, from the first bytes."""
    declared = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    head = response.content[:512]
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            return kind  # a PDF served as text/html is still a PDF
    if declared and declared not in ("application/octet-stream", "binary/octet-stream"):
        return declared
    sniff = head.lstrip().lower()
    if sniff.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "text/html"
    if declared:
        return declared
    return "text/plain" if b"\x00" not in head else "application/octet-stream"
