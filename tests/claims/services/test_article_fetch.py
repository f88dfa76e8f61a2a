"""Articles from a link: the link checked at once, the page fetched in the background through the
shared HTTP client (a local fake server stands for the web), its text stored and extracted."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import override_settings

from claims import services
from claims.models import Article
from claims.services import (
    TransitionError,
    article_extraction_requeue,
    article_fetch,
    article_ingest,
    article_ingest_url,
    article_update,
)
from claims.tasks import article_fetch as article_fetch_task
from sources.backends.base import TransientError
from tests.fakes.server import FakeServer, public_web, redirect_reply, text_reply
from workbench.celery import app
from workbench.exceptions import PermissionDeniedError

PRIVATE_URLS = [
    "http://127.0.0.1:1/",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://localhost:8000/admin/",
    "file:///etc/passwd",
    "gopher://example.org/",
    "not a url",
]


def seed_page(seed_text: str) -> bytes:
    """The seed article as a news page: headline, paragraphs, and a menu and footer around them."""
    headline, *lines = seed_text.strip().split("\n")
    paragraphs = "\n".join(
        f"<h2>{line}</h2>" if len(line) < 60 else f"<p>{line}</p>" for line in lines
    )
    return f"""<!doctype html><html><head><title>{headline}</title>
<meta property="og:site_name" content="Example Herald">
<meta property="article:published_time" content="2025-09-28"></head>
<body><nav>Home | World | Sport</nav><article><h1>{headline}</h1>
{paragraphs}</article><footer>Copyright Example Herald</footer></body></html>""".encode()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The HTTP client caches pages in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def web() -> Iterator[FakeServer]:
    """The web: a local server the SSRF guard lets through (and nothing else)."""
    with public_web() as server:
        yield server


@pytest.fixture
def offline() -> Iterator[str]:
    """A site that does not answer: its port is closed (allowed past the guard)."""
    with FakeServer() as server:
        dead = server.url("/story")
    with override_settings(
        LOOKUP_ALLOW_HOSTS=[dead.split("/")[2]],
        LOOKUP_CONNECT_TIMEOUT=0.5,
        LOOKUP_DEADLINE=2.0,
        LOOKUP_ATTEMPTS=1,
    ):
        yield dead


def _fetching(team, url: str, **fields) -> Article:
    return Article.objects.create(
        team=team,
        title=fields.pop("title", url),
        url=url,
        body="",
        content_hash="",
        extraction_status=Article.ExtractionStatus.FETCHING,
        **fields,
    )


@pytest.mark.django_db
class ArticleIngestUrlTests:
    def test_a_link_is_saved_fetching_and_its_fetch_queued_after_commit(
        self, team, editor, web, django_capture_on_commit_callbacks
    ):
        url = web.url("/story#comments")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = article_ingest_url(team=team, url=url, created_by=editor)
        article = result.article
        assert result.created
        assert article.url == web.url("/story")  # normalised: no fragment
        assert (article.extraction_status, article.body, article.content_hash) == (
            "fetching",
            "",
            "",
        )
        assert article.title == article.url  # until the page says better
        assert article.created_by == editor
        assert len(callbacks) == 1 and "article_fetch" in repr(callbacks[0])
        assert web.requests == []  # nothing fetched in the request itself

    @pytest.mark.parametrize("url", PRIVATE_URLS)
    def test_a_link_into_a_private_network_is_refused_at_once(self, team, editor, url):
        with pytest.raises(ValidationError) as caught:
            article_ingest_url(team=team, url=url, created_by=editor)
        error = caught.value.error_dict["url"][0]
        assert error.code == "url_refused"
        assert "This link was refused: " in error.messages[0]
        assert not Article.objects.exists()

    def test_the_refusal_names_the_reason(self, team, editor):
        with pytest.raises(ValidationError) as caught:
            article_ingest_url(team=team, url="http://10.0.0.1/", created_by=editor)
        assert caught.value.messages == ["This link was refused: 10.0.0.1 is a private address."]

    def test_viewers_cannot_add_articles(self, team, viewer, web):
        with pytest.raises(PermissionDeniedError):
            article_ingest_url(team=team, url=web.url("/story"), created_by=viewer)
        assert not Article.objects.exists()

    def test_the_same_link_twice_is_one_article(self, team, editor, web):
        first = article_ingest_url(team=team, url=web.url("/story"), created_by=editor)
        second = article_ingest_url(team=team, url=web.url("/story#top"), created_by=editor)
        assert first.created and not second.created
        assert second.article.pk == first.article.pk

    def test_a_link_whose_fetch_failed_can_be_sent_again(self, team, editor, web):
        failed = _fetching(team, web.url("/story"))
        services.article_fetch_mark_failed(article_id=failed.pk, reason="HTTP 503")
        again = article_ingest_url(team=team, url=web.url("/story"), created_by=editor)
        assert again.created and again.article.pk != failed.pk

    def test_two_requests_racing_for_a_link_make_one_article(self, team, editor, web):
        url = web.url("/story")
        real = services.create_unless_exists
        rival: list[Article] = []

        def insert_first(**kwargs):
            # The other request's insert lands between our check and our insert.
            rival.append(_fetching(team, url))
            return real(**kwargs)

        with mock.patch.object(services, "create_unless_exists", side_effect=insert_first):
            result = article_ingest_url(team=team, url=url, created_by=editor)
        assert not result.created
        assert result.article.pk == rival[0].pk
        assert Article.objects.filter(team=team, url=url).count() == 1


@pytest.mark.django_db
class ArticleFetchTests:
    def test_a_page_becomes_the_articles_text_and_is_extracted(
        self, team, editor, web, seed_text, django_capture_on_commit_callbacks
    ):
        web.route(
            "/story", (200, {"Content-Type": "text/html; charset=utf-8"}, seed_page(seed_text))
        )
        with django_capture_on_commit_callbacks(execute=True):
            article = article_ingest_url(team=team, url=web.url("/story"), created_by=editor)
        article = Article.objects.get(pk=article.article.pk)
        assert article.extraction_status == Article.ExtractionStatus.DONE, article.extraction_error
        assert "first country in the Western Hemisphere" in article.body
        assert "Sport" not in article.body and "Copyright" not in article.body
        assert article.title == "China and Cuba Strengthen Ties Amid U.S. Tensions"
        assert article.outlet == "Example Herald"
        assert article.published_at == datetime.datetime(2025, 9, 28, tzinfo=datetime.UTC)
        assert article.content_hash == services.article_content_hash(article.body)
        claims = list(article.claims.all())
        assert any("1960" in claim.text for claim in claims)
        for claim in claims:
            assert article.body[claim.start : claim.end] == claim.sentence
        assert len(web.requests_to("/story")) == 1

    def test_what_the_sender_gave_is_kept(
        self, team, editor, web, seed_text, django_capture_on_commit_callbacks
    ):
        web.route("/story", (200, {"Content-Type": "text/html"}, seed_page(seed_text)))
        when = datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC)
        with django_capture_on_commit_callbacks(execute=True):
            result = article_ingest_url(
                team=team,
                url=web.url("/story"),
                title="Our title",
                outlet="Our outlet",
                published_at=when,
                created_by=editor,
            )
        article = Article.objects.get(pk=result.article.pk)
        assert (article.title, article.outlet, article.published_at) == (
            "Our title",
            "Our outlet",
            when,
        )
        assert article.extraction_status == Article.ExtractionStatus.DONE

    def test_plain_text_is_taken_as_it_is(self, team, web, django_capture_on_commit_callbacks):
        web.route("/note.txt", text_reply("Cuba and China\r\nThey met in 1960.\r\n"))
        article = _fetching(team, web.url("/note.txt"))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            outcome = article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert outcome.status == "pending" and outcome.acted
        assert article.body == "Cuba and China\nThey met in 1960."
        assert article.title == "Cuba and China"
        assert len(callbacks) == 1 and "article_extract" in repr(callbacks[0])

    def test_a_fetch_delivered_again_does_nothing(
        self, team, web, django_capture_on_commit_callbacks
    ):
        web.route("/note.txt", text_reply("They met in 1960."))
        article = _fetching(team, web.url("/note.txt"))
        article_fetch(article_id=article.pk)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            again = article_fetch(article_id=article.pk)
        assert (again.acted, again.status) == (False, "pending")
        assert callbacks == []
        assert len(web.requests_to("/note.txt")) == 1

    def test_a_deleted_article_is_not_fetched(self):
        assert article_fetch(article_id=987654).acted is False

    def test_a_redirect_into_a_private_network_fails_with_the_reason(self, team, web):
        web.route("/moved", redirect_reply("http://10.0.0.1/internal"))
        article = _fetching(team, web.url("/moved"))
        outcome = article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert outcome.status == article.extraction_status == "failed"
        assert "10.0.0.1 is a private address" in article.extraction_error
        assert article.body == ""

    def test_a_pdf_fails_with_the_reason(self, team, web):
        web.route("/doc.pdf", (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 ..."))
        article = _fetching(team, web.url("/doc.pdf"))
        article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert (article.extraction_status, article.extraction_error) == (
            "failed",
            "cannot read application/pdf",
        )

    def test_a_missing_page_fails_with_the_status(self, team, web):
        article = _fetching(team, web.url("/gone"))
        article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert article.extraction_status == "failed"
        assert "HTTP 404" in article.extraction_error

    def test_a_page_without_text_fails(self, team, web):
        web.route("/empty", (200, {"Content-Type": "text/html"}, b"<html><body></body></html>"))
        article = _fetching(team, web.url("/empty"))
        article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert article.extraction_status == "failed"
        assert "no readable text" in article.extraction_error

    def test_a_page_too_long_for_an_article_fails_with_the_sizes(self, team, web):
        web.route("/long.txt", text_reply("word " * 40))
        article = _fetching(team, web.url("/long.txt"))
        with override_settings(ARTICLE_MAX_CHARS=50):
            article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert article.extraction_status == "failed"
        assert article.extraction_error == "The article is 199 characters long; the limit is 50."

    def test_a_page_over_the_size_cap_fails(self, team, web):
        web.route("/huge", text_reply("x" * 20_000, content_type="text/html"))
        article = _fetching(team, web.url("/huge"))
        with override_settings(LOOKUP_MAX_BYTES=10_000):
            article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert article.extraction_status == "failed"
        assert "exceeds 10,000 bytes" in article.extraction_error

    def test_a_page_with_text_the_team_has_fails_naming_that_article(self, team, web):
        existing = article_ingest(team=team, body="They met in 1960.\nThey met again.").article
        web.route("/copy.txt", text_reply("They met in 1960.\r\nThey met again.\r\n"))
        article = _fetching(team, web.url("/copy.txt"))
        article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert article.extraction_status == "failed"
        assert article.extraction_error == (
            f"The page's text is already in article “{existing.title}” ({existing.code})."
        )
        assert (article.body, article.content_hash) == ("", "")

    def test_the_same_text_arriving_meanwhile_is_a_duplicate_not_a_crash(self, team, web):
        web.route("/copy.txt", text_reply("They met in 1960."))
        article = _fetching(team, web.url("/copy.txt"))
        real = services._article_with_text
        calls: list[int] = []

        def late_rival(current, content_hash):
            calls.append(1)
            if len(calls) == 1:
                # Another article with this text commits after our check, before our save.
                article_ingest(team=team, body="They met in 1960.")
                return None
            return real(current, content_hash)

        with mock.patch.object(services, "_article_with_text", side_effect=late_rival):
            outcome = article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert outcome.status == article.extraction_status == "failed"
        assert "already in article" in article.extraction_error

    def test_the_same_text_in_another_team_is_fine(self, team, other_team, web):
        article_ingest(team=other_team, body="They met in 1960.")
        web.route("/copy.txt", text_reply("They met in 1960."))
        article = _fetching(team, web.url("/copy.txt"))
        assert article_fetch(article_id=article.pk).status == "pending"

    def test_a_site_that_does_not_answer_is_left_for_a_retry(self, team, offline):
        article = _fetching(team, offline)
        with pytest.raises(TransientError):
            article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert article.extraction_status == "fetching"


@pytest.mark.django_db
class ArticleFetchTaskTests:
    def test_the_fetch_goes_to_the_fetch_queue_whatever_the_claims_route(
        self, team, editor, web, django_capture_on_commit_callbacks
    ):
        sent: list[tuple[str, str]] = []

        def send_task_message(producer, name, message, **options):
            sent.append((name, options["queue"].name))

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            with (
                mock.patch.object(app.amqp, "send_task_message", side_effect=send_task_message),
                django_capture_on_commit_callbacks(execute=True),
            ):
                article_ingest_url(team=team, url=web.url("/story"), created_by=editor)
        finally:
            app.conf.task_always_eager = eager
        assert app.conf.task_routes["claims.*"] == {"queue": "extract"}
        assert sent == [("claims.article_fetch", "fetch")]

    def test_retries_spent_mark_the_article_failed_with_the_reason(self, team, offline):
        article = _fetching(team, offline)
        # Eagerly, each retry runs at once (no countdown); not propagating keeps the Retry inside.
        propagates = app.conf.task_eager_propagates
        app.conf.task_eager_propagates = False
        try:
            with mock.patch.object(
                services, "article_fetch", wraps=services.article_fetch
            ) as fetch:
                result = article_fetch_task.apply(args=[article.pk])
        finally:
            app.conf.task_eager_propagates = propagates
        assert fetch.call_count == 1 + article_fetch_task.max_retries == 4
        assert result.state == "FAILURE" and isinstance(result.result, TransientError)
        assert result.result is not None
        article.refresh_from_db()
        assert article.extraction_status == "failed"
        assert "could not reach" in article.extraction_error

    def test_a_fetch_over_the_time_limit_is_recorded(self, team):
        article = _fetching(team, "https://example.org/slow")
        article_fetch_task.on_failure(SoftTimeLimitExceeded(), "task-id", (article.pk,), {}, None)
        article.refresh_from_db()
        assert article.extraction_status == "failed"
        assert article.extraction_error == "fetching the page took longer than 90 s"

    def test_a_late_failure_never_overwrites_a_fetched_article(self, team):
        article = article_ingest(team=team, body="They met in 1960.").article
        article_fetch_task.on_failure(TransientError("x"), "task-id", (article.pk,), {}, None)
        article.refresh_from_db()
        assert article.extraction_status == "pending" and article.extraction_error == ""


@pytest.mark.django_db
class ArticleWithoutTextTests:
    def test_extraction_cannot_be_requeued_before_the_text_arrives(self, team, editor):
        article = _fetching(team, "https://example.org/story")
        with pytest.raises(TransitionError):
            article_extraction_requeue(article=article, by=editor)
        article.refresh_from_db()
        assert article.extraction_status == "fetching"

    def test_a_new_date_waits_for_the_text(self, team, editor, django_capture_on_commit_callbacks):
        article = _fetching(team, "https://example.org/story")
        when = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            updated = article_update(article=article, by=editor, data={"published_at": when})
        assert updated.published_at == when and updated.extraction_status == "fetching"
        assert callbacks == []

    def test_the_link_of_an_article_made_from_it_is_fixed(self, team, editor):
        article = _fetching(team, "https://example.org/story")
        with pytest.raises(ValidationError) as caught:
            article_update(article=article, by=editor, data={"url": "https://example.org/other"})
        assert "url" in caught.value.error_dict
