"""Questions about what the store holds: people, their artists and listening, store statistics.

Plain SQL over ``store.connection()``; no Qt, so the CLI, the app and a notebook
ask the same questions the same way.  A person is the ``external_id`` of a
``person`` listener (``store.people()``).
"""
from __future__ import annotations

from dataclasses import dataclass

from musicrec_gui.core.names import normalize_name
from musicrec_gui.core.store import Store

DEFAULT_PERSON = "you"   # whose personal exports these are, unless the person says otherwise

_PERSON = "SELECT id FROM listeners WHERE kind = 'person' AND external_id = ?"


def top_artists(store: Store, person: str, limit: int = 15) -> list[tuple[str, int]]:
    """The person's most played artists, most played first: (name, plays)."""
    rows = store.connection().execute(
        f"""SELECT a.name, p.plays FROM plays p JOIN artists a ON a.id = p.artist_id
            WHERE p.listener_id = ({_PERSON})
            ORDER BY p.plays DESC, a.name LIMIT ?""", (person, limit)).fetchall()
    return [(name, int(plays)) for name, plays in rows]


def listens_per_month(store: Store, person: str) -> list[tuple[str, int]]:
    """Listens per calendar month (UTC), ``("YYYY-MM", count)``, oldest first.

    Months without listens between the first and the last one are included
    with 0 so a chart shows gaps honestly.  Listens with unknown time are left
    out (see ``undated_listens``).
    """
    rows = store.connection().execute(
        f"""SELECT strftime('%Y-%m', played_at, 'unixepoch') AS month, COUNT(*)
            FROM listens WHERE listener_id = ({_PERSON}) AND played_at IS NOT NULL
            GROUP BY month ORDER BY month""", (person,)).fetchall()
    if not rows:
        return []
    counts = dict(rows)
    return [(month, int(counts.get(month, 0))) for month in _months_between(rows[0][0], rows[-1][0])]


def undated_listens(store: Store, person: str) -> int:
    """How many of the person's listens have no known time."""
    return int(store.connection().execute(
        f"SELECT COUNT(*) FROM listens WHERE listener_id = ({_PERSON}) AND played_at IS NULL",
        (person,)).fetchone()[0])


