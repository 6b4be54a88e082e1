"""What the commands print: aligned tables, names that cannot command the terminal, safe JSON, quiet pipes.

* Names come from imported files, so every one printed as text goes through
  ``core.text.terminal_text``: an escape sequence in an artist or file name is
  shown as ``\\x1b[…``, never obeyed by the terminal.
* ``table`` pads columns by how wide text *looks* (a CJK character takes two
  columns, a combining accent none), so names in any script line up.
* ``print_json`` writes standard JSON in which the control characters JSON
  leaves alone (C1 controls, bidirectional overrides, line separators) are
  escaped too: the same data, harmless on a terminal.
* ``quiet_broken_pipe`` ends a command whose reader went away (``| head``)
  without a traceback.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterator, Sequence

from musicrec_gui.core.text import BIDI_CONTROLS, terminal_text

MAX_COLUMN = 48   # a longer cell overflows its column instead of widening the whole table
_UNSAFE_IN_JSON = re.compile("[\u0080-\u009f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]")


def text_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide (CJK) characters count two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def table(rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> list[str]:
    """Rows of cells as aligned lines; columns in ``right`` are right-aligned (numbers).

    Every cell is made terminal-safe; columns are as wide as their widest cell (up to
    ``MAX_COLUMN``), two spaces apart, and the last column is not padded.
    """
    cells = [[terminal_text(str(cell)) for cell in row] for row in rows]
    if not cells:
        return []
    columns = max(len(row) for row in cells)
    widths = [min(MAX_COLUMN, max((text_width(row[i]) for row in cells if i < len(row)), default=0))
              for i in range(columns)]
    lines = []
    for row in cells:
        parts = []
        for i, cell in enumerate(row):
            pad = " " * max(0, widths[i] - text_width(cell))
            last = i == len(row) - 1
            parts.append(pad + cell if i in right else cell + ("" if last else pad))
        lines.append("  ".join(parts).rstrip())
    return lines


def json_text(data) -> str:
    """``data`` as one line of standard JSON, with terminal-unsafe characters escaped."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def print_json(data) -> None:
    print(json_text(data))


@contextlib.contextmanager
def quiet_broken_pipe() -> Iterator[None]:
    """Let a command stop quietly when whoever reads its output has gone (``musicrec … | head``).

    Raises ``SystemExit(1)`` (Python's own status for EPIPE) after pointing stdout at
    ``/dev/null``, so the interpreter's last flush at exit cannot fail again.
    """
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None
