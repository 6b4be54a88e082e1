"""Evidence from the community data: how many listeners of one artist also play another.

"38 % of Radiohead's listeners also play Sigur Rós (412 of 1,084)" is a count over
the stored plays of the community listeners: with X the binary listener ×
artist matrix, the listeners of j who also play i are (XᵀX)_ji and the
listeners of j are the column sum of X.  Only the few (reason, recommended
artist) pairs a list shows are needed, so the index keeps X as a sparse matrix
with one column per artist (CSC) and multiplies just those columns: a
recommendation list costs a (reasons × listeners) · (listeners × items) sparse
product, milliseconds even at Last.fm 360K size.  Building the matrix reads
every play once (streamed in chunks, memory linear in plays: half a minute
for 17.5 M plays), so the index is kept per store state and artist mapping:
in memory by ``Listening``, and in a cache file beside the store that the
next session loads in about a second (``bench/evidence_scale.py``).

The columns are the *model's* artists (a caller's ``artist_index`` maps store
artists to them), so evidence and recommendations name the same artists.  The
person asking is never part of the count (people are not community listeners;
a community listener asking is left out of their own evidence).
"""
from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from musicrec_gui.core.jobs import Progress, Reporter, StopToken, ignore_events
from musicrec_gui.core.store import Store

READ_CHUNK = 1 << 18         # plays read from the store at a time
BUILDING = "Counting co-listening"
CACHE_FOLDER = "cache"       # beside the store
CACHE_PREFIX = "colistening-"
_SHIFT = 32                  # listener id << 32 | artist id: one integer per play


@dataclass(frozen=True)
class CoListening:
    """Listeners of ``artist`` (a reason) who also play ``other`` (the recommended artist)."""

    artist: str
    other: str
    both: int          # community listeners who play both
    listeners: int     # community listeners of ``artist``

    @property
    def percent(self) -> float:
        return 100.0 * self.both / self.listeners if self.listeners else 0.0

    def sentence(self) -> str:
        return (f"{self.percent:.0f} % of {self.artist}'s listeners also play {self.other} "
                f"({self.both:,} of {self.listeners:,})")

    def to_json(self) -> dict:
        return {"artist": self.artist, "other": self.other, "both": self.both, "listeners": self.listeners,
                "percent": self.percent, "sentence": self.sentence()}


