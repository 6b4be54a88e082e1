"""Keeping part of a community count dataset: a seeded sample of listeners, rare artists dropped.

The ListenBrainz statistics hold hundreds of thousands of listeners with up to
1,000 artists each; a laptop trains on a sample in minutes.  The rules:

* **Listeners.**  Every listener with at least ``min_artists`` artists is a
  candidate.  Each candidate gets a pseudo-random rank from a hash of
  ``(seed, listener id)`` and the ``listeners`` lowest ranks are kept (bottom-k
  sampling).  The choice depends only on the seed and the ids — never on the
  order of the file or on how it was read — and samples of different sizes with
  the same seed are nested: the listeners of a small sample are all in a larger
  one, so growing a sample later only adds listeners.  Only the current best
  ``listeners`` ranks are held, so memory follows the sample, not the file.
* **Artists.**  With ``min_listeners`` > 1, an artist entry is kept only when
  at least that many *kept* listeners name the artist.  This needs the whole
  sample before the first row is emitted, so the reader counts in a pass of its
  own (see ``ArtistTally``) and drops the rare entries while it reads the rows.
  The artist is counted by its normalised name (MBIDs differ between "Foo"
  and "Foo feat. Bar" but the importer joins name-only rows by name too); two
  artists that share a name are counted together, which can only keep more.
"""
from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from musicrec_gui.core.names import normalize_name


@dataclass(frozen=True)
class Subsample:
    """What to keep of a count dataset (the default keeps everything)."""

    listeners: int | None = None      # how many listeners to keep; None: every candidate
    min_artists: int = 1              # a listener needs at least this many artists
    min_listeners: int = 1            # an artist needs at least this many kept listeners
    seed: int = 0

    @property
    def draws(self) -> bool:
        """True when listeners are drawn (a first pass over the file picks them)."""
        return self.listeners is not None

    @property
    def filters_artists(self) -> bool:
        return self.min_listeners > 1

    def describe(self, kept: int | None = None, candidates: int | None = None,
                 artists: int | None = None) -> str:
        """One sentence for the import report (with the counts once they are known)."""
        if self.draws:
            who = f"a seeded sample (seed {self.seed}) of {kept if kept is not None else self.listeners:,}"
            who += f" of {candidates:,} listeners" if candidates is not None else " listeners"
        else:
            who = "every listener"
        if self.min_artists > 1:
            who += f" with at least {self.min_artists} artists"
        if self.filters_artists:
            who += f", and the artists named by at least {self.min_listeners} of them"
            who += f" ({artists:,} artists)" if artists is not None else ""
        return f"kept {who}"


def rank(seed: int, listener: str) -> int:
    """The listener's place in the seeded random order (a stable 64-bit hash)."""
    digest = hashlib.blake2b(f"{seed}:{listener}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class ListenerDraw:
    """Bottom-k sampling: offer every candidate once, then read ``chosen()``."""

    def __init__(self, subsample: Subsample) -> None:
        self.subsample = subsample
        self.candidates = 0
        self._heap: list[tuple[int, str]] = []     # (-rank, id): the worst kept rank on top

    def offer(self, listener: str, artists: int) -> bool:
        """Consider ``listener`` (with ``artists`` artists); False when it is not a candidate."""
        if artists < self.subsample.min_artists:
            return False
        self.candidates += 1
        item = (-rank(self.subsample.seed, listener), listener)
        if len(self._heap) < (self.subsample.listeners or 0):
            heapq.heappush(self._heap, item)
        elif self._heap and item > self._heap[0]:
            heapq.heapreplace(self._heap, item)
        return True

    def chosen(self) -> frozenset[str]:
        return frozenset(listener for _, listener in self._heap)


@lru_cache(maxsize=1 << 16)
def _artist_key(name: str) -> int:
    # Python's string hash: fast, and stable within the process that counts and filters.
    return hash(normalize_name(name))


class ArtistTally:
    """Kept listeners per artist, as 64-bit keys and counts in numpy arrays.

    Memory is about 16 bytes per distinct artist (plus one pending batch),
    whatever the size of the file.
    """

    _BATCH = 1 << 20

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.int64)
        self._counts = np.empty(0, dtype=np.int64)
        self._pending: list[int] = []

    def add(self, names: Iterable[str]) -> None:
        """One listener's artists (each artist counts once per listener)."""
        self._pending.extend({_artist_key(name) for name in names})
        if len(self._pending) >= self._BATCH:
            self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        keys = np.concatenate([self._keys, np.asarray(self._pending, dtype=np.int64)])
        counts = np.concatenate([self._counts, np.ones(len(self._pending), dtype=np.int64)])
        self._pending = []
        self._keys, where = np.unique(keys, return_inverse=True)
        self._counts = np.bincount(where.ravel(), weights=counts, minlength=len(self._keys)).astype(np.int64)

    def frequent(self, minimum: int) -> ArtistFilter:
        """The artists named by at least ``minimum`` listeners."""
        self._merge()
        return ArtistFilter(self._keys[self._counts >= minimum])


class ArtistFilter:
    """Membership test for the artists an ``ArtistTally`` found frequent enough."""

    def __init__(self, keys: np.ndarray) -> None:
        self._keys = keys                  # sorted (np.unique)
        self.artists = len(keys)

    def keeps(self, names: list[str]) -> np.ndarray:
        """A boolean per name: True where the artist is frequent enough."""
        if not names or not self.artists:
            return np.zeros(len(names), dtype=bool)
        keys = np.fromiter((_artist_key(name) for name in names), dtype=np.int64, count=len(names))
        where = np.minimum(np.searchsorted(self._keys, keys), self.artists - 1)
        return self._keys[where] == keys
