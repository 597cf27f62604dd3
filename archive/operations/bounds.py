"""Bounds on one page's extraction, so no page can hold up or sink a batch.

A page gets ``Settings.page_seconds`` of wall time (an alarm interrupts the extraction's
Python code) and, in an extraction process, ``Settings.worker_memory_mb`` of address space
(past it, allocations fail with MemoryError).  Either ends that page only, with a reason.
"""

from __future__ import annotations

import resource
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Overtime(Exception):
    """The page's time ran out."""


def _ring(signum: int, frame: FrameType | None) -> None:
    raise Overtime


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise Overtime in the block after ``seconds``; only in the main thread, where
    signals arrive (elsewhere the block runs unbounded)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (an extraction worker's initializer)."""
    if megabytes <= 0:
        return
    cap = megabytes * 2**20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
