"""Where the shared test data lives (beside the repository, never in it)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

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
