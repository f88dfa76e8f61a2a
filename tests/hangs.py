"""A guard against hangs (not a speed check): the block is interrupted with TimeoutError if it
is still running after a generous number of seconds. Speed is measured by the benchmarks under
bench/, never asserted in a test."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

HANG_SECONDS = 120  # generous: a hang or a runaway (quadratic) loop trips it, a slow machine not


@contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Run the block under SIGALRM (main thread only, as pytest runs tests)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
