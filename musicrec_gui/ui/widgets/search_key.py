"""Search keys: how names are compared when someone types to find them (no Qt).

"beyonce" must find "Beyoncé", "sigur ros" "Sigur Rós", "mo" "MØ" and
"acdc" "AC/DC". So both the names and the typed text are reduced to a key:
accents removed (NFKD, combining marks dropped), a few letters that do not
decompose mapped by hand, case folded, and everything but letters and digits
dropped.
"""
from __future__ import annotations

import re
import unicodedata

# Letters with no Unicode decomposition, so NFKD leaves them alone.
_PLAIN_LETTERS = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l",
                                "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
                                "ı": "i"})
# Anything but letters and digits: spaces, punctuation, and the accents NFKD split off
# (combining marks are not alphanumeric), removed in one C-speed pass.
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def search_key(text: str) -> str:
    """``"Sigur Rós"`` -> ``"sigurros"``; a name of punctuation only keeps its folded text (``"!!!"``)."""
    folded = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS)).casefold()
    return _NOT_LETTER_OR_DIGIT.sub("", folded) or folded.strip()
