"""Typed, versioned settings over QSettings (user choices and UI state).

Every option is declared once below with its key, type and default; reads
convert what QSettings returns (INI files hand back strings) and fall back to
the default on anything unreadable, so a hand-edited or older file never
breaks the app.  Keys live in two sections, as in Picard: ``setting/`` for
user choices, ``persist/`` for UI state such as geometry and last folders.

``VERSION`` is stored under ``application/settings_version``; ``MIGRATIONS[i]``
upgrades a file from version ``i`` to ``i + 1`` and runs once, in order.

The file is ``$MUSICREC_HOME/settings.ini`` when that variable is set
(portable use, tests), else the per-user config location Qt picks.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from musicrec_gui import APP_NAME
from musicrec_gui.core import paths
from musicrec_gui.core.workflows import listening

T = TypeVar("T")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Option(Generic[T]):
    """One declared setting: where it is stored, its type and its default."""

    key: str
    type: type
    default: T


# -- the options ---------------------------------------------------------------
WINDOW_GEOMETRY: Option[QByteArray] = Option("persist/window_geometry", QByteArray, QByteArray())
LAST_PAGE: Option[str] = Option("persist/last_page", str, "library")
LAST_IMPORT_FOLDER: Option[str] = Option("persist/last_import_folder", str, "")
LAST_COMMUNITY_FOLDER: Option[str] = Option("persist/last_community_folder", str, "")
PERSON: Option[str] = Option("setting/person", str, "you")          # whose exports, by default
HETREC_URL: Option[str] = Option("setting/hetrec_url", str, "")      # empty: the built-in address
TRAIN_PRESET: Option[str] = Option("setting/train_preset", str, "discover")   # or "predict", "custom"
TRAIN_SETTINGS: Option[str] = Option("setting/train_settings", str, "")       # engine Settings as JSON
# For you: "barely played" (the Explore lane offers artists played at most this often) and
# "not in the last N months" (the Rediscover lane).
EXPLORE_BARELY: Option[int] = Option("setting/explore_barely", int, 0)
REDISCOVER_MONTHS: Option[int] = Option("setting/rediscover_months", int, listening.REDISCOVER_MONTHS)

OPTIONS: tuple[Option, ...] = (WINDOW_GEOMETRY, LAST_PAGE, LAST_IMPORT_FOLDER, LAST_COMMUNITY_FOLDER,
                               PERSON, HETREC_URL, TRAIN_PRESET, TRAIN_SETTINGS, EXPLORE_BARELY, REDISCOVER_MONTHS)

VERSION_KEY = "application/settings_version"


def _from_unversioned(qs: QSettings) -> None:
    """Version 0 is a file without a version key: nothing older exists to convert."""


MIGRATIONS: list[Callable[[QSettings], None]] = [_from_unversioned]
VERSION = len(MIGRATIONS)


class Settings:
    """Typed access to one QSettings store."""

    def __init__(self, qsettings: QSettings) -> None:
        self.qsettings = qsettings
        self._migrate()

    @classmethod
    def open(cls) -> Settings:
        """The app's settings file (see the module docstring for where it lives)."""
        if os.environ.get(paths.HOME_ENV):
            return cls.at(paths.data_dir() / "settings.ini")
        return cls(QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME))

    @classmethod
    def at(cls, path: str | Path) -> Settings:
        """Settings kept in the INI file ``path`` (tests use a temporary one)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def get(self, option: Option[T]) -> T:
        raw = self.qsettings.value(option.key)
        if raw is None:
            return option.default
        value = _convert(raw, option.type)
        if value is None:
            _log.warning("setting %s: unreadable value %r, using the default", option.key, raw)
            return option.default
        return value

    def set(self, option: Option[T], value: T) -> None:
        if _convert(value, option.type) is None:
            raise TypeError(f"setting {option.key} takes {option.type.__name__}, not {value!r}")
        self.qsettings.setValue(option.key, value)

    def sync(self) -> None:
        self.qsettings.sync()

    @property
    def version(self) -> int:
        return _convert(self.qsettings.value(VERSION_KEY, 0), int) or 0

    def _migrate(self) -> None:
        version = self.version
        if version > VERSION:
            # A newer MusicRec wrote this file: read what we understand, rewrite nothing.
            _log.warning("settings version %s is newer than this MusicRec (%s)", version, VERSION)
            return
        for target in range(version, VERSION):
            MIGRATIONS[target](self.qsettings)
            self.qsettings.setValue(VERSION_KEY, target + 1)
        self.qsettings.sync()


def _convert(raw: object, kind: type):
    """``raw`` as ``kind``, or None when it cannot be read as one."""
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            return True if text in ("true", "1", "yes") else False if text in ("false", "0", "no") else None
        if kind is int:
            return None if isinstance(raw, bool) else int(raw)
        if kind is float:
            return float(raw)
        if kind is str:
            return raw if isinstance(raw, str) else None
        if kind is QByteArray:
            return raw if isinstance(raw, QByteArray) else None
    except (TypeError, ValueError):
        return None
    return raw if isinstance(raw, kind) else None
