"""/api/v1/articles/: create from text or a link, list, detail, change metadata, re-run lookups
and extraction; roles, scoping, throttling and clear errors for bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Article
from claims.services import article_ingest
from sources.models import LookupRun
from tests.claims.services.test_article_fetch import PRIVATE_URLS, seed_page
from tests.factories import ArticleFactory, ClaimFactory, TeamFactory
from tests.fakes.server import FakeServer, public_web, redirect_reply, text_reply
from workbench.models import Membership
from workbench.services import token_create

LIST = reverse("api:article-list")


def detail(article: Article) -> str:
    return reverse("api:article-detail", kwargs={"code": article.code})


def action_url(article: Article, name: str) -> str:
    return reverse(f"api:article-{name}", kwargs={"code": article.code})


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Throttle counts and the HTTP client's page cache live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def web() -> Iterator[FakeServer]:
    with public_web() as server:
        yield server


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Make a request, then run what it queued on commit (tasks are eager in tests)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def post(client: APIClient, url: str, data=None):
    return client.post(url, data, format="json")


@pytest.mark.django_db
class ArticleCreateFromTextTests:
    def test_the_same_text_twice_is_the_same_article_201_then_200(self, team, editor, seed_text):
        client = client_for(editor)
        first = post(client, LIST, {"text": seed_text})
        second = post(client, LIST, {"text": seed_text.replace("\n", "\r\n") + "\n\n"})
        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json() == second.json()
        body = first.json()
        assert body["team"] == str(team.code)
        assert body["title"] == "China and Cuba Strengthen Ties Amid U.S. Tensions"
        assert body["extraction_status"] == "pending"
        assert body["created_by"] == "bob"
        assert body["body"] == seed_text.strip()
        assert Article.objects.count() == 1

    def test_claims_are_extracted_in_the_background(self, team, editor, seed_text, committed):
        client = client_for(editor)
        response = committed(post, client, LIST, {"text": seed_text, "team": str(team.code)})
        assert response.status_code == 201
        data = client.get(reverse("api:article-detail", kwargs={"code": response.json()["id"]}))
        data = data.json()
        assert data["extraction_status"] == "done"
        assert data["claims_total"] == data["claims_open"] > 0
        assert data["claims_published"] == 0

    def test_a_url_with_the_text_is_only_the_articles_address(self, team, editor, web):
        response = post(
            client_for(editor),
            LIST,
            {"text": "They met in 1960.", "url": web.url("/story"), "outlet": "Herald"},
        )
        assert response.status_code == 201
        data = response.json()
        assert (data["url"], data["outlet"], data["body"]) == (
            web.url("/story"),
            "Herald",
            "They met in 1960.",
        )
        assert data["extraction_status"] == "pending"
        assert web.requests == []  # nothing fetched

    def test_metadata_is_stored(self, team, editor):
        response = post(
            client_for(editor),
            LIST,
            {
                "text": "They met in 1960.",
                "title": "A meeting",
                "published_at": "2025-09-28T10:00:00Z",
                "language": "es",
            },
        )
        data = response.json()
        assert (data["title"], data["published_at"], data["language"]) == (
            "A meeting",
            "2025-09-28T10:00:00Z",
            "es",
        )

    def test_viewers_cannot_add_articles(self, team, viewer, web):
        client = client_for(viewer)
        for payload in ({"text": "They met in 1960."}, {"url": web.url("/story")}):
            response = post(client, LIST, payload)
            assert response.status_code == 403, payload
            assert response.json()["code"] == "permission_denied"
        assert not Article.objects.exists()

    def test_a_team_the_user_is_not_in_is_unknown_like_one_that_does_not_exist(
        self, team, editor, other_team
    ):
        client = client_for(editor)
        theirs = post(client, LIST, {"text": "x y z.", "team": str(other_team.code)})
        nowhere = post(
            client, LIST, {"text": "x y z.", "team": "00000000-0000-0000-0000-000000000000"}
        )
        assert theirs.status_code == nowhere.status_code == 400
        assert theirs.json() == nowhere.json()
        assert theirs.json()["fields"] == {"team": ["Unknown team."]}
        assert not Article.objects.exists()

    def test_a_member_of_several_teams_must_name_one(self, team, editor):
        Membership.objects.create(team=TeamFactory(), user=editor, role="editor")
        response = post(client_for(editor), LIST, {"text": "They met in 1960."})
        assert response.status_code == 400
        assert "team" in response.json()["fields"]
        named = post(
            client_for(editor), LIST, {"text": "They met in 1960.", "team": str(team.code)}
        )
        assert named.status_code == 201

    def test_token_authentication_works_too(self, team, editor):
        key = token_create(user=editor, name="cms").key
        client = APIClient()
        response = client.post(
            LIST, {"text": "They met in 1960."}, format="json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )
        assert response.status_code == 201, response.json()
        assert APIClient().post(LIST, {"text": "x."}, format="json").status_code == 401


@pytest.mark.django_db
class ArticleCreateFromLinkTests:
    def test_a_page_is_fetched_extracted_and_its_claims_created(
        self, team, editor, web, seed_text, committed
    ):
        web.route("/story", (200, {"Content-Type": "text/html"}, seed_page(seed_text)))
        client = client_for(editor)
        response = committed(post, client, LIST, {"url": web.url("/story")})
        assert response.status_code == 202
        accepted = response.json()
        assert accepted["extraction_status"] == "fetching"
        assert (accepted["body"], accepted["url"], accepted["title"]) == (
            "",
            web.url("/story"),
            web.url("/story"),
        )
        data = client.get(reverse("api:article-detail", kwargs={"code": accepted["id"]})).json()
        assert data["extraction_status"] == "done", data["extraction_error"]
        assert data["title"] == "China and Cuba Strengthen Ties Amid U.S. Tensions"
        assert data["outlet"] == "Example Herald"
        assert "first country in the Western Hemisphere" in data["body"]
        assert data["claims_total"] > 0
        article = Article.objects.get(code=accepted["id"])
        assert any("1960" in claim.text for claim in article.claims.all())

    def test_the_same_link_twice_is_202_then_200_with_the_same_article(self, team, editor, web):
        client = client_for(editor)
        first = post(client, LIST, {"url": web.url("/story")})
        second = post(client, LIST, {"url": web.url("/story")})
        assert (first.status_code, second.status_code) == (202, 200)
        assert first.json()["id"] == second.json()["id"]
        assert Article.objects.count() == 1

    @pytest.mark.parametrize("url", PRIVATE_URLS)
    def test_a_link_into_a_private_network_is_refused_and_nothing_saved(self, team, editor, url):
        response = post(client_for(editor), LIST, {"url": url})
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "url_refused"
        assert body["fields"]["url"][0].startswith("This link was refused: ")
        assert not Article.objects.exists()

    def test_the_refusal_says_why(self, team, editor):
        body = post(client_for(editor), LIST, {"url": "http://169.254.169.254/"}).json()
        assert body["detail"] == (
            "url: This link was refused: 169.254.169.254 is a cloud metadata address."
        )

    def test_a_redirect_into_a_private_network_fails_with_the_reason(
        self, team, editor, web, committed
    ):
        web.route("/moved", redirect_reply("http://10.0.0.1/internal"))
        client = client_for(editor)
        response = committed(post, client, LIST, {"url": web.url("/moved")})
        assert response.status_code == 202
        data = client.get(reverse("api:article-detail", kwargs={"code": response.json()["id"]}))
        assert data.json()["extraction_status"] == "failed"
        assert "10.0.0.1 is a private address" in data.json()["extraction_error"]

    def test_a_pdf_fails_with_the_reason(self, team, editor, web, committed):
        web.route("/doc.pdf", (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 ..."))
        client = client_for(editor)
        response = committed(post, client, LIST, {"url": web.url("/doc.pdf")})
        data = client.get(reverse("api:article-detail", kwargs={"code": response.json()["id"]}))
        assert data.json()["extraction_status"] == "failed"
        assert data.json()["extraction_error"] == "cannot read application/pdf"

    def test_a_page_with_the_text_of_an_article_the_team_has_fails_naming_it(
        self, team, editor, web, committed
    ):
        client = client_for(editor)
        existing = post(client, LIST, {"text": "They met in 1960.\nThey met again."}).json()
        web.route("/copy.txt", text_reply("They met in 1960.\nThey met again.\n"))
        response = committed(post, client, LIST, {"url": web.url("/copy.txt")})
        data = client.get(reverse("api:article-detail", kwargs={"code": response.json()["id"]}))
        assert data.json()["extraction_status"] == "failed"
        assert data.json()["extraction_error"] == (
            f"The page's text is already in article “{existing['title']}” ({existing['id']})."
        )

    def test_a_failed_link_sent_again_is_fetched_again(self, team, editor, web, committed):
        client = client_for(editor)
        first = committed(post, client, LIST, {"url": web.url("/later")})  # 404 for now
        web.route("/later", text_reply("They met in 1960."))
        second = committed(post, client, LIST, {"url": web.url("/later")})
        assert (first.status_code, second.status_code) == (202, 202)
        assert first.json()["id"] != second.json()["id"]
        statuses = dict(Article.objects.values_list("code", "extraction_status"))
        assert sorted(statuses.values()) == ["done", "failed"]


@pytest.mark.django_db
class ArticleBadInputTests:
    @pytest.mark.parametrize(
        ("payload", "field", "code"),
        [
            ({"text": "x.", "colour": "red"}, "colour", "unknown_field"),
            ({"text": ["a list"]}, "text", "invalid_type"),
            ({"text": 12}, "text", "invalid_type"),
            ({"text": "x.", "published_at": "yesterday"}, "published_at", "invalid"),
            ({"text": "x.", "team": "desk-a"}, "team", "invalid"),
            ({"text": ""}, "text", "empty"),
            ({"text": "   \n  "}, "text", "empty"),
            ({"text": "bad\x00bytes"}, "text", "null_characters_not_allowed"),
            ({}, "text", "invalid"),
            ({"title": "Only a title"}, "text", "invalid"),
            ({"url": ""}, "url", "blank"),
        ],
    )
    def test_bad_fields_are_a_400_naming_the_field(self, team, editor, payload, field, code):
        response = post(client_for(editor), LIST, payload)
        assert response.status_code == 400, response.json()
        body = response.json()
        assert body["code"] == code
        assert field in body["fields"]
        assert body["detail"]
        assert not Article.objects.exists()

    def test_text_too_long_is_a_400_with_the_sizes(self, team, editor):
        with override_settings(ARTICLE_MAX_CHARS=100):
            response = post(client_for(editor), LIST, {"text": "word " * 30})
        assert response.status_code == 400
        assert response.json()["code"] == "too_long"
        assert response.json()["fields"]["text"] == [
            "The article is 149 characters long; the limit is 100."
        ]

    def test_a_body_over_the_limit_is_a_413(self, team, editor):
        with override_settings(API_MAX_BODY_BYTES=1000):
            response = post(client_for(editor), LIST, {"text": "word " * 300})
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
        assert "the limit is 1,000 bytes" in response.json()["detail"]
        assert not Article.objects.exists()

    def test_a_body_that_is_not_utf8_is_a_400(self, team, editor):
        response = client_for(editor).post(
            LIST, data='{"text": "caf\xe9"}'.encode("latin-1"), content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json() == {
            "detail": "The request body is not UTF-8.",
            "code": "parse_error",
        }

    def test_invalid_json_is_a_400(self, team, editor):
        response = client_for(editor).post(
            LIST, data=b'{"text": "x.",', content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"
        assert response.json()["detail"].startswith("The request body is not valid JSON")

    def test_a_json_array_is_refused(self, team, editor):
        response = client_for(editor).post(
            LIST, data=json.dumps(["x."]), content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["fields"] == {"non_field_errors": ["Send a JSON object."]}


@pytest.mark.django_db
class ArticleReadTests:
    def test_the_detail_shows_the_text_status_and_counts(self, team, viewer):
        article = ArticleFactory(team=team, url="https://example.org/a", outlet="Herald")
        ClaimFactory(
            article=article, status="published", verdict="true", published_at=article.created_at
        )
        ClaimFactory(article=article, status="in_review")
        ClaimFactory(article=article, status="dismissed")
        data = client_for(viewer).get(detail(article)).json()
        assert data["id"] == str(article.code)
        assert data["body"] == article.body
        assert (data["claims_total"], data["claims_open"], data["claims_published"]) == (3, 1, 1)
        assert (data["url"], data["outlet"], data["extraction_status"]) == (
            "https://example.org/a",
            "Herald",
            "done",
        )
        assert data["created_by"] is None
        for key in ("extraction_error", "extracted_at", "published_at", "language", "created_at"):
            assert key in data

    def test_the_list_has_no_text(self, team, viewer):
        ArticleFactory(team=team)
        results = client_for(viewer).get(LIST).json()["results"]
        assert len(results) == 1 and "body" not in results[0]

    def test_another_teams_article_is_not_found_anywhere(self, team, outsider, editor):
        article = ArticleFactory(team=team)
        client = client_for(outsider)
        assert client.get(detail(article)).status_code == 404
        assert client.patch(detail(article), {"title": "x"}, format="json").status_code == 404
        assert post(client, action_url(article, "lookups")).status_code == 404
        assert post(client, action_url(article, "extract")).status_code == 404
        assert client.get(LIST).json()["results"] == []
        assert client.get(LIST, {"team": str(team.code)}).json()["results"] == []

    def test_a_non_uuid_in_the_path_is_a_json_404(self, editor):
        response = client_for(editor).get("/api/v1/articles/not-a-uuid/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_filters_by_team_and_extraction_status(self, team, editor):
        second = TeamFactory()
        Membership.objects.create(team=second, user=editor, role="viewer")
        done = ArticleFactory(team=team)
        failed = ArticleFactory(team=team, extraction_status="failed")
        pending = ArticleFactory(team=team, extraction_status="pending")
        elsewhere = ArticleFactory(team=second)
        client = client_for(editor)

        def ids(**params):
            results = client.get(LIST, params).json()["results"]
            return {row["id"] for row in results}

        assert ids() == {str(a.code) for a in (done, failed, pending, elsewhere)}
        assert ids(team=str(second.code)) == {str(elsewhere.code)}
        assert ids(extraction_status=["failed", "pending"]) == {
            str(failed.code),
            str(pending.code),
        }
        assert ids(team=str(team.code), extraction_status="done") == {str(done.code)}

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"extraction_status": "lost"}, "extraction_status"), ({"team": "desk"}, "team")],
    )
    def test_invalid_filters_are_a_400_naming_the_parameter(self, editor, params, field):
        response = client_for(editor).get(LIST, params)
        assert response.status_code == 400
        assert list(response.json()["fields"]) == [field]

    def test_the_list_costs_the_same_queries_whatever_the_page_size(self, team, editor):
        for _ in range(25):
            article = ArticleFactory(team=team, created_by=editor)
            ClaimFactory(article=article)
        client = client_for(editor)
        counts = []
        for size in (2, 20):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST, {"page_size": size, "team": str(team.code)})
            assert response.status_code == 200
            assert len(response.json()["results"]) == size
            counts.append(len(queries))
        # The session, its user, and the page (articles with team, creator and three claim
        # counts as subqueries, one row more than the page).
        assert counts == [3, 3]


@pytest.mark.django_db
class ArticleUpdateTests:
    def test_editors_change_the_metadata(self, team, editor, django_capture_on_commit_callbacks):
        article = article_ingest(team=team, body="They met in 1960.").article
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client_for(editor).patch(
                detail(article),
                {"title": "Renamed", "outlet": "Herald", "url": "https://example.org/a"},
                format="json",
            )
        assert response.status_code == 200
        data = response.json()
        assert (data["title"], data["outlet"], data["url"]) == (
            "Renamed",
            "Herald",
            "https://example.org/a",
        )
        assert data["body"] == "They met in 1960."
        assert callbacks == []  # no new date: no extraction

    def test_a_new_date_runs_extraction_again(
        self, team, editor, django_capture_on_commit_callbacks
    ):
        article = article_ingest(team=team, body="They met in 1960.").article
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client_for(editor).patch(
                detail(article), {"published_at": "2020-01-01T00:00:00Z"}, format="json"
            )
        assert response.status_code == 200
        assert response.json()["extraction_status"] == "pending"
        assert len(callbacks) == 1

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"body": "new text"}, "body"),
            ({"team": "00000000-0000-0000-0000-000000000000"}, "team"),
            ({"content_hash": "x"}, "content_hash"),
            ({"extraction_status": "done"}, "extraction_status"),
            ({"title": ""}, "title"),
            ({"url": "not a url"}, "url"),
            ({"published_at": 5}, "published_at"),
        ],
    )
    def test_what_cannot_change_is_refused(self, team, editor, payload, field):
        article = ArticleFactory(team=team)
        response = client_for(editor).patch(detail(article), payload, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]
        assert Article.objects.get(pk=article.pk).title == article.title

    def test_viewers_cannot_change_an_article(self, team, viewer):
        article = ArticleFactory(team=team)
        response = client_for(viewer).patch(detail(article), {"title": "x"}, format="json")
        assert response.status_code == 403

    def test_there_is_no_put_or_delete(self, team, editor):
        article = ArticleFactory(team=team)
        client = client_for(editor)
        assert client.put(detail(article), {"title": "x"}, format="json").status_code == 405
        assert client.delete(detail(article)).status_code == 405


@pytest.mark.django_db
class ArticleActionTests:
    def test_lookups_run_again_for_every_open_claim(self, team, editor):
        article = ArticleFactory(team=team)
        ClaimFactory(article=article)
        ClaimFactory(article=article)
        ClaimFactory(article=article, status="dismissed")
        response = post(client_for(editor), action_url(article, "lookups"))
        assert response.status_code == 202
        # Two open claims, one backend in the tests ("library").
        assert response.json() == {"runs": 2, "queued": 2, "skipped": 0}
        assert LookupRun.objects.filter(claim__article=article).count() == 2

    def test_extraction_runs_again(self, team, editor, django_capture_on_commit_callbacks):
        article = ArticleFactory(team=team)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = post(client_for(editor), action_url(article, "extract"))
        assert response.status_code == 202
        assert response.json()["extraction_status"] == "pending"
        assert len(callbacks) == 1

    def test_an_article_without_text_yet_cannot_be_extracted(self, team, editor, web):
        client = client_for(editor)
        accepted = post(client, LIST, {"url": web.url("/story")}).json()
        article = Article.objects.get(code=accepted["id"])
        response = post(client, action_url(article, "extract"))
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_transition"

    def test_viewers_cannot_start_work(self, team, viewer):
        article = ArticleFactory(team=team)
        client = client_for(viewer)
        assert post(client, action_url(article, "lookups")).status_code == 403
        assert post(client, action_url(article, "extract")).status_code == 403
        assert not LookupRun.objects.exists()


@pytest.mark.django_db
class ArticleThrottleTests:
    @override_settings(API_THROTTLE_ENQUEUE="2/minute")
    def test_the_third_create_in_a_minute_is_a_429(self, team, editor):
        client = client_for(editor)
        cache.clear()
        assert post(client, LIST, {"text": "One."}).status_code == 201
        assert post(client, LIST, {"text": "Two."}).status_code == 201
        response = post(client, LIST, {"text": "Three."})
        assert response.status_code == 429
        assert response.json()["code"] == "throttled"
        assert "Retry-After" in response.headers
        assert Article.objects.count() == 2
        # Reading is not throttled.
        assert client.get(LIST).status_code == 200

    @override_settings(API_THROTTLE_ENQUEUE="2/minute")
    def test_the_actions_share_the_enqueue_limit(self, team, editor):
        article = ArticleFactory(team=team)
        client = client_for(editor)
        cache.clear()
        assert post(client, action_url(article, "lookups")).status_code == 202
        assert post(client, action_url(article, "extract")).status_code == 202
        assert post(client, action_url(article, "lookups")).status_code == 429
        assert client.patch(detail(article), {"title": "x"}, format="json").status_code == 200
