"""A page's time bound holds in any thread: a Dask worker runs its tasks in threads that
are not the main one, where no alarm signal arrives."""

from __future__ import annotations

import threading
import time

import pytest

from archive.operations.bounds import Overtime, time_bound


def _in_a_thread(work) -> BaseException | None:  # type: ignore[no-untyped-def]
    caught: list[BaseException | None] = [None]

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed back to the test
            caught[0] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    return caught[0]


def test_a_loop_past_its_time_ends_with_overtime_outside_the_main_thread() -> None:
    def spin() -> None:
        with time_bound(0.2):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                pass
        raise AssertionError("ran past its bound")

    started = time.monotonic()
    assert isinstance(_in_a_thread(spin), Overtime)
    assert time.monotonic() - started < 3


def test_a_block_that_ends_in_time_is_never_interrupted_later() -> None:
    def quick() -> None:
        for _ in range(50):
            with time_bound(0.05):
                pass
        time.sleep(0.3)  # any timer left behind would fire here

    assert _in_a_thread(quick) is None


def test_the_main_thread_still_uses_the_alarm() -> None:
    with pytest.raises(Overtime):
        with time_bound(0.2):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                pass
