"""Which artist and which listener a parsed row belongs to (store ids), chunk by chunk.

Artist identity is recorded, not recomputed.  Every (normalised name, MBID)
pair the importer meets is written to ``artist_keys`` with the artist it was
given, inside the import's transaction.  A pair seen before always resolves to
the same artist, whatever was imported in between (community data, another
export naming a collaboration with the same MBID), so re-importing an
overlapping export adds exactly the listens the store lacks.

A new pair is given an artist by these rules (``ArtistResolver._choose``):

* artists are known by their normalised name (``names.normalize_name``);
* an MBID only tells apart different artists that share a name: a row with
  an MBID joins the artist of that name carrying the same MBID, else the first
  one of that name still without an MBID (which then records it), else it
  starts a new artist of that name;
* a row without an MBID joins the first artist of that name;
* MBIDs never join differently written names: Last.fm gives a collaboration
  ("The Flaming Lips & Stardeath And White Dwarfs") the first artist's MBID,
  and it stays its own artist.

Work per chunk is vectorised: rows are reduced to distinct pairs (or
listener ids, ``Distinct``), only those meet Python, and the new ones are
looked up and written in a few set-at-a-time statements, not one each.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd

from musicrec_gui.core.names import is_placeholder, normalize_name

NO_ARTIST = -1        # id given to placeholder names ("[unknown]", "Various Artists")
NO_LISTENER = -1      # id given to rows without a listener id
UNKNOWN = -2          # not resolved yet (internal)


@dataclass(frozen=True)
class Distinct:
    """A column as its distinct values: row ``i`` holds ``values[codes[i]]`` (code -1: none).

    Computed without the store (``distinct_artists``, ``distinct_listeners``);
    resolvers then look up each distinct value once.
    """

    codes: np.ndarray
    values: list


def distinct_artists(names: pd.Series, mbids: pd.Series) -> Distinct:
    """The distinct (name as written, MBID or "") pairs of a chunk's rows."""
    names, mbids = names.to_numpy(dtype=object), mbids.to_numpy(dtype=object)
    name_codes, name_values = pd.factorize(names)
    # Most names come with one MBID throughout (or none): pair each name with the MBID of its first
    # row, and factorise real pairs only for the rows that differ from it.  factorize numbers names
    # by first appearance, so a name's first row is where the running maximum of the codes grows.
    grows = np.diff(np.maximum.accumulate(name_codes), prepend=-1) > 0
    first_mbids = mbids[grows]
    other = _differs(mbids, first_mbids[name_codes])
    keys = list(zip(name_values.tolist(), map(_mbid_text, first_mbids.tolist())))
    codes = name_codes.astype(np.int64)
    if other.any():
        rows = np.flatnonzero(other)
        pair_codes, pairs = pd.factorize(pd.MultiIndex.from_arrays([names[rows], mbids[rows]]))
        codes[rows] = len(keys) + pair_codes
        keys += [(name, _mbid_text(mbid)) for name, mbid in pairs.tolist()]
    return Distinct(codes, keys)


def distinct_listeners(external: pd.Series) -> Distinct:
    """The listener ids of a chunk's rows, as runs of one value.

    Datasets list a listener's rows together, so comparing neighbours (cheaper
    than hashing every row) finds the values; a listener met in two runs is
    simply looked up twice.
    """
    values = external.to_numpy(dtype=object)
    if not len(values):
        return Distinct(np.empty(0, dtype=np.int64), [])
    starts = np.flatnonzero(np.concatenate(([True], _differs(values[1:], values[:-1]))))
    runs = values[starts].tolist()
    named = [isinstance(run, str) for run in runs]
    run_codes = np.where(named, np.cumsum(named) - 1, -1)
    codes = np.repeat(run_codes, np.diff(np.append(starts, len(values))))
    return Distinct(codes, [run for run in runs if isinstance(run, str)])


