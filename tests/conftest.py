"""Shared fixtures: every test gets its own archive home and a clean environment."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

# Merges run inside the writing command, not in a detached process that could outlive a
# test (tests of merging apart turn it on for themselves); read when settings are imported.
os.environ["ARCHIVE_INLINE_MERGES"] = "1"

import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from archive.cli.app import cli  # noqa: E402
from archive.contract.settings import override  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
DATA = Path(__file__).resolve().parent / "data"
FOUNDING_TXT = RAW / "belarus-resisting-russian-missile-deployment.txt"
FOUNDING_HTML = RAW / "belarus-resisting-russian-missile-deployment.html"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ARCHIVE_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def settings() -> Iterator[Callable[..., None]]:
    """Change settings for the rest of the test: ``settings(sync_every=2)``."""
    with contextlib.ExitStack() as stack:
        yield lambda **changes: stack.enter_context(override(**changes)) and None


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def run(home: Path):
    """Invoke the CLI against the test's home; returns the click Result."""
    runner = CliRunner()

    def invoke(*args: str, expect: int | None = 0):
        result = runner.invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, (result.output, result.stderr)
        return result

    return invoke


@pytest.fixture(scope="session")
def ingested_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding the whole demo corpus, built once per test session (read-only use)."""
    from archive.operations.service import Archive

    root = tmp_path_factory.mktemp("raw-home")
    with Archive(root) as archive:
        summary = archive.ingest([RAW])
    assert summary.failed == 0 and summary.new >= 26
    return root


def pytest_configure() -> None:
    os.environ.setdefault("COLUMNS", "120")
    # Property tests explore new examples on a developer's runs and replay the same ones in
    # CI, so a run that lands is never decided by which examples it happened to draw.
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", derandomize=True, database=None)
    if os.environ.get("CI"):
        hypothesis_settings.load_profile("ci")
