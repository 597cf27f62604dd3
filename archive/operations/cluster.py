"""Work spread over a Dask cluster: the executor the operations hand their tasks to.

``ADDRESS`` is a running scheduler (``tcp://host:8786``) or ``local[:N]``, a LocalCluster
of N worker processes on this machine (default: one per core).  ``ClusterExecutor`` is
the house's executor seam (``submit(fn, *args)`` returning a future with ``result()``),
so the extraction pool, ingest, reextract and the index's segment builder run on it as
they run on a local process pool.  What stays here, on the coordinator, is everything
that writes the home: the write lock, the record store, the originals, the index commit.

Tasks are submitted with ``pure=False``: Dask would otherwise name a task by its
arguments and hand back a result it computed before for equal ones (a file path read
again after it changed, an article extracted again under a new cleaner).  A worker that
dies is replaced by its nanny and the scheduler runs its tasks again elsewhere; results
come back in submission order and are applied once, so a re-run neither loses nor
doubles anything.  A scheduler that goes away ends the run with a ClusterError: what was
reported stored stays, and the same command resumes as after any interruption.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import CancelledError
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from archive.contract.errors import ClusterError
from archive.contract.lifeline import cores
from archive.contract.settings import current

from .pool import TaskLost

_LOCAL = re.compile(r"local(?::(\d+))?")
_REMOTE = re.compile(r"(tcp|tls|ws|wss|inproc)://\S+")
_RESUBMITS = 3  # times a task whose input was lost with its worker is sent again


@dataclass(frozen=True, slots=True)
class Address:
    """Where the cluster is: a scheduler's address, or a local cluster of ``workers``."""

    text: str
    scheduler: str | None = None
    workers: int | None = None

    @classmethod
    def parse(cls, text: str) -> Address:
        text = text.strip()
        local = _LOCAL.fullmatch(text)
        if local:
            workers = int(local.group(1)) if local.group(1) else cores()
            if workers < 1:
                raise ClusterError(f"cluster {text!r}: a local cluster needs at least one worker")
            return cls(text, workers=workers)
        if _REMOTE.fullmatch(text):
            return cls(text, scheduler=text)
        raise ClusterError(
            f"cluster {text!r}: give a scheduler address (tcp://host:8786) or local[:N] for N local workers"
        )


class ClusterFuture:
    """A Dask future whose ``result()`` speaks the archive's errors."""

    def __init__(self, executor: ClusterExecutor, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.executor = executor
        self.fn = fn
        self.args = args
        self.future = executor._send(fn, args)

    def result(self) -> Any:
        from distributed import TimeoutError as DaskTimeout
        from distributed.comm.core import CommClosedError
        from distributed.scheduler import KilledWorker

        for _ in range(_RESUBMITS):
            try:
                return self.future.result()
            except KilledWorker as exc:
                raise TaskLost(str(exc)) from exc
            except (CancelledError, CommClosedError, DaskTimeout, OSError) as exc:
                if not self.executor.connected():
                    raise self.executor.lost(exc) from exc
                # connected, yet cancelled: the input it was sent with died with a worker
                self.future = self.executor._send(self.fn, self.args)
        return self.future.result()


class ClusterExecutor:
    """A Dask client over ``address`` (a LocalCluster it starts, or a running scheduler)."""

    remote = True  # the workers may be other machines: they read inputs themselves and never touch the home

    def __init__(self, address: str | Address) -> None:
        self.address = address if isinstance(address, Address) else Address.parse(address)
        self.client: Any = None
        self.cluster: Any = None
        self._quiet: dict[str, int] = {}

    # ------------------------------------------------------------------ life

    def __enter__(self) -> ClusterExecutor:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def start(self) -> None:
        """Start the local cluster, or connect to the scheduler, and wait for a worker."""
        try:
            from distributed import Client
        except ImportError as exc:  # the `cluster` extra is not installed
            raise ClusterError(
                "running on a cluster needs Dask: pip install 'article-archive[cluster]'"
            ) from exc
        self._silence()
        settings = current()
        try:
            if self.address.workers is not None:
                from distributed import LocalCluster

                # Everything on the loopback: the scheduler, the workers and the scheduler's
                # HTTP endpoints (on a free port, so several local clusters never collide).
                self.cluster = LocalCluster(
                    n_workers=self.address.workers, threads_per_worker=1, processes=True,
                    host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL,
                    memory_limit=settings.worker_memory_mb * 2**20 if settings.worker_memory_mb > 0 else 0,
                )
                self.client = Client(self.cluster, timeout=settings.cluster_connect_seconds)
            else:
                self.client = Client(self.address.scheduler, timeout=settings.cluster_connect_seconds)
            self.client.wait_for_workers(1, timeout=settings.cluster_connect_seconds)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ClusterError(
                f"cluster {self.address.text}: cannot reach a scheduler with workers ({_why(exc)})"
            ) from exc

    def close(self) -> None:
        for part in (self.client, self.cluster):
            if part is not None:
                try:
                    part.close()
                except (OSError, TimeoutError, RuntimeError):
                    pass  # a scheduler already gone: nothing left to close
        self.client = self.cluster = None
        for name, level in self._quiet.items():
            logging.getLogger(name).setLevel(level)
        self._quiet = {}

    def _silence(self) -> None:
        """Dask logs every worker restart and lost connection; the archive reports its own
        outcome in one line, so its loggers speak only of what is fatal while it runs."""
        names = [name for name in logging.root.manager.loggerDict if name.split(".")[0] in {"distributed", "tornado"}]
        for name in {"distributed", "tornado", *names}:
            logger = logging.getLogger(name)
            self._quiet.setdefault(name, logger.level)
            logger.setLevel(logging.CRITICAL)

    # ------------------------------------------------------------------ work

    @property
    def workers(self) -> int:
        """How many tasks the cluster runs at once (its worker threads)."""
        try:
            return max(1, sum(self.client.nthreads().values()))
        except (OSError, TimeoutError, CancelledError) as exc:
            raise self.lost(exc) from exc

    _max_workers = workers  # the name concurrent.futures executors give it

    def submit(self, fn: Callable[..., Any], *args: Any) -> ClusterFuture:
        """Run ``fn(*args)`` on a worker; a large bytes argument is sent to a worker
        directly instead of through the scheduler."""
        return ClusterFuture(self, fn, args)

    def _send(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        limit = current().cluster_scatter_bytes
        try:
            sent = tuple(
                self.client.scatter(arg, hash=False) if isinstance(arg, bytes) and len(arg) > limit else arg
                for arg in args
            )
            return self.client.submit(fn, *sent, pure=False)
        except (CancelledError, OSError, TimeoutError) as exc:
            raise self.lost(exc) from exc

    def connected(self) -> bool:
        return self.client is not None and self.client.status == "running"

    def lost(self, exc: BaseException) -> ClusterError:
        return ClusterError(
            f"cluster {self.address.text}: lost the scheduler ({_why(exc)}); what was reported stored is kept, "
            "run the same command again to resume"
        )


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