class ArtistResolver:
    """Maps (name, MBID) to artist ids, adding artists and keys as needed (see the module doc)."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.known: dict[tuple[str, str], int] = {}     # (name as written, MBID or "") -> id
        _scratch_table(conn, "wanted_norms", "norm TEXT PRIMARY KEY")

    def ids(self, rows: Distinct) -> np.ndarray:
        """Artist id per row of ``distinct_artists(...)`` (int64; ``NO_ARTIST`` for placeholder names)."""
        resolved = np.fromiter(map(self.known.get, rows.values, repeat(UNKNOWN)), dtype=np.int64,
                               count=len(rows.values))
        missing = np.flatnonzero(resolved == UNKNOWN)
        if len(missing):
            keys = [rows.values[i] for i in missing.tolist()]
            self._resolve(keys)
            resolved[missing] = [self.known[key] for key in keys]
        return resolved[rows.codes]

    def _resolve(self, keys: list[tuple[str, str]]) -> None:
        """Find or create the artists of pairs not met before in this import."""
        pending = []
        for name, written_mbid in keys:
            norm = normalize_name(name)
            if is_placeholder(norm):
                self.known[(name, written_mbid)] = NO_ARTIST
            else:
                pending.append((name, written_mbid, norm))
        if not pending:
            return
        recorded, same_name = self._lookup({norm for _, _, norm in pending})
        next_id = (self.conn.execute("SELECT MAX(id) FROM artists").fetchone()[0] or 0) + 1
        new_artists, new_keys, new_mbids = [], [], []
        for name, written_mbid, norm in pending:
            mbid = written_mbid.lower()             # MBIDs are UUIDs: case carries no meaning
            artist_id = recorded.get((norm, mbid))
            if artist_id is None:
                artist_id, created, gave_mbid = self._choose(same_name.setdefault(norm, []), mbid, next_id)
                if created:
                    new_artists.append((artist_id, name, norm, mbid or None))
                    next_id += 1
                if gave_mbid:
                    new_mbids.append((mbid, artist_id))
                recorded[(norm, mbid)] = artist_id
                new_keys.append((norm, mbid, artist_id))
            self.known[(name, written_mbid)] = artist_id
        self.conn.executemany("INSERT INTO artists (id, name, norm, mbid) VALUES (?, ?, ?, ?)", new_artists)
        self.conn.executemany("UPDATE artists SET mbid = ? WHERE id = ?", new_mbids)
        self.conn.executemany("INSERT INTO artist_keys (norm, mbid, artist_id) VALUES (?, ?, ?)", new_keys)

    def _lookup(self, norms: set[str]) -> tuple[dict, dict]:
        """The recorded keys and the artists (id order) of these normalised names."""
        conn = self.conn
        conn.execute("DELETE FROM temp.wanted_norms")
        conn.executemany("INSERT INTO temp.wanted_norms VALUES (?)", ((norm,) for norm in norms))
        # CROSS JOIN keeps SQLite from scanning the big table: it walks the few wanted names.
        recorded = {(norm, mbid): artist_id for norm, mbid, artist_id in conn.execute(
            """SELECT k.norm, k.mbid, k.artist_id FROM temp.wanted_norms AS w
               CROSS JOIN artist_keys AS k ON k.norm = w.norm""")}
        same_name: dict[str, list[list]] = {}
        for artist_id, norm, mbid in conn.execute(
                """SELECT a.id, a.norm, a.mbid FROM temp.wanted_norms AS w
                   CROSS JOIN artists AS a ON a.norm = w.norm ORDER BY a.id"""):
            same_name.setdefault(norm, []).append([artist_id, mbid])
        return recorded, same_name

    @staticmethod
    def _choose(same_name: list[list], mbid: str, next_id: int) -> tuple[int, bool, bool]:
        """The artist a pair never seen before belongs to (rules in the module doc).

        ``same_name`` holds ``[id, mbid]`` of the artists of its name, in id
        order, and is updated.  Returns (artist id, whether it is new, whether
        it now carries ``mbid``).
        """
        if not mbid and same_name:
            return same_name[0][0], False, False
        if mbid:
            for artist in same_name:
                if artist[1] == mbid:
                    return artist[0], False, False
            for artist in same_name:
                if artist[1] is None:
                    artist[1] = mbid
                    return artist[0], False, True
        same_name.append([next_id, mbid or None])
        return next_id, True, False


class ListenerResolver:
    """Maps a dataset's listener ids (or a person's name) to listener rows, adding new ones.

    Also says which listeners are *fresh* (had no plays when this import
    began): their rows need no comparison with the store.
    """

    def __init__(self, conn, dataset: str) -> None:
        self.conn = conn
        self.dataset = dataset
        self.known: dict[str, int] = {}
        self.fresh_ids: dict[int, bool] = {}

    def person(self, name: str) -> int:
        row = self.conn.execute("SELECT id FROM listeners WHERE kind = 'person' AND external_id = ?",
                                (name,)).fetchone()
        if row:
            return row[0]
        return self.conn.execute(
            "INSERT INTO listeners (kind, dataset, external_id, name) VALUES ('person', '', ?, ?)",
            (name, name)).lastrowid

    def ids(self, rows: Distinct) -> np.ndarray:
        """Listener id per row of ``distinct_listeners(...)`` (int64; ``NO_LISTENER`` where it names none)."""
        resolved = np.empty(len(rows.values) + 1, dtype=np.int64)
        resolved[:-1] = np.fromiter(map(self.known.get, rows.values, repeat(UNKNOWN)), dtype=np.int64,
                                    count=len(rows.values))
        resolved[-1] = NO_LISTENER                      # code -1: no listener id
        missing = np.flatnonzero(resolved == UNKNOWN)
        if len(missing):
            values = [rows.values[i] for i in missing.tolist()]
            self._resolve(list(dict.fromkeys(values)))
            resolved[missing] = [self.known[value] for value in values]
        return resolved[rows.codes]

    def _resolve(self, externals: list[str]) -> None:
        conn = self.conn
        _scratch_table(conn, "wanted_listeners", "external_id TEXT PRIMARY KEY")
        conn.executemany("INSERT OR IGNORE INTO temp.wanted_listeners VALUES (?)", ((e,) for e in externals))
        self.known.update(conn.execute(
            """SELECT l.external_id, l.id FROM temp.wanted_listeners AS w
               CROSS JOIN listeners AS l ON l.kind = 'community' AND l.dataset = ? AND l.external_id = w.external_id""",
            (self.dataset,)))
        next_id = (conn.execute("SELECT MAX(id) FROM listeners").fetchone()[0] or 0) + 1
        new = []
        for external in externals:
            if external not in self.known:
                self.known[external] = next_id
                self.fresh_ids[next_id] = True          # created by this import: no plays yet
                new.append((next_id, self.dataset, external, f"{self.dataset}:{external}"))
                next_id += 1
        conn.executemany("INSERT INTO listeners (id, kind, dataset, external_id, name) "
                         "VALUES (?, 'community', ?, ?, ?)", new)

    def fresh(self, listener_ids: np.ndarray) -> np.ndarray:
        """Per row: True if its listener had no plays when this import began."""
        codes, unique = pd.factorize(listener_ids)
        flags = np.empty(len(unique), dtype=bool)
        for index, listener_id in enumerate(unique.tolist()):
            flag = self.fresh_ids.get(listener_id)
            if flag is None:
                flag = self.fresh_ids[listener_id] = self.conn.execute(
                    "SELECT NOT EXISTS (SELECT 1 FROM plays WHERE listener_id = ?)", (listener_id,)).fetchone()[0] == 1
            flags[index] = flag
        return flags[codes]


def _mbid_text(mbid: object) -> str:
    """An MBID cell as key text: "" when the row has none (None or NaN)."""
    return mbid if isinstance(mbid, str) else ""


def _differs(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Element-wise ``!=`` of two object arrays of str or None (None equals None)."""
    differ = left != right
    return np.asarray(differ, dtype=bool) if isinstance(differ, np.ndarray) else np.full(len(left), differ)


def _scratch_table(conn, name: str, columns: str) -> None:
    """An empty temporary lookup table (one column, its primary key)."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns}) WITHOUT ROWID")
    conn.execute(f"DELETE FROM temp.{name}")
