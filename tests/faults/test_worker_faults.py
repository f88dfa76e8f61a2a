"""Faults with real processes: workers killed with SIGKILL mid-task, Redis stopped during
ingest, a lookup service that never answers. Each test has its own throwaway redis-server and
real `celery worker` processes on the pytest-django PostgreSQL database (see conftest.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connections
from django.test import override_settings

from claims import services
from claims.models import Article
from sources.models import Evidence, LookupRun
from sources.services import lookup_claim_start
from tests.factories import ClaimFactory, TeamFactory
from tests.fakes.server import FakeServer
from tests.fakes.wikimedia import FakeWikipedia, WikiPage
from tests.faults.conftest import REPO

pytestmark = pytest.mark.worker

SEED = (REPO / "workbench" / "demo" / "seed-china-cuba.txt").read_text(encoding="utf-8")
CLAIM = "Cuba and the People's Republic of China established diplomatic relations in 1960."
PAGE = WikiPage(
    "China\u2013Cuba relations",
    "China\u2013Cuba relations are the relations between China and Cuba.\n\n"
    "Cuba and the People's Republic of China established diplomatic relations on "
    "28 September 1960. Cuba was the first country in Latin America to do so.",
    1001,
)
# A long article keeps a worker busy extracting for a few seconds (no hook in our code): it is
# the seed article's paragraphs many times over, each copy slightly different.
LONG_PARAGRAPHS = 900
LONG_MAX_CHARS = 4_000_000


def _long_article() -> str:
    paragraphs = [line for line in SEED.splitlines() if line.strip()]
    return "\n\n".join(
        f"{p} (Dispatch {i}.)"
        for i in range(LONG_PARAGRAPHS // len(paragraphs) + 1)
        for p in paragraphs
    )


def _article(pk: int) -> Article:
    return Article.objects.get(pk=pk)


def _ingest_long(team) -> Article:
    with override_settings(ARTICLE_MAX_CHARS=LONG_MAX_CHARS):
        return services.article_ingest(team=team, body=_long_article()).article


def _clean_run_count(body: str) -> int:
    """Claims of the same text extracted once, in this process, nothing killed."""
    other = TeamFactory(name="Clean run")
    with override_settings(ARTICLE_MAX_CHARS=LONG_MAX_CHARS, CELERY_TASK_ALWAYS_EAGER=True):
        article = Article.objects.create(team=other, title="clean", body=body, content_hash="x")
        services.article_extract(article_id=article.pk)
    return article.claims.count()


def test_a_worker_killed_mid_extraction_is_replaced_and_no_claim_is_duplicated(team, workers):
    article = _ingest_long(team)
    first = workers.start("doomed")
    workers.wait_for(lambda: _article(article.pk).extraction_status == "running", "extraction")
    workers.kill(first)
    killed_at = time.monotonic()
    assert (_article(article.pk).extraction_status, article.claims.count()) == ("running", 0)

    workers.start("heir")
    workers.wait_for(lambda: _article(article.pk).extraction_status == "done", "the redelivery")
    recovered = time.monotonic() - killed_at
    print(f"kill -> article done: {recovered:.1f} s")

    stored = _article(article.pk)
    assert stored.deliveries == 0 and stored.extraction_error == ""
    claims = list(stored.claims.values_list("fingerprint", flat=True))
    assert len(claims) == len(set(claims)) == _clean_run_count(stored.body)


def test_an_extraction_whose_worker_is_lost_four_times_fails_for_good(team, workers):
    article = _ingest_long(team)
    for delivery in range(1, 5):
        worker = workers.start(f"doomed{delivery}")
        workers.wait_for(
            lambda d=delivery: _article(article.pk).deliveries == d, f"delivery {delivery}"
        )
        workers.kill(worker)
    workers.start("last")
    workers.wait_for(lambda: _article(article.pk).extraction_status == "failed", "giving up")
    stored = _article(article.pk)
    assert stored.extraction_error.startswith("worker lost 4 times while extracting")
    assert stored.deliveries == 0
    assert not stored.claims.exists()


@pytest.fixture
def wikipedia() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


def _lookup_env(server: FakeServer, backends: str) -> dict[str, str]:
    return {
        "LOOKUP_BACKENDS": backends,
        "WIKIPEDIA_API_URL": server.url("/w/api.php"),
        "LOOKUP_ALLOW_HOSTS": server.host_port,
    }


def _lookups(server: FakeServer, backends: list[str]) -> override_settings:
    return override_settings(
        LOOKUP_BACKENDS=backends,
        WIKIPEDIA_API_URL=server.url("/w/api.php"),
        LOOKUP_ALLOW_HOSTS=[server.host_port],
    )


def _finished(*ids: int):
    return lambda: (
        not LookupRun.objects.filter(pk__in=ids, status__in=["queued", "running"]).exists()
    )


def test_a_worker_killed_mid_lookup_is_replaced_and_no_evidence_is_duplicated(
    team, workers, wikipedia
):
    release = threading.Event()
    held: list[float] = []
    real = FakeWikipedia([PAGE])

    def first_request_hangs(request):
        if not held:
            held.append(time.monotonic())
            release.wait(60)  # the worker waiting for this reply is killed meanwhile
        return real(request)

    wikipedia.route("/w/api.php", first_request_hangs)
    env = _lookup_env(wikipedia, "wikipedia")
    claim = ClaimFactory(article__team=team, text=CLAIM)
    try:
        with _lookups(wikipedia, ["wikipedia"]):
            (run,) = lookup_claim_start(claim=claim)
        first = workers.start("doomed", queues="lookup,fetch", pool="threads", **env)
        workers.wait_for(lambda: bool(held), "the lookup to reach the service")
        workers.kill(first)
        killed_at = time.monotonic()
    finally:
        release.set()
    assert LookupRun.objects.get(pk=run.pk).status == "running"
    assert not Evidence.objects.filter(claim=claim).exists()

    workers.start("heir", queues="lookup,fetch", pool="threads", **env)
    workers.wait_for(_finished(run.pk), "the redelivered lookup")
    print(f"kill -> lookup succeeded: {time.monotonic() - killed_at:.1f} s")
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("succeeded", 2), workers.output()[-3000:]
    rows = Evidence.objects.filter(claim=claim)
    assert rows.exists()
    assert rows.count() == len({(e.source_id, e.passage_hash) for e in rows})


def _timed(func, limit: float = 30.0):
    """Run func() in a thread; fail (not hang) if it takes more than `limit` seconds."""
    box: dict[str, object] = {}

    def target() -> None:
        started = time.monotonic()
        try:
            box["result"] = func()
        except BaseException as exc:  # reported below
            box["error"] = exc
        finally:
            connections.close_all()  # this thread's own database connection
        box["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        pytest.fail(f"still waiting after {limit} s: the broker being down blocked the caller")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"], box["seconds"]


def test_articles_ingested_while_redis_is_down_are_swept_once_it_is_back(
    team, broker, workers, caplog
):
    broker.stop()
    articles = []
    for i in range(3):
        body = f"Cuba recognised the People's Republic of China in 1960. Report {i}."
        result, seconds = _timed(lambda body=body: services.article_ingest(team=team, body=body))
        print(f"ingest with Redis down: {seconds:.2f} s")
        assert result.created
        articles.append(result.article.pk)
    assert set(
        Article.objects.filter(pk__in=articles).values_list("extraction_status", flat=True)
    ) == {"pending"}
    assert caplog.text.count("task.send_failed") == 3

    broker.start()
    back_at = time.monotonic()
    # A worker with an embedded beat: the sweep every second, pending work older than a second.
    workers.start("swept", beat=True, SWEEP_INTERVAL="1", SWEEP_PENDING_AFTER="1")
    workers.wait_for(
        lambda: Article.objects.filter(pk__in=articles, extraction_status="done").count() == 3,
        "the sweep to send the pending articles",
    )
    print(f"Redis back -> 3 articles done: {time.monotonic() - back_at:.1f} s")
    for pk in articles:
        assert _article(pk).claims.exists()


def test_a_lookup_service_that_never_answers_fails_its_run_and_the_others_finish(
    team, workers, wikipedia
):
    hang = threading.Event()

    def never_answers(request):
        hang.wait(60)
        return None

    wikipedia.route("/w/api.php", never_answers)
    env = {
        **_lookup_env(wikipedia, "library,wikipedia"),
        "LOOKUP_READ_TIMEOUT": "1",
        "LOOKUP_CONNECT_TIMEOUT": "1",
        "LOOKUP_DEADLINE": "3",
    }
    claim = ClaimFactory(article__team=team, text=CLAIM)
    try:
        with _lookups(wikipedia, ["library", "wikipedia"]):
            runs = lookup_claim_start(claim=claim)
        workers.start("lookups", queues="lookup,fetch", pool="threads", **env)
        workers.wait_for(_finished(*(run.pk for run in runs)), "the runs to end")
    finally:
        hang.set()
    outcome = dict(LookupRun.objects.filter(claim=claim).values_list("backend", "status"))
    assert outcome == {"library": "succeeded", "wikipedia": "failed"}
    error = LookupRun.objects.get(claim=claim, backend="wikipedia").error
    print(f"hanging backend: {error}")
    assert error.startswith("wikipedia:")
