"""Run the independent requests of one lookup side by side, with results in a fixed order.

A lookup's latency is the length of its longest chain of dependent requests: Wikipedia's page
extracts do not depend on each other, nor do Wikidata's entity searches. :func:`map_ordered` runs
such a batch on a small thread pool made for the batch and shut down before it returns, so no
thread outlives the lookup. It behaves like ``[fn(item) for item in items]``:

* results come back in the order of ``items``, whatever order the requests finish in;
* if calls fail, the error raised is the one the sequential loop would have raised: the first
  failing item in ``items`` order. Calls not yet started when a call fails are not started;
  calls already running are waited for (each is bounded by the HTTP client's deadline).
* ``parallel=1`` (or a single item) runs the plain loop in the calling thread.

Pure Python: the HTTP client is thread-safe, so the calls may share it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: The default bound on requests a lookup has in flight at once.
DEFAULT_PARALLEL = 4


def map_ordered(
    fn: Callable[[T], R], items: Iterable[T], *, parallel: int, name: str = "lookup"
) -> list[R]:
    """``[fn(item) for item in items]`` with up to ``parallel`` calls running at once.

    ``name`` prefixes the worker threads' names ("wikipedia-fanout_0"), for logs and debuggers.
    """
    batch = list(items)
    if parallel <= 1 or len(batch) <= 1:
        return [fn(item) for item in batch]
    failed = threading.Event()

    def call(item: T) -> R:
        # A worker freed by a failed call must not start the next queued one: the pool hands it
        # out before this thread can cancel it.
        if failed.is_set():
            raise _Skipped
        try:
            return fn(item)
        except BaseException:
            failed.set()
            raise

    pool = ThreadPoolExecutor(
        max_workers=min(parallel, len(batch)), thread_name_prefix=f"{name}-fanout"
    )
    try:
        futures: list[Future[R]] = [pool.submit(call, item) for item in batch]
        _done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()  # only those not started yet
        wait(futures)
        # In items order, the first error is the one the sequential loop would have raised. The
        # pool starts calls in submission order, so the calls cancelled or skipped come after
        # the failed one (bar a worker pausing between taking a call and starting it).
        for future in futures:
            error = None if future.cancelled() else future.exception()
            if error is not None and not isinstance(error, _Skipped):
                raise error
        return [future.result() for future in futures]
    finally:
        # Also on KeyboardInterrupt or a soft time limit raised while waiting above: running
        # calls end within the client's deadline, and no thread is left behind.
        failed.set()
        pool.shutdown(wait=True, cancel_futures=True)


class _Skipped(Exception):
    """A call not started because an earlier one failed (never seen by callers)."""
