"""The claims API: the queue, a claim, its review with the version, comments, history, lookups."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIClient

from claims.apis.claims import ClaimOutputSerializer
from claims.models import Claim, ClaimChange, Comment
from claims.selectors import claim_list
from claims.services import claim_update, comment_create
from sources.models import LookupRun
from tests.factories import ArticleFactory, ClaimFactory
from workbench.services import token_create

CLAIM_KEYS = {
    "id",
    "team",
    "article",
    "article_title",
    "text",
    "sentence",
    "start",
    "end",
    "spans",
    "claim_type",
    "checkworthiness",
    "entities",
    "values",
    "ambiguous",
    "replacements",
    "findings",
    "status",
    "verdict",
    "rationale",
    "review_url",
    "suggestion",
    "assignee",
    "reviewed_by",
    "published_at",
    "version",
    "created_at",
    "updated_at",
}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def token_client(user) -> APIClient:
    """A client sending `user`'s API token."""
    new = token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.key}")
    return client


def detail(claim: Claim, name: str = "detail") -> str:
    return reverse(f"api:claim-{name}", kwargs={"code": claim.code})


LIST = "/api/v1/claims/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def claim(team):
    return ClaimFactory(article__team=team, article__title="Cuba and China")


@pytest.fixture
def roles(owner, editor, viewer, outsider):
    return {"owner": owner, "editor": editor, "viewer": viewer, "outsider": outsider}


