"""Names from other people's files, made safe to show (no Qt).

Artist, listener and file names come from imported files, so they can hold
anything: control characters, private-use or unassigned code points (shown as
missing-glyph boxes: HetRec has "Katy Perry\\ue216"), bidirectional overrides
that make "txt.exe" read as "exe.txt", and terminal escape sequences that a
terminal would obey.  The store keeps names exactly as read (they are the
identity a re-import matches on); these functions are applied where a name is
shown:

* ``display_name`` — for the app: junk removed, so a name reads as its letters.
* ``terminal_text`` — for the CLI's text output: every control character
  written as a visible escape (``\\x1b``), so nothing reaches the terminal as a
  command.

Showing a name as plain text (never as HTML) is the UI's part: a name put into
rich text goes through ``html.escape`` after ``display_name``.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# Bidirectional embeddings, overrides and isolates (format characters that reorder text).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
DISPLAY_BLOCK = 4096   # names ``display_names`` checks in one C-speed pass
# Control, surrogate, private-use and unassigned: nothing a font draws as a letter.
_JUNK_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})


def _is_junk(char: str) -> bool:
    return char in BIDI_CONTROLS or unicodedata.category(char) in _JUNK_CATEGORIES


def display_name(name: str) -> str:
    """``name`` without control, private-use, unassigned or bidi-control characters (whitespace runs
    become one space); escaped code points when nothing readable would be left."""
    if name.isprintable() and not any(char in BIDI_CONTROLS for char in name):
        return name   # the common case, at C speed
    kept = "".join(" " if char in "\t\r\n" else char for char in name if char in "\t\r\n" or not _is_junk(char))
    cleaned = " ".join(kept.split())
    return cleaned or name.encode("unicode_escape").decode("ascii")   # all junk: show the code points


def display_names(names: Sequence[str]) -> list[str]:
    """``display_name`` of each name.  Nearly every block of names needs no change, which one
    ``isprintable`` over the block shows (bidi controls are not printable either)."""
    shown: list[str] = []
    for first in range(0, len(names), DISPLAY_BLOCK):
        block = names[first:first + DISPLAY_BLOCK]
        if " ".join(block).isprintable():
            shown.extend(block)
        else:
            shown.extend(display_name(name) for name in block)
    return shown


def terminal_text(text: str) -> str:
    """``text`` with every control and bidi-control character as a visible escape: ``"\\x1b[2J"`` →
    ``"\\\\x1b[2J"``.  Printable text, accents and other scripts are unchanged."""
    if text.isprintable() and not any(char in BIDI_CONTROLS for char in text):
        return text
    out = []
    for char in text:
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def count_text(number: int, singular: str, plural: str | None = None) -> str:
    """``"1 listener"``, ``"1,892 listeners"``: a count with its noun in the right number."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"
