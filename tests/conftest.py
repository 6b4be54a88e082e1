"""Shared test set-up: offscreen Qt, a private data folder per test, the shared data."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shared_data import EXPORTS, HETREC, SHARED, SPLIT, require_shared  # noqa: F401  (re-exported)


@pytest.fixture(autouse=True)
def musicrec_home(tmp_path, monkeypatch):
    """Every test gets its own empty data folder."""
    home = tmp_path / "musicrec-home"
    monkeypatch.setenv("MUSICREC_HOME", str(home))
    return home
