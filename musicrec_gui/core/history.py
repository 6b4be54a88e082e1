"""A person's listening over time: their years, a year in review, the listening clock, recency.

Read from the timestamped listens (counts from datasets have no time).  History
shows everything the person played, excluded listening included (exclusions
only keep listening out of the *taste*, ``core/preferences.py``); the two
questions the taste asks of time — when was an artist last played, what was
played in each year — use the kept listens only.

Calendar years and months are UTC, like the Library's monthly chart and the
periods a person types (``core/periods.py``).  The listening clock (hour ×
weekday) is in this computer's local time by default: a 23:00 habit is a 23:00
habit where the person lives, and their computer is the best guess of where
that is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from musicrec_gui.core import library, periods
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.periods import Period
from musicrec_gui.core.preferences import KEPT_LISTEN
from musicrec_gui.core.store import Store

TOP = 10              # artists (and tracks) named per year unless asked otherwise
MONTH_TOP = 3         # artists named per month
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ArtistCount:
    artist: str
    plays: int


@dataclass(frozen=True)
class YearSummary:
    """One year of a person's listening."""

    year: int
    listens: int
    artists: int               # different artists played
    new_artists: int           # artists first played this year
    hours: float | None        # time played, where the export says it (None when it never does)
    top_artist: ArtistCount


@dataclass(frozen=True)
class MonthSummary:
    month: str                 # "YYYY-MM"
    listens: int
    top_artists: tuple[ArtistCount, ...]


@dataclass(frozen=True)
class YearInReview:
    """Everything a "year in review" shows; the app renders it (and exports the picture)."""

    person: str
    year: int
    listens: int
    artists: int
    new_artists: int
    hours: float | None
    top_artists: tuple[ArtistCount, ...]
    top_new_artists: tuple[ArtistCount, ...]      # first played this year, most played first
    top_tracks: tuple[tuple[str, str, int], ...]   # (track, artist, plays)
    months: tuple[MonthSummary, ...]               # the 12 months, January first
    clock: tuple[tuple[int, ...], ...]             # 7 × 24 listens: Monday first, hour 0 first
    local_clock: bool                              # the clock's hours are local time (else UTC)
    history_begins: int | None                     # the person's first dated listen (UTC epoch s):
    #                                                before it nothing is known, so in that year every artist is "new"

    def to_json(self) -> dict:
        return {"person": self.person, "year": self.year, "listens": self.listens, "artists": self.artists,
                "new_artists": self.new_artists, "hours": self.hours,
                "top_artists": [_count_json(a) for a in self.top_artists],
                "top_new_artists": [_count_json(a) for a in self.top_new_artists],
                "top_tracks": [{"track": t, "artist": a, "plays": n} for t, a, n in self.top_tracks],
                "months": [{"month": m.month, "listens": m.listens,
                            "top_artists": [_count_json(a) for a in m.top_artists]} for m in self.months],
                "clock": [list(day) for day in self.clock], "weekdays": list(WEEKDAYS),
                "local_clock": self.local_clock, "history_begins": self.history_begins}


def _count_json(count: ArtistCount) -> dict:
    return {"artist": count.artist, "plays": count.plays}


def listener(store: Store, who: str | None) -> library.StoredListener:
    """The listener called ``who`` (the first person when None), by the listener rule."""
    found = library.find_listener(store, who)
    if found is None:
        raise MusicRecError(f"no listener named “{who}” in the library" if who is not None
                            else "there is nobody in the library yet: import your listening history")
    return found


def _within(period: Period | None) -> tuple[str, list[int]]:
    """A WHERE clause (and its parameters) for listens in ``period``; nothing for all time."""
    if period is None:
        return "", []
    return "AND played_at >= ? AND played_at < ?", [period.start, period.end]


def _monthly(store: Store, listener_id: int, period: Period | None = None) -> pd.DataFrame:
    """The person's dated listens per (month, artist): month, artist_id, name, listens, ms, year."""
    where, bounds = _within(period)
    params = [listener_id, *bounds]
    frame = pd.read_sql_query(
        f"""SELECT m.month, m.artist_id, a.name, m.listens, m.ms FROM (
                SELECT strftime('%Y-%m', played_at, 'unixepoch') AS month, artist_id, COUNT(*) AS listens,
                       SUM(ms_played) AS ms FROM listens
                WHERE listener_id = ? AND played_at IS NOT NULL {where} GROUP BY month, artist_id) AS m
            JOIN artists a ON a.id = m.artist_id""", store.connection(), params=params)
    frame["year"] = frame["month"].str.slice(0, 4).astype("int64")
    return frame


def _first_years(store: Store, listener_id: int) -> pd.Series:
    """The UTC year of each artist's first listen by the person, indexed by artist id."""
    rows = store.connection().execute(
        """SELECT artist_id, CAST(strftime('%Y', MIN(played_at), 'unixepoch') AS INTEGER) FROM listens
           WHERE listener_id = ? AND played_at IS NOT NULL GROUP BY artist_id""", (listener_id,)).fetchall()
    return pd.Series(dict(rows), dtype="int64")


def _top(frame: pd.DataFrame, n: int) -> tuple[ArtistCount, ...]:
    """Artists by listens (summed over the frame's rows), most first, ties by name."""
    if frame.empty:
        return ()
    totals = frame.groupby(["artist_id", "name"], as_index=False)["listens"].sum()
    totals = totals.sort_values(["listens", "name"], ascending=[False, True], kind="stable").head(n)
    return tuple(ArtistCount(str(name), int(listens)) for name, listens in zip(totals["name"], totals["listens"]))


