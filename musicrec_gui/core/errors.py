"""Errors the core raises on purpose, with messages a person can act on."""
from __future__ import annotations


class MusicRecError(Exception):
    """Base for every error the core raises deliberately."""


class ImportFormatError(MusicRecError):
    """A file could not be imported: unknown format, unreadable, or over a limit.

    ``path`` names the file (or zip member); the message says what was
    recognised and what to do.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message


class StoreError(MusicRecError):
    """The local store is unusable (newer schema, corrupt file, locked)."""


class ModelFileError(MusicRecError):
    """A saved model is missing, tampered with, or incompatible."""


class EngineError(MusicRecError):
    """The engine cannot do what was asked: unknown preset or device, no data, no such name."""
