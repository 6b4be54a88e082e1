"""Shared test set-up: offscreen Qt, a private data folder per test, the shared data."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
EXPORTS = SHARED / "data" / "exports"
HETREC = SHARED / "data" / "hetrec2011-lastfm-2k"
SPLIT = SHARED / "bench" / "split_seed42.npz"


def require_shared(path: Path) -> Path:
    """``path`` under ../shared, or a skip with the reason (a failure when CI is set)."""
    if not path.exists():
        message = f"shared test data not found: {path} (expected ../shared beside the repo)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def musicrec_home(tmp_path, monkeypatch):
    """Every test gets its own empty data folder."""
    home = tmp_path / "musicrec-home"
    monkeypatch.setenv("MUSICREC_HOME", str(home))
    return home
