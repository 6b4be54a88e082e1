"""Generic delimited files that no detector knows, read with a user-given column mapping.

``preview_table`` feeds the mapping dialog (a guessed delimiter, a guessed
header, the first rows); ``parse_mapped`` then reads the file:

* with a count column: count rows (listener x artist totals);
* with a timestamp column: listens (ISO text, or epoch numbers whose unit
  is told apart per value by size: see ``times.Epochs``);
* with neither: every row is one listen at an unknown time.

``mapped_format(mapping)`` wraps it all as a ``Format`` the importer takes like
any detected one.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats.base import SAMPLE_BYTES, Chunk, Format, Source
from musicrec_gui.core.formats.frames import Batch, chunks, whole
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.tables import iter_rows
from musicrec_gui.core.formats.text import complete_lines, decode_head
from musicrec_gui.core.formats.times import Epochs, parse_any

DELIMITERS = [",", "\t", ";", "|"]
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_TIME = re.compile(r"^\d{4}-\d\d-\d\d")


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds what; columns are 0-based positions."""

    delimiter: str
    has_header: bool
    artist: int
    user: int | None = None
    count: int | None = None
    timestamp: int | None = None
    track: int | None = None
    album: int | None = None

    def problem(self) -> str:
        """Why the mapping cannot be used, or ``""``."""
        if len(self.delimiter) != 1 or self.delimiter in "\r\n\"":
            return "the delimiter must be one character (not a quote or a newline)"
        if self.count is not None and self.timestamp is not None:
            return "choose either a play-count column or a time column, not both"
        columns = [self.artist, self.user, self.count, self.timestamp, self.track, self.album]
        if any(c is not None and (not isinstance(c, int) or c < 0) for c in columns):
            return "column numbers must be whole numbers from 0"
        return ""


def parse_mapped(source: Source, mapping: ColumnMapping) -> Iterator[Chunk]:
    """Read ``source`` as described by ``mapping``; malformed rows are counted, not fatal."""
    problem = mapping.problem()
    if problem:
        raise ImportFormatError(source.name, problem)
    batch = Batch("counts" if mapping.count is not None else "listens")
    epochs = Epochs(per_value=True)

    def cell(fields: list[str], column: int | None) -> str | None:
        return fields[column] if column is not None else None

    def handle(batch: Batch, fields: list[str]) -> None:
        user = cell(fields, mapping.user)
        artist = fields[mapping.artist]
        if mapping.count is not None:
            return batch.add_count(user, artist, whole(fields[mapping.count]))
        moment = (cell(fields, mapping.timestamp) or "").strip()
        batch.add_listen(artist, cell(fields, mapping.track), cell(fields, mapping.album),
                         parse_any(moment, epochs) if moment else None, listener=user)

    rows = iter_rows(source, mapping.delimiter, batch.note)
    if mapping.has_header:
        rows = _after_first(rows)
    return chunks(rows, handle, batch)


def _after_first(rows: Iterator) -> Iterator:
    next(rows, None)
    yield from rows


def _split(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return [row for row in csv.reader(lines, delimiter=delimiter) if row]
    except csv.Error:
        return []


def _guess_delimiter(lines: list[str]) -> str:
    """The delimiter giving the most rows of one same width (> 1), then the widest."""
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in _split(lines, delimiter)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        score = (widths.count(common) / len(widths), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _looks_like_data(cell: str) -> bool:
    return bool(_NUMBER.match(cell.strip()) or _TIME.match(cell.strip()))


def _guess_header(rows: list[list[str]]) -> bool:
    """A first row with a text cell where the other rows hold numbers or dates."""
    if len(rows) < 2:
        return False
    first, rest = rows[0], rows[1:]
    for column, cell in enumerate(first):
        values = [row[column] for row in rest if column < len(row)]
        if cell.strip() and not _looks_like_data(cell) and values \
                and sum(map(_looks_like_data, values)) * 2 >= len(values):
            return True
    return any("artist" in cell.lower() for cell in first)


def preview_table(source: Source, n: int = 20) -> tuple[str, list[str] | None, list[list[str]]]:
    """(guessed delimiter, header row or None, up to ``n`` data rows) for the mapping dialog."""
    try:
        with source.open() as stream:
            head = stream.read(SAMPLE_BYTES)
    except ImportFormatError:
        raise
    except OSError as err:
        raise ImportFormatError(source.name, f"cannot be read ({err.strerror or 'read error'})") from None
    lines = complete_lines(decode_head(head), n + 1)
    delimiter = _guess_delimiter(lines)
    rows = _split(lines, delimiter)
    if _guess_header(rows):
        return delimiter, rows[0], rows[1:n + 1]
    return delimiter, None, rows[:n]


def mapped_format(mapping: ColumnMapping) -> Format:
    """A format for a table read through ``mapping``: community data with a user
    column, otherwise the chosen person's history."""
    parse = guarded(parse_mapped)
    return Format(key="generic_table", label="Table (column mapping)",
                  role="community" if mapping.user is not None else "personal",
                  rows="counts" if mapping.count is not None else "listens",
                  sniff=lambda sample: False, parse=lambda source: parse(source, mapping))