def store_state(store: Store) -> str:
    """A fingerprint of what the store's plays came from (imports and undos change it)."""
    digest = hashlib.sha256()
    for row in store.connection().execute("SELECT id, content_hash, added FROM sources ORDER BY id"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


class CoListeningIndex:
    """The community listeners × model artists play matrix, by artist column."""

    def __init__(self, matrix: sp.csc_matrix, listener_ids: np.ndarray) -> None:
        self.matrix = matrix                        # (listeners, artists), 1 where the listener plays the artist
        self.listener_ids = listener_ids            # store id of each row, ascending
        self.listeners = np.diff(matrix.indptr).astype(np.int64)   # listeners per artist

    @classmethod
    def build(cls, store: Store, artist_ids: np.ndarray, columns: np.ndarray, n_artists: int,
              token: StopToken | None = None, report: Reporter = ignore_events) -> CoListeningIndex:
        """Read the community listeners' plays; ``columns[k]`` is the column of the store artist
        ``artist_ids[k]`` (−1: not one of the columns)."""
        token = token or StopToken()
        conn = store.connection()
        community = np.array([row for (row,) in conn.execute(
            "SELECT id FROM listeners WHERE kind = 'community' ORDER BY id")], dtype=np.int64)
        # Ids are small integers (SQLite row ids): plain lookup tables beat searching.
        column_of = np.full(int(artist_ids.max(initial=0)) + 1, -1, dtype=np.int64)
        column_of[artist_ids] = columns
        row_of = np.full(int(community.max(initial=0)) + 1, -1, dtype=np.int64)
        row_of[community] = np.arange(community.size)
        total = store.scalar("SELECT COUNT(*) FROM plays")
        rows, cols = [], []
        # One packed integer per play: a single column reads and converts faster than pairs.
        cursor = conn.execute(f"SELECT (listener_id << {_SHIFT}) | artist_id FROM plays")
        done = 0
        while chunk := cursor.fetchmany(READ_CHUNK):
            token.check()
            packed = np.fromiter(itertools.chain.from_iterable(chunk), dtype=np.int64, count=len(chunk))
            done += len(chunk)
            listener, artist = packed >> _SHIFT, packed & ((1 << _SHIFT) - 1)
            row = row_of[np.minimum(listener, row_of.size - 1)]
            row[listener >= row_of.size] = -1
            column = column_of[np.minimum(artist, column_of.size - 1)]
            column[artist >= column_of.size] = -1
            keep = (row >= 0) & (column >= 0)
            rows.append(row[keep].astype(np.int32))
            cols.append(column[keep].astype(np.int32))
            report(Progress(BUILDING, done, total, f"{done:,} plays"))
        token.check()
        row = np.concatenate(rows) if rows else np.zeros(0, np.int32)
        col = np.concatenate(cols) if cols else np.zeros(0, np.int32)
        matrix = sp.csc_matrix((np.ones(row.size, dtype=np.int32), (row, col)),
                               shape=(community.size, n_artists))
        matrix.data[:] = 1          # two store artists that are one model artist count once
        return cls(matrix, community)

    @classmethod
    def load_or_build(cls, store: Store, artist_index: Callable[[np.ndarray, np.ndarray], np.ndarray],
                      n_artists: int, token: StopToken | None = None,
                      report: Reporter = ignore_events) -> CoListeningIndex:
        """The index for the store as it is and ``artist_index``'s columns, from the cache file beside
        the store when one was made for exactly these, else built (and cached: one pass over
        17 M plays takes a while, a cached index loads in a second)."""
        rows = store.connection().execute("SELECT id, norm FROM artists ORDER BY id").fetchall()
        artist_ids = np.array([row[0] for row in rows], dtype=np.int64)
        columns = np.asarray(artist_index(artist_ids, np.array([row[1] for row in rows], dtype=object)),
                             dtype=np.int64)
        state = store_state(store)
        digest = hashlib.sha256(f"{state}:{n_artists}".encode())
        digest.update(artist_ids.tobytes())
        digest.update(columns.tobytes())
        folder = store.path.parent / CACHE_FOLDER
        path = folder / f"{CACHE_PREFIX}{state[:16]}-{digest.hexdigest()[:16]}.npz"
        cached = cls._load(path, n_artists)
        if cached is not None:
            return cached
        index = cls.build(store, artist_ids, columns, n_artists, token, report)
        index._save(path, f"{CACHE_PREFIX}{state[:16]}-")
        return index

    @classmethod
    def _load(cls, path: Path, n_artists: int) -> CoListeningIndex | None:
        try:
            with np.load(path, allow_pickle=False) as npz:
                indptr, indices, listener_ids = npz["indptr"], npz["indices"], npz["listener_ids"]
        except (OSError, KeyError, ValueError):     # no cache yet, or a damaged one: build afresh
            return None
        if indptr.shape != (n_artists + 1,) or indptr[-1] != indices.size or \
                (indices.size and (indices.min() < 0 or indices.max() >= listener_ids.size)):
            return None
        matrix = sp.csc_matrix((np.ones(indices.size, dtype=np.int32), indices, indptr),
                               shape=(listener_ids.size, n_artists))
        return cls(matrix, listener_ids)

    def _save(self, path: Path, keep_prefix: str) -> None:
        """Write the cache file (atomically) and remove those of other store states; a folder that
        refuses it only costs the next session a rebuild."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob(f"{CACHE_PREFIX}*.npz"):
                if not old.name.startswith(keep_prefix):
                    old.unlink(missing_ok=True)
            temporary = path.with_suffix(".part.npz")
            np.savez(temporary, indptr=self.matrix.indptr.astype(np.int64), indices=self.matrix.indices,
                     listener_ids=self.listener_ids)
            os.replace(temporary, path)
        except OSError:
            pass

    def counts(self, reasons: np.ndarray, items: np.ndarray,
               leave_out: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(both, listeners): ``both[r, i]`` listeners play reason r and item i; ``listeners[r]``
        play reason r.  ``leave_out`` (a store listener id) is not counted."""
        reasons = np.asarray(reasons, dtype=np.int64)
        items = np.asarray(items, dtype=np.int64)
        left = self.matrix[:, reasons]
        both = (left.T @ self.matrix[:, items]).toarray().astype(np.int64)
        listeners = self.listeners[reasons].copy()
        row = self._row(leave_out)
        if row is not None:
            mine = self.matrix[row]
            played_reasons = mine[:, reasons].toarray().ravel().astype(np.int64)
            played_items = mine[:, items].toarray().ravel().astype(np.int64)
            both -= np.outer(played_reasons, played_items)
            listeners -= played_reasons
        return both, listeners

    def _row(self, listener_id: int | None) -> int | None:
        if listener_id is None:
            return None
        position = int(np.searchsorted(self.listener_ids, listener_id))
        found = position < self.listener_ids.size and self.listener_ids[position] == listener_id
        return position if found else None


def co_listening(index: CoListeningIndex, names: np.ndarray, picks: list[tuple[int, tuple[int, ...]]],
                 leave_out: int | None = None) -> list[tuple[CoListening, ...]]:
    """For each (item, reason indices) pick, the evidence for each reason that has listeners."""
    items = np.array([item for item, _ in picks], dtype=np.int64)
    reasons = np.unique(np.array([r for _, because in picks for r in because], dtype=np.int64))
    if not items.size or not reasons.size:
        return [()] * len(picks)
    both, listeners = index.counts(reasons, items, leave_out)
    out = []
    for column, (item, because) in enumerate(picks):
        found = []
        for reason in because:
            r = int(np.searchsorted(reasons, reason))
            if listeners[r] > 0:
                found.append(CoListening(str(names[reason]), str(names[item]), int(both[r, column]),
                                         int(listeners[r])))
        out.append(tuple(found))
    return out
