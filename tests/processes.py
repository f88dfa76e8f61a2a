"""What tests that start real processes (Celery workers, gunicorn, redis-server, PostgreSQL)
need from the test process: the test database as a URL another process can open, and a free
local port."""

from __future__ import annotations

import socket

import pytest
from django.db import connection


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
