"""Fixtures for the engine tests."""
from __future__ import annotations

from pathlib import Path

import pytest
from engine_helpers import SPLIT, shared_file, synthetic_frames


@pytest.fixture(scope="session")
def split_path() -> Path:
    return shared_file(SPLIT)


@pytest.fixture(scope="session")
def bench_split(split_path):
    from musicrec_gui.core.engine.dataset import load_split

    return load_split(split_path)


@pytest.fixture
def small_data():
    from musicrec_gui.core.engine.dataset import build_dataset

    return build_dataset(*synthetic_frames(), valid_share=0.2, seed=3)

