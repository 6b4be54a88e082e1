"""Where MusicRec keeps its data: the per-user data folder, or ``$MUSICREC_HOME``."""
from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "MUSICREC_HOME"


def data_dir() -> Path:
    """The folder holding the store and saved models (created on demand)."""
    override = os.environ.get(HOME_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("MusicRec", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_path() -> Path:
    return data_dir() / "musicrec.sqlite3"


def models_dir() -> Path:
    path = data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path
