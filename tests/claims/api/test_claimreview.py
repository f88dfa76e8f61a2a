"""ClaimReview through the API: a seed claim reviewed, published as true, and its JSON-LD; the feed
of published verdicts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim
from claims.services import article_ingest, claim_update
from tests.factories import ArticleFactory, ClaimFactory

RELATIONS = (
    "Cuba was the first country in the Western Hemisphere to establish diplomatic ties with "
    "China, in 1960"
)
ARTICLE_URL = "https://www.example-news.org/2025/china-cuba-ties"
ARTICLE_TITLE = "China and Cuba Strengthen Ties Amid U.S. Tensions"
ARTICLE_DATE = datetime.datetime(2025, 5, 20, 9, 30, tzinfo=datetime.UTC)
FEED = "/api/v1/claimreviews/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def detail(claim: Claim, name: str = "detail") -> str:
    return reverse(f"api:claim-{name}", kwargs={"code": claim.code})


def publish(client: APIClient, claim: Claim, verdict: str) -> dict:
    """unreviewed -> in_progress -> in_review -> published with `verdict`, through the API. In
    progress, the reviewer words the claim so it stands alone (the issue's wording)."""
    version = client.get(detail(claim)).json()["version"]
    steps = [
        {"status": "in_progress"},
        {"text": RELATIONS},
        {"status": "in_review", "verdict": verdict, "rationale": "Confirmed by the archives."},
        {"status": "published"},
    ]
    body: dict = {}
    for step in steps:
        response = client.patch(detail(claim), {"version": version, **step}, format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        version = body["version"]
    return body


@pytest.fixture
def seed_claim(team, owner, seed_text, django_capture_on_commit_callbacks):
    team.website = "https://desk-a.example.org"
    team.save()
    with django_capture_on_commit_callbacks(execute=True):
        article = article_ingest(
            team=team,
            body=seed_text,
            url=ARTICLE_URL,
            outlet="Example News",
            published_at=ARTICLE_DATE,
            created_by=owner,
        ).article
    # The extractor keeps the article's sentence; the reviewer rewords it (see publish()).
    (claim,) = [
        c
        for c in Claim.objects.filter(article=article)
        if "first country in the Western Hemisphere to establish diplomatic ties with China"
        in c.text
    ]
    return claim


@pytest.mark.django_db
class SeedClaimReviewTests:
    def test_published_true_claim_as_claimreview(self, editor, seed_claim):
        client = client_for(editor)
        published = publish(client, seed_claim, "true")
        assert published["status"] == "published"
        assert published["reviewed_by"] == "bob"

        response = client.get(detail(seed_claim, "claimreview"))

        assert response.status_code == 200
        review = response.json()
        seed_claim.refresh_from_db()
        assert seed_claim.published_at is not None
        self_url = f"http://testserver{detail(seed_claim, 'claimreview')}"
        assert review == {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": RELATIONS,
            "datePublished": timezone.localdate(seed_claim.published_at).isoformat(),
            "url": self_url,
            "author": {
                "@type": "Organization",
                "name": "Desk A",
                "url": "https://desk-a.example.org",
            },
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": 5,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": "True",
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Organization", "name": "Example News"},
                "datePublished": "2025-05-20",
                "appearance": [
                    {"@type": "CreativeWork", "url": ARTICLE_URL, "headline": ARTICLE_TITLE}
                ],
            },
        }
        # Nothing internal leaks: not the rationale, the reviewer or the suggestion.
        text = response.content.decode()
        for secret in ("Confirmed by the archives", "bob", "suggestion", "rationale"):
            assert secret not in text

    def test_the_desks_own_review_url_wins(self, editor, seed_claim):
        client = client_for(editor)
        publish(client, seed_claim, "true")
        version = client.get(detail(seed_claim)).json()["version"]
        response = client.patch(
            detail(seed_claim),
            {"version": version, "review_url": "https://desk-a.example.org/checks/cuba-1960"},
            format="json",
        )
        assert response.status_code == 200
        review = client.get(detail(seed_claim, "claimreview")).json()
        assert review["url"] == "https://desk-a.example.org/checks/cuba-1960"

    def test_back_in_review_it_is_gone(self, editor, seed_claim):
        client = client_for(editor)
        body = publish(client, seed_claim, "true")
        response = client.patch(
            detail(seed_claim), {"version": body["version"], "status": "in_review"}, format="json"
        )
        assert response.status_code == 200
        response = client.get(detail(seed_claim, "claimreview"))
        assert response.status_code == 404
        assert response.json()["code"] == "not_published"

    @pytest.mark.parametrize("role", ["owner", "viewer"])
    def test_members_read_it_outsiders_do_not(
        self, role, owner, viewer, editor, outsider, seed_claim
    ):
        publish(client_for(editor), seed_claim, "true")
        user = {"owner": owner, "viewer": viewer}[role]
        assert client_for(user).get(detail(seed_claim, "claimreview")).status_code == 200
        response = client_for(outsider).get(detail(seed_claim, "claimreview"))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_feed_has_it_and_not_the_unpublished_claims(self, editor, seed_claim):
        client = client_for(editor)
        publish(client, seed_claim, "true")
        unpublished = Claim.objects.filter(article=seed_claim.article).exclude(pk=seed_claim.pk)
        assert unpublished.exists()

        response = client.get(FEED)

        assert response.status_code == 200
        items = response.json()["results"]
        assert [item["claimReviewed"] for item in items] == [RELATIONS]
        assert items[0] == client.get(detail(seed_claim, "claimreview")).json()
        text = response.content.decode()
        for claim in unpublished:
            assert claim.text not in text


def published_claim(team, reviewer, *, verdict="false", when=None, **kwargs) -> Claim:
    kwargs.setdefault("article", ArticleFactory(team=team))
    claim = ClaimFactory(**kwargs)
    for step in ("in_progress", "in_review"):
        claim = claim_update(
            claim=claim,
            by=reviewer,
            version=claim.version,
            data={"status": step, **({"verdict": verdict} if step == "in_review" else {})},
        )
    claim = claim_update(
        claim=claim, by=reviewer, version=claim.version, data={"status": "published"}
    )
    if when is not None:
        Claim.objects.filter(pk=claim.pk).update(published_at=when)
        claim.refresh_from_db()
    return claim


@pytest.mark.django_db
class ClaimReviewFeedTests:
    def test_only_the_callers_teams_and_only_published(
        self, team, other_team, editor, viewer, outsider
    ):
        ours = published_claim(team, editor, verdict="mostly_false")
        ClaimFactory(article__team=team)  # unpublished
        theirs = published_claim(other_team, outsider, verdict="true")

        for user, expected in ((editor, ours), (viewer, ours), (outsider, theirs)):
            items = client_for(user).get(FEED).json()["results"]
            assert [item["claimReviewed"] for item in items] == [expected.text]

    def test_newest_publication_first_in_cursor_pages(self, team, editor):
        now = timezone.now()
        claims = [
            published_claim(team, editor, when=now - datetime.timedelta(days=days))
            for days in (3, 1, 2, 5, 4)
        ]
        client = client_for(editor)
        seen: list[str] = []
        url = f"{FEED}?page_size=2"
        while url:
            body = client.get(url).json()
            seen += [item["claimReviewed"] for item in body["results"]]
            url = body["next"]
        expected = sorted(claims, key=lambda c: c.published_at, reverse=True)
        assert seen == [c.text for c in expected]

    def test_team_filter(self, team, other_team, editor, outsider):
        ours = published_claim(team, editor)
        published_claim(other_team, outsider)
        client = client_for(editor)
        items = client.get(f"{FEED}?team={team.code}").json()["results"]
        assert [item["claimReviewed"] for item in items] == [ours.text]
        # Another team's code gives nothing, never that team's verdicts.
        response = client.get(f"{FEED}?team={other_team.code}")
        assert response.status_code == 200
        assert response.json()["results"] == []

    @pytest.mark.parametrize(
        ("query", "field"), [("team=desk-a", "team"), ("cursor=garbage", "cursor")]
    )
    def test_bad_parameters_are_400(self, team, editor, query, field):
        published_claim(team, editor)
        response = client_for(editor).get(f"{FEED}?{query}")
        assert response.status_code == 400
        assert field in response.json()["fields"]

    def test_unverifiable_has_no_rating_value(self, team, editor):
        published_claim(team, editor, verdict="unverifiable")
        (item,) = client_for(editor).get(FEED).json()["results"]
        assert item["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}

    def test_needs_credentials(self):
        assert APIClient().get(FEED).status_code == 401

    @pytest.mark.parametrize("n", [2, 20])
    def test_fixed_number_of_queries(self, team, editor, n):
        for _ in range(n):
            published_claim(team, editor, article=ArticleFactory(team=team, url=""))
        client = client_for(editor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{FEED}?page_size={n}")
        assert len(response.json()["results"]) == n
        # The session, the user, the page (claims with their team and article joined).
        assert len(queries) == 3, [q["sql"] for q in queries]
