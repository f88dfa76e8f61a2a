"""Fault tests: real `celery worker` (and beat) processes against a throwaway Redis.

Each test gets its own `redis-server` on a free port (stopped and started again at will, never
the shared one) and the pytest-django test database on PostgreSQL (transactional, so the worker
processes see what the test commits). Redelivery is made quick through the environment: the
broker hands an unacknowledged task to another worker after CELERY_VISIBILITY_TIMEOUT seconds,
and workers look for such tasks every second.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import kombu.pools
import pytest

from tests.processes import database_url_for_subprocess, free_port
from workbench.celery import app as celery_app

REPO = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60
VISIBILITY_TIMEOUT = 2


class ThrowawayRedis:
    """A redis-server of our own on a free port, in a temp dir, no persistence."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = ThrowawayRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _reset_producer_pool() -> None:
    """Forget every broker connection pool. The app's pool is kombu's process-wide pool for the
    broker's URL: closing it alone would leave a closed pool registered for that URL ("Acquire on
    closed pool" in later tests); kombu.pools.reset() closes and unregisters them all."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(
    redis_server: ThrowawayRedis, transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ThrowawayRedis]:
    """The test process sends tasks (not eagerly) to the throwaway Redis."""
    # Celery reads the broker from the CELERY_BROKER_URL environment variable before its
    # configuration (CI sets it): point both at the throwaway server.
    conf = celery_app.conf
    saved = (
        conf.task_always_eager,
        conf.get("broker_url"),
        conf.get("broker_read_url"),
        conf.get("broker_write_url"),
    )
    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url())
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_READ_URL", raising=False)
    conf.task_always_eager = False
    conf.broker_url = redis_server.url()
    conf.broker_read_url = conf.broker_write_url = None
    _reset_producer_pool()
    try:
        yield redis_server
    finally:
        _reset_producer_pool()
        (
            conf.task_always_eager,
            conf.broker_url,
            conf.broker_read_url,
            conf.broker_write_url,
        ) = saved


class Workers:
    """Starts `celery -A workbench worker` processes (each in its own process group) and stops
    every one it started, keeping their output for failure messages."""

    def __init__(self, broker: ThrowawayRedis, tmp_path: Path) -> None:
        self.broker = broker
        self.tmp_path = tmp_path
        self.started: list[subprocess.Popen[str]] = []
        self.outputs: dict[int, str] = {}

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "workbench.settings",
            "DATABASE_URL": database_url_for_subprocess(),
            "CELERY_BROKER_URL": self.broker.url(0),
            # Cache and shared rate limits on the same throwaway server, another database.
            "REDIS_URL": self.broker.url(1),
            "SECRET_KEY": "fault-test-secret",
            "ALLOWED_HOSTS": "localhost",
            "DEBUG": "0",
            "LOOKUP_BACKENDS": "library",
            "LOOKUP_CACHE_SECONDS": "0",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            **extra,
        }

    def start(
        self,
        name: str,
        *,
        queues: str = "extract,default",
        pool: str = "solo",
        beat: bool = False,
        **env: str,
    ) -> subprocess.Popen[str]:
        args = [
            sys.executable, "-m", "celery", "-A", "workbench", "worker",
            "-Q", queues, "--pool", pool, "--without-heartbeat", "--without-gossip",
            "--without-mingle", "-n", f"{name}-{os.getpid()}@%h", "-l", "info",
        ]  # fmt: skip
        if pool == "threads":
            args += ["--concurrency", "4"]
        if beat:
            args += ["-B", "-s", str(self.tmp_path / f"beat-{name}")]
        process = subprocess.Popen(
            args,
            cwd=REPO,
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: a kill takes all of it
        )
        self.started.append(process)
        return process

    def kill(self, process: subprocess.Popen[str]) -> None:
        """SIGKILL: no warm shutdown, the task in hand is never acknowledged."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def stop(self, process: subprocess.Popen[str]) -> str:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process.pid not in self.outputs:
            self.outputs[process.pid] = process.stdout.read() if process.stdout else ""
        return self.outputs[process.pid]

    def output(self) -> str:
        return "\n".join(self.stop(p)[-3000:] for p in self.started)

    def wait_for(self, predicate: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.02)
        pytest.fail(f"timed out waiting for {what}; worker output:\n{self.output()[-6000:]}")


@pytest.fixture
def workers(broker: ThrowawayRedis, tmp_path: Path) -> Iterator[Workers]:
    group = Workers(broker, tmp_path)
    try:
        yield group
    finally:
        for process in group.started:
            group.stop(process)
