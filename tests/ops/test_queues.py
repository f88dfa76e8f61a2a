"""Scale-out: the Procfile's two kinds of worker, started as real processes against Redis (db 8),
each take only their own queues: extraction lands on the extract worker, lookups and page fetches
on the lookup worker. Which worker ran a task is read from its own JSON log lines, which carry the
task's id and name (workbench.logging)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import REPO
from tests.ops.helpers import production_env
from tests.processes import database_url_for_subprocess
from workbench.celery import app as celery_app

BROKER_URL = os.environ.get("OPS_QUEUES_BROKER_URL", "redis://127.0.0.1:6379/8")
WAIT_SECONDS = 90
MISSING = 2_000_000_000  # no such article or run: the task runs, logs and ends at once


def procfile_command(process: str) -> list[str]:
    for line in (REPO / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            argv = shlex.split(command)
            assert argv[0] == "celery"
            return [sys.executable, "-m", "celery", *argv[1:]]
    raise AssertionError(f"no {process!r} in the Procfile")


def logged_task_ids(path: Path) -> dict[str, str]:
    """task_id -> task_name for every JSON line a task logged while it ran."""
    found = {}
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if "task_id" in entry:
                found[entry["task_id"]] = entry["task_name"]
    return found


@pytest.fixture
def broker() -> str:
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {BROKER_URL}: {exc}")
    client.flushdb()  # this test's own database number: nothing left from an earlier run
    return BROKER_URL


@pytest.fixture
def workers(broker, transactional_db, tmp_path) -> Iterator[dict[str, Path]]:
    env = production_env(
        DATABASE_URL=database_url_for_subprocess(),
        CELERY_BROKER_URL=broker,
        REDIS_URL=broker,
        LOOKUP_BACKENDS="library",
        WORKBENCH_VAR_DIR=str(tmp_path),
    )
    logs: dict[str, Path] = {}
    processes: list[subprocess.Popen[bytes]] = []
    for name in ("worker-extract", "worker-lookup"):
        logs[name] = tmp_path / f"{name}.log"
        argv = procfile_command(name)
        # Quicker start and stop, and unique names (other tests may run workers on this host).
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        argv += ["--concurrency", "2", "-n", f"{name}-{os.getpid()}@%h"]
        with open(logs[name], "wb") as log:
            processes.append(
                subprocess.Popen(argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield logs
    finally:
        celery_app.conf.task_always_eager = eager
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.worker
def test_each_kind_of_task_lands_on_its_own_worker(workers):
    sent = {}
    with celery_app.connection_for_write(BROKER_URL) as connection:
        # Routed by CELERY_TASK_ROUTES, exactly as the services send them.
        for name in (
            "claims.article_extract",
            "sources.lookup_run_execute",
            "claims.article_fetch",
        ):
            sent[name] = celery_app.send_task(name, args=[MISSING], connection=connection).id

    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        ran = {name: logged_task_ids(path) for name, path in workers.items()}
        if set(sent.values()) <= set(ran["worker-extract"]) | set(ran["worker-lookup"]):
            break
        time.sleep(0.25)

    outputs = {name: path.read_text(errors="replace")[-3000:] for name, path in workers.items()}
    assert ran["worker-extract"].get(sent["claims.article_extract"]) == "claims.article_extract", (
        outputs
    )
    assert (
        ran["worker-lookup"].get(sent["sources.lookup_run_execute"]) == "sources.lookup_run_execute"
    ), outputs
    assert ran["worker-lookup"].get(sent["claims.article_fetch"]) == "claims.article_fetch", outputs
    # And never on the other one.
    assert sent["claims.article_extract"] not in ran["worker-lookup"]
    assert sent["sources.lookup_run_execute"] not in ran["worker-extract"]
    assert sent["claims.article_fetch"] not in ran["worker-extract"]
