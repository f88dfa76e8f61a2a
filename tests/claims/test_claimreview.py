"""claims.claimreview: ClaimReview JSON-LD from plain values (no database)."""

from __future__ import annotations

import ast
import dataclasses
import datetime
from pathlib import Path

import pytest

from claims import claimreview
from claims.claimreview import ClaimReviewError, ClaimReviewInput, claim_review, rating_value


def review_input(**changes) -> ClaimReviewInput:
    base = ClaimReviewInput(
        claim_text="Cuba was the first country in the Western Hemisphere to recognise China.",
        verdict="mostly_true",
        verdict_label="Mostly true",
        published_on=datetime.date(2025, 6, 2),
        review_url="https://desk.example.org/checks/1",
        team_name="Desk A",
        team_website="https://desk.example.org",
        article_url="https://www.news.example.com/a/1",
        article_title="China and Cuba",
        article_outlet="Example News",
        appeared_on=datetime.date(2025, 5, 20),
    )
    return dataclasses.replace(base, **changes)


class ClaimReviewTests:
    def test_every_field(self):
        assert claim_review(review_input()) == {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": (
                "Cuba was the first country in the Western Hemisphere to recognise China."
            ),
            "datePublished": "2025-06-02",
            "url": "https://desk.example.org/checks/1",
            "author": {
                "@type": "Organization",
                "name": "Desk A",
                "url": "https://desk.example.org",
            },
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": 4,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": "Mostly true",
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Organization", "name": "Example News"},
                "datePublished": "2025-05-20",
                "appearance": [
                    {
                        "@type": "CreativeWork",
                        "url": "https://www.news.example.com/a/1",
                        "headline": "China and Cuba",
                    }
                ],
            },
        }

    @pytest.mark.parametrize(
        ("verdict", "value"),
        [
            ("false", 1),
            ("mostly_false", 2),
            ("misleading", 2),
            ("mixed", 3),
            ("mostly_true", 4),
            ("true", 5),
        ],
    )
    def test_rating_scale(self, verdict, value):
        rating = claim_review(review_input(verdict=verdict, verdict_label="x"))["reviewRating"]
        assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (value, 5, 1)
        assert rating_value(verdict) == value

    def test_unverifiable_is_a_label_without_a_value(self):
        rating = claim_review(review_input(verdict="unverifiable", verdict_label="Unverifiable"))[
            "reviewRating"
        ]
        assert rating == {"@type": "Rating", "alternateName": "Unverifiable"}

    @pytest.mark.parametrize("verdict", ["", "probably", "TRUE"])
    def test_no_or_unknown_verdict_is_refused(self, verdict):
        with pytest.raises(ClaimReviewError):
            claim_review(review_input(verdict=verdict))

    def test_claimant_falls_back_to_the_host(self):
        item = claim_review(review_input(article_outlet=""))["itemReviewed"]
        assert item["author"] == {"@type": "Organization", "name": "news.example.com"}

    def test_unknown_parts_are_left_out(self):
        review = claim_review(
            review_input(
                team_website="",
                article_outlet="",
                article_url="",
                article_title="",
                appeared_on=None,
            )
        )
        assert review["author"] == {"@type": "Organization", "name": "Desk A"}
        assert review["itemReviewed"] == {"@type": "Claim"}

    def test_appearance_without_a_title(self):
        item = claim_review(review_input(article_title=""))["itemReviewed"]
        assert item["appearance"] == [
            {"@type": "CreativeWork", "url": "https://www.news.example.com/a/1"}
        ]

    def test_module_imports_no_django(self):
        tree = ast.parse(Path(claimreview.__file__).read_text(encoding="utf-8"))
        imported = {
            name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for name in (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
        }
        assert imported <= {"__future__", "dataclasses", "datetime", "typing", "urllib"}
