"""The one error the engine raises on purpose (besides ``ModelFileError`` for files)."""
from __future__ import annotations

from musicrec_gui.core.errors import MusicRecError


class EngineError(MusicRecError):
    """The engine cannot do what was asked: unknown preset or device, no data, no such name."""
