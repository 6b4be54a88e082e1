"""What the library page shows about one person: top artists and listening per month.

Plain SQL over ``store.connection()``; no Qt, so the CLI or a notebook can use it too.
A person is the ``external_id`` of a ``person`` listener (``store.people()``).
"""
from __future__ import annotations

from musicrec_gui.core.store import Store

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


def listener_plays(store: Store, name: str) -> list[tuple[str, int]] | None:
    """(normalised artist name, plays) of the listener called ``name`` (a person first);
    ``None`` when the store has no such listener."""
    connection = store.connection()
    found = connection.execute("SELECT id FROM listeners WHERE name = ? ORDER BY kind DESC, id LIMIT 1",
                               (name,)).fetchone()
    if found is None:
        return None
    # One listener's rows only (the plays table's key starts with the listener), so this
    # stays quick however large the community data is.
    return connection.execute("SELECT a.norm, p.plays FROM plays p JOIN artists a ON a.id = p.artist_id "
                              "WHERE p.listener_id = ?", (found[0],)).fetchall()


def has_sources(store: Store) -> bool:
    return store.scalar("SELECT EXISTS (SELECT 1 FROM sources)") == 1


def has_plays(store: Store) -> bool:
    return store.scalar("SELECT EXISTS (SELECT 1 FROM plays)") == 1


def community_listener_count(store: Store) -> int:
    return store.scalar("SELECT COUNT(*) FROM listeners WHERE kind = 'community'")
