"""Fast, bounded-memory reading of big tab-separated datasets (Last.fm 1K, 360K, HetRec).

The file is read in blocks of whole lines and each block is parsed by
pandas' C parser with quoting off (names contain raw ``"``).  The common case
costs one ``bytes.count``: when the block holds ``fields - 1`` tabs per line on
average, the first line has exactly that many and pandas finds no line with
too many fields, every line is well formed.  Only a
block that fails this check is split line by line in Python to find the
malformed lines' numbers.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd

from .text import BOM

# About 200 000 lines of the 1K dataset (~125 bytes a line) per block.
BLOCK_BYTES = 24 << 20


@dataclass
class Block:
    data: bytes          # whole lines, LF endings
    first_line: int      # 1-based number of the block's first line in the file
    lines: int           # lines in ``data`` (a last line without newline counts)
    position: int        # bytes of the file read so far


def iter_blocks(stream: io.BufferedIOBase, block_bytes: int | None = None) -> Iterator[Block]:
    """Cut a binary stream into blocks of whole lines (of about ``BLOCK_BYTES``)."""
    block_bytes = block_bytes or BLOCK_BYTES
    carry = b""
    line = 1
    position = 0
    first = True
    while True:
        raw = stream.read(block_bytes)
        position += len(raw)
        data = carry + raw if carry else raw
        if first and (len(data) >= len(BOM) or not raw):
            first = False
            if data.startswith(BOM):
                data = data[len(BOM):]
        if raw:
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data                        # a line longer than the block: read on
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


def _read(data: bytes, fields: int) -> tuple[pd.DataFrame, bool]:
    """Parse lines into ``fields`` columns; returns (frame, whether Latin-1 was needed).

    A line after the first with too many fields raises (pandas' default).
    No ``usecols``: with it pandas would silently drop extra fields instead.
    """
    def read(raw: bytes) -> pd.DataFrame:
        return pd.read_csv(io.BytesIO(raw), sep="\t", header=None, names=range(fields),
                           quoting=csv.QUOTE_NONE, dtype=object, na_filter=False, lineterminator="\n",
                           engine="c", encoding="utf-8")
    try:
        return read(data), False
    except UnicodeDecodeError:
        return read(to_utf8(data)), True


def _good_lines(block: Block, fields: int) -> tuple[bytes, np.ndarray, list[int]]:
    """Keep lines with exactly ``fields`` fields; returns (data, their numbers, bad numbers)."""
    good, numbers, bad = [], [], []
    for offset, line in enumerate(block.data.split(b"\n")[:block.lines]):
        if not line.strip():
            continue                                # blank lines are not rows
        if line.count(b"\t") == fields - 1:
            good.append(line)
            numbers.append(block.first_line + offset)
        else:
            bad.append(block.first_line + offset)
    data = b"\n".join(good) + b"\n" if good else b""
    return data, np.array(numbers, dtype=np.int64), bad


def parse_block(block: Block, fields: int) -> tuple[pd.DataFrame, np.ndarray, list[int], bool]:
    """Split a block into columns of ``str`` objects (named 0, 1, …).

    Returns the frame, the line number of each frame row, the numbers of
    lines with the wrong number of fields, and whether Latin-1 was needed.
    """
    # Fast path: the right total of tabs, the right count on the first line
    # (pandas would take extra leading fields there as an index), and no
    # later line with too many fields (pandas raises) mean no line is short.
    first = block.data[:block.data.find(b"\n")]
    if block.data.count(b"\t") == (fields - 1) * block.lines and first.count(b"\t") == fields - 1:
        try:
            frame, latin1 = _read(block.data, fields)
            if len(frame) == block.lines:
                numbers = np.arange(block.first_line, block.first_line + block.lines, dtype=np.int64)
                return frame, numbers, [], latin1
        except (ValueError, pd.errors.ParserError):
            pass                                    # some line has too many fields
    data, numbers, bad = _good_lines(block, fields)
    if not data:
        return pd.DataFrame({i: pd.Series([], dtype=object) for i in range(fields)}), numbers, bad, False
    frame, latin1 = _read(data, fields)
    return frame, numbers, bad, latin1
