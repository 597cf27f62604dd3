"""Helper processes that die with the process that started them.

Ingest spreads work over processes (page extraction, Whoosh's per-core segment writers),
all started from multiprocessing's fork server.  If the ingest is killed, those helpers
would otherwise live on, blocked on queues nobody writes to, holding memory and the
ingest's stdout.  Preloaded into the fork server, this module asks Linux to kill the
server when its parent dies, and every process it forks when the server dies.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request was made
        os._exit(1)


def cores() -> int:
    """How many processors this process may run on: the default number of helpers."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def forkserver_context() -> multiprocessing.context.BaseContext:
    """The fork-server context, with this module preloaded into the server."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    multiprocessing.set_forkserver_preload([__name__])
    return multiprocessing.get_context("forkserver")


def _in_fork_server() -> bool:
    try:
        with open("/proc/self/cmdline", "rb") as fh:
            return b"multiprocessing.forkserver" in fh.read()
    except OSError:
        return False


if _in_fork_server():
    _die_with_parent()
    os.register_at_fork(after_in_child=_die_with_parent)
