"""Reading delimited text (CSV, TSV, semicolons) row by row with line numbers.

For the personal exports (a few hundred thousand rows at most) the standard
``csv`` module is fast enough and handles RFC-4180 quoting and CRLF.  The big
research datasets use ``blocks`` instead.
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Literal

from musicrec_gui.core.formats.base import Source
from musicrec_gui.core.formats.text import LATIN1_NOTE, TextLines

Row = list[str] | None


def iter_rows(source: Source, delimiter: str = ",", note: Callable[[str], None] = lambda m: None,
              quoting: Literal[0, 1, 2, 3] = csv.QUOTE_MINIMAL) -> Iterator[tuple[int, Row, int]]:
    """Yield ``(first line number, fields, bytes read)`` per record; blank lines are skipped.

    A record the ``csv`` module rejects (e.g. a field over its size limit) or
    one with an overlong line yields ``None`` as fields, so the caller counts
    it as malformed.
    """
    with source.open() as stream:
        lines = TextLines(stream)
        reader = csv.reader(lines, delimiter=delimiter, quoting=quoting, strict=False)
        while True:
            lines.record_start()                    # blank lines before a record go in bulk
            overlong = lines.overlong
            try:
                fields: Row = next(reader)
            except StopIteration:
                return
            except csv.Error:
                fields = None
            if lines.latin1:
                note(LATIN1_NOTE)
            if lines.overlong != overlong:
                fields = None
            elif fields == []:
                continue
            yield lines.first_line, fields, lines.position


def cells(line: str, delimiter: str = ",") -> list[str]:
    """Split one header line into stripped, unquoted cells."""
    try:
        row = next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []
    return [cell.strip().strip('"').strip() for cell in row]
