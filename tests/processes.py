"""What tests that start real processes (Celery workers, gunicorn, redis-server, PostgreSQL,
a Python probe) need from the test process: the test database as a URL another process can open,
a free local port, and a probe's JSON answer."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import pytest
from django.db import connection

from tests.conftest import REPO


def database_url_for_subprocess() -> str:
    """The test database as a DATABASE_URL; skips on SQLite (its test database is in memory)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "another process must open the test database: set DATABASE_URL=postgres://... "
            "(the SQLite test database lives in memory)"
        )
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def probe_json(code: str, env: Mapping[str, str], *, timeout: float = 120) -> Any:
    """Run `python -c code` from the repository with `env`; it must exit 0 and print JSON on its
    last line, which is returned."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
