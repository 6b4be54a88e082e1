"""Building the frames and chunks that parsers hand to the importer.

``Batch`` collects rows one at a time (JSON records, small CSVs) and cuts a
``Chunk`` whenever enough rows are gathered.  ``listen_frame``/``count_frame``
build frames directly from columns for the fast, vectorised readers.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from musicrec_gui.core.formats.base import (
    COUNT_COLUMNS,
    LISTEN_COLUMNS,
    MAX_MS_PLAYED,
    MAX_PLAY_COUNT,
    MAX_REPORTED_LINES,
    MAX_TEXT_CHARS,
    Chunk,
)
from musicrec_gui.core.formats.times import Epochs, known

# Rows per chunk for row-at-a-time parsers.
CHUNK_ROWS = 50_000

# Plays shorter than this are not counted (Spotify's own rule for a stream).
MIN_MS_PLAYED = 30_000

# The exceptions that mean "this record does not have the expected shape":
# the record is counted as malformed and the file goes on.
ROW_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError)

# Half of a UTF-16 pair on its own (a JSON "\\ud800" escape): not text, and SQLite cannot store it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def text(value: object) -> str | None:
    """A stripped string, or ``None`` for null/empty; other types, overlong or invalid text are malformed."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("expected text")
    value = value.strip()
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError("text too long")
    if not value.isascii() and _LONE_SURROGATE.search(value):
        raise ValueError("text with a lone surrogate")
    return value or None


def whole(value: object) -> int:
    """An integer from JSON/CSV (``12``, ``12.0``, ``"12"``); anything else is malformed."""
    if isinstance(value, bool):
        raise TypeError("expected a number")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
        return int(float(value)) if "." in value and float(value).is_integer() else int(value)
    if isinstance(value, int):
        return value
    raise TypeError("expected a number")


def strip_all(values: np.ndarray) -> np.ndarray:
    """``str.strip`` over an object array of strings (much faster than ``Series.str``)."""
    return np.fromiter(map(str.strip, values), dtype=object, count=len(values))


def _text_column(values: object, length: int) -> pd.Series:
    if values is None:
        return pd.Series(np.full(length, None, dtype=object), copy=False)
    array = np.array(values, dtype=object)          # a copy: it is changed below
    # Parsers give str or None; "" also means missing.  Both are falsy, so one
    # cheap pass finds them; the contract writes missing as None.
    array[~array.astype(bool)] = None
    return pd.Series(array, dtype=object, copy=False)


def _int_column(values: object, length: int) -> pd.Series:
    if values is None:                              # all unknown (faster than a list of None)
        values = pd.arrays.IntegerArray(np.zeros(length, dtype=np.int64), np.ones(length, dtype=bool))
    return pd.Series(pd.array(values, dtype="Int64"), copy=False)


def listen_frame(length: int, *, artist: object, listener: object = None, artist_mbid: object = None,
                 track: object = None, album: object = None, played_at: object = None,
                 ms_played: object = None) -> pd.DataFrame:
    """A frame with ``LISTEN_COLUMNS`` and the contract's dtypes (text: str or None)."""
    texts = {"listener": listener, "artist": artist, "artist_mbid": artist_mbid, "track": track, "album": album}
    columns = {name: _text_column(values, length) for name, values in texts.items()}
    columns["played_at"] = _int_column(played_at, length)
    columns["ms_played"] = _int_column(ms_played, length)
    return pd.DataFrame(columns, copy=False)


def count_frame(length: int, *, listener: object, artist: object, plays: object,
                artist_mbid: object = None) -> pd.DataFrame:
    """A frame with ``COUNT_COLUMNS`` and the contract's dtypes."""
    columns = {"listener": _text_column(listener, length), "artist": _text_column(artist, length),
               "artist_mbid": _text_column(artist_mbid, length),
               "plays": pd.Series(np.asarray(plays, dtype=np.int64), copy=False)}
    return pd.DataFrame(columns, copy=False)


