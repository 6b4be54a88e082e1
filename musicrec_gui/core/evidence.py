"""Evidence from the community data: how many listeners of one artist also play another.

"38 % of Radiohead's listeners also play Sigur Rós (412 of 1,084)" is a count over
the stored plays of the community listeners: with X the binary listener ×
artist matrix, the listeners of j who also play i are (XᵀX)_ji and the
listeners of j are the column sum of X.  Only the few (reason, recommended
artist) pairs a list shows are needed, so the index keeps X as a sparse matrix
with one column per artist (CSC) and multiplies just those columns: a
recommendation list costs a (reasons × listeners) · (listeners × items) sparse
product, milliseconds even at Last.fm 360K size.  Building the matrix reads
every play once (streamed in chunks, memory linear in plays); ``Listening``
keeps one index per model and store state.

The columns are the *model's* artists (a caller's ``artist_index`` maps store
artists to them), so evidence and recommendations name the same artists.  The
person asking is never part of the count (people are not community listeners;
a community listener asking is left out of their own evidence).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from musicrec_gui.core.jobs import Progress, Reporter, StopToken, ignore_events
from musicrec_gui.core.store import Store

READ_CHUNK = 1 << 18         # plays read from the store at a time
BUILDING = "Counting co-listening"


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
        self.listeners = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)

    @classmethod
    def build(cls, store: Store, artist_index: Callable[[np.ndarray, np.ndarray], np.ndarray], n_artists: int,
              token: StopToken | None = None, report: Reporter = ignore_events) -> CoListeningIndex:
        """Read the community listeners' plays; ``artist_index(store ids, norms)`` gives each store
        artist's column (−1: not one of the columns)."""
        token = token or StopToken()
        conn = store.connection()
        artists = conn.execute("SELECT id, norm FROM artists ORDER BY id").fetchall()
        store_ids = np.array([row[0] for row in artists], dtype=np.int64)
        columns = artist_index(store_ids, np.array([row[1] for row in artists], dtype=object))
        community = np.array([row for (row,) in conn.execute(
            "SELECT id FROM listeners WHERE kind = 'community' ORDER BY id")], dtype=np.int64)
        total = store.scalar("SELECT COUNT(*) FROM plays")
        rows, cols = [], []
        cursor = conn.execute("SELECT listener_id, artist_id FROM plays")
        done = 0
        while True:
            token.check()
            chunk = cursor.fetchmany(READ_CHUNK)
            if not chunk:
                break
            pairs = np.array(chunk, dtype=np.int64)
            done += len(chunk)
            listener, artist = pairs[:, 0], pairs[:, 1]
            column = columns[np.searchsorted(store_ids, artist)]
            keep = (column >= 0) & _member(listener, community)
            rows.append(np.searchsorted(community, listener[keep]).astype(np.int32))
            cols.append(column[keep].astype(np.int32))
            report(Progress(BUILDING, done, total, f"{done:,} plays"))
        row = np.concatenate(rows) if rows else np.zeros(0, np.int32)
        col = np.concatenate(cols) if cols else np.zeros(0, np.int32)
        matrix = sp.csc_matrix((np.ones(row.size, dtype=np.int32), (row, col)),
                               shape=(community.size, n_artists))
        matrix.data[:] = 1          # two store artists that are one model artist count once
        return cls(matrix, community)

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


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin`` for a sorted set, without sorting ``values``."""
    if not sorted_set.size:
        return np.zeros(values.shape, dtype=bool)
    position = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return sorted_set[position] == values


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
