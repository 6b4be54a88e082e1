"""What a person steers: artists that are "not for me", and listening kept out of their taste.

Both are stored per person in the store (``hidden_artists``, ``taste_exclusions``)
and read by the listening rules (``workflows/listening.py``) and by the training
data (``engine/dataset.py``), so they hold with or without retraining:

* **Hidden artists** never appear in that person's recommendations, nor as a
  reason for one.  Their plays still count in the person's taste (that is what
  an exclusion is for).
* **Exclusions** keep a whole imported source, a period (UTC, ``core/periods``)
  or an artist out of the person's *effective plays*: what their training row
  and fold-in are made of.  The listens stay in the store and in the history
  charts (``core/history.py``, ``core/library.py`` read every listen).

Artists are kept by normalised name, so a choice survives an undo and a
re-import that gives the artist a new id.  Undo semantics (``importer.undo_source``):
undoing a source drops the exclusions of that source (the store may reuse its
id); a person's choices go only when the person goes (the undo of their last
import deletes the person, and the store cascades).  The store is one SQLite
file, so a copy of it carries the choices along.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import pandas as pd

from musicrec_gui.core import library
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.names import is_placeholder, normalize_name
from musicrec_gui.core.periods import Period, day_label
from musicrec_gui.core.store import Store

SOURCE, PERIOD, ARTIST = "source", "period", "artist"

# A listen kept in its person's taste (listens aliased ``l``, their artist ``a``).
KEPT_LISTEN = """NOT EXISTS (
    SELECT 1 FROM taste_exclusions e WHERE e.listener_id = l.listener_id AND (
        (e.kind = 'source' AND e.source_id = l.source_id)
        OR (e.kind = 'period' AND l.played_at >= e.period_start AND l.played_at < e.period_end)
        OR (e.kind = 'artist' AND e.norm = a.norm)))"""
# A count row kept (counts aliased ``c``, their artist ``a``): counts have no time.
_KEPT_COUNT = """NOT EXISTS (
    SELECT 1 FROM taste_exclusions e WHERE e.listener_id = c.listener_id AND (
        (e.kind = 'source' AND e.source_id = c.source_id) OR (e.kind = 'artist' AND e.norm = a.norm)))"""


class PreferenceError(MusicRecError):
    """A choice that cannot be stored: not a person, an unknown artist or source, nothing to undo."""


@dataclass(frozen=True)
class HiddenArtist:
    name: str
    norm: str
    hidden_at: str   # ISO 8601, UTC


@dataclass(frozen=True)
class Exclusion:
    """Listening kept out of a person's taste: one source, one period or one artist.

    Made with ``source_exclusion``, ``period_exclusion`` or ``artist_exclusion``;
    ``exclusions()`` fills ``id`` and what it leaves out.
    """

    kind: str                      # SOURCE, PERIOD or ARTIST
    source_id: int | None = None
    start: int | None = None       # PERIOD: UTC epoch seconds, start inclusive, end exclusive
    end: int | None = None
    artist: str | None = None      # ARTIST: the display name
    id: int | None = None          # the stored row
    source_label: str = ""         # SOURCE: the imported file
    listens: int = 0               # the person's plays it leaves out (listens, and counts of a source)
    created_at: str = ""

    @property
    def norm(self) -> str | None:
        return normalize_name(self.artist) if self.artist is not None else None

    def describe(self) -> str:
        if self.kind == SOURCE:
            return f"import #{self.source_id}" + (f" ({self.source_label})" if self.source_label else "")
        if self.kind == PERIOD and self.start is not None and self.end is not None:
            return f"listens from {day_label(self.start)} to {day_label(self.end - 1)}"
        return f"the artist {self.artist}"

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "source": self.source_id, "start": self.start,
                "end": self.end, "artist": self.artist, "description": self.describe(),
                "listens": self.listens, "created_at": self.created_at}


def source_exclusion(source_id: int) -> Exclusion:
    return Exclusion(SOURCE, source_id=int(source_id))


def period_exclusion(period: Period) -> Exclusion:
    return Exclusion(PERIOD, start=period.start, end=period.end)


def artist_exclusion(name: str) -> Exclusion:
    return Exclusion(ARTIST, artist=name)


# -- whose choices ------------------------------------------------------------------------
def person(store: Store, name: str | None) -> library.StoredListener:
    """The person called ``name`` (the first person when None), by the listener rule."""
    found = library.find_listener(store, name)
    if found is None:
        raise PreferenceError(f"no person named “{name}” in the library" if name is not None
                              else "there is nobody in the library yet: import your listening history")
    if found.kind != "person":
        raise PreferenceError(f"{found.name} is a community listener; only people have hidden artists "
                              "and exclusions")
    return found


def _store_artist(store: Store, name: str) -> tuple[str, str]:
    """(display name, normalised name) of the library's artist called ``name``."""
    norm = normalize_name(name)
    if not is_placeholder(norm):
        row = store.connection().execute(
            """SELECT a.name FROM artists a WHERE a.norm = ?
               ORDER BY (SELECT COUNT(*) FROM plays p WHERE p.artist_id = a.id) DESC, a.id LIMIT 1""",
            (norm,)).fetchone()
        if row is not None:
            return row[0], norm
    raise PreferenceError(f"no artist named “{name}” in the library (musicrec artists --search finds names)")