class Batch:
    """Rows and bookkeeping gathered since the last chunk."""

    def __init__(self, rows: str = "listens", size: int | None = None) -> None:
        self._rows = rows
        self._size = size or CHUNK_ROWS
        self._notes: list[str] = []
        self._noted: set[str] = set()
        self._epochs: dict[int, Epochs] = {}
        self._reset()

    def _reset(self) -> None:
        columns = LISTEN_COLUMNS if self._rows == "listens" else COUNT_COLUMNS
        self._data: dict[str, list] = {name: [] for name in columns}
        self.rows_read = 0
        self.skipped: Counter[str] = Counter()
        self.malformed = 0
        self.malformed_lines: list[int] = []

    def add_listen(self, artist: object, track: object = None, album: object = None,
                   played_at: int | None = None, ms_played: int | None = None,
                   artist_mbid: object = None, listener: object = None) -> None:
        """One play; applies the rules every format shares (no artist, 1970, < 30 s)."""
        artist = text(artist)
        track, album, artist_mbid, listener = text(track), text(album), text(artist_mbid), text(listener)
        if ms_played is not None and not isinstance(ms_played, int):
            raise TypeError("ms_played must be an integer")
        if ms_played is not None and ms_played > MAX_MS_PLAYED:
            raise ValueError("ms_played out of range")      # negative ones are real (Apple): under 30 s
        if artist is None:
            self.skip("no artist")
        elif ms_played is not None and ms_played < MIN_MS_PLAYED:
            self.skip("under 30 s")
        else:
            for name, value in zip(LISTEN_COLUMNS, (listener, artist, artist_mbid, track, album,
                                                    known(played_at), ms_played)):
                self._data[name].append(value)

    def add_count(self, listener: object, artist: object, plays: int, artist_mbid: object = None) -> None:
        if not 0 <= plays <= MAX_PLAY_COUNT:
            raise ValueError("play count out of range")
        artist = text(artist)
        if artist is None:
            self.skip("no artist")
            return
        for name, value in zip(COUNT_COLUMNS, (text(listener), artist, text(artist_mbid), plays)):
            self._data[name].append(value)

    def epoch(self, value: object, divisor: int = 1) -> int | None:
        """Unix seconds from an epoch number whose unit is ``divisor`` (s = 1, ms = 1000),
        unless this file turns out to use another (see ``times.Epochs``)."""
        reader = self._epochs.get(divisor)
        if reader is None:
            reader = self._epochs[divisor] = Epochs(divisor)
        return reader(value)

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    def bad(self, number: int) -> None:
        """Count a malformed row; ``number`` is its 1-based line or record number."""
        self.malformed += 1
        if len(self.malformed_lines) < MAX_REPORTED_LINES:
            self.malformed_lines.append(number)

    def note(self, message: str) -> None:
        """A remark for the report, given once per file."""
        if message not in self._noted:
            self._noted.add(message)
            self._notes.append(message)

    def due(self) -> bool:
        return len(self._data["artist"]) >= self._size

    def chunk(self, position: int) -> Chunk:
        """Everything gathered so far as a chunk; starts a new batch."""
        length = len(self._data["artist"])
        make = listen_frame if self._rows == "listens" else count_frame
        frame = make(length, **self._data)
        chunk = Chunk(frame=frame, rows_read=self.rows_read, skipped=dict(self.skipped),
                      malformed=self.malformed, malformed_lines=self.malformed_lines,
                      position=position, notes=self._notes)
        self._notes = []
        self._reset()
        return chunk


def chunks(records: Iterable[tuple[int, Any, int]], handle: Callable[[Batch, Any], None],
           batch: Batch | None = None) -> Iterator[Chunk]:
    """Feed ``(number, record, bytes read)`` items to ``handle`` and cut chunks.

    ``handle`` adds or skips the record; any of ``ROW_ERRORS`` marks it
    malformed.  The last chunk is always yielded, even when empty, so every
    file reports its counts.
    """
    batch = batch or Batch()
    position = 0
    for number, record, position in records:
        batch.rows_read += 1
        try:
            handle(batch, record)
        except ROW_ERRORS:
            batch.bad(number)
        if batch.due():
            yield batch.chunk(position)
    yield batch.chunk(position)
