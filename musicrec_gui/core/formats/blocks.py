"""Fast, bounded-memory reading of big tab-separated datasets (Last.fm 1K, 360K, HetRec).

The file is read in blocks of whole lines and each block is parsed by
pandas' C parser with quoting off (names contain raw ``"``).  The common case
costs one ``bytes.count``: when the block holds ``fields - 1`` tabs per line on
average, the first line has exactly that many and pandas finds no line with
too many fields, every line is well formed.  Otherwise the lines are checked
with numpy (newline and tab positions), still without a Python step per line:
blank lines are dropped, lines with the wrong number of fields are reported
by number, and the good ones are parsed together.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from musicrec_gui.core.formats.base import MAX_TEXT_CHARS
from musicrec_gui.core.formats.text import BOM, MAX_LINE_BYTES

# About 200 000 lines of the 1K dataset (~125 bytes a line) per block.
BLOCK_BYTES = 24 << 20


@dataclass
class Block:
    data: bytes          # whole lines, LF endings
    first_line: int      # 1-based number of the block's first line in the file
    lines: int           # lines in ``data`` (a last line without newline counts)
    position: int        # bytes of the file read so far


def iter_blocks(stream: io.BufferedIOBase, block_bytes: int | None = None) -> Iterator[Block]:
    """Cut a binary stream into blocks of whole lines (of about ``BLOCK_BYTES``).

    A line longer than ``MAX_LINE_BYTES`` is not kept in memory: it is read
    past and stands in the block as a single NUL byte, a line with no fields
    that parsers count as malformed.
    """
    block_bytes = block_bytes or BLOCK_BYTES
    carry = b""
    line = 1
    position = 0
    first = True
    skipping = False                                # inside an overlong line
    while True:
        raw = stream.read(block_bytes)
        position += len(raw)
        if skipping:
            end = raw.find(b"\n")
            if end < 0:
                if raw:
                    continue
                yield Block(_OVERLONG, line, 1, position)
                return
            raw, skipping = _OVERLONG + raw[end:], False
        data = carry + raw if carry else raw
        if first and (len(data) >= len(BOM) or not raw):
            first = False
            if data.startswith(BOM):
                data = data[len(BOM):]
        if raw:
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) > MAX_LINE_BYTES:
                    carry, skipping = b"", True
                else:
                    carry = data                    # a line longer than the block: read on
                continue
            data, carry = data[:cut], data[cut:]
        else:
            carry = b""
        if not data:
            return
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
        lines = data.count(b"\n") + (not data.endswith(b"\n"))
        yield Block(data, line, lines, position)
        line += lines
        if not raw:
            return


# What an overlong line becomes in a block: one field-less, hence malformed, line.
_OVERLONG = b"\x00"


def to_utf8(data: bytes) -> bytes:
    """Re-encode lines that are not UTF-8 by reading them as Latin-1."""
    out = []
    for line in data.split(b"\n"):
        try:
            line.decode("utf-8")
            out.append(line)
        except UnicodeDecodeError:
            out.append(line.decode("latin-1").encode("utf-8"))
    return b"\n".join(out)


def _read(data: bytes, fields: int, integers: tuple[int, ...] = ()) -> tuple[pd.DataFrame, bool]:
    """Parse lines into ``fields`` columns; returns (frame, whether Latin-1 was needed).

    Columns in ``integers`` come back as int64 when every cell is an integer
    (parsed in C, the common case), else as text like the others.  A line
    after the first with too many fields raises (pandas' default).  No
    ``usecols``: with it pandas would silently drop extra fields instead.
    """
    def read(raw: bytes, dtype) -> pd.DataFrame:
        return pd.read_csv(io.BytesIO(raw), sep="\t", header=None, names=range(fields),
                           quoting=csv.QUOTE_NONE, dtype=dtype, na_filter=False, lineterminator="\n",
                           engine="c", encoding="utf-8")

    def read_text(raw: bytes) -> pd.DataFrame:
        if integers:
            try:
                return read(raw, {i: (np.int64 if i in integers else object) for i in range(fields)})
            except pd.errors.ParserError:
                raise
            except (ValueError, OverflowError):
                pass                                # a cell that is not an integer: read all as text
        return read(raw, object)
    try:
        return read_text(data), False
    except UnicodeDecodeError:
        return read_text(to_utf8(data)), True


@dataclass
class Parsed:
    """A block split into columns of ``str`` objects (named 0, 1, …; integer columns may be int64)."""

    frame: pd.DataFrame
    numbers: np.ndarray      # line number of each frame row
    bad: list[int]           # numbers of lines with the wrong number of fields
    latin1: bool             # whether Latin-1 was needed
    long_lines: bool         # some line is longer than MAX_TEXT_CHARS bytes: check field lengths


def _line_bounds(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive, newline left out) offsets of every line of ``data``."""
    array = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(array == ord("\n"))
    if not data.endswith(b"\n"):
        ends = np.append(ends, len(data))
    starts = np.empty_like(ends)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    return starts, ends


def _keep_lines(data: bytes, starts: np.ndarray, ends: np.ndarray) -> bytes:
    """The given lines of ``data`` (each with its newline), in order, as one byte string."""
    # +1 where a kept line starts, -1 just after its newline: the running sum marks its bytes.
    marks = np.zeros(len(data) + 2, dtype=np.int8)
    np.add.at(marks, starts, 1)
    np.add.at(marks, ends + 1, -1)
    keep = np.cumsum(marks[:len(data)], dtype=np.int8).view(bool)
    kept = np.frombuffer(data, dtype=np.uint8)[keep].tobytes()
    return kept if kept.endswith(b"\n") or not kept else kept + b"\n"


def parse_block(block: Block, fields: int, integers: tuple[int, ...] = ()) -> Parsed:
    """Split a block into ``fields`` columns, reporting malformed lines by number (``integers``: see ``_read``)."""
    starts, ends = _line_bounds(block.data)
    lengths = ends - starts
    long_lines = bool(len(lengths)) and int(lengths.max()) > MAX_TEXT_CHARS
    # Fast path: the right total of tabs, the right count on the first line
    # (pandas would take extra leading fields there as an index), and no
    # later line with too many fields (pandas raises) mean no line is short.
    first = block.data[:block.data.find(b"\n")]
    if block.data.count(b"\t") == (fields - 1) * block.lines and first.count(b"\t") == fields - 1:
        try:
            frame, latin1 = _read(block.data, fields, integers)
            if len(frame) == block.lines:
                numbers = np.arange(block.first_line, block.first_line + block.lines, dtype=np.int64)
                return Parsed(frame, numbers, [], latin1, long_lines)
        except (ValueError, pd.errors.ParserError):
            pass                                    # some line has too many fields
    tabs = np.flatnonzero(np.frombuffer(block.data, dtype=np.uint8) == ord("\t"))
    per_line = np.bincount(np.searchsorted(ends, tabs), minlength=len(ends))
    blank = lengths == 0
    good = ~blank & (per_line == fields - 1)
    numbers = block.first_line + np.arange(len(ends), dtype=np.int64)
    bad = numbers[~blank & ~good].tolist()
    if not good.any():
        empty = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(fields)})
        return Parsed(empty, numbers[:0], bad, False, False)
    frame, latin1 = _read(_keep_lines(block.data, starts[good], ends[good]), fields, integers)
    return Parsed(frame, numbers[good], bad, latin1, long_lines)
