"""Bounds on one page's extraction, so no page can hold up or sink a batch.

A page gets ``Settings.page_seconds`` of wall time (an alarm interrupts the extraction's
Python code; in a thread that is not the main one, such as a Dask worker's, a timer
raises the same exception in that thread) and, in an extraction process, ``Settings.worker_memory_mb`` of address space
(past it, allocations fail with MemoryError).  Either ends that page only, with a reason.
"""

from __future__ import annotations

import ctypes
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
    """Raise Overtime in the block after ``seconds``: by an alarm in the main thread, where
    signals arrive, and from a timer elsewhere (both interrupt Python code only, between
    its steps, so a long call into C ends when it returns)."""
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        with _thread_bound(seconds):
            yield
        return
    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Make ``exc`` pending in the thread (None: withdraw a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


@contextmanager
def _thread_bound(seconds: float) -> Iterator[None]:
    thread_id = threading.get_ident()
    guard = threading.Lock()
    state = {"done": False, "fired": False}

    def ring() -> None:
        with guard:
            if not state["done"]:
                state["fired"] = True
                _raise_in(thread_id, Overtime)

    timer = threading.Timer(seconds, ring)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with guard:
            state["done"] = True
            if state["fired"]:
                _raise_in(thread_id, None)  # fired as the block ended: not delivered, not wanted
        timer.cancel()


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (an extraction worker's initializer)."""
    if megabytes <= 0:
        return
    cap = megabytes * 2**20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
