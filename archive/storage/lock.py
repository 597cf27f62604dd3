"""One writer at a time per archive home: an advisory lock on ``write.lock``.

The kernel releases it when the holder dies, however it dies, so a killed ingest never
leaves the archive locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from archive.contract.errors import BusyError

BRIEF = "brief"
BRIEF_WAIT = 30.0  # seconds any writer waits for a holder that marked its hold brief


class WriteLock:
    """``brief`` marks a hold that lasts moments (a merge put in place): every other
    writer then waits for it, whatever its own ``wait``, instead of giving up."""

    def __init__(self, path: Path, *, wait: float = 0.0, brief: bool = False) -> None:
        self.path = path
        self.wait = wait
        self.brief = brief
        self._fd: int | None = None

    def __enter__(self) -> WriteLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        started = time.monotonic()
        deadline = started + max(0.0, self.wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").split()
                if holder[1:] == [BRIEF]:
                    deadline = max(deadline, started + BRIEF_WAIT)
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise BusyError(
                        f"{self.path.parent}: another archive process (pid {holder[0] if holder else '?'}) is writing; "
                        "wait for it to finish or pass --wait SECONDS"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}{' ' + BRIEF if self.brief else ''}".encode("ascii"), 0)
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