@pytest.mark.django_db
class ClaimListTests:
    @pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
    def test_members_see_their_teams_claims(self, role, roles, claim, other_team):
        ClaimFactory(article__team=other_team)
        response = token_client(roles[role]).get(LIST)
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [str(claim.code)]

    def test_an_outsider_sees_none_of_them(self, roles, claim, other_team):
        theirs = ClaimFactory(article__team=other_team)
        response = token_client(roles["outsider"]).get(LIST)
        assert [row["id"] for row in response.json()["results"]] == [str(theirs.code)]
        assert str(claim.code) not in response.content.decode()

    def test_needs_credentials(self, claim):
        response = APIClient().get(LIST)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_shape_of_a_claim(self, editor, claim):
        claim_update(claim=claim, by=editor, version=1, data={"assignee": editor})
        (row,) = client_for(editor).get(LIST).json()["results"]
        assert set(row) == CLAIM_KEYS
        assert row["team"] == str(claim.team.code)
        assert row["article"] == str(claim.article.code)
        assert row["article_title"] == "Cuba and China"
        assert row["assignee"] == "bob"
        assert row["reviewed_by"] is None
        assert row["version"] == 2
        assert row["suggestion"] == {"value": "", "confidence": None, "reason": ""}

    @pytest.mark.parametrize(
        ("value", "confidence", "shown"),
        [("supported", 0.8, 0.8), ("contradicted", 0.6, 0.6), ("inconclusive", 0.3, None)],
    )
    def test_suggestion_confidence_only_for_a_judgement(
        self, editor, team, value, confidence, shown
    ):
        claim = ClaimFactory(
            article__team=team,
            suggestion=value,
            suggestion_confidence=confidence,
            suggestion_reason="passage says 1960",
        )
        response = client_for(editor).get(detail(claim))
        assert response.json()["suggestion"] == {
            "value": value,
            "confidence": shown,
            "reason": "passage says 1960",
        }

    def test_newest_first_in_cursor_pages(self, editor, team):
        article = ArticleFactory(team=team)
        claims = [ClaimFactory(article=article) for _ in range(5)]
        client = client_for(editor)
        seen = []
        url = f"{LIST}?page_size=2"
        while url:
            body = client.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        expected = sorted(claims, key=lambda c: (c.created_at, c.id), reverse=True)
        assert seen == [str(c.code) for c in expected]

    def test_filters(self, editor, owner, team, other_team):
        article = ArticleFactory(team=team)
        low = ClaimFactory(
            article=article, checkworthiness=0.2, text="Low claim about 1960.", suggestion=""
        )
        high = ClaimFactory(
            article=article, checkworthiness=0.9, claim_type="quantity", suggestion="supported"
        )
        elsewhere = ClaimFactory(article__team=team, checkworthiness=0.5)
        claim_update(
            claim=high, by=editor, version=1, data={"status": "in_progress", "assignee": editor}
        )
        claim_update(claim=elsewhere, by=owner, version=1, data={"assignee": owner})
        ClaimFactory(article__team=other_team, checkworthiness=0.9)
        client = client_for(editor)

        def ids(query: str) -> set[str]:
            response = client.get(f"{LIST}?{query}")
            assert response.status_code == 200, response.json()
            return {row["id"] for row in response.json()["results"]}

        def codes(*claims: Claim) -> set[str]:
            return {str(c.code) for c in claims}

        assert ids(f"team={team.code}") == codes(low, high, elsewhere)
        assert ids(f"team={other_team.code}") == set()
        assert ids(f"article={article.code}") == codes(low, high)
        assert ids("status=in_progress") == codes(high)
        assert ids("status=unreviewed&status=in_progress") == codes(low, high, elsewhere)
        assert ids("claim_type=quantity") == codes(high)
        assert ids("assignee=bob") == codes(high)
        assert ids("assignee=me") == codes(high)
        assert ids("assignee=alice") == codes(elsewhere)
        assert ids("unassigned=true") == codes(low)
        assert ids("unassigned=false") == codes(high, elsewhere)
        assert ids("checkworthiness_min=0.5") == codes(high, elsewhere)
        assert ids("checkworthiness_min=0.3&checkworthiness_max=0.6") == codes(elsewhere)
        assert ids("q=low%20CLAIM") == codes(low)
        assert ids("suggestion=supported") == codes(high)
        assert ids("verdict=true") == set()

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("checkworthiness_min=abc", "checkworthiness_min"),
            ("checkworthiness_max=1.5", "checkworthiness_max"),
            ("checkworthiness_min=-0.1", "checkworthiness_min"),
            ("status=lost", "status"),
            ("verdict=maybe", "verdict"),
            ("team=not-a-uuid", "team"),
            ("unassigned=perhaps", "unassigned"),
        ],
    )
    def test_invalid_filter_values_are_400_per_field(self, editor, claim, query, field):
        response = client_for(editor).get(f"{LIST}?{query}")
        assert response.status_code == 400
        body = response.json()
        assert list(body["fields"]) == [field]
        assert body["detail"].startswith(f"{field}: ")

    # Not base64; base64 of "p=not-a-date" (a position that is not a created_at).
    @pytest.mark.parametrize("cursor", ["garbage", "cD1ub3QtYS1kYXRl"])
    def test_bad_cursor_is_400(self, editor, claim, cursor):
        response = client_for(editor).get(f"{LIST}?cursor={cursor}")
        assert response.status_code == 400
        assert "cursor" in response.json()["fields"]

    @pytest.mark.parametrize("n", [2, 20])
    def test_a_page_costs_a_fixed_number_of_queries(self, editor, owner, team, n):
        for i in range(n):
            claim = ClaimFactory(article=ArticleFactory(team=team), assignee=editor)
            if i % 2:
                claim_update(claim=claim, by=owner, version=1, data={"status": "in_progress"})
        client = client_for(editor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                f"{LIST}?page_size={n}&status=unreviewed&status=in_progress&team={team.code}"
            )
        assert len(response.json()["results"]) == n
        # The session, the user, the page (claims with team, article, assignee and reviewer
        # joined; team scoping is a subquery).
        assert len(queries) == 3, [q["sql"] for q in queries]
        # No SELECT DISTINCT over every column (django-filter's default for multiple choices):
        # it turned the queue query into a sort of the whole table (bench/api.py).
        assert "DISTINCT" not in queries[-1]["sql"].upper()

    @pytest.mark.parametrize("method", ["post", "put", "delete"])
    def test_no_create_replace_or_delete(self, editor, claim, method):
        client = client_for(editor)
        url = LIST if method == "post" else detail(claim)
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 405
        assert Claim.objects.filter(pk=claim.pk).exists()


