"""PostgreSQL restarted under API traffic: requests during the outage fail fast with 503 (never a
500, never a hang) and succeed again once it is back, without restarting the app.

The test starts its OWN throwaway PostgreSQL cluster (initdb + pg_ctl in a temporary directory, on
a free port) and the app under gunicorn (a real process, two sync workers, persistent database
connections), sends API traffic from a thread pool, stops and starts the cluster, and checks every
answer. Durations are recorded and printed (run with -s to see them), not asserted.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.ops.helpers import production_env
from tests.processes import free_port

CLIENT_TIMEOUT = 15.0  # generous: a hang shows as a timeout, not as a slow pass
THREADS = 6


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found and shutil.which("initdb"):
        found = [shutil.which("initdb") or ""]
    if not found:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    return Path(found[-1]).parent


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary directory, on its own port, trust authentication."""

    def __init__(self, root: Path) -> None:
        self.bin = pg_bin()
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        # initdb and postgres refuse to run as root: run them as the "postgres" system user.
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            if not shutil.which("runuser"):
                pytest.skip("running as root without runuser: cannot start PostgreSQL")
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(root, "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/workbench"

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.root / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            pytest.fail(f"{args[0]} failed: {result.stdout}{result.stderr}{tail}")

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--no-sync",
        )  # fmt: skip
        self.start()
        self._run(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "postgres", "workbench",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
             "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip


@dataclass
class Answer:
    started: float
    seconds: float
    status: int | str  # an HTTP status, or the client error's name


@pytest.fixture
def postgres() -> Iterator[ThrowawayPostgres]:
    # Not under pytest's tmp_path: the "postgres" user must be able to reach it.
    with tempfile.TemporaryDirectory(prefix="wb-outage-pg-") as root:
        pg = ThrowawayPostgres(Path(root))
        try:
            pg.init()
            yield pg
        finally:
            pg.destroy()


SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from django.contrib.auth.models import User
from workbench.models import Membership, Team
from workbench.services import token_create
user = User.objects.create_user("ops", password="an-ops-password-1")
team = Team.objects.create(name="Ops desk")
Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
print(token_create(user=user, name="outage").key)
"""


def get(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return int(exc.code)


@pytest.fixture
def app(postgres, tmp_path) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[str]]]:
    env = production_env(
        DATABASE_URL=postgres.url,
        CELERY_BROKER_URL="",
        LOOKUP_BACKENDS="library",
        WORKBENCH_VAR_DIR=str(tmp_path),
        DATABASE_CONN_MAX_AGE="600",  # persistent connections that the restart breaks
        WEB_CONCURRENCY="2",
    )
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    key = setup.stdout.strip().splitlines()[-1]
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "workbench.wsgi", "-c", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    headers = {
        "Authorization": f"Bearer {key}",
        "X-Forwarded-Proto": "https",  # as the TLS proxy would (SECURE_SSL_REDIRECT is on)
        "Host": "workbench.example.org",
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(f"{base}/health/", headers) == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"gunicorn did not come up:\n{log.read()[-4000:]}")
            time.sleep(0.2)
        yield base, headers, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.mark.slow
def test_requests_during_a_database_restart_get_503_fast_and_recover_without_restart(postgres, app):
    base, headers, server = app
    urls = [f"{base}/api/v1/claims/", f"{base}/api/v1/articles/", f"{base}/api/v1/teams/"]
    answers: list[Answer] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        i = n
        while not stop.is_set():
            started = time.monotonic()
            try:
                status: int | str = get(urls[i % len(urls)], headers)
            except OSError as exc:
                status = type(exc).__name__
            with lock:
                answers.append(Answer(started, time.monotonic() - started, status))
            i += 1
            time.sleep(0.01)

    with ThreadPoolExecutor(THREADS) as pool:
        for n in range(THREADS):
            pool.submit(client, n)
        time.sleep(2)
        down_at = time.monotonic()
        postgres.stop()
        stopped_at = time.monotonic()
        time.sleep(3)
        restart_at = time.monotonic()
        postgres.start()
        up_at = time.monotonic()
        # Traffic goes on until every client has had a few answers after the database is back.
        deadline = up_at + 60
        while time.monotonic() < deadline:
            with lock:
                recent = [a for a in answers if a.started > up_at + 1]
            if len(recent) >= 30:
                break
            time.sleep(0.1)
        stop.set()

    before = [a for a in answers if a.started + a.seconds < down_at]
    outage = [a for a in answers if a.started > stopped_at and a.started + a.seconds < restart_at]
    after = [a for a in answers if a.started > up_at]
    statuses = {a.status for a in answers}
    first_ok = min((a.started + a.seconds for a in after if a.status == 200), default=None)
    figures = {
        "requests": len(answers),
        "statuses": sorted(map(str, statuses)),
        "before_ok": sum(a.status == 200 for a in before),
        "before_p50_ms": round(1000 * statistics.median(a.seconds for a in before), 1)
        if before
        else None,
        "outage_503": sum(a.status == 503 for a in outage),
        "outage_p50_ms": round(1000 * statistics.median(a.seconds for a in outage), 1)
        if outage
        else None,
        "outage_max_ms": round(1000 * max(a.seconds for a in outage), 1) if outage else None,
        "recovered_after_start_s": round(first_ok - up_at, 3) if first_ok else None,
        "after_non_200": sum(a.status != 200 for a in after if a.started > up_at + 1),
    }
    print("\ndatabase outage:", json.dumps(figures))

    # Never a 500, never a client timeout or refused connection: only 200 and 503.
    assert statuses <= {200, 503}, figures
    assert before and all(a.status == 200 for a in before), figures
    # While the database is stopped every answer is a 503...
    assert outage and all(a.status == 503 for a in outage), figures
    # ...and once it is back (a second to settle) every answer is a 200, same gunicorn.
    assert figures["after_non_200"] == 0 and len(after) >= 30, figures
    assert server.poll() is None
    # The health endpoint agrees.
    assert get(f"{base}/health/", headers) == 200