def _hours(ms: pd.Series) -> float | None:
    return None if ms.isna().all() else float(ms.sum()) / 3_600_000


def years(store: Store, who: str | None) -> list[YearSummary]:
    """Each year the person listened in (UTC), oldest first."""
    stored = listener(store, who)
    monthly = _monthly(store, stored.id)
    if monthly.empty:
        return []
    first_years = _first_years(store, stored.id)
    new_per_year = first_years.value_counts()
    out = []
    for number, rows in monthly.groupby("year", sort=True):
        out.append(YearSummary(int(number), int(rows["listens"].sum()), int(rows["artist_id"].nunique()),
                               int(new_per_year.get(number, 0)), _hours(rows["ms"]), _top(rows, 1)[0]))
    return out


def year_in_review(store: Store, who: str | None, year: int, top: int = TOP,
                   local_clock: bool = True) -> YearInReview:
    """The person's ``year`` (UTC): totals, top and new artists, top tracks, months, clock."""
    stored = listener(store, who)
    monthly = _monthly(store, stored.id, periods.year(year))
    first_years = _first_years(store, stored.id)
    new_ids = first_years.index[first_years.to_numpy() == year]
    months = []
    for month in range(1, 13):
        key = f"{year:04d}-{month:02d}"
        rows = monthly[monthly["month"] == key]
        months.append(MonthSummary(key, int(rows["listens"].sum()), _top(rows, MONTH_TOP)))
    begins = store.connection().execute(
        "SELECT MIN(played_at) FROM listens WHERE listener_id = ? AND played_at IS NOT NULL",
        (stored.id,)).fetchone()[0]
    return YearInReview(
        person=stored.name, year=year, listens=int(monthly["listens"].sum()),
        artists=int(monthly["artist_id"].nunique()), new_artists=int(len(new_ids)), hours=_hours(monthly["ms"]),
        top_artists=_top(monthly, top), top_new_artists=_top(monthly[monthly["artist_id"].isin(new_ids)], top),
        top_tracks=_top_tracks(store, stored.id, periods.year(year), top), months=tuple(months),
        clock=listening_clock(store, stored.id, periods.year(year), local=local_clock), local_clock=local_clock,
        history_begins=None if begins is None else int(begins))


def _top_tracks(store: Store, listener_id: int, period: Period, n: int) -> tuple[tuple[str, str, int], ...]:
    rows = store.connection().execute(
        """SELECT l.track, a.name, COUNT(*) AS n FROM listens l JOIN artists a ON a.id = l.artist_id
           WHERE l.listener_id = ? AND l.track IS NOT NULL AND l.track != ''
             AND l.played_at >= ? AND l.played_at < ?
           GROUP BY l.artist_id, l.track ORDER BY n DESC, a.name, l.track LIMIT ?""",
        (listener_id, period.start, period.end, n)).fetchall()
    return tuple((str(track), str(artist), int(count)) for track, artist, count in rows)


def listening_clock(store: Store, listener_id: int, period: Period | None = None,
                    local: bool = True) -> tuple[tuple[int, ...], ...]:
    """Listens per weekday (Monday first) and hour: 7 rows of 24, in ``period`` or all time."""
    shift = ", 'localtime'" if local else ""
    where, bounds = _within(period)
    params = [listener_id, *bounds]
    rows = store.connection().execute(
        f"""SELECT CAST(strftime('%w', played_at, 'unixepoch'{shift}) AS INTEGER) AS day,
                   CAST(strftime('%H', played_at, 'unixepoch'{shift}) AS INTEGER) AS hour, COUNT(*)
            FROM listens WHERE listener_id = ? AND played_at IS NOT NULL {where}
            GROUP BY day, hour""", params).fetchall()
    clock = np.zeros((7, 24), dtype=np.int64)
    for day, hour, count in rows:
        clock[(day + 6) % 7, hour] = count          # SQLite's %w counts from Sunday
    return tuple(tuple(int(v) for v in day) for day in clock)


# -- what the taste asks of time (kept listens only) ----------------------------------------------
def artist_recency(store: Store, listener_id: int) -> list[tuple[int, str, int, int]]:
    """(artist id, normalised name, kept listens, last kept listen) per artist with dated listens."""
    return store.connection().execute(
        f"""SELECT a.id, a.norm, COUNT(*), MAX(l.played_at) FROM listens l JOIN artists a ON a.id = l.artist_id
            WHERE l.listener_id = ? AND l.played_at IS NOT NULL AND {KEPT_LISTEN}
            GROUP BY a.id""", (listener_id,)).fetchall()


def latest_listen(store: Store, listener_id: int) -> int | None:
    """The listener's most recent dated listen (UTC epoch seconds), excluded ones included."""
    value = store.connection().execute(
        "SELECT MAX(played_at) FROM listens WHERE listener_id = ?", (listener_id,)).fetchone()[0]
    return None if value is None else int(value)


def kept_years(store: Store, listener_id: int) -> list[int]:
    """The UTC years in which the listener has kept (not excluded) dated listens, oldest first."""
    rows = store.connection().execute(
        f"""SELECT DISTINCT CAST(strftime('%Y', l.played_at, 'unixepoch') AS INTEGER) AS y
            FROM listens l JOIN artists a ON a.id = l.artist_id
            WHERE l.listener_id = ? AND l.played_at IS NOT NULL AND {KEPT_LISTEN} ORDER BY y""",
        (listener_id,)).fetchall()
    return [int(y) for (y,) in rows]
