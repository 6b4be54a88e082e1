"""Where MusicRec keeps its data: the per-user data folder, or ``$MUSICREC_HOME``."""
from __future__ import annotations

import os
from pathlib import Path

from musicrec_gui.core.errors import StoreError

HOME_ENV = "MUSICREC_HOME"


def data_dir() -> Path:
    """The folder holding the store and saved models (created on demand).

    Raises ``StoreError`` when it cannot be a folder (``$MUSICREC_HOME`` names
    a file, or a parent cannot be created).
    """
    override = os.environ.get(HOME_ENV)
    if override:
        path = Path(override).expanduser()
        origin = f"{HOME_ENV}={override}"
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("MusicRec", appauthor=False))
        origin = str(path)
    return _folder(path, origin)


def store_path() -> Path:
    return data_dir() / "musicrec.sqlite3"


def models_dir() -> Path:
    path = data_dir() / "models"
    return _folder(path, str(path))


def _folder(path: Path, origin: str) -> Path:
    if path.exists() and not path.is_dir():
        raise StoreError(f"{origin}: is a file, not a folder; MusicRec keeps its data in a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{origin}: the data folder cannot be created ({exc.strerror or 'error'})") from None
    return path