# -- not for me ------------------------------------------------------------------------------
def hide(store: Store, who: str | None, artist: str) -> HiddenArtist:
    """Hide ``artist`` from ``who``'s recommendations and reasons (hiding twice changes nothing)."""
    listener = person(store, who)
    name, norm = _store_artist(store, artist)
    with store.transaction() as conn:
        conn.execute("INSERT OR IGNORE INTO hidden_artists (listener_id, norm, name) VALUES (?, ?, ?)",
                     (listener.id, norm, name))
        row = conn.execute("SELECT name, norm, hidden_at FROM hidden_artists WHERE listener_id = ? AND norm = ?",
                           (listener.id, norm)).fetchone()
    return HiddenArtist(*row)


def unhide(store: Store, who: str | None, artist: str) -> bool:
    """Show ``artist`` to ``who`` again; False when it was not hidden."""
    listener = person(store, who)
    with store.transaction() as conn:
        removed = conn.execute("DELETE FROM hidden_artists WHERE listener_id = ? AND norm = ?",
                               (listener.id, normalize_name(artist))).rowcount
    return removed > 0


def hidden_artists(store: Store, who: str | None) -> list[HiddenArtist]:
    """``who``'s hidden artists, by name."""
    listener = person(store, who)
    rows = store.connection().execute(
        "SELECT name, norm, hidden_at FROM hidden_artists WHERE listener_id = ? ORDER BY norm",
        (listener.id,)).fetchall()
    return [HiddenArtist(*row) for row in rows]


def hidden_norms(store: Store, listener_id: int) -> frozenset[str]:
    """The normalised names a listener hid (empty for community listeners)."""
    rows = store.connection().execute("SELECT norm FROM hidden_artists WHERE listener_id = ?",
                                      (listener_id,)).fetchall()
    return frozenset(norm for (norm,) in rows)


