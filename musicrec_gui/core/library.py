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
