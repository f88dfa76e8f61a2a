"""Per-backend rate limits shared by every worker, on the ``limits`` library.

One :class:`RateLimiter` holds a rate per backend name (``{"wikipedia": "20/second"}``, or several
at once: ``"20/second;1000/hour"``) and counts hits in a moving window kept in the storage named
by ``storage_uri``: ``memory://`` counts within this process only, ``redis://host:6379/0`` counts
across all workers that point at the same Redis. A backend without a rate is not limited.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from sources.backends.base import TransientError

logger = logging.getLogger(__name__)

#: Never sleep less than this between tries for a slot (avoids busy-waiting on a full window).
MIN_WAIT = 0.01
#: Nor more than this in one go, so a slot freed early (another worker's window) is noticed.
MAX_WAIT = 1.0


class RateLimiter:
    """Waits for a free slot in each backend's window before a request goes out.

    Thread-safe; with a Redis ``storage_uri`` the budget is shared by every process using it.
    """

    def __init__(self, rates: Mapping[str, str], storage_uri: str = "memory://") -> None:
        self.rates: dict[str, list[RateLimitItem]] = {
            backend: parse_many(rate) for backend, rate in rates.items() if rate
        }
        self.storage_uri = storage_uri
        self._storage = storage_from_string(storage_uri)
        self._limiter = MovingWindowRateLimiter(self._storage)

    def acquire(self, backend: str, deadline: float) -> None:
        """Take one slot of ``backend``'s budget, waiting at most ``deadline`` seconds from now.

        Raises TransientError("wikipedia: rate limit 20 per 1 second ...") when no slot frees up
        in time. Unknown backends return at once.
        """
        items = self.rates.get(backend)
        if not items:
            return
        give_up_at = time.monotonic() + max(0.0, deadline)
        while True:
            blocked = self._try_hit(items, backend)
            if blocked is None:
                return
            stats = self._limiter.get_window_stats(blocked, backend)
            wait = min(max(stats.reset_time - time.time(), MIN_WAIT), MAX_WAIT)
            remaining = give_up_at - time.monotonic()
            if remaining <= 0 or (stats.reset_time - time.time()) > remaining:
                raise TransientError(
                    f"{backend}: rate limit {blocked} reached; no slot free within {deadline:.1f} s"
                )
            time.sleep(min(wait, remaining))

    def clear(self, backend: str) -> None:
        """Forget the hits counted for ``backend`` (tests, or after changing a rate)."""
        for item in self.rates.get(backend, []):
            self._limiter.clear(item, backend)

    def _try_hit(self, items: list[RateLimitItem], backend: str) -> RateLimitItem | None:
        """Hit every rate of ``backend``; return the first one that is full, or None if all took it.

        The rates are tested before any is hit, so a full hourly window does not eat a slot of the
        per-second one. (Between test and hit another worker may take the last slot; then the hit
        fails and we wait like any other refusal.)
        """
        for item in items:
            if not self._limiter.test(item, backend):
                return item
        for item in items:
            if not self._limiter.hit(item, backend):
                return item
        return None
