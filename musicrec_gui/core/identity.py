"""Which artist and which listener a parsed row belongs to (store ids), chunk by chunk.

Artist identity is recorded, not recomputed.  Every (normalised name, MBID)
pair the importer meets is written to ``artist_keys`` with the artist it was
given, inside the import's transaction.  A pair seen before always resolves to
the same artist, whatever was imported in between (community data, another
export naming a collaboration with the same MBID), so re-importing an
overlapping export adds exactly the listens the store lacks.

A new pair is given an artist by these rules (``_choose``):

* artists are known by their normalised name (``names.normalize_name``);
* an MBID only tells apart different artists that share a name: a row with
  an MBID joins the artist of that name carrying the same MBID, else the first
  one of that name still without an MBID (which then records it), else it
  starts a new artist of that name;
* a row without an MBID joins the first artist of that name;
* MBIDs never join differently written names: Last.fm gives a collaboration
  ("The Flaming Lips & Stardeath And White Dwarfs") the first artist's MBID,
  and it stays its own artist.

Work per chunk is vectorised: rows are factorised to distinct pairs (or
listener ids), only those meet Python, and only new ones meet SQL.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from musicrec_gui.core.names import is_placeholder, normalize_name

NO_ARTIST = -1        # id given to placeholder names ("[unknown]", "Various Artists")
NO_LISTENER = -1      # id given to rows without a listener id


class ArtistResolver:
    """Maps (name, MBID) to artist ids, adding artists and keys as needed (see the module doc)."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.known: dict[tuple[str, str], int] = {}     # (name as written, MBID or "") -> id

    def ids(self, names: pd.Series, mbids: pd.Series) -> np.ndarray:
        """Artist id per row (int64; ``NO_ARTIST`` for placeholder names)."""
        name_codes, name_values = pd.factorize(names.to_numpy(dtype=object))
        mbid_codes, mbid_values = pd.factorize(mbids.to_numpy(dtype=object))   # -1 = no MBID
        width = len(mbid_values) + 1
        pair_codes, pairs = pd.factorize(name_codes.astype(np.int64) * width + (mbid_codes + 1))
        resolved = np.empty(len(pairs), dtype=np.int64)
        for index, pair in enumerate(pairs.tolist()):
            name_code, mbid_code = divmod(pair, width)
            key = (name_values[name_code], mbid_values[mbid_code - 1] if mbid_code else "")
            artist_id = self.known.get(key)
            if artist_id is None:
                artist_id = self.known[key] = self._resolve(*key)
            resolved[index] = artist_id
        return resolved[pair_codes]

    def _resolve(self, name: str, mbid: str) -> int:
        norm = normalize_name(name)
        if is_placeholder(norm):
            return NO_ARTIST
        row = self.conn.execute("SELECT artist_id FROM artist_keys WHERE norm = ? AND mbid = ?",
                                (norm, mbid)).fetchone()
        if row:
            return row[0]
        artist_id = self._choose(name, norm, mbid)
        self.conn.execute("INSERT INTO artist_keys (norm, mbid, artist_id) VALUES (?, ?, ?)",
                          (norm, mbid, artist_id))
        return artist_id

    def _choose(self, name: str, norm: str, mbid: str) -> int:
        """The artist a pair never seen before belongs to (rules in the module doc)."""
        same_name = self.conn.execute("SELECT id, mbid FROM artists WHERE norm = ? ORDER BY id",
                                      (norm,)).fetchall()
        if not mbid and same_name:
            return same_name[0][0]
        if mbid:
            for artist_id, known in same_name:
                if known == mbid:
                    return artist_id
            for artist_id, known in same_name:
                if known is None:
                    self.conn.execute("UPDATE artists SET mbid = ? WHERE id = ?", (mbid, artist_id))
                    return artist_id
        return self.conn.execute("INSERT INTO artists (name, norm, mbid) VALUES (?, ?, ?)",
                                 (name, norm, mbid or None)).lastrowid


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

    def ids(self, external: pd.Series) -> np.ndarray:
        """Listener id per row (int64; ``NO_LISTENER`` where the row names none)."""
        codes, values = pd.factorize(external.to_numpy(dtype=object))
        resolved = np.empty(len(values) + 1, dtype=np.int64)
        resolved[-1] = NO_LISTENER                      # code -1: missing
        for index, value in enumerate(values.tolist()):
            listener_id = self.known.get(value)
            if listener_id is None:
                listener_id = self.known[value] = self._community(str(value))
            resolved[index] = listener_id
        return resolved[codes]

    def _community(self, external: str) -> int:
        row = self.conn.execute(
            "SELECT id FROM listeners WHERE kind = 'community' AND dataset = ? AND external_id = ?",
            (self.dataset, external)).fetchone()
        if row:
            return row[0]
        listener_id = self.conn.execute(
            "INSERT INTO listeners (kind, dataset, external_id, name) VALUES ('community', ?, ?, ?)",
            (self.dataset, external, f"{self.dataset}:{external}")).lastrowid
        self.fresh_ids[listener_id] = True
        return listener_id

    def fresh(self, listener_ids: np.ndarray) -> np.ndarray:
        """Per row: True if its listener had no plays when this import began."""
        unique, codes = np.unique(listener_ids, return_inverse=True)
        flags = np.empty(len(unique), dtype=bool)
        for index, listener_id in enumerate(unique.tolist()):
            flag = self.fresh_ids.get(listener_id)
            if flag is None:
                flag = self.fresh_ids[listener_id] = self.conn.execute(
                    "SELECT NOT EXISTS (SELECT 1 FROM plays WHERE listener_id = ?)", (listener_id,)).fetchone()[0] == 1
            flags[index] = flag
        return flags[codes]
