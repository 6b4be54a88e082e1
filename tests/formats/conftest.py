"""Fixtures for the format tests (helpers live in ``_fmt_support``)."""
from __future__ import annotations

from pathlib import Path

import pytest
from _fmt_support import EXPORTS, HETREC, require


@pytest.fixture(scope="session")
def exports() -> Path:
    """The folder of real export samples (skipped, or failed under CI, when absent)."""
    return require(EXPORTS)


@pytest.fixture(scope="session")
def hetrec() -> Path:
    return require(HETREC)
