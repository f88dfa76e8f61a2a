"""Lookups through real Celery workers and the configured broker (Redis in CI).

The test process queues lookups with tasks NOT eager; `celery worker` subprocesses consume the
"lookup" and "fetch" queues against the same (test) database and a fake Wikipedia on 127.0.0.1.
One test kills a worker in the middle of a lookup: the broker delivers the task again to a new
worker, which finishes it without duplicating evidence.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from sources.models import Evidence, LookupRun
from sources.services import lookup_claim_start, lookup_url_attach
from tests.factories import ClaimFactory
from tests.fakes.server import FakeServer
from tests.fakes.wikimedia import FakeWikipedia, WikiPage
from tests.processes import database_url_for_subprocess
from workbench.celery import app as celery_app

REPO = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 90
CLAIM = "Cuba and the People's Republic of China established diplomatic relations in 1960."
PAGE = WikiPage(
    "China\u2013Cuba relations",
    "China\u2013Cuba relations are the relations between China and Cuba.\n\n"
    "Cuba and the People's Republic of China established diplomatic relations on "
    "28 September 1960. Cuba was the first country in Latin America to do so.",
    1001,
)


@pytest.fixture
def broker_url() -> str:
    if not settings.WORKBENCH_BROKER_CONFIGURED:
        pytest.skip("no broker configured: set CELERY_BROKER_URL=redis://... to run a real worker")
    return settings.CELERY_BROKER_URL


@pytest.fixture
def not_eager(broker_url, transactional_db) -> Iterator[None]:
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_write() as connection:
        for queue in ("lookup", "fetch"):
            # What earlier tests left on these queues is not ours to run.
            connection.default_channel.queue_purge(queue)
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.fixture
def wikipedia() -> Iterator[FakeServer]:
    with FakeServer() as server:
        server.route("/w/api.php", FakeWikipedia([PAGE]))
        yield server


def override_lookups(server: FakeServer) -> override_settings:
    """The test process's own settings, matching the workers' (only Wikipedia, the fake)."""
    return override_settings(
        LOOKUP_BACKENDS=["wikipedia"],
        WIKIPEDIA_API_URL=server.url("/w/api.php"),
        LOOKUP_ALLOW_HOSTS=[server.host_port],
    )


def _start_worker(broker_url: str, server: FakeServer, name: str, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workbench.settings",
        "DATABASE_URL": database_url_for_subprocess(),
        "CELERY_BROKER_URL": broker_url,
        # The cache and rate limits in their own Redis database, apart from the broker's.
        "REDIS_URL": "redis://127.0.0.1:6379/13",
        "SECRET_KEY": "worker-test-secret",
        "ALLOWED_HOSTS": "localhost",
        "DEBUG": "0",
        "LOOKUP_BACKENDS": "wikipedia",
        "WIKIPEDIA_API_URL": server.url("/w/api.php"),
        "LOOKUP_ALLOW_HOSTS": server.host_port,
        "LOOKUP_CACHE_SECONDS": "0",
        **env,
    }
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "workbench", "worker",
            "-Q", "lookup,fetch", "--pool", "threads", "--concurrency", "4",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
            "-n", f"{name}-{os.getpid()}@%h", "-l", "info",
        ],
        cwd=REPO,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so the kill takes every thread
    )  # fmt: skip


def _stop(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    return worker.stdout.read() if worker.stdout else ""


def _wait_for(predicate, worker: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; worker output:\n{_stop(worker)[-4000:]}")


def _finished(*runs: LookupRun):
    ids = [run.pk for run in runs]
    return lambda: (
        not LookupRun.objects.filter(pk__in=ids, status__in=["queued", "running"]).exists()
    )


@pytest.mark.worker
def test_lookups_and_link_fetches_run_on_a_real_worker(broker_url, not_eager, wikipedia, team):
    wikipedia.route(
        "/story",
        (200, {"Content-Type": "text/html"}, f"<html><body><p>{CLAIM}</p></body></html>".encode()),
    )
    claim = ClaimFactory(article__team=team, text=CLAIM)
    worker = _start_worker(broker_url, wikipedia, "lookups")
    try:
        with override_lookups(wikipedia):
            runs = lookup_claim_start(claim=claim)  # committed: sent to the "lookup" queue
            link = lookup_url_attach(claim=claim, url=wikipedia.url("/story"))  # "fetch" queue
        _wait_for(_finished(*runs, link), worker, "the lookup and the fetch")
    finally:
        output = _stop(worker)
    statuses = dict(LookupRun.objects.filter(claim=claim).values_list("backend", "status"))
    assert statuses == {"wikipedia": "succeeded", "url": "succeeded"}, output[-3000:]
    assert set(claim.evidence.values_list("origin", flat=True)) == {"wikipedia", "url"}
    claim.refresh_from_db()
    assert claim.suggestion == "supported"


@pytest.mark.worker
def test_a_worker_killed_mid_lookup_is_replaced_and_nothing_is_duplicated(
    broker_url, not_eager, wikipedia, team
):
    release = threading.Event()
    held: list[float] = []
    real = FakeWikipedia([PAGE])

    def first_request_hangs(request):
        if not held:
            held.append(time.monotonic())
            release.wait(60)  # the worker serving this request is killed meanwhile
        return real(request)

    wikipedia.route("/w/api.php", first_request_hangs)
    claim = ClaimFactory(article__team=team, text=CLAIM)
    # Redis hands an unacknowledged task to another worker once this many seconds have passed.
    # They look for such tasks every second here (kombu's default is every 100 s).
    env = {
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    first = _start_worker(broker_url, wikipedia, "doomed", **env)
    try:
        with override_lookups(wikipedia):
            (run,) = lookup_claim_start(claim=claim)
        _wait_for(lambda: bool(held), first, "the lookup to reach the service")
        os.killpg(first.pid, signal.SIGKILL)  # no warm shutdown: the task is never acknowledged
        first.wait(timeout=20)
    finally:
        _stop(first)
        release.set()
    assert LookupRun.objects.get(pk=run.pk).status == "running"
    assert not Evidence.objects.filter(claim=claim).exists()

    second = _start_worker(broker_url, wikipedia, "heir", **env)
    try:
        _wait_for(_finished(run), second, "the redelivered lookup")
    finally:
        output = _stop(second)
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("succeeded", 2), output[-3000:]
    rows = Evidence.objects.filter(claim=claim)
    assert rows.exists()
    assert rows.count() == len({(e.source_id, e.passage_hash) for e in rows})
