"""Fixtures for the backend tests: a fake server on 127.0.0.1 and a client allowed to reach it
(quick timeouts and backoff, so the failure tests stay fast)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sources.backends.http import HttpClient
from tests.fakes.server import FakeServer

USER_AGENT = "FactCheckWorkbench-tests/0.1 (+https://example.org/contact)"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


@pytest.fixture
def client(server: FakeServer) -> Iterator[HttpClient]:
    with HttpClient(
        user_agent=USER_AGENT,
        connect_timeout=1.0,
        read_timeout=0.5,
        deadline=6.0,
        backoff_initial=0.01,
        backoff_max=0.05,
        allow={server.host_port},
    ) as client:
        yield client
