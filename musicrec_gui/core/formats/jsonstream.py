"""Reading JSON exports without loading huge files at once, and peeking at heads.

* ``iter_array`` streams the elements of a top-level JSON array (Spotify,
  ListenBrainz, YouTube files can be hundreds of MB).
* ``iter_lines`` reads JSON Lines, where one bad line is just one bad record.
* ``load`` reads a whole document, for objects that wrap a list (small files).
* ``head`` looks at a sample's text and says what the document starts with,
  so formats can be detected by their keys.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats.base import Source
from musicrec_gui.core.formats.text import LATIN1_NOTE, READ_BLOCK, TextBlocks, TextLines, decode

_DECODER = json.JSONDecoder()
Note = Callable[[str], None]
_SPACE = re.compile(r"[ \t\n\r]*")


def _after_space(text: str, pos: int = 0) -> int:
    """Where the blanks starting at ``pos`` end."""
    blanks = _SPACE.match(text, pos)
    return blanks.end() if blanks else pos


class _Reader:
    """A growing text buffer over a source, with a read cursor."""

    def __init__(self, source: Source, stream) -> None:
        self.source = source
        self.blocks = TextBlocks(stream)
        self.buf = ""
        self.pos = 0
        self.eof = False

    def more(self, size: int | None = None) -> bool:
        """Append the next piece of text; False at the end of the stream."""
        if self.eof:
            return False
        if self.pos > (1 << 20):                  # drop what has been parsed already
            self.buf, self.pos = self.buf[self.pos:], 0
        piece = self.blocks.read(size)
        if not piece:
            self.eof = True
            return False
        self.buf += piece
        return True

    def peek(self) -> str:
        """The next non-blank character ("" at the end), skipping blanks."""
        while True:
            self.pos = _after_space(self.buf, self.pos)
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos:self.pos + 1]

    def value(self) -> Any:
        """Decode one JSON value at the cursor, reading more text as needed."""
        size = None
        while True:
            try:
                value, self.pos = _DECODER.raw_decode(self.buf, self.pos)
                return value
            except json.JSONDecodeError:
                # The value may just be cut by the end of the buffer: read on,
                # doubling the step so one huge value is not re-parsed too often.
                size = (size or READ_BLOCK) * 2
                if not self.more(size):
                    raise self.fail("is not valid JSON (damaged or cut short)") from None

    def fail(self, message: str) -> ImportFormatError:
        return ImportFormatError(self.source.name, message)


def _no_note(message: str) -> None:
    pass


def iter_array(source: Source, note: Note = _no_note) -> Iterator[tuple[int, Any, int]]:
    """Yield ``(record number, element, bytes read)`` for a top-level JSON array.

    A syntax error anywhere makes the file unreadable (``ImportFormatError``):
    unlike lines, a broken array cannot be resynchronised.
    """
    with source.open() as stream:
        reader = _Reader(source, stream)
        if reader.peek() != "[":
            raise reader.fail("expected a JSON list")
        reader.pos += 1
        number = 0
        while True:
            char = reader.peek()
            if char == "]":
                break
            if number:
                if char != ",":
                    raise reader.fail(f"invalid JSON after record {number}")
                reader.pos += 1
                reader.peek()
            number += 1
            value = reader.value()
            if reader.blocks.latin1:
                note(LATIN1_NOTE)
            yield number, value, reader.blocks.position
        reader.pos += 1
        if reader.peek():
            raise reader.fail("unexpected data after the JSON list")


def iter_lines(source: Source, note: Note = _no_note) -> Iterator[tuple[int, Any, int]]:
    """Yield ``(line number, record or None, bytes read)`` for JSON Lines.

    A line that is not valid JSON yields ``None``; blank lines are skipped.
    """
    with source.open() as stream:
        lines = TextLines(stream, skip_blank=True)
        overlong = 0
        for line in lines:
            if lines.overlong != overlong:
                overlong, record = lines.overlong, None
            elif not line.strip():
                continue
            else:
                try:
                    record = json.loads(line)
                except (ValueError, RecursionError):
                    record = None
            if lines.latin1:
                note(LATIN1_NOTE)
            yield lines.line, record, lines.position


# ``load`` reads a whole document into memory (as text and as Python objects, several
# times its size): wrapped documents are small in practice, and a bigger one is refused.
MAX_DOCUMENT_BYTES = 256 << 20


def load(source: Source, note: Note = _no_note) -> tuple[Any, int]:
    """The whole document (for wrapped objects, which are small) and its size in bytes."""
    with source.open() as stream:
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ImportFormatError(source.name, f"is a single JSON document over {MAX_DOCUMENT_BYTES >> 20} MiB; "
                                             "too large to read at once")
    text, latin1 = decode(data)
    if latin1:
        note(LATIN1_NOTE)
    try:
        return json.loads(text), len(data)
    except (ValueError, RecursionError):
        raise ImportFormatError(source.name, "is not valid JSON (damaged or cut short)") from None


@dataclass(frozen=True)
class Head:
    """What a JSON sample starts with.

    ``kind``: "array", "object" (one document), "lines" (several objects,
    one per line) or "" (not JSON).  ``first``: the first element, the first
    line's object, or the whole object when it fits in the sample.  ``keys``:
    the top-level keys of an object as far as the sample goes, each with its
    value (or, for a list value, the list's first element, or None).
    """

    kind: str
    first: Any = None
    keys: dict = field(default_factory=dict)


def _try_value(text: str, pos: int) -> tuple[Any, int] | None:
    try:
        return _DECODER.raw_decode(text, pos)
    except (ValueError, RecursionError):
        return None


def _object_keys(text: str, pos: int) -> dict:
    """Top-level keys of an object starting after ``{`` at ``pos``, while the text lasts."""
    keys: dict = {}
    while True:
        pos = _after_space(text, pos)
        decoded = _try_value(text, pos)
        if not decoded or not isinstance(decoded[0], str):
            return keys
        key, pos = decoded
        pos = _after_space(text, pos)
        if text[pos:pos + 1] != ":":
            return keys
        pos = _after_space(text, pos + 1)
        decoded = _try_value(text, pos)
        if decoded is None:
            if text[pos:pos + 1] == "[":            # a long list: its first element will do
                element = _try_value(text, _after_space(text, pos + 1))
                keys[key] = [element[0]] if element else []
            return keys
        value, pos = decoded
        keys[key] = _first_of(value)
        pos = _after_space(text, pos)
        if text[pos:pos + 1] != ",":
            return keys
        pos += 1


@lru_cache(maxsize=8)
def head(text: str) -> Head:
    """Describe the start of a JSON sample (see ``Head``); cached, as every sniffer asks."""
    pos = _after_space(text)
    start = text[pos:pos + 1]
    if start == "[":
        pos = _after_space(text, pos + 1)
        if text[pos:pos + 1] == "]":
            return Head("array", None)
        element = _try_value(text, pos)
        return Head("array", element[0] if element else None)
    if start != "{":
        return Head("")
    whole = _try_value(text, pos)
    if whole:
        rest = text[_after_space(text, whole[1]):]
        if rest.startswith("{"):
            return Head("lines", whole[0])
        if isinstance(whole[0], dict):
            return Head("object", whole[0], {k: _first_of(v) for k, v in whole[0].items()})
    return Head("object", None, _object_keys(text, pos + 1))


def _first_of(value: Any) -> Any:
    """For list values, keep only the first element (what ``_object_keys`` gives)."""
    if isinstance(value, list):
        return value[:1]
    return value


def first_record(text: str) -> dict:
    """The first record of an array / JSON Lines sample, or ``{}``."""
    found = head(text)
    if found.kind in ("array", "lines") and isinstance(found.first, dict):
        return found.first
    return {}


def line_record(text: str) -> dict:
    """The first object of a JSON Lines sample (also a one-line file), or ``{}``."""
    found = head(text)
    if found.kind in ("lines", "object") and isinstance(found.first, dict):
        return found.first
    return {}
