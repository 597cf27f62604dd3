"""The archive's clock: capture and re-extraction times, in UTC to the second."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
