"""The contract between format parsers and the importer.

A *source* is one readable thing (a file, a zip member).  A *format* knows how
to recognise a source from its first bytes and how to parse it into chunks of
rows.  Parsers never touch the store: they only turn bytes into frames.

Listen rows (timestamped plays) use ``LISTEN_COLUMNS``; count rows (listener x
artist totals, e.g. HetRec) use ``COUNT_COLUMNS``.

* ``listener``: the dataset's own listener id as a string for multi-listener
  datasets, or ``None`` for personal exports (the importer assigns the person).
* ``artist``: display name as written in the file (stripped; never empty).
* ``artist_mbid``: MusicBrainz id or ``None``.
* ``track`` / ``album``: title or ``None``.
* ``played_at``: pandas ``Int64`` Unix seconds UTC at the file's own precision
  (minute-precision formats give multiples of 60); ``<NA>`` when the time is
  unknown (epoch-0 rows, missing dates that are still plays).  Never in the
  future: such rows are malformed (see ``times.known``).
* ``ms_played``: pandas ``Int64`` milliseconds (at most ``MAX_MS_PLAYED``) or ``<NA>``.
* ``plays``: int64 play count, 0..``MAX_PLAY_COUNT`` (count rows only).

Text values are at most ``MAX_TEXT_CHARS`` characters and valid Unicode (no
lone surrogates).  A row breaking any of these limits is malformed: counted,
never stored, never fatal to the file.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

LISTEN_COLUMNS = ["listener", "artist", "artist_mbid", "track", "album", "played_at", "ms_played"]
COUNT_COLUMNS = ["listener", "artist", "artist_mbid", "plays"]

# How many malformed line numbers a report keeps (the count is always exact).
MAX_REPORTED_LINES = 10
# How much of a file detection (and the column-mapping preview) reads: a header and some rows.
SAMPLE_BYTES = 65536

# Limits on single values.  Larger values are not real data (a lifetime of non-stop
# listening is about 15 M plays; the longest artist names and titles are a few hundred
# characters) and would let a small file fill the store or overflow sums.
MAX_PLAY_COUNT = 10_000_000
MAX_MS_PLAYED = 24 * 3600 * 1000
MAX_TEXT_CHARS = 1000


class Source:
    """One readable input: a plain file or a member of a zip/folder.

    ``name`` is what messages show (``archive.zip/member.json``).  ``open()``
    returns a fresh binary stream each call (UTF-8: UTF-16 files are
    transcoded when opened).  ``sibling(basename)`` finds a
    file next to this one (same folder or same zip directory) or ``None`` —
    multi-file datasets such as HetRec use it.
    """

    def __init__(self, name: str, size: int, opener: Callable[[], io.BufferedIOBase],
                 sibling: Callable[[str], Source | None] | None = None,
                 ignored: str | None = None) -> None:
        self.name = name
        self.size = size
        self._opener = opener
        self._sibling = sibling
        self.ignored = ignored      # why this entry is listed but never read (e.g. a named pipe)

    def open(self) -> io.BufferedIOBase:
        return self._opener()

    def sibling(self, basename: str) -> Source | None:
        return self._sibling(basename) if self._sibling else None

    def __repr__(self) -> str:
        return f"Source({self.name!r}, {self.size} bytes)"


@dataclass
class Chunk:
    """A batch of parsed rows plus the bookkeeping the import report needs."""

    frame: pd.DataFrame                     # LISTEN_COLUMNS or COUNT_COLUMNS
    rows_read: int                          # input rows (lines/records) consumed by this chunk
    skipped: dict[str, int] = field(default_factory=dict)   # reason -> rows skipped on purpose
    malformed: int = 0                      # rows that could not be parsed
    malformed_lines: list[int] = field(default_factory=list)  # 1-based line/record numbers (first few)
    position: int = 0                       # bytes of the source consumed so far (for progress)
    notes: list[str] = field(default_factory=list)  # e.g. "decoded as Latin-1"


@dataclass(frozen=True)
class Sample:
    """The head of a source, for detection: raw bytes and their best-effort text."""

    head: bytes
    text: str        # decoded head (BOM removed); may end mid-character/line
    name: str        # for messages only: detection must never depend on it


@dataclass(frozen=True)
class Format:
    """A recognisable input format.

    ``role``: ``"personal"`` (one person's export), ``"community"`` (a
    multi-listener dataset) or ``"ignore"`` (recognised, but holds no
    listening data — e.g. a Spotify ``Userdata.json`` in a zip, HetRec's
    ``artists.dat`` on its own; ``parse`` is then never called).
    ``rows``: ``"listens"`` or ``"counts"``.
    """

    key: str
    label: str
    role: Literal["personal", "community", "ignore"]
    rows: Literal["listens", "counts", "none"]
    sniff: Callable[[Sample], bool]
    parse: Callable[[Source], Iterator[Chunk]] | None
    ignore_reason: str = ""
