"""Importing files into the store, and undoing imports.

One file (or zip member) is one transaction: its rows are parsed chunk by
chunk into a temporary staging table, then merged into ``listens``/``counts``
and ``plays`` is recomputed for the listeners it touched — all before a single
COMMIT.  A cancel, an error or a killed process therefore leaves the store as
it was.

Merging treats one listener's listens as a multiset keyed by (artist, track,
played_at): per key the store ends up with the larger of its own count and the
file's count.  Re-importing a file adds nothing; an overlapping newer export
adds only what is new; genuine repeats within a file survive.  Count datasets
merge the same way per (listener, artist).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from musicrec_gui.core import formats
from musicrec_gui.core.errors import ImportFormatError, MusicRecError
from musicrec_gui.core.formats.base import MAX_REPORTED_LINES, Format, Source
from musicrec_gui.core.jobs import Cancelled, Progress, Reporter, StopToken, ignore_events
from musicrec_gui.core.library import DEFAULT_PERSON, person_match
from musicrec_gui.core.names import is_placeholder, normalize_name
from musicrec_gui.core.store import Store

@dataclass
class PlannedSource:
    """A source found under the paths to import, with what detection made of it."""

    source: Source
    format: Format | None
    error: str | None = None          # set when the source cannot be imported at all
    ignored: str | None = None        # set for recognised files that hold no listening data

    @property
    def role(self) -> str | None:
        return self.format.role if self.format else None


@dataclass
class SourceReport:
    """What importing one source did (the JSON shape of ``musicrec import --json``)."""

    path: str
    format: str | None
    format_label: str | None = None
    listener: str | None = None
    rows_read: int = 0
    added: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    malformed: int = 0
    malformed_lines: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    ignored: str | None = None
    source_id: int | None = None
    already_imported: bool = False
    matched_artists: int | None = None   # for a person: their artists found in community data
    matched_plays: int | None = None
    artists: int | None = None
    plays: int | None = None

    def to_json(self) -> dict:
        return asdict(self)


# -- planning ------------------------------------------------------------------

def plan_import(paths: Iterable[str | Path]) -> list[PlannedSource]:
    """Find every source under ``paths`` and detect its format (nothing is written)."""
    planned: list[PlannedSource] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            planned.append(PlannedSource(Source(str(path), 0, _missing(path)), None,
                                         error=f"{path}: no such file or folder"))
            continue
        single_file = path.is_file() and not _is_zip(path)
        try:
            for source in formats.iter_sources(path):
                planned.append(plan_source(source, single_file))
        except ImportFormatError as exc:
            planned.append(PlannedSource(Source(exc.path, 0, _missing(path)), None, error=str(exc)))
    return planned


def plan_source(source: Source, single_file: bool) -> PlannedSource:
    try:
        sample = formats.read_sample(source)
    except ImportFormatError as exc:
        return PlannedSource(source, None, error=str(exc))
    fmt = formats.detect(sample)
    if fmt is None:
        if single_file:
            return PlannedSource(source, None, error=str(ImportFormatError(
                source.name, describe_unknown(sample))))
        return PlannedSource(source, None, ignored="not a listening-history file")
    if fmt.role == "ignore":
        return PlannedSource(source, fmt, ignored=fmt.ignore_reason or fmt.label)
    return PlannedSource(source, fmt)


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(4) == b"PK\x03\x04"


def describe_unknown(sample) -> str:
    """Why a file was not recognised: what it looks like, and what is supported."""
    text = sample.text.lstrip()
    if not text:
        seen = "the file is empty"
    elif text[0] in "[{":
        keys = sorted(set(re.findall(r'"([A-Za-z_#@][^"\\]{0,40})"\s*:', text[:4000])))[:8]
        seen = "it is JSON" + (f" with keys {', '.join(keys)}" if keys else "")
    elif "\x00" in text[:1000]:
        seen = "it is a binary file"
    else:
        first = text.splitlines()[0][:120]
        seen = f"it is text starting with {first!r}"
    supported = "; ".join(sorted({f.label for f in formats.FORMATS if f.role != "ignore"}))
    return (f"not a listening history MusicRec recognises ({seen}). Supported formats: {supported}. "
            "A table with user/artist/count or timestamp columns can be imported with a column mapping.")


def _missing(path: Path):
    def opener():
        raise ImportFormatError(str(path), "no such file or folder")
    return opener


# -- importing -----------------------------------------------------------------

def import_paths(store: Store, paths: Iterable[str | Path], person: str = DEFAULT_PERSON,
                 token: StopToken | None = None, report: Reporter = ignore_events) -> list[SourceReport]:
    """Plan and import everything under ``paths``; see ``import_planned``."""
    return import_planned(store, plan_import(paths), person, token, report)


def import_planned(store: Store, planned: list[PlannedSource], person: str = DEFAULT_PERSON,
                   token: StopToken | None = None, report: Reporter = ignore_events) -> list[SourceReport]:
    """Import planned sources: personal ones for ``person``, community ones as datasets.

    A cancel (``Cancelled``) rolls back the file in progress and undoes the
    files this call already committed, so the store is left as it was.
    """
    token = token or StopToken()
    reports: list[SourceReport] = []
    total_bytes = sum(p.source.size for p in planned if p.format and not p.ignored and not p.error) or 1
    done_before = 0
    try:
        for item in planned:
            if item.error or item.ignored or item.format is None:
                reports.append(SourceReport(path=item.source.name,
                                            format=item.format.key if item.format else None,
                                            format_label=item.format.label if item.format else None,
                                            error=item.error, ignored=item.ignored))
                continue

            def relay(event, _base=done_before, _name=item.source.name):
                if isinstance(event, Progress):
                    event = Progress(f"Importing {Path(_name).name}", _base + event.done, total_bytes,
                                     event.message)
                report(event)

            reports.append(import_source(store, item.source, item.format, person, token, relay))
            done_before += item.source.size
    except Cancelled:
        for earlier in reports:
            if earlier.source_id is not None and not earlier.already_imported:
                undo_source(store, earlier.source_id)
        raise
    report(Progress("Import finished", total_bytes, total_bytes, f"{len(reports)} file(s)"))
    return reports


def import_source(store: Store, source: Source, fmt: Format, person: str = DEFAULT_PERSON,
                  token: StopToken | None = None, report: Reporter = ignore_events) -> SourceReport:
    """Import one source in one transaction and return its report.

    Errors of the file itself (``ImportFormatError``) are returned in the
    report; ``Cancelled`` propagates after the rollback.
    """
    token = token or StopToken()
    result = SourceReport(path=source.name, format=fmt.key, format_label=fmt.label,
                          listener=person if fmt.role == "personal" else None)
    try:
        content_hash = _content_hash(source, token)
        previous = _previous_import(store, fmt, content_hash, person)
        if previous is not None:
            result.already_imported = True
            result.source_id = previous
            result.notes.append(f"already imported as source #{previous}: nothing added")
        else:
            with store.transaction() as conn:
                _FileImport(conn, source, fmt, person, content_hash, result, token, report).run()
    except ImportFormatError as exc:
        result.error = str(exc)
    except (OSError, UnicodeError, ValueError) as exc:   # a reader bug must not crash the app
        result.error = str(ImportFormatError(source.name, f"could not be read: {exc}"))
    if result.error is None and fmt.role == "personal":
        _fill_match(store, person, result)
    return result


class _FileImport:
    """The body of one import transaction (kept out of ``import_source`` for clarity)."""

    def __init__(self, conn, source: Source, fmt: Format, person: str, content_hash: str,
                 result: SourceReport, token: StopToken, report: Reporter) -> None:
        self.conn, self.source, self.fmt = conn, source, fmt
        self.person, self.content_hash = person, content_hash
        self.result, self.token, self.report = result, token, report
        self.artists = _ArtistResolver(conn)
        self.listeners = _ListenerResolver(conn, fmt)
        self.skipped: Counter[str] = Counter()
        self.freshness: dict[int, bool] = {}
        self.direct_rows = 0
        self.first_listen: int | None = None   # id of this import's first listen, once known
        # Community listens (Last.fm 1K) are only ever used as listener × artist totals: storing
        # 19 M single plays would make the store huge and the import slow for nothing.
        self.stored_rows = "counts" if fmt.role == "community" else fmt.rows
        # Rows of listeners with no earlier data need no merging: summed here, written once.
        self.fresh_totals: list[pd.DataFrame] = []

    def run(self) -> None:
        conn, result = self.conn, self.result
        self.source_id = conn.execute(
            """INSERT INTO sources (path, format, format_label, role, listener_id, content_hash,
                                    rows_read, added, skipped, malformed, malformed_lines, notes)
               VALUES (?, ?, ?, ?, NULL, ?, 0, 0, '{}', 0, '[]', '[]')""",
            (self.source.name, self.fmt.key, self.fmt.label, self.fmt.role, self.content_hash)).lastrowid
        person_id = self.listeners.person(self.person) if self.fmt.role == "personal" else None
        _create_stage(conn, self.stored_rows)
        for chunk in self.fmt.parse(self.source):
            self.token.check()
            result.rows_read += chunk.rows_read
            self.skipped.update(chunk.skipped)
            result.malformed += chunk.malformed
            room = MAX_REPORTED_LINES - len(result.malformed_lines)
            result.malformed_lines.extend(chunk.malformed_lines[:max(room, 0)])
            for note in chunk.notes:
                if note not in result.notes:
                    result.notes.append(note)
            self._stage(chunk.frame, person_id)
            self.report(Progress("Importing", chunk.position, self.source.size,
                                 f"{result.rows_read:,} rows read"))
        self.token.check()
        first_listen = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM listens").fetchone()[0] \
            if self.first_listen is None else self.first_listen
        result.added = self.direct_rows + _merge_stage(conn, self.stored_rows, self.source_id)
        if self.stored_rows != self.fmt.rows:
            result.notes.append("community listens are stored as listener × artist play counts")
        _recompute_plays(conn)
        result.added += self._insert_fresh_totals()
        result.skipped = dict(self.skipped)
        result.source_id = self.source_id
        conn.execute(
            """UPDATE sources SET listener_id = ?, rows_read = ?, added = ?, skipped = ?,
                      malformed = ?, malformed_lines = ?, notes = ?, first_listen = ?,
                      last_listen = (SELECT MAX(id) FROM listens) WHERE id = ?""",
            (person_id, result.rows_read, result.added, json.dumps(result.skipped), result.malformed,
             json.dumps(result.malformed_lines), json.dumps(result.notes), first_listen, self.source_id))
        self.token.check()   # last chance to cancel before COMMIT

    def _stage(self, frame: pd.DataFrame, person_id: int | None) -> None:
        if frame.empty:
            return
        artist_ids = self.artists.ids(frame["artist"], frame["artist_mbid"])
        keep = artist_ids.notna()
        placeholders = int((~keep).sum())
        if placeholders:
            self.skipped["placeholder artist"] += placeholders
        frame = frame.loc[keep.to_numpy()]
        if frame.empty:
            return
        artist_ids = artist_ids[keep].astype("int64").to_numpy()
        if person_id is not None:
            listener_ids = [person_id] * len(frame)
        else:
            listener_ids = self.listeners.ids(frame["listener"]).tolist()
        if self.stored_rows == "listens":
            self._stage_listens(frame, listener_ids, artist_ids)
            return
        plays = np.ones(len(frame), dtype="int64") if self.fmt.rows == "listens" \
            else frame["plays"].to_numpy(dtype="int64")   # community listens → counts
        totals = pd.DataFrame({"listener_id": listener_ids, "artist_id": artist_ids, "plays": plays})
        fresh = totals["listener_id"].map(self._is_fresh).to_numpy(dtype=bool)
        self._add_fresh_totals(totals[fresh])
        if not fresh.all():
            staged = totals[~fresh].groupby(["listener_id", "artist_id"], sort=False)["plays"].sum()
            self.conn.executemany("INSERT INTO temp.stage VALUES (?, ?, ?)",
                                  zip(*(staged.index.get_level_values(i).tolist() for i in (0, 1)),
                                      staged.tolist()))

    def _stage_listens(self, frame: pd.DataFrame, listener_ids: list[int], artist_ids) -> None:
        """Listens of fresh listeners go straight into ``listens``; the others are staged.

        Fresh listeners (no data before this import) need no multiset
        comparison, so skipping the staging copy makes first imports fast.
        """
        fresh = np.fromiter((self._is_fresh(i) for i in listener_ids), dtype=bool, count=len(listener_ids))
        columns = [listener_ids, artist_ids.tolist(), _nullable(frame["track"]), _nullable(frame["album"]),
                   _nullable(frame["played_at"]), _nullable(frame["ms_played"])]
        if fresh.all():
            direct, staged = zip(*columns), None
        else:
            direct = (row for row, keep in zip(zip(*columns), fresh) if keep)
            staged = (row for row, keep in zip(zip(*columns), fresh) if not keep)
        if self.first_listen is None:
            self.first_listen = self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM listens").fetchone()[0]
        self.conn.executemany(
            f"""INSERT INTO listens (listener_id, artist_id, track, album, played_at, ms_played, source_id)
                VALUES (?, ?, ?, ?, ?, ?, {int(self.source_id)})""", direct)
        if staged is not None:
            self.conn.executemany("INSERT INTO temp.stage VALUES (?, ?, ?, ?, ?, ?)", staged)
        self.direct_rows += int(fresh.sum())
        self._add_fresh_totals(pd.DataFrame({"listener_id": np.asarray(listener_ids)[fresh],
                                             "artist_id": artist_ids[fresh], "plays": 1}))

    def _is_fresh(self, listener_id: int) -> bool:
        """True if the listener had no plays when this import began (cached per listener)."""
        known = self.freshness.get(listener_id)
        if known is None:
            known = self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM plays WHERE listener_id = ?)",
                                      (listener_id,)).fetchone()[0] == 1
            self.freshness[listener_id] = known
        return known

    def _add_fresh_totals(self, rows: pd.DataFrame) -> None:
        """Keep running per-pair sums (compacted now and then, so memory follows pairs, not lines)."""
        self.fresh_totals.append(_sum_pairs(rows))
        if len(self.fresh_totals) >= 8:
            self.fresh_totals = [_sum_pairs(pd.concat(self.fresh_totals))]

    def _insert_fresh_totals(self) -> int:
        """Write the summed plays of fresh listeners (and their counts rows); returns counts rows."""
        if not self.fresh_totals:
            return 0
        totals = _sum_pairs(pd.concat(self.fresh_totals)).sort_index()["plays"]
        columns = [totals.index.get_level_values(i).tolist() for i in (0, 1)] + [totals.tolist()]
        self.conn.executemany("INSERT INTO plays (listener_id, artist_id, plays) VALUES (?, ?, ?)", zip(*columns))
        if self.stored_rows != "counts":
            return 0
        self.conn.executemany(
            f"INSERT INTO counts (listener_id, artist_id, source_id, plays) VALUES (?, ?, {int(self.source_id)}, ?)",
            zip(*columns))
        return len(totals)


def _sum_pairs(rows: pd.DataFrame) -> pd.DataFrame:
    """Plays summed per (listener_id, artist_id), as a frame indexed by the pair."""
    return rows.groupby(["listener_id", "artist_id"], sort=False)[["plays"]].sum()


def _nullable(column: pd.Series) -> list:
    """Python values for SQLite: NA/NaN become None, numpy scalars become Python ones."""
    return column.to_numpy(dtype=object, na_value=None).tolist()


def _create_stage(conn, rows_kind: str) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.stage")
    if rows_kind == "listens":
        conn.execute("""CREATE TEMP TABLE stage (listener_id INTEGER, artist_id INTEGER, track TEXT,
                        album TEXT, played_at INTEGER, ms_played INTEGER)""")
    else:
        conn.execute("CREATE TEMP TABLE stage (listener_id INTEGER, artist_id INTEGER, plays INTEGER)")
    conn.execute("DROP TABLE IF EXISTS temp.affected")
    conn.execute("CREATE TEMP TABLE affected (listener_id INTEGER PRIMARY KEY)")


def _merge_stage(conn, rows_kind: str, source_id: int) -> int:
    """Move the staged rows into the store, adding only what it lacks; returns rows added."""
    conn.execute("INSERT OR IGNORE INTO temp.affected SELECT DISTINCT listener_id FROM temp.stage")
    before = conn.total_changes
    if rows_kind == "listens":
        # What the store already holds for these listeners, per key, indexed for the comparison.
        conn.execute("DROP TABLE IF EXISTS temp.held")
        conn.execute("""CREATE TEMP TABLE held AS
                        SELECT listener_id, artist_id, track, played_at, COUNT(*) AS copies FROM listens
                        WHERE listener_id IN (SELECT listener_id FROM temp.affected)
                        GROUP BY listener_id, artist_id, track, played_at""")
        conn.execute("CREATE INDEX temp.held_key ON held (listener_id, artist_id, played_at, track)")
        # Keep the n-th staged copy of a key only if the store has fewer than n copies.
        conn.execute("""
            INSERT INTO listens (listener_id, artist_id, track, album, played_at, ms_played, source_id)
            SELECT s.listener_id, s.artist_id, s.track, s.album, s.played_at, s.ms_played, ?
            FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY listener_id, artist_id, track, played_at
                                               ORDER BY rowid) AS copy
                  FROM temp.stage) AS s
            WHERE s.copy > COALESCE((SELECT h.copies FROM temp.held AS h
                                     WHERE h.listener_id = s.listener_id AND h.artist_id = s.artist_id
                                       AND h.played_at IS s.played_at AND h.track IS s.track), 0)
            ORDER BY s.rowid""", (source_id,))
        conn.execute("DROP TABLE temp.held")
    else:
        conn.execute("""
            INSERT INTO counts (listener_id, artist_id, source_id, plays)
            SELECT s.listener_id, s.artist_id, ?, s.plays - COALESCE(
                       (SELECT SUM(c.plays) FROM counts AS c
                        WHERE c.listener_id = s.listener_id AND c.artist_id = s.artist_id), 0) AS extra
            FROM (SELECT listener_id, artist_id, SUM(plays) AS plays FROM temp.stage
                  GROUP BY listener_id, artist_id) AS s
            WHERE extra > 0""", (source_id,))
    return conn.total_changes - before


def _recompute_plays(conn) -> None:
    """Rebuild ``plays`` for the listeners in ``temp.affected``."""
    conn.execute("DELETE FROM plays WHERE listener_id IN (SELECT listener_id FROM temp.affected)")
    conn.execute("""
        INSERT INTO plays (listener_id, artist_id, plays)
        SELECT listener_id, artist_id, SUM(n) FROM (
            SELECT listener_id, artist_id, COUNT(*) AS n FROM listens
            WHERE listener_id IN (SELECT listener_id FROM temp.affected) GROUP BY listener_id, artist_id
            UNION ALL
            SELECT listener_id, artist_id, SUM(plays) FROM counts
            WHERE listener_id IN (SELECT listener_id FROM temp.affected) GROUP BY listener_id, artist_id)
        GROUP BY listener_id, artist_id""")


class _ArtistResolver:
    """Maps (name, MBID) to artist ids: MBID first, then the normalised name; adds new artists.

    Two artists that share a name but carry different MBIDs stay apart; a row
    without an MBID joins the first artist of that name.
    """

    def __init__(self, conn) -> None:
        self.conn = conn
        self.by_mbid: dict[str, int] = {}
        self.by_norm: dict[str, list[tuple[int, str | None]]] = {}
        for artist_id, norm, mbid in conn.execute("SELECT id, norm, mbid FROM artists ORDER BY id"):
            self.by_norm.setdefault(norm, []).append((artist_id, mbid))
            if mbid:
                self.by_mbid.setdefault(mbid, artist_id)
        self.next_id = (conn.execute("SELECT MAX(id) FROM artists").fetchone()[0] or 0) + 1
        self.pair_cache: dict[tuple[str, str | None], int | None] = {}
        self.pending: list[tuple[int, str, str, str | None]] = []

    def ids(self, names: pd.Series, mbids: pd.Series) -> pd.Series:
        """Artist id per row (``<NA>`` for placeholder names)."""
        # "" stands for "no MBID" while grouping: NA values do not compare equal.
        pairs = pd.DataFrame({"name": names.to_numpy(dtype=object),
                              "mbid": mbids.to_numpy(dtype=object, na_value="")})
        unique = pairs.drop_duplicates()
        resolved = [self.resolve(name, mbid or None) for name, mbid in unique.itertuples(index=False)]
        self.flush()
        unique = unique.assign(artist_id=pd.array(resolved, dtype="Int64"))
        merged = pairs.merge(unique, on=["name", "mbid"], how="left", sort=False)
        return pd.Series(merged["artist_id"].to_numpy(), index=names.index, dtype="Int64")

    def resolve(self, name: str, mbid: str | None) -> int | None:
        cached = self.pair_cache.get((name, mbid), -1)
        if cached != -1:
            return cached
        artist_id = self._resolve(name, mbid)
        self.pair_cache[(name, mbid)] = artist_id
        return artist_id

    def _resolve(self, name: str, mbid: str | None) -> int | None:
        norm = normalize_name(name)
        if is_placeholder(norm):
            return None
        if mbid and mbid in self.by_mbid:
            return self.by_mbid[mbid]
        for artist_id, known_mbid in self.by_norm.get(norm, ()):
            if not mbid or not known_mbid or known_mbid == mbid:
                return artist_id
        artist_id = self.next_id
        self.next_id += 1
        self.pending.append((artist_id, name.strip(), norm, mbid))
        self.by_norm.setdefault(norm, []).append((artist_id, mbid))
        if mbid:
            self.by_mbid[mbid] = artist_id
        return artist_id

    def flush(self) -> None:
        """Write the artists added since the last flush (one batch, not one statement each)."""
        if self.pending:
            self.conn.executemany("INSERT INTO artists (id, name, norm, mbid) VALUES (?, ?, ?, ?)", self.pending)
            self.pending.clear()


class _ListenerResolver:
    """Maps a dataset's listener ids (or a person's name) to listener rows, adding new ones."""

    def __init__(self, conn, fmt: Format) -> None:
        self.conn = conn
        self.dataset = fmt.key
        self.known: dict[str, int] | None = None

    def person(self, name: str) -> int:
        row = self.conn.execute("SELECT id FROM listeners WHERE kind = 'person' AND external_id = ?",
                                (name,)).fetchone()
        if row:
            return row[0]
        return self.conn.execute(
            "INSERT INTO listeners (kind, dataset, external_id, name) VALUES ('person', '', ?, ?)",
            (name, name)).lastrowid

    def ids(self, external: pd.Series) -> pd.Series:
        if self.known is None:
            self.known = dict(self.conn.execute(
                "SELECT external_id, id FROM listeners WHERE kind = 'community' AND dataset = ?",
                (self.dataset,)).fetchall())
        external = external.astype(str)
        for ext in external.unique():
            if ext not in self.known:
                self.known[ext] = self.conn.execute(
                    "INSERT INTO listeners (kind, dataset, external_id, name) VALUES ('community', ?, ?, ?)",
                    (self.dataset, ext, f"{self.dataset}:{ext}")).lastrowid
        return external.map(self.known)


def _content_hash(source: Source, token: StopToken) -> str:
    digest = hashlib.sha256()
    with source.open() as stream:
        while block := stream.read(1 << 20):
            token.check()
            digest.update(block)
    return digest.hexdigest()


def _previous_import(store: Store, fmt: Format, content_hash: str, person: str) -> int | None:
    """The id of an earlier import of the same bytes for the same listener, if any."""
    if fmt.role == "personal":
        row = store.connection().execute(
            """SELECT s.id FROM sources s JOIN listeners l ON l.id = s.listener_id
               WHERE s.content_hash = ? AND l.kind = 'person' AND l.external_id = ?""",
            (content_hash, person)).fetchone()
    else:
        row = store.connection().execute(
            "SELECT id FROM sources WHERE content_hash = ? AND role = 'community'", (content_hash,)).fetchone()
    return row[0] if row else None


# -- undo ----------------------------------------------------------------------

def undo_source(store: Store, source_id: int) -> None:
    """Remove exactly what source ``source_id`` added, recompute plays, drop orphans."""
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone() is None:
            raise MusicRecError(f"there is no import with id {source_id} (see 'musicrec sources')")
        conn.execute("DROP TABLE IF EXISTS temp.affected")
        conn.execute("CREATE TEMP TABLE affected (listener_id INTEGER PRIMARY KEY)")
        first, last = conn.execute("SELECT first_listen, last_listen FROM sources WHERE id = ?",
                                   (source_id,)).fetchone()
        listens = "FROM listens WHERE id BETWEEN ? AND ? AND source_id = ?"
        conn.execute(f"""INSERT OR IGNORE INTO temp.affected
                         SELECT DISTINCT listener_id {listens}
                         UNION SELECT DISTINCT listener_id FROM counts WHERE source_id = ?""",
                     (first or 0, last or -1, source_id, source_id))
        conn.execute(f"DELETE {listens}", (first or 0, last or -1, source_id))
        conn.execute("DELETE FROM counts WHERE source_id = ?", (source_id,))
        _recompute_plays(conn)
        conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        # Whatever only this import brought in goes too.
        conn.execute("""DELETE FROM artists WHERE id NOT IN (SELECT artist_id FROM plays)""")
        conn.execute("""DELETE FROM listeners WHERE id IN (SELECT listener_id FROM temp.affected)
                        AND id NOT IN (SELECT listener_id FROM plays)
                        AND id NOT IN (SELECT listener_id FROM sources WHERE listener_id IS NOT NULL)""")


# -- statistics ----------------------------------------------------------------

def _fill_match(store: Store, person: str, result: SourceReport) -> None:
    match = person_match(store, person)
    result.artists, result.plays = match["artists"], match["plays"]
    result.matched_artists, result.matched_plays = match["matched_artists"], match["matched_plays"]
