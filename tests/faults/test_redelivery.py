"""The redelivery counter and the sweep, as units (no worker; the fault tests run them for real).

Brokers do not count redeliveries: the tasks count their own deliveries in the database
(Article.deliveries, LookupRun.attempts) and give up when workers were lost with them more than
TASK_MAX_REDELIVERIES (3) times. The sweep sends again the tasks of work stuck too long.
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from claims import services
from claims.models import Article
from claims.tasks import article_extract as article_extract_task
from sources.models import LookupRun
from sources.services.lookups import lookup_run_execute, lookup_run_sweep
from tests.factories import ArticleFactory, ClaimFactory
from workbench.celery import app

TEXT = "Cuba and the People's Republic of China established diplomatic relations in 1960."


@pytest.fixture
def sent():
    """Tasks sent to the broker (name, queue), with eager mode off; nothing leaves the process."""
    messages: list[tuple[str, str, list]] = []

    def send_task_message(producer, name, message, **options):
        messages.append((name, options["queue"].name, list(message.body[0])))

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with mock.patch.object(app.amqp, "send_task_message", side_effect=send_task_message):
            yield messages
    finally:
        app.conf.task_always_eager = eager


def _age(model, pk: int, seconds: float) -> None:
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


class ExtractionDeliveryTests:
    def test_a_fifth_delivery_after_four_lost_workers_fails_for_good(self, team):
        article = ArticleFactory(team=team, body=TEXT, extraction_status="running", deliveries=4)
        outcome = services.article_extract(article_id=article.pk)
        article.refresh_from_db()
        assert outcome.failed
        assert article.extraction_status == "failed"
        assert article.extraction_error.startswith("worker lost 4 times while extracting")
        assert article.deliveries == 0
        assert not article.claims.exists()

    def test_three_lost_workers_are_tolerated_and_the_count_resets_when_done(self, team):
        article = ArticleFactory(team=team, body=TEXT, extraction_status="running", deliveries=3)
        outcome = services.article_extract(article_id=article.pk)
        article.refresh_from_db()
        assert not outcome.failed
        assert (article.extraction_status, article.deliveries) == ("done", 0)
        assert article.claims.exists()

    def test_each_delivery_is_counted_until_it_finishes(self, team):
        article = ArticleFactory(team=team, body=TEXT, extraction_status="pending")
        with (
            mock.patch.object(services, "extract_article", side_effect=KeyboardInterrupt),
            pytest.raises(KeyboardInterrupt),  # the worker "dies" mid-extraction
        ):
            services.article_extract(article_id=article.pk)
        article.refresh_from_db()
        assert (article.extraction_status, article.deliveries) == ("running", 1)

    def test_a_retry_is_not_a_lost_delivery(self, team):
        article = ArticleFactory(team=team, body=TEXT, extraction_status="running", deliveries=2)
        article_extract_task.on_retry(Exception(), "task-id", (article.pk,), {}, None)
        article.refresh_from_db()
        assert article.deliveries == 1


class FetchDeliveryTests:
    def test_a_fetch_whose_workers_were_lost_four_times_fails_for_good(self, team):
        article = ArticleFactory(
            team=team,
            body="",
            content_hash="",
            url="https://example.org/story",
            extraction_status="fetching",
            deliveries=4,
        )
        outcome = services.article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert outcome.status == "failed"
        assert article.extraction_status == "failed"
        assert article.extraction_error.startswith("worker lost 4 times while fetching the page")
        assert article.deliveries == 0

    def test_a_fetch_of_an_article_not_fetching_counts_nothing(self, team):
        article = ArticleFactory(team=team, body=TEXT, extraction_status="done")
        outcome = services.article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert not outcome.acted and article.deliveries == 0


class LookupDeliveryTests:
    def test_a_run_whose_workers_were_lost_four_times_fails_for_good(self, team):
        run = LookupRun.objects.create(
            claim=ClaimFactory(article__team=team), backend="library", attempts=4
        )
        assert lookup_run_execute(run_id=run.pk).status == "failed"
        run.refresh_from_db()
        assert (run.status, run.attempts) == ("failed", 5)
        assert "library: worker lost 4 times" in run.error


class ArticleSweepTests:
    STALE = {"pending": 60, "fetching": 600, "running": 400}

    def test_stuck_articles_are_sent_again_once_and_fresh_ones_are_left(self, team, sent):
        pending = ArticleFactory(team=team, body="one", extraction_status="pending")
        running = ArticleFactory(team=team, body="two", extraction_status="running")
        fetching = ArticleFactory(
            team=team, body="", content_hash="", url="https://e.org/", extraction_status="fetching"
        )
        fresh = ArticleFactory(team=team, body="three", extraction_status="pending")
        done = ArticleFactory(team=team, body="four", extraction_status="done")
        for article, age in [(pending, 61), (running, 401), (fetching, 601), (done, 9999)]:
            _age(Article, article.pk, age)
        _age(Article, fresh.pk, 30)

        outcome = services.article_sweep(stale_after=self.STALE, batch=10)
        assert outcome.sent == {"pending": 1, "fetching": 1, "running": 1}
        assert sorted(sent) == sorted(
            [
                ("claims.article_extract", "extract", [pending.pk]),
                ("claims.article_extract", "extract", [running.pk]),
                ("claims.article_fetch", "fetch", [fetching.pk]),
            ]
        )
        # Marked: the next pass leaves them alone for `stale_after` again (idempotent sweep).
        sent.clear()
        assert services.article_sweep(stale_after=self.STALE, batch=10).sent == {
            "pending": 0,
            "fetching": 0,
            "running": 0,
        }
        assert sent == []
        assert fresh.pk not in {args[0] for *_, args in sent}

    def test_a_pass_is_bounded_oldest_first(self, team, sent):
        articles = [
            ArticleFactory(team=team, body=f"text {i}", extraction_status="pending")
            for i in range(5)
        ]
        for i, article in enumerate(articles):
            _age(Article, article.pk, 1000 - i)
        outcome = services.article_sweep(stale_after={"pending": 60}, batch=2)
        assert outcome.sent == {"pending": 2}
        assert [args[0] for *_, args in sent] == [articles[0].pk, articles[1].pk]

    def test_a_broker_that_is_down_stops_the_pass_and_marks_nothing(self, team, caplog):
        article = ArticleFactory(team=team, body="one", extraction_status="pending")
        _age(Article, article.pk, 100)
        before = Article.objects.get(pk=article.pk).updated_at
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            with mock.patch.object(
                app.amqp, "send_task_message", side_effect=BrokerError("connection refused")
            ):
                outcome = services.article_sweep(stale_after={"pending": 60}, batch=10)
        finally:
            app.conf.task_always_eager = eager
        assert (outcome.sent, outcome.failed_to_send) == ({"pending": 0}, 1)
        assert Article.objects.get(pk=article.pk).updated_at == before
        assert "task.send_failed" in caplog.text


class LookupRunSweepTests:
    def test_stuck_runs_are_sent_again_to_their_queue(self, team, sent):
        claim = ClaimFactory(article__team=team)
        queued = LookupRun.objects.create(claim=claim, backend="library")
        link = LookupRun.objects.create(claim=claim, backend="url", url="https://e.org/a")
        running = LookupRun.objects.create(claim=claim, backend="wikipedia", status="running")
        fresh = LookupRun.objects.create(claim=claim, backend="wikidata")
        done = LookupRun.objects.create(claim=claim, backend="factcheck", status="succeeded")
        for run in (queued, link, done):
            _age(LookupRun, run.pk, 400)
        _age(LookupRun, running.pk, 200)
        _age(LookupRun, fresh.pk, 10)

        result = lookup_run_sweep(stale_after={"queued": 300, "running": 150}, batch=10)
        assert result == {"queued": 2, "running": 1}
        assert sorted(sent) == sorted(
            [
                ("sources.lookup_run_execute", "lookup", [queued.pk]),
                ("sources.lookup_run_execute", "fetch", [link.pk]),
                ("sources.lookup_run_execute", "lookup", [running.pk]),
            ]
        )
        sent.clear()
        assert lookup_run_sweep(stale_after={"queued": 300, "running": 150}, batch=10) == {
            "queued": 0,
            "running": 0,
        }
