"""Helpers shared by the format tests: where the real files are, and running a parser."""
from __future__ import annotations

import io
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from musicrec_gui.core.formats import detect, iter_sources, read_sample
from musicrec_gui.core.formats.base import COUNT_COLUMNS, LISTEN_COLUMNS, Format, Source

# The real files belong to others: they live beside the repository, never in it.
SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()
EXPORTS = SHARED / "exports"
HETREC = SHARED / "hetrec2011-lastfm-2k"


def require(path: Path) -> Path:
    """``path`` if it exists; otherwise skip (or fail when ``CI`` is set)."""
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"test data missing: {path} (CI is set, so missing data is an error)")
    pytest.skip(f"real export files not available at {path}")


def export(relative: str) -> Path:
    return require(EXPORTS / relative)


def lines_of(path: Path) -> list[str]:
    """The file's lines: only ``\n`` ends a line (names may contain U+0085)."""
    text = path.read_text("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def file_source(path: Path) -> Source:
    (source,) = list(iter_sources(path))
    return source


def bytes_source(data: bytes, name: str = "test-input") -> Source:
    return Source(name, len(data), lambda: io.BytesIO(data))


def detect_source(source: Source) -> Format | None:
    return detect(read_sample(source))


@dataclass
class Result:
    rows_read: int = 0
    skipped: Counter = field(default_factory=Counter)
    malformed: int = 0
    malformed_lines: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    frames: list[pd.DataFrame] = field(default_factory=list)
    chunks: int = 0

    @property
    def frame(self) -> pd.DataFrame:
        return pd.concat(self.frames, ignore_index=True)

    @property
    def emitted(self) -> int:
        return sum(len(f) for f in self.frames)


def check_chunk_contract(chunk, previous_position: int) -> None:
    """What every chunk must satisfy, whatever the format."""
    frame = chunk.frame
    assert list(frame.columns) in (LISTEN_COLUMNS, COUNT_COLUMNS)
    for name in ("listener", "artist", "artist_mbid"):
        assert frame[name].dtype == object
    artists = frame["artist"].tolist()
    assert all(isinstance(a, str) and a and a == a.strip() for a in artists)
    if list(frame.columns) == LISTEN_COLUMNS:
        assert str(frame["played_at"].dtype) == "Int64"
        assert str(frame["ms_played"].dtype) == "Int64"
        known = frame["played_at"].dropna()
        assert (known >= 365 * 86400).all(), "1970 dates must be NA"
    else:
        assert frame["plays"].dtype == "int64"
    assert chunk.malformed >= len(chunk.malformed_lines)
    # Every input row is accounted for exactly once.
    assert chunk.rows_read == len(frame) + sum(chunk.skipped.values()) + chunk.malformed
    assert chunk.position >= previous_position


def run(source: Source, fmt: Format | None = None) -> Result:
    """Detect (unless given) and parse ``source`` completely."""
    fmt = fmt or detect_source(source)
    assert fmt is not None and fmt.parse is not None
    result = Result()
    position = 0
    for chunk in fmt.parse(source):
        check_chunk_contract(chunk, position)
        position = chunk.position
        result.chunks += 1
        result.rows_read += chunk.rows_read
        result.skipped.update(chunk.skipped)
        result.malformed += chunk.malformed
        result.malformed_lines += chunk.malformed_lines
        result.notes += chunk.notes
        result.frames.append(chunk.frame)
    return result
