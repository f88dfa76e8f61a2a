"""schema.org ClaimReview JSON-LD for a published verdict. Pure Python: no Django, no database.

The Django layer (claims.apis.claims) reads the claim, its article and its team, builds a
`ClaimReviewInput` and calls `claim_review()`. Only public facts go in: the claim's wording, the
verdict, the dates, the desk and where the claim appeared. The rationale, the reviewers and every
internal field stay out.

Follows schema.org/ClaimReview and Google's ClaimReview guidance
(https://developers.google.com/search/docs/appearance/structured-data/factcheck).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

SCHEMA_CONTEXT = "https://schema.org"
BEST_RATING = 5
WORST_RATING = 1

# The verdict scale as a 1 (worst) to 5 (best) rating. "misleading" is rated like "mostly false".
# "unverifiable" has no place on the scale: its rating carries the label alone (alternateName),
# no ratingValue, bestRating or worstRating, as Google's guidance allows for a textual rating.
RATING_VALUES: dict[str, int] = {
    "false": 1,
    "mostly_false": 2,
    "misleading": 2,
    "mixed": 3,
    "mostly_true": 4,
    "true": 5,
}
UNRATED_VERDICTS = frozenset({"unverifiable"})


class ClaimReviewError(ValueError):
    """The input cannot make a ClaimReview (no verdict, or a verdict this module does not know)."""


@dataclass(frozen=True)
class ClaimReviewInput:
    """What a ClaimReview says, already resolved to plain values.

    `verdict` is the verdict's value ("mostly_true"), `verdict_label` its label ("Mostly true").
    `review_url` is the desk's page for the fact-check, or the workbench's own address for it.
    `appeared_on` is the date the claim first appeared (the article's publication date), if known.
    """

    claim_text: str
    verdict: str
    verdict_label: str
    published_on: date
    review_url: str
    team_name: str
    team_website: str = ""
    article_url: str = ""
    article_title: str = ""
    article_outlet: str = ""
    appeared_on: date | None = None


def rating_value(verdict: str) -> int | None:
    """The 1..5 rating of a verdict; None for "unverifiable". Raises for an unknown verdict."""
    if verdict in UNRATED_VERDICTS:
        return None
    try:
        return RATING_VALUES[verdict]
    except KeyError:
        raise ClaimReviewError(f"No ClaimReview rating for the verdict {verdict!r}.") from None


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def claim_review(data: ClaimReviewInput) -> dict[str, Any]:
    """The ClaimReview JSON-LD object (a dict ready for json.dumps).

    ``reviewRating`` has ``ratingValue`` (1..5), ``bestRating`` 5 and ``worstRating`` 1 for every
    verdict on the scale, and ``alternateName`` (the verdict's label) always. An "unverifiable"
    verdict has no place on the scale, so its rating is the label alone: no ``ratingValue``,
    ``bestRating`` or ``worstRating``.

    ``itemReviewed`` is the Claim: its author is the outlet that published the article (or the
    host of the article's URL when the outlet is not recorded; omitted when neither is known), its
    ``datePublished`` the date it appeared (omitted when unknown), its ``appearance`` the article
    (omitted when the article has no URL).
    """
    if not data.verdict:
        raise ClaimReviewError("An unrated claim has no ClaimReview.")
    value = rating_value(data.verdict)
    rating: dict[str, Any] = {"@type": "Rating"}
    if value is not None:
        rating.update(
            {"ratingValue": value, "bestRating": BEST_RATING, "worstRating": WORST_RATING}
        )
    rating["alternateName"] = data.verdict_label

    author: dict[str, Any] = {"@type": "Organization", "name": data.team_name}
    if data.team_website:
        author["url"] = data.team_website

    item: dict[str, Any] = {"@type": "Claim"}
    claimant = data.article_outlet.strip() or _host(data.article_url)
    if claimant:
        item["author"] = {"@type": "Organization", "name": claimant}
    if data.appeared_on is not None:
        item["datePublished"] = data.appeared_on.isoformat()
    if data.article_url:
        appearance: dict[str, Any] = {"@type": "CreativeWork", "url": data.article_url}
        if data.article_title:
            appearance["headline"] = data.article_title
        item["appearance"] = [appearance]

    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": data.claim_text,
        "datePublished": data.published_on.isoformat(),
        "url": data.review_url,
        "author": author,
        "reviewRating": rating,
        "itemReviewed": item,
    }