def _months_between(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(frozen=True)
class StoredListener:
    """A listener of the store, as the listener-matching rule found them."""

    id: int
    name: str
    kind: str   # "person" or "community"


def find_listener(store: Store, name: str | None) -> StoredListener | None:
    """The one rule for "whose listening": the exact name (people before community
    listeners), else the normalised name; ``None`` names the first person.  ``None``
    when nobody matches."""
    connection = store.connection()
    if name is None:
        row = connection.execute("SELECT id, name, kind FROM listeners WHERE kind = 'person' "
                                 "ORDER BY id LIMIT 1").fetchone()
        return StoredListener(*row) if row else None
    row = connection.execute("SELECT id, name, kind FROM listeners WHERE name = ? ORDER BY kind DESC, id LIMIT 1",
                             (name,)).fetchone()
    if row is None:
        key = normalize_name(name)
        # Normalised comparison in Python: people are few, and a community name is
        # "dataset:id", which exact matching already finds.
        for candidate in connection.execute("SELECT id, name, kind FROM listeners WHERE kind = 'person' "
                                            "ORDER BY id"):
            if normalize_name(candidate[1]) == key:
                row = candidate
                break
    return StoredListener(*row) if row else None


def listener_plays(store: Store, listener_id: int) -> list[tuple[int, str, int]]:
    """(artist id, normalised artist name, plays) of one listener."""
    # One listener's rows only (the plays table's key starts with the listener), so this
    # stays quick however large the community data is.
    return store.connection().execute(
        "SELECT a.id, a.norm, p.plays FROM plays p JOIN artists a ON a.id = p.artist_id WHERE p.listener_id = ?",
        (listener_id,)).fetchall()


def has_sources(store: Store) -> bool:
    return store.scalar("SELECT EXISTS (SELECT 1 FROM sources)") == 1


def has_plays(store: Store) -> bool:
    return store.scalar("SELECT EXISTS (SELECT 1 FROM plays)") == 1


def community_listener_count(store: Store) -> int:
    return store.scalar("SELECT COUNT(*) FROM listeners WHERE kind = 'community'")


@dataclass(frozen=True)
class Coverage:
    """How much of a person's listening some community data knows (artists and plays)."""

    dataset: str          # the community dataset's format key; "" for all community data together
    label: str            # what to call it ("HetRec 2011 Last.fm 2K", "All community data")
    artists: int
    matched_artists: int
    plays: int
    matched_plays: int

    @property
    def artist_share(self) -> float:
        return self.matched_artists / self.artists if self.artists else 0.0

    @property
    def play_share(self) -> float:
        return self.matched_plays / self.plays if self.plays else 0.0


ALL_COMMUNITY = "All community data"

# Is this person artist played by a community listener of the dataset?  Community
# listeners of one dataset were added by its imports, so their ids mostly form one
# range: the range turns a scan of an artist's (up to 10⁵) listeners into an index seek.
_KNOWN = """EXISTS (SELECT 1 FROM plays c JOIN listeners cl ON cl.id = c.listener_id
                    WHERE c.artist_id = p.artist_id AND c.listener_id BETWEEN ? AND ?
                      AND cl.kind = 'community' {dataset})"""


def coverage(store: Store, person: str) -> list[Coverage]:
    """The person's coverage by all community data together, then by each community dataset."""
    connection = store.connection()
    found = connection.execute(f"{_PERSON}", (person,)).fetchone()
    if found is None:
        return []
    mine = connection.execute("SELECT COUNT(*), COALESCE(SUM(plays), 0) FROM plays WHERE listener_id = ?",
                              found).fetchone()
    ranges = connection.execute("SELECT dataset, MIN(id), MAX(id) FROM listeners WHERE kind = 'community' "
                                "GROUP BY dataset ORDER BY MIN(id)").fetchall()
    labels = dict(connection.execute("SELECT format, format_label FROM sources WHERE role = 'community' "
                                     "GROUP BY format").fetchall())
    out = []
    everything = [("", ALL_COMMUNITY, min((r[1] for r in ranges), default=0), max((r[2] for r in ranges), default=-1))]
    for dataset, label, low, high in everything + [(d, labels.get(d, d), lo, hi) for d, lo, hi in ranges]:
        condition = _KNOWN.format(dataset="AND cl.dataset = ?" if dataset else "")
        parameters = (low, high, dataset) if dataset else (low, high)
        matched = connection.execute(
            f"SELECT COUNT(*), COALESCE(SUM(p.plays), 0) FROM plays p WHERE p.listener_id = ? AND {condition}",
            (found[0], *parameters)).fetchone()
        out.append(Coverage(dataset, label, mine[0], matched[0], mine[1], matched[1]))
    return out


@dataclass(frozen=True)
class CommunityData:
    dataset: str      # its format key: what training settings and ``--community`` name
    label: str
    listeners: int


def community_datasets(store: Store) -> list[CommunityData]:
    """The community datasets in the store, in the order they were imported."""
    rows = store.connection().execute(
        """SELECT l.dataset, COALESCE(s.format_label, l.dataset), COUNT(*) FROM listeners l
           LEFT JOIN (SELECT format, format_label FROM sources WHERE role = 'community' GROUP BY format) s
                  ON s.format = l.dataset
           WHERE l.kind = 'community' GROUP BY l.dataset ORDER BY MIN(l.id)""").fetchall()
    return [CommunityData(*row) for row in rows]


def person_match(store: Store, person: str) -> dict:
    """A person's artists and plays, and how many of them the community data knows.

    Looks at the person's own artists only (each checked through the plays_artist
    index), so its cost follows the person, not the store: it runs after every import.
    """
    row = store.connection().execute(
        f"""SELECT COUNT(*), COALESCE(SUM(plays), 0), COALESCE(SUM(known), 0), COALESCE(SUM(plays * known), 0)
            FROM (SELECT p.plays,
                         EXISTS (SELECT 1 FROM plays AS c JOIN listeners AS cl ON cl.id = c.listener_id
                                 WHERE c.artist_id = p.artist_id AND cl.kind = 'community') AS known
                  FROM plays AS p WHERE p.listener_id = ({_PERSON}))""", (person,)).fetchone()
    return {"name": person, "artists": row[0], "plays": row[1],
            "matched_artists": row[2], "matched_plays": row[3]}


def store_stats(store: Store) -> dict:
    """Counts for ``musicrec stats`` and the library page."""
    people = store.people()
    return {
        "listeners": store.scalar("SELECT COUNT(*) FROM listeners"),
        "people": len(people),
        "community_listeners": community_listener_count(store),
        "artists": store.scalar("SELECT COUNT(*) FROM artists"),
        "listens": store.scalar("SELECT COUNT(*) FROM listens"),
        "plays": store.scalar("SELECT COALESCE(SUM(plays), 0) FROM plays"),
        "pairs": store.scalar("SELECT COUNT(*) FROM plays"),
        "sources": store.scalar("SELECT COUNT(*) FROM sources"),
        "community": [vars(data) for data in community_datasets(store)],
        "people_detail": [{**person_match(store, name),
                           "coverage": [vars(c) for c in coverage(store, name)[1:]]} for name in people],
        "per_source": [{"id": s.id, "path": s.path, "format": s.format, "added": s.added}
                       for s in store.sources()],
    }


def artist_mbids(store: Store, artist_ids, norms) -> list[str | None]:
    """The MusicBrainz id of each (store id, normalised name) artist: that artist's own, else
    the first of another artist with the same name that has one; None when none is known."""
    wanted = sorted({str(norm) for norm in norms})
    known: dict[int, str] = {}
    by_norm: dict[str, str] = {}
    connection = store.connection()
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start:start + _BATCH]
        for artist_id, norm, mbid in connection.execute(
                f"SELECT id, norm, mbid FROM artists WHERE mbid IS NOT NULL AND mbid != '' "
                f"AND norm IN ({', '.join('?' * len(batch))}) ORDER BY id", batch):
            known[artist_id] = mbid
            by_norm.setdefault(norm, mbid)
    return [known.get(int(artist_id)) or by_norm.get(str(norm)) for artist_id, norm in zip(artist_ids, norms)]


_BATCH = 500   # names per query (SQLite's bound-parameter limit is 999 on old builds)
