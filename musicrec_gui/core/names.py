"""Artist identity across sources: the normalised matching key and placeholder names."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Typographic variants that exports disagree on (ghan.nl writes "Go‐Go’s" with
# U+2010 and U+2019, HetRec "Go-Go's"): unified in the key only, never in the
# displayed name.
_KEY_TRANSLATION = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"',
})

# MusicBrainz special-purpose artists and their common spellings: not artists.
PLACEHOLDER_KEYS = frozenset({
    "[unknown]", "[anonymous]", "[no artist]", "[traditional]", "[dialogue]", "[data]",
    "[mistagged]", "[language instruction]", "[christmas music]", "[church chimes]",
    "various artists", "various", "va", "unknown", "unknown artist", "<unknown>", "n/a",
})


def normalize_name(name: str) -> str:
    """The matching key: NFKC, Unicode casefold, unified dashes/quotes, collapsed whitespace."""
    if name.isascii():                  # NFKC changes no ASCII text and casefold is lower() there
        key = name.lower()
    else:
        key = unicodedata.normalize("NFKC", name)
        key = unicodedata.normalize("NFKC", key.casefold())
    key = key.translate(_KEY_TRANSLATION)
    return _SPACES.sub(" ", key).strip()


def is_placeholder(key: str) -> bool:
    """True for a normalised key that names no real artist (or is empty)."""
    return not key or key in PLACEHOLDER_KEYS
