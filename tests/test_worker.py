"""End to end through a real Celery worker process and the configured broker (Redis in CI).

The test process ingests an article with tasks NOT eager; a `celery worker` subprocess, pointed at
the same (test) database, picks the extraction task off the broker and writes the claims.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from claims.models import Article
from claims.services import article_ingest
from tests.processes import database_url_for_subprocess
from workbench.celery import app as celery_app

REPO = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 90


@pytest.fixture
def broker_url() -> str:
    url = settings.CELERY_BROKER_URL
    if not settings.WORKBENCH_BROKER_CONFIGURED:
        pytest.skip("no broker configured: set CELERY_BROKER_URL=redis://... to run a real worker")
    return url


@pytest.fixture
def real_worker(broker_url, transactional_db):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workbench.settings",
        "DATABASE_URL": database_url_for_subprocess(),
        "CELERY_BROKER_URL": broker_url,
        "SECRET_KEY": "worker-test-secret",
        "ALLOWED_HOSTS": "localhost",
        "DEBUG": "0",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "workbench",
            "worker",
            "-Q",
            "extract",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-worker-{os.getpid()}@%h",
            "-l",
            "info",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield worker
    finally:
        celery_app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.mark.worker
def test_ingested_article_is_extracted_by_a_real_worker(real_worker, team, seed_text):
    result = article_ingest(team=team, body=seed_text)  # commits; on_commit sends to the broker
    article = result.article

    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        article.refresh_from_db()
        if article.extraction_status in (
            Article.ExtractionStatus.DONE,
            Article.ExtractionStatus.FAILED,
        ):
            break
        if real_worker.poll() is not None:
            break
        time.sleep(0.25)

    if article.extraction_status != Article.ExtractionStatus.DONE:
        real_worker.terminate()
        output = real_worker.communicate(timeout=20)[0]
        pytest.fail(
            f"extraction ended {article.extraction_status!r}; worker output:\n{output[-4000:]}"
        )
    claims = list(article.claims.all())
    assert claims
    for claim in claims:
        assert article.body[claim.start : claim.end] == claim.sentence
