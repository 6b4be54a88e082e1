""""Did you mean …?": the names closest to one that matched nothing (no Qt).

``similar Metalica`` should point at Metallica.  Names are compared by their
matching key (``names.normalize_name``) with difflib's ratio, so case, accents
in composed form and spacing do not count as typos; among equally close names
the one with more listeners comes first.  Used by the CLI's ``similar`` and the
app's Similar page.
"""
from __future__ import annotations

import difflib
from collections.abc import Sequence

from musicrec_gui.core.names import normalize_name

CUTOFF = 0.75        # difflib ratio below which a name is not offered
SUGGESTIONS = 3


def did_you_mean(query: str, names: Sequence[str], popularity: Sequence[int] | None = None,
                 n: int = SUGGESTIONS, cutoff: float = CUTOFF) -> list[str]:
    """Up to ``n`` of ``names`` that look like a misspelling of ``query``, closest first."""
    key = normalize_name(query)
    if not key:
        return []
    best_by_key: dict[str, int] = {}   # matching key -> index of its most popular name
    for index, name in enumerate(names):
        name_key = normalize_name(str(name))
        known = best_by_key.get(name_key)
        if known is None or (popularity is not None and popularity[index] > popularity[known]):
            best_by_key[name_key] = index
    close = difflib.get_close_matches(key, list(best_by_key), n=max(n * 3, n), cutoff=cutoff)
    matcher = difflib.SequenceMatcher(b=key)

    def rank(candidate: str) -> tuple[float, int]:
        matcher.set_seq1(candidate)
        listeners = popularity[best_by_key[candidate]] if popularity is not None else 0
        return (-round(matcher.ratio(), 2), -int(listeners))

    return [str(names[best_by_key[candidate]]) for candidate in sorted(close, key=rank)[:n]]
