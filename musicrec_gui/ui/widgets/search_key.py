"""Search keys: how names are compared when someone types to find them (no Qt).

"beyonce" must find "Beyoncé", "sigur ros" "Sigur Rós", "mo" "MØ" and
"acdc" "AC/DC". So both the names and the typed text are reduced to a key:
accents removed (NFKD, combining marks dropped), a few letters that do not
decompose mapped by hand, case folded, and everything but letters and digits
dropped.

``search_keys`` does the same for many names a block at a time: each block is
joined into one string and folded with a few C-speed calls, since a Python
call per name made 160 000 artist names take ~0.6 s of interpreter time, which
a page computation shares with the GUI thread.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

# Letters with no Unicode decomposition, so NFKD leaves them alone.
_PLAIN_LETTERS = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l",
                                "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
                                "ı": "i"})
# Anything but letters and digits: spaces, punctuation, and the accents NFKD split off
# (combining marks are not alphanumeric), removed in one C-speed pass.
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
# Joins a block of names: no key holds it, and folding maps no other character to it.
_JOIN = "\x00"
_PLAIN_LETTER = re.compile("[" + "".join(chr(code) for code in _PLAIN_LETTERS) + "]")
# Which ASCII code points a key keeps: letters, digits, and the joining NUL.
_ASCII_KEPT = np.array([chr(code).isalnum() or chr(code) == _JOIN for code in range(128)])
BLOCK_NAMES = 4096   # names folded in one step: a few milliseconds of C work


def search_key(text: str) -> str:
    """``"Sigur Rós"`` -> ``"sigurros"``; a name of punctuation only keeps its folded text (``"!!!"``)."""
    folded = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS)).casefold()
    return _NOT_LETTER_OR_DIGIT.sub("", folded) or folded.strip()


def search_keys(names: Sequence[str]) -> list[str]:
    """``search_key`` of each name (a key never holds NUL), folded a block of names at a time."""
    keys: list[str] = []
    for first in range(0, len(names), BLOCK_NAMES):
        keys.extend(_block_keys(names[first:first + BLOCK_NAMES]))
    return keys


def _block_keys(block: Sequence[str]) -> list[str]:
    # Folding the joined block equals folding each name: translating and case folding go
    # character by character, and NFKD never moves a mark across the NUL between two names.
    joined = _JOIN.join(block)
    # A regex visits only the few letters to map (str.translate looks up every character).
    joined = _PLAIN_LETTER.sub(lambda found: _PLAIN_LETTERS[ord(found.group())], joined)
    folded = unicodedata.normalize("NFKD", joined).casefold()
    try:
        points = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:                       # a lone surrogate: one by one
        points = None
    if points is None or np.count_nonzero(points == 0) != len(block) - 1:   # or a name held NUL
        return [search_key(name).replace(_JOIN, "") for name in block]
    # Letters and digits kept as arrays (a regex removing the rest took 3× as long as all else).
    keys = points[_kept(points)].tobytes().decode("utf-32-le").split(_JOIN)
    if "" in keys:                                   # punctuation only: the folded text
        keys = [key or part.strip() for key, part in zip(keys, folded.split(_JOIN))]
    return keys


def _kept(points: np.ndarray) -> np.ndarray:
    """Which code points are letters, digits or NUL (``str.isalnum``, asked once per distinct one)."""
    ascii_ = points < 128
    kept = np.zeros(points.size, dtype=bool)
    kept[ascii_] = _ASCII_KEPT[points[ascii_]]
    others, where = np.unique(points[~ascii_], return_inverse=True)
    kept[~ascii_] = np.array([chr(code).isalnum() for code in others.tolist()], dtype=bool)[where]
    return kept
