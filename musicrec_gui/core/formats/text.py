"""Turning bytes into text: UTF-8 first, Latin-1 where UTF-8 fails.

Every export in the wild is UTF-8, but hand-edited or very old files are
sometimes Latin-1 (or Windows-1252).  Latin-1 never fails, so it is the last
resort; callers add a note to the chunk so the user knows.  Files saved as
UTF-16 (with a byte-order mark, as Windows tools write them) are transcoded to
UTF-8 when opened (``utf8_stream``), so every parser sees UTF-8.
"""
from __future__ import annotations

import codecs
import io

BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
LATIN1_NOTE = "some text was not valid UTF-8 and was read as Latin-1"

# How many bytes ``TextBlocks`` asks the stream for at a time.
READ_BLOCK = 1 << 20

# Longest line ``TextLines`` reads (CSV records, JSON Lines): a longer one is not a
# real record, and reading it whole would let one line take any amount of memory.
MAX_LINE_BYTES = 1 << 20


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
    counts lines that needed the fallback; ``line`` is the physical number of
    the line last returned (blank lines included).

    Blank lines are never records, so with ``skip_blank`` they are passed
    over in bulk at C speed (a file of a billion newlines costs what reading
    it costs).  Readers of records that may span lines (CSV) call
    ``record_start()`` instead before each record: blank lines are skipped
    once, and ``first_line`` is then the number of the record's first line.
    A line longer than ``MAX_LINE_BYTES`` is consumed, counted in ``overlong``
    and returned as a blank line: readers compare ``overlong`` before and
    after a record to mark it malformed.
    """

    def __init__(self, stream: io.BufferedIOBase, skip_blank: bool = False) -> None:
        self._stream = stream if hasattr(stream, "peek") else io.BufferedReader(stream)
        self._first = True
        self._skip_once = False
        self.skip_blank = skip_blank
        self.position = 0
        self.latin1 = 0
        self.line = 0
        self.first_line = 0
        self.overlong = 0

    def record_start(self) -> None:
        """The next line read starts a record: skip blank lines before it, remember its number."""
        self._skip_once = True

    def __iter__(self) -> TextLines:
        return self

    def __next__(self) -> str:
        starting = self._skip_once
        if (self.skip_blank or starting) and not self._first:
            self._skip_blank_lines()
        self._skip_once = False
        raw = self._stream.readline(MAX_LINE_BYTES)
        if not raw:
            raise StopIteration
        self.position += len(raw)
        self.line += 1
        if starting:
            self.first_line = self.line
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
            self._skip_rest_of_line()
            self.overlong += 1
            return "\n"
        if self._first:
            self._first = False
            if raw.startswith(BOM):
                raw = raw[len(BOM):]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.latin1 += 1
            return raw.decode("latin-1")

    def _skip_blank_lines(self) -> None:
        while True:
            head = self._stream.peek(READ_BLOCK)
            blank = len(head) - len(head.lstrip(b"\r\n"))
            if not blank:
                return
            self._stream.read(blank)
            self.position += blank
            self.line += head.count(b"\n", 0, blank)

    def _skip_rest_of_line(self) -> None:
        while True:
            head = self._stream.peek(READ_BLOCK)
            if not head:
                return
            end = head.find(b"\n")
            taken = len(self._stream.read(len(head) if end < 0 else end + 1))
            self.position += taken
            if end >= 0:
                return


class _Utf16AsUtf8(io.RawIOBase):
    """A UTF-16 byte stream (starting with its byte-order mark) read as UTF-8 bytes."""

    def __init__(self, raw: io.BufferedIOBase) -> None:
        super().__init__()
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
        self._pending = memoryview(b"")
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending and not self._done:
            data = self._raw.read(READ_BLOCK)
            self._done = not data
            self._pending = memoryview(self._decoder.decode(data, final=self._done).encode("utf-8"))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def utf8_stream(stream: io.BufferedReader) -> io.BufferedIOBase:
    """``stream`` itself, or a UTF-8 view of it when it starts with a UTF-16 byte-order mark."""
    if stream.peek(2)[:2] in UTF16_BOMS:
        return io.BufferedReader(_Utf16AsUtf8(stream))
    return stream


def complete_lines(text: str, limit: int = 50) -> list[str]:
    """The first ``limit`` lines of a sample, without a possibly cut last line.

    Only ``\n`` ends a line (``str.splitlines`` would also split on characters
    such as U+0085 that occur inside names).
    """
    lines = text.split("\n")
    if len(lines) > 1:
        lines.pop()            # cut by the sample size, or the empty piece after the last newline
    return [line.rstrip("\r") for line in lines[:limit]]