@pytest.mark.django_db
class ClaimRetrieveTests:
    @pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
    def test_members_read_a_claim(self, role, roles, claim):
        response = token_client(roles[role]).get(detail(claim))
        assert response.status_code == 200
        assert response.json()["id"] == str(claim.code)

    def test_another_teams_claim_is_not_found(self, outsider, claim):
        response = token_client(outsider).get(detail(claim))
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}

    def test_a_non_uuid_is_a_json_404(self, editor):
        response = client_for(editor).get(f"{LIST}not-a-uuid/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
class ClaimUpdateTests:
    def test_editor_moves_a_claim_on(self, editor, claim):
        response = client_for(editor).patch(
            detail(claim),
            {"version": 1, "status": "in_progress", "assignee": "bob", "rationale": "Checking."},
            format="json",
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["status"], body["assignee"], body["rationale"], body["version"]) == (
            "in_progress",
            "bob",
            "Checking.",
            2,
        )
        claim.refresh_from_db()
        assert (claim.status, claim.assignee, claim.version) == ("in_progress", editor, 2)
        assert set(claim.changes.values_list("field", flat=True)) == {
            "status",
            "assignee",
            "rationale",
        }

    def test_owner_may_too_and_unassign(self, owner, editor, claim):
        claim_update(claim=claim, by=owner, version=1, data={"assignee": editor})
        response = token_client(owner).patch(
            detail(claim), {"version": 2, "assignee": None}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["assignee"] is None

    def test_a_stale_version_is_409_with_the_claim_now_and_nothing_written(
        self, editor, owner, claim
    ):
        first = client_for(editor).patch(
            detail(claim), {"version": 1, "status": "in_progress"}, format="json"
        )
        assert first.status_code == 200
        history = ClaimChange.objects.filter(claim=claim).count()

        second = client_for(owner).patch(
            detail(claim),
            {"version": 1, "status": "dismissed", "rationale": "Opinion."},
            format="json",
        )

        assert second.status_code == 409
        body = second.json()
        assert body["code"] == "conflict"
        assert body["your_version"] == 1
        assert "not saved" in body["detail"]
        current = client_for(owner).get(detail(claim)).json()
        assert body["current"] == current
        assert set(body["current"]) == CLAIM_KEYS
        assert (body["current"]["status"], body["current"]["version"]) == ("in_progress", 2)
        claim.refresh_from_db()
        assert (claim.status, claim.rationale, claim.version) == ("in_progress", "", 2)
        assert ClaimChange.objects.filter(claim=claim).count() == history

    def test_an_invalid_transition_is_409(self, editor, claim):
        response = client_for(editor).patch(
            detail(claim), {"version": 1, "status": "published", "verdict": "true"}, format="json"
        )
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "invalid_transition"
        assert (body["from"], body["to"]) == ("unreviewed", "published")
        claim.refresh_from_db()
        assert (claim.status, claim.verdict, claim.version) == ("unreviewed", "", 1)

    def test_a_viewer_cannot_change_a_claim(self, viewer, claim):
        response = token_client(viewer).patch(
            detail(claim), {"version": 1, "status": "in_progress"}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        claim.refresh_from_db()
        assert claim.status == "unreviewed"

    def test_an_outsider_gets_404(self, outsider, claim):
        response = token_client(outsider).patch(
            detail(claim), {"version": 1, "status": "in_progress"}, format="json"
        )
        assert response.status_code == 404
        claim.refresh_from_db()
        assert claim.status == "unreviewed"

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"version": 1, "team": "x"}, "team"),
            ({"version": 1, "published_at": "2025-01-01T00:00:00Z"}, "published_at"),
            ({"version": 1, "statuss": "in_progress"}, "statuss"),
            ({"version": "x", "status": "in_progress"}, "version"),
            ({"version": 0, "status": "in_progress"}, "version"),
            ({"status": "in_progress"}, "version"),
            ({"version": 1, "status": "lost"}, "status"),
            ({"version": 1, "verdict": 5}, "verdict"),
            ({"version": 1, "review_url": "not a url"}, "review_url"),
            ({"version": 1, "assignee": ["bob"]}, "assignee"),
        ],
    )
    def test_bad_input_is_400_and_writes_nothing(self, editor, claim, payload, field):
        response = client_for(editor).patch(detail(claim), payload, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]
        claim.refresh_from_db()
        assert claim.version == 1

    def test_a_body_that_is_not_an_object_is_400(self, editor, claim):
        response = client_for(editor).patch(detail(claim), [1, 2], format="json")
        assert response.status_code == 400

    def test_invalid_json_is_400(self, editor, claim):
        response = client_for(editor).patch(
            detail(claim), b"{version: 1", content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"

    @override_settings(API_MAX_BODY_BYTES=1000)
    def test_a_huge_body_is_413(self, editor, claim):
        response = client_for(editor).patch(
            detail(claim), {"version": 1, "rationale": "x" * 2000}, format="json"
        )
        assert response.status_code == 413

    @pytest.mark.parametrize("who", ["viewer", "outsider", "nobody"])
    def test_assignee_must_be_an_editor_of_the_team(self, editor, viewer, outsider, claim, who):
        response = client_for(editor).patch(
            detail(claim),
            {
                "version": 1,
                "assignee": who
                if who == "nobody"
                else {"viewer": viewer, "outsider": outsider}[who].username,
            },
            format="json",
        )
        assert response.status_code == 400
        assert "editors and owners" in response.json()["detail"]
        claim.refresh_from_db()
        assert claim.assignee is None


@pytest.mark.django_db
class ClaimLookupsTests:
    def test_editor_reruns_the_lookups(self, editor, claim):
        response = token_client(editor).post(detail(claim, "lookups"))
        assert response.status_code == 202
        runs = response.json()["runs"]
        assert [run["backend"] for run in runs] == ["library"]
        assert runs[0]["status"] == "queued"
        assert {r["id"] for r in runs} == {
            str(code)
            for code in LookupRun.objects.filter(claim=claim).values_list("code", flat=True)
        }

    def test_a_viewer_cannot(self, viewer, claim):
        response = token_client(viewer).post(detail(claim, "lookups"))
        assert response.status_code == 403
        assert not LookupRun.objects.filter(claim=claim).exists()

    def test_an_outsider_gets_404(self, outsider, claim):
        response = token_client(outsider).post(detail(claim, "lookups"))
        assert response.status_code == 404
        assert not LookupRun.objects.filter(claim=claim).exists()

    @override_settings(API_THROTTLE_ENQUEUE="2/minute")
    def test_throttled(self, editor, claim):
        client = token_client(editor)
        statuses = [client.post(detail(claim, "lookups")).status_code for _ in range(3)]
        assert statuses == [202, 202, 429]
        assert LookupRun.objects.filter(claim=claim).count() == 2
        # Only the action is throttled: reading goes on.
        assert client.get(detail(claim)).status_code == 200


@pytest.mark.django_db
class ClaimHistoryTests:
    def test_oldest_first_with_who(self, editor, owner, claim, roles):
        claim = claim_update(claim=claim, by=editor, version=1, data={"status": "in_progress"})
        claim_update(claim=claim, by=owner, version=2, data={"status": "in_review"}, note="Ready.")
        for role in ("owner", "editor", "viewer"):
            response = token_client(roles[role]).get(detail(claim, "history"))
            assert response.status_code == 200
            rows = response.json()["results"]
            assert [(r["field"], r["old_value"], r["new_value"]) for r in rows] == [
                ("status", "unreviewed", "in_progress"),
                ("status", "in_progress", "in_review"),
            ]
            assert [(r["version"], r["changed_by"], r["note"]) for r in rows] == [
                (2, "bob", ""),
                (3, "alice", "Ready."),
            ]
            assert set(rows[0]) == {
                "field",
                "old_value",
                "new_value",
                "version",
                "changed_by",
                "note",
                "created_at",
            }
        assert token_client(roles["outsider"]).get(detail(claim, "history")).status_code == 404

    @pytest.mark.parametrize("n", [2, 20])
    def test_fixed_number_of_queries(self, editor, owner, claim, n):
        version = 1
        for i in range(n):
            who = editor if i % 2 else owner
            claim = claim_update(
                claim=claim, by=who, version=version, data={"rationale": f"Step {i}."}
            )
            version = claim.version
        client = client_for(editor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{detail(claim, 'history')}?page_size={n}")
        assert len(response.json()["results"]) == n
        # The session, the user, the claim, the page of changes with who made them.
        assert len(queries) == 4, [q["sql"] for q in queries]


@pytest.mark.django_db
class ClaimCommentsTests:
    def test_members_read_oldest_first(self, editor, owner, claim, roles):
        comment_create(claim=claim, author=editor, body="First.")
        comment_create(claim=claim, author=owner, body="Second.")
        for role in ("owner", "editor", "viewer"):
            response = token_client(roles[role]).get(detail(claim, "comments"))
            assert response.status_code == 200
            rows = response.json()["results"]
            assert [(r["author"], r["body"]) for r in rows] == [
                ("bob", "First."),
                ("alice", "Second."),
            ]
            assert set(rows[0]) == {"id", "author", "body", "created_at"}
        assert token_client(roles["outsider"]).get(detail(claim, "comments")).status_code == 404

    @pytest.mark.parametrize("role", ["owner", "editor"])
    def test_editors_post(self, role, roles, claim):
        response = token_client(roles[role]).post(
            detail(claim, "comments"), {"body": "  Source found.  "}, format="json"
        )
        assert response.status_code == 201
        body = response.json()
        comment = Comment.objects.get(claim=claim)
        assert body["id"] == str(comment.code)
        assert (body["author"], body["body"]) == (roles[role].username, "Source found.")

    def test_a_viewer_cannot_post(self, viewer, claim):
        response = token_client(viewer).post(
            detail(claim, "comments"), {"body": "Hello."}, format="json"
        )
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_an_outsider_cannot_post(self, outsider, claim):
        response = token_client(outsider).post(
            detail(claim, "comments"), {"body": "Hello."}, format="json"
        )
        assert response.status_code == 404
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        ("payload", "field"),
        [({}, "body"), ({"body": ""}, "body"), ({"body": 3, "pin": True}, "pin")],
    )
    def test_bad_input(self, editor, claim, payload, field):
        response = client_for(editor).post(detail(claim, "comments"), payload, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]
        assert not Comment.objects.exists()

    @pytest.mark.parametrize("n", [2, 20])
    def test_fixed_number_of_queries(self, editor, owner, claim, n):
        for i in range(n):
            comment_create(claim=claim, author=editor if i % 2 else owner, body=f"Note {i}.")
        client = client_for(editor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{detail(claim, 'comments')}?page_size={n}")
        assert len(response.json()["results"]) == n
        # The session, the user, the claim, the page of comments with their authors.
        assert len(queries) == 4, [q["sql"] for q in queries]


@pytest.mark.django_db
class ClaimReviewAccessTests:
    def test_an_unpublished_claim_has_none(self, editor, claim):
        response = client_for(editor).get(detail(claim, "claimreview"))
        assert response.status_code == 404
        body = response.json()
        assert body["code"] == "not_published"
        assert "not published" in body["detail"]

    def test_an_outsider_gets_a_plain_404(self, outsider, claim):
        response = client_for(outsider).get(detail(claim, "claimreview"))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
class ClaimOutputSerializerTests:
    def test_the_hand_built_json_is_what_the_declared_fields_give(self, team, editor, owner):
        claim = ClaimFactory(
            article__team=team,
            entities=[{"text": "Cuba", "kind": "GPE"}],
            spans=[[0, 10], [20, 30]],
            findings=[{"kind": "anniversary", "severity": "info", "message": "m", "claims": []}],
            suggestion="supported",
            suggestion_confidence=0.75,
            suggestion_reason="passage says 1960",
        )
        claim = claim_update(claim=claim, by=owner, version=1, data={"status": "in_progress"})
        claim = claim_update(
            claim=claim,
            by=owner,
            version=2,
            data={"status": "in_review", "verdict": "true", "assignee": editor},
        )
        claim_update(claim=claim, by=owner, version=3, data={"status": "published"})
        unpublished = ClaimFactory(article__team=team, suggestion="inconclusive")
        for row in claim_list(user=editor):
            serializer = ClaimOutputSerializer(row)
            by_fields = serializers.Serializer.to_representation(serializer, row)
            assert serializer.data == by_fields
            assert set(serializer.data) == set(serializer.fields) == CLAIM_KEYS
        published = ClaimOutputSerializer(claim_list(user=editor).get(pk=claim.pk)).data
        assert published["published_at"].endswith("Z")
        assert (published["assignee"], published["reviewed_by"]) == ("bob", "alice")
        assert ClaimOutputSerializer(unpublished).data["published_at"] is None
