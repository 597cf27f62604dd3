"""The originals: every captured file kept byte for byte, addressed by its SHA-256.

Stored gzip-compressed under ``originals/ab/cd/<sha256>.gz``; written to a temporary
name, synced, renamed and its directory synced (``archive.contract.durable``), so a file is
either whole or absent, and once ``put`` returns it survives a power cut.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from archive.contract import durable
from archive.contract.errors import StoreError


def pack(data: bytes) -> bytes:
    """An original's bytes as the store keeps them (gzip, no timestamp: the same bytes
    always compress to the same file)."""
    return gzip.compress(data, compresslevel=6, mtime=0)


class OriginalStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / ".partial"  # originals being written; what is left here was cut off

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}.gz"

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def put(self, data: bytes, *, sha256: str | None = None) -> str:
        """Keep ``data`` (whose SHA-256 the caller may know already); returns its address."""
        sha = sha256 or hashlib.sha256(data).hexdigest()
        target = self.path_for(sha)
        if target.exists():
            return sha
        durable.write_new(target, pack(data), staging=self.staging)
        return sha

    def put_packed(self, packed: bytes, sha256: str) -> str:
        """Keep an original another machine compressed already (``pack``): a cluster's
        workers compress, the home's one writer only writes."""
        target = self.path_for(sha256)
        if not target.exists():
            durable.write_new(target, packed, staging=self.staging)
        return sha256

    def scraps(self, *, everywhere: bool = False) -> list[Path]:
        """Originals a killed writer left half-written (never named by a record); with
        ``everywhere`` also those an older version left beside their final place (a walk of
        every folder, for checks)."""
        found = sorted(self.staging.iterdir()) if self.staging.is_dir() else []
        return found + (sorted(self.root.glob("*/*/.*.tmp")) if everywhere else [])

    def clear_scraps(self, *, everywhere: bool = False) -> int:
        """Remove what ``scraps`` lists (under the write lock: no writer is running)."""
        found = self.scraps(everywhere=everywhere)
        for path in found:
            path.unlink(missing_ok=True)
        return len(found)

    def get(self, sha256: str) -> bytes:
        try:
            return gzip.decompress(self.path_for(sha256).read_bytes())
        except FileNotFoundError as exc:
            raise StoreError(f"original {sha256} is missing from the archive") from exc
        except (OSError, EOFError) as exc:
            raise StoreError(f"original {sha256} is damaged: {exc}") from exc

    def verify(self, sha256: str) -> str | None:
        """Why the stored original does not match its address, or None when it does."""
        try:
            data = self.get(sha256)
        except StoreError as exc:
            return str(exc)
        if hashlib.sha256(data).hexdigest() != sha256:
            return f"original {sha256} does not match its SHA-256"
        return None

    def delete(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def all_hashes(self) -> list[str]:
        return sorted(p.name[:-3] for p in self.root.glob("*/*/*.gz"))
