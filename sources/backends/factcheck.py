"""Google Fact Check Tools: earlier fact-checks of the same claim, with the reviewer's rating.

``GET https://factchecktools.googleapis.com/v1alpha1/claims:search?query=...&languageCode=en
&pageSize=N``. The API key travels in the ``X-Goog-Api-Key`` header, which Google APIs accept in
place of the ``key=`` parameter: so it is never part of a URL, and therefore never in a cache key,
a log line or an error message. Without a key the backend is switched off (NotConfiguredError).

One Candidate per ClaimReview; each has only a statement ("Claim (by X, 2024-01-02): "..." — rated
"False" by PolitiFact."), so ``passage`` is set and ``text`` is empty.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .base import Candidate, ClaimQuery, NotConfiguredError, PermanentError
from .wikipedia import search_queries

if TYPE_CHECKING:
    from .http import HttpClient

DEFAULT_API_URL = "https://factchecktools.googleapis.com/v1alpha1/claims:search"
NOT_CONFIGURED = "factcheck: FACTCHECK_TOOLS_API_KEY is not set"
_MAX_QUERY_CHARS = 300


class FactCheckBackend:
    """``claims:search`` for the claim's wording, then (if nothing) for its key terms."""

    name = "factcheck"

    def __init__(
        self,
        client: HttpClient,
        *,
        api_key: str,
        api_url: str = DEFAULT_API_URL,
        language: str = "en",
        page_size: int = 10,
        max_age_days: int | None = None,
    ) -> None:
        if not api_key or not api_key.strip():
            raise NotConfiguredError(NOT_CONFIGURED)
        self.client = client
        self._api_key = api_key.strip()
        self.api_url = api_url
        self.language = language
        self.page_size = max(1, min(page_size, 100))
        self.max_age_days = max_age_days

    def __repr__(self) -> str:  # never show the key
        return f"FactCheckBackend(api_url={self.api_url!r}, language={self.language!r})"

    def search(self, query: ClaimQuery) -> list[Candidate]:
        wording = " ".join(query.text.split())[:_MAX_QUERY_CHARS]
        tried: list[str] = []
        for text in [wording, *search_queries(query)[:1]]:
            if not text or text in tried:
                continue
            tried.append(text)
            candidates = self._search(text)
            if candidates:
                return candidates
        return []

    def _search(self, text: str) -> list[Candidate]:
        params = {"query": text, "languageCode": self.language, "pageSize": str(self.page_size)}
        if self.max_age_days is not None:
            params["maxAgeDays"] = str(self.max_age_days)
        payload = self.client.get_json(
            self.api_url,
            params=params,
            backend=self.name,
            headers={"X-Goog-Api-Key": self._api_key},
        )
        return parse_claims(payload)


def parse_claims(payload: Any) -> list[Candidate]:
    """Candidates from a ``claims:search`` reply; ``{}`` (no results) gives ``[]``."""
    if not isinstance(payload, dict):
        raise PermanentError("factcheck: unexpected payload: not an object")
    claims = payload.get("claims", [])
    if not isinstance(claims, list):
        raise PermanentError("factcheck: unexpected payload: claims is not a list")
    out: list[Candidate] = []
    for claim in claims:
        if not isinstance(claim, dict):
            raise PermanentError("factcheck: unexpected payload: claim is not an object")
        reviews = claim.get("claimReview") or []
        if not isinstance(reviews, list):
            raise PermanentError("factcheck: unexpected payload: claimReview is not a list")
        claim_text = _one_line(claim.get("text"))
        claimant = _one_line(claim.get("claimant"))
        claim_date = _one_line(claim.get("claimDate"))[:10]
        for review in reviews:
            if not isinstance(review, dict):
                raise PermanentError("factcheck: unexpected payload: claimReview is not an object")
            url = _one_line(review.get("url"))
            if not re.match(r"https?://", url):
                continue  # a review without a link cannot become a source
            publisher_obj = review.get("publisher")
            publisher_obj = publisher_obj if isinstance(publisher_obj, dict) else {}
            publisher = _one_line(publisher_obj.get("name")) or _one_line(publisher_obj.get("site"))
            rating = _one_line(review.get("textualRating"))
            review_date = _one_line(review.get("reviewDate"))[:10]
            out.append(
                Candidate(
                    url=url,
                    title=_one_line(review.get("title")) or claim_text[:200],
                    passage=_passage(claim_text, claimant, claim_date, rating, publisher),
                    score=0.0,
                    publisher=publisher,
                    kind="fact_check",
                    published=review_date,
                    rating=rating,
                    extra={
                        "claimant": claimant,
                        "claim_text": claim_text,
                        "claim_date": claim_date,
                        "review_date": review_date,
                        "site": _one_line(publisher_obj.get("site")),
                        "language": _one_line(review.get("languageCode")),
                    },
                )
            )
    # The API's order is its relevance: first is best.
    return [replace(candidate, score=float(len(out) - i)) for i, candidate in enumerate(out)]


def _passage(text: str, claimant: str, date: str, rating: str, publisher: str) -> str:
    """'Claim (by CLAIMANT, 2024-01-02): "TEXT" — rated "False" by PolitiFact.'"""
    source = ", ".join(part for part in (f"by {claimant}" if claimant else "", date) if part)
    head = f"Claim ({source})" if source else "Claim"
    out = f'{head}: "{text}"' if text else head
    if rating:
        out += f' \u2014 rated "{rating}"'
        if publisher:
            out += f" by {publisher}"
    elif publisher:
        out += f" \u2014 reviewed by {publisher}"
    return out + "."


def _one_line(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""
