"""Turning bytes into text: UTF-8 first, Latin-1 where UTF-8 fails.

Every export in the wild is UTF-8, but hand-edited or very old files are
sometimes Latin-1 (or Windows-1252).  Latin-1 never fails, so it is the last
resort; callers add a note to the chunk so the user knows.
"""
from __future__ import annotations

import io
from typing import Iterator

BOM = b"\xef\xbb\xbf"
LATIN1_NOTE = "some text was not valid UTF-8 and was read as Latin-1"

# How many bytes ``TextBlocks`` asks the stream for at a time.
READ_BLOCK = 1 << 20


def decode(data: bytes) -> tuple[str, bool]:
    """Decode a whole byte string; returns (text, used_latin1)."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("latin-1"), True


def decode_head(data: bytes) -> str:
    """Decode the first bytes of a file, which may end inside a character."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        # A multi-byte character cut by the sample size is not an encoding error.
        if err.end == len(data) and len(data) - err.start < 4:
            try:
                return data[:err.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
        return data.decode("latin-1")


def utf8_cut(data: bytes) -> int:
    """Length of the longest prefix of ``data`` that does not end mid-character."""
    # Look back at most three bytes for the lead byte of a multi-byte character.
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)                        # ASCII: nothing pending
        if byte >= 0xC0:                            # lead byte
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if back >= needed else len(data) - back
    return len(data)


class TextBlocks:
    """Decode a binary stream block by block (for JSON, which may be one huge line).

    ``position`` is the number of bytes read so far; ``latin1`` turns true once
    a block had to be read as Latin-1.
    """

    def __init__(self, stream: io.BufferedIOBase, block: int | None = None) -> None:
        self._stream = stream
        self._block = block or READ_BLOCK
        self._carry = b""
        self._first = True
        self.position = 0
        self.latin1 = False

    def read(self, size: int | None = None) -> str:
        """Next piece of text; ``""`` only at the end of the stream."""
        while True:
            raw = self._stream.read(size or self._block)
            self.position += len(raw)
            data = self._carry + raw
            if self._first:
                if raw and len(data) < len(BOM):
                    self._carry = data              # too short to tell whether a BOM starts it
                    continue
                self._first = False
                if data.startswith(BOM):
                    data = data[len(BOM):]
            cut = utf8_cut(data) if raw else len(data)
            self._carry = data[cut:]
            piece = data[:cut]
            if raw and not piece:
                continue                            # only part of a character so far
            try:
                return piece.decode("utf-8")
            except UnicodeDecodeError:
                self.latin1 = True
                return piece.decode("latin-1")


class TextLines:
    """Iterate a binary stream as text lines (line endings kept, for ``csv``).

    Each line is decoded on its own, so one bad line does not change how the
    rest of the file is read.  ``position`` counts bytes consumed; ``latin1``
    counts lines that needed the fallback.
    """

    def __init__(self, stream: io.BufferedIOBase) -> None:
        self._stream = stream
        self.position = 0
        self.latin1 = 0

    def __iter__(self) -> Iterator[str]:
        first = True
        for raw in self._stream:
            self.position += len(raw)
            if first:
                first = False
                if raw.startswith(BOM):
                    raw = raw[len(BOM):]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.latin1 += 1
                yield raw.decode("latin-1")


def complete_lines(text: str, limit: int = 50) -> list[str]:
    """The first ``limit`` lines of a sample, without a possibly cut last line.

    Only ``\n`` ends a line (``str.splitlines`` would also split on characters
    such as U+0085 that occur inside names).
    """
    lines = text.split("\n")
    if len(lines) > 1:
        lines.pop()            # cut by the sample size, or the empty piece after the last newline
    return [line.rstrip("\r") for line in lines[:limit]]
