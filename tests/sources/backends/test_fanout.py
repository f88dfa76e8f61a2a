"""map_ordered: a batch of independent calls side by side, with the sequential loop's results."""

from __future__ import annotations

import threading

import pytest

from sources.backends.base import PermanentError, TransientError
from sources.backends.fanout import map_ordered

# Only a bound for a test that would otherwise hang; nothing waits this long when it passes.
HANG = 10.0


def fanout_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if "-fanout" in t.name]


class MapOrderedTests:
    def test_results_keep_the_order_of_the_items_not_of_completion(self) -> None:
        # Each call waits for the one after it to finish: they complete last to first.
        finished = [threading.Event() for _ in range(4)]

        def call(n: int) -> str:
            if n < 3:
                assert finished[n + 1].wait(HANG)
            finished[n].set()
            return f"item {n}"

        assert map_ordered(call, range(4), parallel=4) == [f"item {n}" for n in range(4)]

    def test_the_calls_overlap(self) -> None:
        # Four calls that each wait until all four are running: only possible side by side.
        barrier = threading.Barrier(4, timeout=HANG)
        assert map_ordered(lambda n: barrier.wait() >= 0 and n, range(4), parallel=4) == [
            0,
            1,
            2,
            3,
        ]

    def test_at_most_parallel_calls_run_at_once(self) -> None:
        lock = threading.Lock()
        running: list[int] = []
        most = 0

        def call(n: int) -> int:
            nonlocal most
            with lock:
                running.append(n)
                most = max(most, len(running))
            threading.Event().wait(0.01)
            with lock:
                running.remove(n)
            return n

        assert map_ordered(call, range(10), parallel=3) == list(range(10))
        assert 1 <= most <= 3

    def test_parallel_one_is_the_plain_loop_in_the_calling_thread(self) -> None:
        threads: list[str] = []
        order: list[int] = []

        def call(n: int) -> int:
            threads.append(threading.current_thread().name)
            order.append(n)
            return n * n

        assert map_ordered(call, range(3), parallel=1) == [0, 1, 4]
        assert order == [0, 1, 2]
        assert set(threads) == {threading.current_thread().name}

    def test_a_single_item_or_none_needs_no_thread(self) -> None:
        calls: list[str] = []

        def call(n: int) -> int:
            calls.append(threading.current_thread().name)
            return n

        assert map_ordered(call, [7], parallel=4) == [7]
        assert calls == [threading.current_thread().name]
        assert map_ordered(lambda n: n, [], parallel=4) == []

    def test_no_thread_outlives_the_batch(self) -> None:
        assert map_ordered(lambda n: n, range(8), parallel=4, name="leakcheck") == list(range(8))
        assert fanout_threads() == []

        def fail(n: int) -> int:
            raise TransientError(f"test: {n}")

        with pytest.raises(TransientError):
            map_ordered(fail, range(8), parallel=4, name="leakcheck")
        assert fanout_threads() == []


class MapOrderedErrorTests:
    def test_the_first_error_in_item_order_wins_even_when_a_later_one_fails_first(
        self,
    ) -> None:
        later_failed = threading.Event()

        def call(n: int) -> int:
            if n == 1:
                assert later_failed.wait(HANG)
                raise PermanentError("test: item 1")
            if n == 2:
                later_failed.set()
                raise TransientError("test: item 2")
            return n

        with pytest.raises(PermanentError, match="item 1"):
            map_ordered(call, range(3), parallel=3)

    def test_a_later_error_surfaces_when_the_earlier_calls_succeed(self) -> None:
        def call(n: int) -> int:
            if n == 2:
                raise TransientError("test: item 2")
            return n

        with pytest.raises(TransientError, match=r"^test: item 2$"):
            map_ordered(call, range(4), parallel=4)

    def test_calls_not_started_when_one_fails_are_never_started(self) -> None:
        started: list[int] = []
        second_started = threading.Event()
        first_failing = threading.Event()

        def call(n: int) -> int:
            started.append(n)
            if n == 0:
                # Fail while item 1 keeps the other worker busy, so the freed worker is the
                # one offered item 2.
                assert second_started.wait(HANG)
                first_failing.set()
                raise PermanentError("test: item 0")
            if n == 1:
                second_started.set()
                assert first_failing.wait(HANG)
                threading.Event().wait(0.05)  # let the failed call's worker note the failure
            return n

        with pytest.raises(PermanentError, match="item 0"):
            map_ordered(call, range(6), parallel=2)
        assert sorted(started) == [0, 1]

    def test_parallel_one_stops_at_the_first_error(self) -> None:
        started: list[int] = []

        def call(n: int) -> int:
            started.append(n)
            if n == 1:
                raise PermanentError("test: item 1")
            return n

        with pytest.raises(PermanentError, match="item 1"):
            map_ordered(call, range(4), parallel=1)
        assert started == [0, 1]
