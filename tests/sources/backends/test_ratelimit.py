"""RateLimiter: per-backend budgets, waiting for a slot, and one budget shared through Redis."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from sources.backends.base import TransientError
from sources.backends.ratelimit import RateLimiter

REDIS_URL = "redis://127.0.0.1:6379/14"


class RateLimiterTests:
    def test_unknown_backend_is_unlimited(self) -> None:
        limiter = RateLimiter({"wikipedia": "1/minute"})
        for _ in range(100):
            limiter.acquire("library", deadline=0)

    def test_refuses_when_no_slot_frees_before_the_deadline(self) -> None:
        limiter = RateLimiter({"wikipedia": "3/minute"})
        for _ in range(3):
            limiter.acquire("wikipedia", deadline=0)
        with pytest.raises(TransientError) as caught:
            limiter.acquire("wikipedia", deadline=0.2)
        assert str(caught.value) == (
            "wikipedia: rate limit 3 per 1 minute reached; no slot free within 0.2 s"
        )

    def test_waits_for_the_window_to_free_a_slot(self) -> None:
        limiter = RateLimiter({"wikidata": "2/second"})
        started = time.monotonic()
        for _ in range(3):
            limiter.acquire("wikidata", deadline=5)
        # The third slot only frees when the first hit leaves the one-second window.
        assert time.monotonic() - started >= 0.9

    def test_budgets_are_per_backend(self) -> None:
        limiter = RateLimiter({"wikipedia": "1/minute", "wikidata": "1/minute"})
        limiter.acquire("wikipedia", deadline=0)
        limiter.acquire("wikidata", deadline=0)
        with pytest.raises(TransientError, match="wikidata: rate limit"):
            limiter.acquire("wikidata", deadline=0)

    def test_every_rate_of_a_backend_applies(self) -> None:
        limiter = RateLimiter({"factcheck": "5/second;3/minute"})
        for _ in range(3):
            limiter.acquire("factcheck", deadline=0)
        with pytest.raises(TransientError, match="rate limit 3 per 1 minute"):
            limiter.acquire("factcheck", deadline=0.1)


@pytest.fixture
def backend() -> Iterator[str]:
    """A backend name of our own, so runs do not share (or leave behind) Redis counters."""
    name = f"test-{uuid.uuid4().hex}"
    yield name
    RateLimiter({name: "3/minute"}, storage_uri=REDIS_URL).clear(name)


class RedisRateLimiterTests:
    def test_two_limiters_share_one_budget(self, backend: str) -> None:
        first = RateLimiter({backend: "3/minute"}, storage_uri=REDIS_URL)
        second = RateLimiter({backend: "3/minute"}, storage_uri=REDIS_URL)
        first.acquire(backend, deadline=0)
        first.acquire(backend, deadline=0)
        second.acquire(backend, deadline=0)
        for limiter in (first, second):
            with pytest.raises(TransientError, match=f"{backend}: rate limit 3 per 1 minute"):
                limiter.acquire(backend, deadline=0.1)

    def test_clear_frees_the_budget(self, backend: str) -> None:
        limiter = RateLimiter({backend: "3/minute"}, storage_uri=REDIS_URL)
        for _ in range(3):
            limiter.acquire(backend, deadline=0)
        limiter.clear(backend)
        limiter.acquire(backend, deadline=0)
