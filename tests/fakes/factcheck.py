"""A fake Google Fact Check Tools API (``GET /v1alpha1/claims:search``) for FakeServer.

Replies in the documented shape (``{"claims": [{"text", "claimant", "claimDate", "claimReview":
[{"publisher": {"name", "site"}, "url", "title", "reviewDate", "textualRating",
"languageCode"}]}], "nextPageToken"}``, and ``{}`` when nothing matches, as the real API does).
It checks the request like Google does: an API key (``key=`` or ``X-Goog-Api-Key``), a non-empty
``query``, an integer ``pageSize``; errors come in Google's JSON error format.

Matching: a claim matches when most of the query's words (4+ letters) occur in its text or in
one of its reviews' titles.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

from tests.fakes.server import FakeRequest, Reply, json_reply

PATH = "/v1alpha1/claims:search"
_WORD = re.compile(r"\w+", re.UNICODE)


def google_error(code: int, message: str, status: str) -> Reply:
    return json_reply({"error": {"code": code, "message": message, "status": status}}, code)


class FakeFactCheck:
    def __init__(self, claims: Iterable[dict[str, Any]], *, api_key: str = "test-key") -> None:
        self.claims = list(claims)
        self.api_key = api_key
        self.queries: list[str] = []
        self.keys_in_url: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, request: FakeRequest) -> Reply:
        if request.method != "GET":
            return google_error(405, "Method not allowed.", "INVALID_ARGUMENT")
        key = request.headers.get("x-goog-api-key") or request.param("key")
        if "key" in request.query:
            with self._lock:
                self.keys_in_url.append(request.param("key"))
        if not key:
            return google_error(
                403,
                "Method doesn't allow unregistered callers (callers without established "
                "identity). Please use API Key or other form of API consumer identity to call "
                "this API.",
                "PERMISSION_DENIED",
            )
        if key != self.api_key:
            return google_error(
                400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT"
            )
        known = {"query", "languageCode", "reviewPublisherSiteFilter", "maxAgeDays", "pageSize",
                 "pageToken", "offset", "key"}  # fmt: skip
        unknown = sorted(set(request.query) - known)
        if unknown:
            return google_error(
                400,
                f'Invalid JSON payload received. Unknown name "{unknown[0]}"',
                "INVALID_ARGUMENT",
            )
        query = request.param("query")
        if not query and not request.param("reviewPublisherSiteFilter"):
            return google_error(400, "Request contains an invalid argument.", "INVALID_ARGUMENT")
        size_text = request.param("pageSize", "10")
        if not size_text.isdigit():
            return google_error(
                400,
                f"Invalid value at 'page_size' (TYPE_INT32), \"{size_text}\"",
                "INVALID_ARGUMENT",
            )
        with self._lock:
            self.queries.append(query)
        language = request.param("languageCode")
        terms = {t.lower() for t in _WORD.findall(query) if len(t) >= 4}
        found = [c for c in self.claims if _matches(c, terms, language)]
        size = int(size_text) or 10
        data: dict[str, Any] = {}
        if found:
            data["claims"] = found[:size]
        if len(found) > size:
            data["nextPageToken"] = "CAo"
        return json_reply(data)


def _matches(claim: dict[str, Any], terms: set[str], language: str) -> bool:
    if not terms:
        return False
    reviews = claim.get("claimReview", [])
    if language and not any(r.get("languageCode", language) == language for r in reviews):
        return False
    haystack = " ".join([claim.get("text", ""), *(r.get("title", "") for r in reviews)])
    words = {w.lower() for w in _WORD.findall(haystack)}
    return len(terms & words) * 2 > len(terms)


def review(
    url: str,
    *,
    publisher: str,
    site: str,
    rating: str,
    title: str,
    date: str = "2025-09-30T00:00:00Z",
    language: str = "en",
) -> dict[str, Any]:
    return {
        "publisher": {"name": publisher, "site": site},
        "url": url,
        "title": title,
        "reviewDate": date,
        "textualRating": rating,
        "languageCode": language,
    }


def seed_claims() -> list[dict[str, Any]]:
    """Earlier fact-checks about the seed article's subjects (invented, in the real shape)."""
    return [
        {
            "text": "Cuba was the first country in the Western Hemisphere to establish "
            "diplomatic relations with the People's Republic of China, in 1960.",
            "claimant": "Cuban Foreign Ministry",
            "claimDate": "2025-09-28T00:00:00Z",
            "claimReview": [
                review(
                    "https://factcheck.example.org/2025/09/cuba-china-1960",
                    publisher="Example Fact Check",
                    site="factcheck.example.org",
                    rating="True",
                    title="Yes, Cuba recognised the People's Republic of China in September 1960",
                ),
                review(
                    "https://verify.example.net/cuba-china-diplomatic-ties",
                    publisher="Verify Desk",
                    site="verify.example.net",
                    rating="Mostly true",
                    title="Cuba and China: diplomatic ties since 28 September 1960",
                    date="2025-10-02T09:30:00Z",
                ),
            ],
        },
        {
            "text": "Xi Jinping and Miguel Diaz-Canel never met in 2025.",
            "claimant": "social media posts",
            "claimDate": "2025-06-01T00:00:00Z",
            "claimReview": [
                review(
                    "https://factcheck.example.org/2025/06/xi-diaz-canel-meeting",
                    publisher="Example Fact Check",
                    site="factcheck.example.org",
                    rating="False",
                    title="Xi Jinping and Miguel Diaz-Canel met in Beijing in May 2025",
                    date="2025-06-03T00:00:00Z",
                )
            ],
        },
    ]