# -- what counts as my taste -------------------------------------------------------------------
def exclude(store: Store, who: str | None, exclusion: Exclusion) -> Exclusion:
    """Keep ``exclusion`` out of ``who``'s taste; returns it as stored (excluding twice changes nothing)."""
    listener = person(store, who)
    norm = name = None
    if exclusion.kind == SOURCE:
        row = store.connection().execute("SELECT listener_id FROM sources WHERE id = ?",
                                         (exclusion.source_id,)).fetchone()
        if row is None:
            raise PreferenceError(f"there is no import with id {exclusion.source_id} (see 'musicrec sources')")
        if row[0] != listener.id:
            raise PreferenceError(f"import #{exclusion.source_id} belongs to another listener, not {listener.name}")
    elif exclusion.kind == ARTIST:
        name, norm = _store_artist(store, exclusion.artist or "")
    elif exclusion.kind != PERIOD:
        raise PreferenceError(f"unknown kind of exclusion {exclusion.kind!r}")
    existing = _matching(store, listener.id, exclusion)
    if not existing:
        with store.transaction() as conn:
            conn.execute("""INSERT INTO taste_exclusions (listener_id, kind, source_id, period_start, period_end,
                                                          norm, name) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                         (listener.id, exclusion.kind, exclusion.source_id, exclusion.start, exclusion.end,
                          norm, name))
        existing = _matching(store, listener.id, exclusion)
    return next(e for e in exclusions(store, listener.name) if e.id == existing[0])


def include(store: Store, who: str | None, exclusion: Exclusion) -> int:
    """Count ``exclusion`` (matched by ``id`` when set, else by what it names) in ``who``'s taste
    again; returns how many stored exclusions that removed (0: it was not excluded)."""
    listener = person(store, who)
    ids = [exclusion.id] if exclusion.id is not None else _matching(store, listener.id, exclusion)
    with store.transaction() as conn:
        return sum(conn.execute("DELETE FROM taste_exclusions WHERE id = ? AND listener_id = ?",
                                (row_id, listener.id)).rowcount for row_id in ids)


def _matching(store: Store, listener_id: int, exclusion: Exclusion) -> list[int]:
    rows = store.connection().execute(
        """SELECT id FROM taste_exclusions WHERE listener_id = ? AND kind = ?
           AND source_id IS ? AND period_start IS ? AND period_end IS ? AND norm IS ? ORDER BY id""",
        (listener_id, exclusion.kind, exclusion.source_id, exclusion.start, exclusion.end,
         exclusion.norm)).fetchall()
    return [row_id for (row_id,) in rows]


def exclusions(store: Store, who: str | None) -> list[Exclusion]:
    """``who``'s exclusions, oldest first, each with how many of their plays it leaves out."""
    listener = person(store, who)
    conn = store.connection()
    rows = conn.execute(
        """SELECT e.id, e.kind, e.source_id, e.period_start, e.period_end, e.name, e.norm, e.created_at,
                  COALESCE(s.path, '') FROM taste_exclusions e LEFT JOIN sources s ON s.id = e.source_id
           WHERE e.listener_id = ? ORDER BY e.id""", (listener.id,)).fetchall()
    out = []
    for row_id, kind, source_id, start, end, name, norm, created, path in rows:
        out.append(Exclusion(kind, source_id, start, end, name, row_id, path,
                             _plays_left_out(conn, listener.id, kind, source_id, start, end, norm), created))
    return out


def _plays_left_out(conn: sqlite3.Connection, listener_id: int, kind: str, source_id, start, end, norm) -> int:
    if kind == SOURCE:
        sql = ("SELECT (SELECT COUNT(*) FROM listens WHERE listener_id = ? AND source_id = ?)"
               " + (SELECT COALESCE(SUM(plays), 0) FROM counts WHERE listener_id = ? AND source_id = ?)")
        params: tuple = (listener_id, source_id, listener_id, source_id)
    elif kind == PERIOD:
        sql = "SELECT COUNT(*) FROM listens WHERE listener_id = ? AND played_at >= ? AND played_at < ?"
        params = (listener_id, start, end)
    else:
        sql = ("SELECT COALESCE(SUM(p.plays), 0) FROM plays p JOIN artists a ON a.id = p.artist_id"
               " WHERE p.listener_id = ? AND a.norm = ?")
        params = (listener_id, norm)
    return int(conn.execute(sql, params).fetchone()[0])


def has_exclusions(store: Store, listener_id: int) -> bool:
    return store.scalar("SELECT EXISTS (SELECT 1 FROM taste_exclusions WHERE listener_id = ?)", (listener_id,)) == 1


def exclusion_state(store: Store, listener_id: int) -> tuple:
    """Everything that decides a listener's effective plays besides the plays themselves
    (a cache key: it changes whenever an exclusion is added or removed)."""
    return tuple(store.connection().execute(
        "SELECT id, kind, source_id, period_start, period_end, norm FROM taste_exclusions "
        "WHERE listener_id = ? ORDER BY id", (listener_id,)).fetchall())


# -- effective plays -----------------------------------------------------------------------------
def effective_plays(store: Store, listener_id: int) -> list[tuple[int, str, int]]:
    """(artist id, normalised name, plays) the listener's taste is made of: their plays without
    what they excluded.  The same rows as ``library.listener_plays`` when nothing is excluded."""
    if not has_exclusions(store, listener_id):
        return library.listener_plays(store, listener_id)
    return store.connection().execute(
        f"""SELECT artist_id, norm, SUM(n) FROM (
                SELECT a.id AS artist_id, a.norm AS norm, COUNT(*) AS n
                FROM listens l JOIN artists a ON a.id = l.artist_id
                WHERE l.listener_id = ? AND {KEPT_LISTEN} GROUP BY a.id
                UNION ALL
                SELECT a.id, a.norm, SUM(c.plays) FROM counts c JOIN artists a ON a.id = c.artist_id
                WHERE c.listener_id = ? AND {_KEPT_COUNT} GROUP BY a.id)
            GROUP BY artist_id HAVING SUM(n) > 0""", (listener_id, listener_id)).fetchall()


def period_plays(store: Store, listener_id: int, period: Period) -> list[tuple[int, str, int]]:
    """(artist id, normalised name, plays) of the listener's kept listens in ``period``."""
    return store.connection().execute(
        f"""SELECT a.id, a.norm, COUNT(*) FROM listens l JOIN artists a ON a.id = l.artist_id
            WHERE l.listener_id = ? AND l.played_at >= ? AND l.played_at < ? AND {KEPT_LISTEN}
            GROUP BY a.id""", (listener_id, period.start, period.end)).fetchall()


def without_excluded(store: Store, plays: pd.DataFrame) -> pd.DataFrame:
    """The store's play frame (``Store.play_frame()``) with each person's rows replaced by their
    effective plays: what the model trains on."""
    listeners = [row for (row,) in store.connection().execute(
        "SELECT DISTINCT listener_id FROM taste_exclusions ORDER BY listener_id")]
    if not listeners:
        return plays
    kept = plays[~plays["listener_id"].isin(listeners)]
    replaced = [pd.DataFrame([(listener_id, artist_id, count) for artist_id, _, count
                              in effective_plays(store, listener_id)],
                             columns=["listener_id", "artist_id", "plays"], dtype="int64")
                for listener_id in listeners]
    frame = pd.concat([kept, *replaced], ignore_index=True).astype(plays.dtypes.to_dict())
    return frame.sort_values(["listener_id", "artist_id"], kind="stable", ignore_index=True)
