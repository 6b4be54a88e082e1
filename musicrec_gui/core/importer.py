"""Importing files into the store, and undoing imports.

One file (or zip member) is one transaction: its rows are parsed chunk by
chunk; rows of listeners with no earlier data go straight into
``listens``/``counts``, the others into a temporary staging table that is then
merged; ``plays`` is updated by what the file added — all before a single
COMMIT.  A cancel, an error or a killed process therefore leaves the store as
it was.  Another process writing the store makes the import wait (with a
"waiting" progress event and Cancel) rather than fail.

Merging treats one listener's listens as a multiset keyed by (artist, track,
played_at): per key the store ends up with the larger of its own count and the
file's count.  Re-importing a file adds nothing; an overlapping newer export
adds only what is new; genuine repeats within a file survive (up to
``MAX_IDENTICAL_LISTENS``: more copies of one play are not real).  Count
datasets merge the same way per (listener, artist).  Artist identity is
recorded per (name, MBID) pair (see ``identity``), so a re-import resolves
every row exactly as the first import did.

Work per file is proportional to the file, not to the store: artists and
listeners are looked up per distinct value, ``plays`` changes by the file's
own additions instead of being recomputed, and an overlapping export is
compared with the store only at the keys it holds.  Rows travel as numpy
columns; Python touches each distinct artist or listener, not each row.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from itertools import compress
from pathlib import Path

import numpy as np
import pandas as pd

from musicrec_gui.core import formats
from musicrec_gui.core.errors import ImportFormatError, MusicRecError, StoreError
from musicrec_gui.core.formats.base import MAX_REPORTED_LINES, Format, Source
from musicrec_gui.core.formats.sources import is_zip
from musicrec_gui.core.identity import (
    NO_ARTIST,
    NO_LISTENER,
    ArtistResolver,
    ListenerResolver,
    distinct_artists,
    distinct_listeners,
)
from musicrec_gui.core.jobs import Cancelled, Progress, Reporter, StopToken, ignore_events
from musicrec_gui.core.library import DEFAULT_PERSON, person_match
from musicrec_gui.core.store import WAITING_STAGE, Store

# Identical listens (same listener, artist, track and time) beyond this many within
# one chunk of rows are not real plays — a play takes time — and are skipped.  Listens
# without a time may truly repeat more often, up to MAX_IDENTICAL_UNDATED.
MAX_IDENTICAL_LISTENS = 10
MAX_IDENTICAL_UNDATED = 1000
REPEATS = "too many identical copies of one listen"

# A count file this big that brings more pairs than ``plays`` holds is written in bulk
# mode (``Store.bulk_writes``): secondary indexes built once at the end.
BULK_BYTES = 64 << 20
BULK_BYTES_PER_ROW = 40          # a pessimistic guess of a count file's bytes per row
# Rows bound per INSERT statement of counts: one statement per row cost 2.6× as much (SQLite's
# per-statement work and Python's per-row loop in executemany; 2 M rows: 3.5 s against 1.3 s).
ROWS_PER_INSERT = 50


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

    @property
    def status(self) -> str:
        """What happened, in one word or two: "error", "ignored", "already imported",
        "imported" (listens added) or "nothing added" (read, but every row was
        skipped, malformed or already in the store)."""
        if self.error:
            return "error"
        if self.ignored:
            return "ignored"
        if self.already_imported:
            return "already imported"
        return "imported" if self.added else "nothing added"

    def to_json(self) -> dict:
        return {**asdict(self), "status": self.status}


def nothing_imported(reports: list[SourceReport]) -> bool:
    """True when no file was read into the store (only errors and ignored entries, or none).

    A file that was read but added nothing (already in the store, all rows
    skipped) counts as read: the reports say why.
    """
    return not any(r.source_id is not None for r in reports)


# -- planning ------------------------------------------------------------------

def plan_import(paths: Iterable[str | Path], token: StopToken | None = None) -> list[PlannedSource]:
    """Find every source under ``paths`` and detect its format (nothing is written).

    Every path gives at least one entry: an empty folder, a zip with only
    system files or an unreadable sub-folder is an entry with an ``error``;
    special files (named pipes, devices) are ``ignored`` and never opened.
    ``token`` is checked once per source.
    """
    planned: list[PlannedSource] = []
    for path in paths:
        path = Path(path)
        if not path.exists() and not path.is_symlink():
            planned.append(PlannedSource(Source(str(path), 0, _missing(path)), None,
                                         error=f"{path}: no such file or folder"))
            continue
        single_file = path.is_file() and not is_zip(path)
        try:
            for source in formats.iter_sources(path):
                if token is not None:
                    token.check()
                planned.append(plan_source(source, single_file))
        except ImportFormatError as exc:
            planned.append(PlannedSource(Source(exc.path, 0, _missing(path)), None, error=str(exc)))
    return planned


def plan_source(source: Source, single_file: bool) -> PlannedSource:
    if source.ignored:
        return PlannedSource(source, None, ignored=source.ignored)
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
    return import_planned(store, plan_import(paths, token), person, token, report)


def import_planned(store: Store, planned: list[PlannedSource], person: str = DEFAULT_PERSON,
                   token: StopToken | None = None, report: Reporter = ignore_events) -> list[SourceReport]:
    """Import planned sources: personal ones for ``person``, community ones as datasets.

    A cancel (``Cancelled``) rolls back the file in progress and undoes the
    files this call already committed, so the store is left as it was.  A
    store failure (``StoreError``: disk full, read-only, busy for too long)
    rolls back the file in progress and says which earlier files were kept.
    """
    token = token or StopToken()
    reports: list[SourceReport] = []
    total_bytes = sum(p.source.size for p in planned if p.format and not p.ignored and not p.error) or 1
    done_before = 0
    try:
        for item in planned:
            token.check()
            if item.error or item.ignored or item.format is None:
                reports.append(SourceReport(path=item.source.name,
                                            format=item.format.key if item.format else None,
                                            format_label=item.format.label if item.format else None,
                                            error=item.error, ignored=item.ignored))
                continue

            def relay(event, _base=done_before, _name=item.source.name):
                if isinstance(event, Progress) and event.stage != WAITING_STAGE:
                    event = Progress(f"Importing {Path(_name).name}", _base + event.done, total_bytes,
                                     event.message)
                report(event)

            reports.append(_import_one(store, item.source, item.format, person, token, relay))
            done_before += item.source.size
    except Cancelled:
        for earlier in reports:
            if earlier.source_id is not None and not earlier.already_imported:
                undo_source(store, earlier.source_id)
        raise
    except StoreError as exc:
        kept = sum(r.source_id is not None and not r.already_imported for r in reports)
        if kept:
            raise StoreError(f"{exc} (the {kept} file(s) imported before it were kept)") from None
        raise
    if any(r.listener == person and r.source_id is not None for r in reports):
        match = person_match(store, person)
        for result in reports:
            if result.listener == person and result.error is None:
                _set_match(result, match)
    report(Progress("Import finished", total_bytes, total_bytes, f"{len(reports)} file(s)"))
    return reports


def import_source(store: Store, source: Source, fmt: Format, person: str = DEFAULT_PERSON,
                  token: StopToken | None = None, report: Reporter = ignore_events) -> SourceReport:
    """Import one source in one transaction and return its report.

    Errors of the file itself (``ImportFormatError``) are returned in the
    report; ``Cancelled`` propagates after the rollback, ``StoreError`` too.
    """
    result = _import_one(store, source, fmt, person, token or StopToken(), report)
    if result.error is None and fmt.role == "personal":
        _set_match(result, person_match(store, person))
    return result


def _import_one(store: Store, source: Source, fmt: Format, person: str, token: StopToken,
                report: Reporter) -> SourceReport:
    result = SourceReport(path=source.name, format=fmt.key, format_label=fmt.label,
                          listener=person if fmt.role == "personal" else None)
    try:
        content_hash = _content_hash(source, token)
        with store.transaction(token, report) as conn:
            # Checked under the write lock: two processes importing the same file add it once.
            previous = _previous_import(conn, fmt, content_hash, person)
            if previous is not None:
                result.already_imported = True
                result.source_id = previous
                result.notes.append(f"already imported as source #{previous}: nothing added")
            else:
                with _interruptible(conn, token):
                    _FileImport(store, conn, source, fmt, person, content_hash, result, token, report).run()
    except ImportFormatError as exc:
        result.error = str(exc)
        result.source_id = None
    except OSError as exc:                      # the file vanished or a read failed mid-way
        result.error = str(ImportFormatError(source.name, f"could not be read ({exc.strerror or 'read error'})"))
        result.source_id = None
    return result


# SQLite calls the progress handler every this many virtual-machine steps (about a millisecond).
INTERRUPT_STEPS = 100_000


@contextlib.contextmanager
def _interruptible(conn, token: StopToken):
    """Let Cancel stop a long SQL statement (a big merge) too: it raises ``Cancelled``."""
    conn.set_progress_handler(lambda: token.stopped, INTERRUPT_STEPS)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if token.stopped and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_INTERRUPT:
            raise Cancelled() from None
        raise
    finally:
        conn.set_progress_handler(None, INTERRUPT_STEPS)


class _FileImport:
    """The body of one import transaction (kept out of ``import_source`` for clarity)."""

    def __init__(self, store: Store, conn, source: Source, fmt: Format, person: str, content_hash: str,
                 result: SourceReport, token: StopToken, report: Reporter) -> None:
        self.store, self.conn, self.source, self.fmt = store, conn, source, fmt
        self.person, self.content_hash = person, content_hash
        self.result, self.token, self.report = result, token, report
        self.artists = ArtistResolver(conn)
        self.listeners = ListenerResolver(conn, fmt.key)
        self.skipped: Counter[str] = Counter()
        self.direct_listens = 0
        self.counted: set[int] = set()      # fresh listeners whose counts were written by an earlier chunk
        # Community listens (Last.fm 1K) are only ever used as listener × artist totals: storing
        # 19 M single plays would make the store huge and the import slow for nothing.
        self.stored_rows = "counts" if fmt.role == "community" else fmt.rows

    def run(self) -> None:
        conn, result = self.conn, self.result
        self.source_id = conn.execute(
            """INSERT INTO sources (path, format, format_label, role, listener_id, content_hash,
                                    rows_read, added, skipped, malformed, malformed_lines, notes)
               VALUES (?, ?, ?, ?, NULL, ?, 0, 0, '{}', 0, '[]', '[]')""",
            (self.source.name, self.fmt.key, self.fmt.label, self.fmt.role, self.content_hash)).lastrowid
        person_id = self.listeners.person(self.person) if self.fmt.role == "personal" else None
        first_listen = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM listens").fetchone()[0]
        _create_stage(conn, self.stored_rows)
        bulk = self.store.bulk_writes(conn) if self._is_bulk() else contextlib.nullcontext()
        with bulk:
            for chunk in formats.parse(self.source, self.fmt):
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
            merged = _merge_stage(conn, self.stored_rows, self.source_id)
            last_listen = conn.execute("SELECT MAX(id) FROM listens").fetchone()[0]
            pairs = _add_plays(conn, self.source_id, first_listen, last_listen, +1)
            self.report(Progress("Importing", self.source.size, self.source.size, "indexing"))
        result.added = pairs if self.stored_rows == "counts" else self.direct_listens + merged
        if self.stored_rows != self.fmt.rows:
            result.notes.append("community listens are stored as listener × artist play counts")
        result.skipped = dict(self.skipped)
        result.source_id = self.source_id
        conn.execute(
            """UPDATE sources SET listener_id = ?, rows_read = ?, added = ?, skipped = ?,
                      malformed = ?, malformed_lines = ?, notes = ?, first_listen = ?,
                      last_listen = ? WHERE id = ?""",
            (person_id, result.rows_read, result.added, json.dumps(result.skipped), result.malformed,
             json.dumps(result.malformed_lines), json.dumps(result.notes), first_listen, last_listen,
             self.source_id))
        self.token.check()   # last chance to cancel before COMMIT

    def _is_bulk(self) -> bool:
        """A big count file that outgrows ``plays``: write it in bulk mode (``Store.bulk_writes``)."""
        if self.stored_rows != "counts" or self.source.size < BULK_BYTES:
            return False
        held = self.conn.execute("SELECT COUNT(*) FROM plays").fetchone()[0]
        return self.source.size // BULK_BYTES_PER_ROW > held

    def _stage(self, frame: pd.DataFrame, person_id: int | None) -> None:
        if frame.empty:
            return
        artist_ids = self.artists.ids(distinct_artists(frame["artist"], frame["artist_mbid"]))
        if person_id is not None:
            listener_ids = np.full(len(frame), person_id, dtype=np.int64)
        else:
            listener_ids = self.listeners.ids(distinct_listeners(frame["listener"]))
        keep = artist_ids != NO_ARTIST
        self._count_skips(~keep, "placeholder artist")
        self._count_skips(keep & (listener_ids == NO_LISTENER), "no listener id")
        keep &= listener_ids != NO_LISTENER
        if self.fmt.rows == "listens":
            keep &= self._not_repeated(frame, listener_ids, artist_ids, keep)
        if not keep.all():
            frame, listener_ids, artist_ids = frame.loc[keep], listener_ids[keep], artist_ids[keep]
        if frame.empty:
            return
        if self.stored_rows == "listens":
            self._stage_listens(frame, listener_ids, artist_ids)
        else:
            self._stage_counts(frame, listener_ids, artist_ids)

    def _count_skips(self, rows: np.ndarray, reason: str) -> None:
        count = int(rows.sum())
        if count:
            self.skipped[reason] += count

    def _not_repeated(self, frame: pd.DataFrame, listener_ids: np.ndarray, artist_ids: np.ndarray,
                      keep: np.ndarray) -> np.ndarray:
        """Rows that are not beyond the allowed number of identical copies of one listen."""
        keys = pd.util.hash_pandas_object(
            pd.DataFrame({"listener": listener_ids, "artist": artist_ids, "track": frame["track"].to_numpy(),
                          "played_at": frame["played_at"].to_numpy(dtype="float64", na_value=np.nan)}),
            index=False).to_numpy()
        keys = pd.Series(np.where(keep, keys, np.arange(len(keys), dtype=np.uint64)))   # dropped rows: unique
        if not keys.duplicated().any():
            return np.ones(len(keys), dtype=bool)
        copy = keys.groupby(keys.to_numpy(), sort=False).cumcount().to_numpy()
        limit = np.where(frame["played_at"].isna().to_numpy(), MAX_IDENTICAL_UNDATED, MAX_IDENTICAL_LISTENS)
        allowed = copy < limit
        self._count_skips(keep & ~allowed, REPEATS)
        return allowed

    def _stage_listens(self, frame: pd.DataFrame, listener_ids: np.ndarray, artist_ids: np.ndarray) -> None:
        """Listens of fresh listeners go straight into ``listens``; the others are staged.

        Fresh listeners (no data before this import) need no multiset
        comparison, so skipping the staging copy makes first imports fast.
        """
        fresh = self.listeners.fresh(listener_ids)
        rows: Iterable[tuple] = zip(listener_ids.tolist(), artist_ids.tolist(), frame["track"].tolist(),
                                    frame["album"].tolist(), _nullable(frame["played_at"]),
                                    _nullable(frame["ms_played"]))
        direct = int(fresh.sum())
        if direct == len(fresh):
            direct_rows, staged_rows = rows, None
        else:
            listed = list(rows)
            direct_rows, staged_rows = compress(listed, fresh), compress(listed, ~fresh)
        self.conn.executemany(
            f"""INSERT INTO listens (listener_id, artist_id, track, album, played_at, ms_played, source_id)
                VALUES (?, ?, ?, ?, ?, ?, {int(self.source_id)})""", direct_rows)
        if staged_rows is not None:
            self.conn.executemany("INSERT INTO temp.stage VALUES (?, ?, ?, ?, ?, ?)", staged_rows)
        self.direct_listens += direct

    def _stage_counts(self, frame: pd.DataFrame, listener_ids: np.ndarray, artist_ids: np.ndarray) -> None:
        """Counts of fresh listeners go straight into ``counts``; the others are staged."""
        if self.fmt.rows == "listens":          # community listens: summed per pair first
            listener_ids, artist_ids, plays = _sum_pairs(listener_ids, artist_ids)
        else:
            plays = frame["plays"].to_numpy(dtype=np.int64)
        fresh = self.listeners.fresh(listener_ids)
        if fresh.any():
            self._insert_counts(listener_ids[fresh], artist_ids[fresh], plays[fresh])
        if not fresh.all():
            stale = ~fresh
            self.conn.executemany("INSERT INTO temp.stage VALUES (?, ?, ?)",
                                  zip(listener_ids[stale].tolist(), artist_ids[stale].tolist(),
                                      plays[stale].tolist()))

    def _insert_counts(self, listener_ids: np.ndarray, artist_ids: np.ndarray, plays: np.ndarray) -> None:
        """Write fresh listeners' counts; a pair met twice in the file gets the sum of its plays.

        A pair repeats within a chunk (summed here) or, for a listener already
        met in an earlier chunk, across chunks (an upsert adds up).  Datasets list
        a listener's rows together, so almost every row takes the plain insert.
        """
        pairs = (listener_ids << 32) | artist_ids
        order = np.argsort(pairs, kind="stable")
        if (np.diff(pairs[order]) == 0).any():
            listener_ids, artist_ids, plays = _sum_pairs(listener_ids, artist_ids, plays)
        else:   # in key order each insert lands at the end of the table's B-tree (~20 % quicker)
            listener_ids, artist_ids, plays = listener_ids[order], artist_ids[order], plays[order]
        met = pd.unique(listener_ids).tolist()
        earlier = [listener_id for listener_id in met if listener_id in self.counted]
        self.counted.update(met)
        self.conn.executemany("INSERT OR IGNORE INTO temp.affected VALUES (?)", ((i,) for i in met))
        again = np.isin(listener_ids, earlier) if earlier else np.zeros(len(listener_ids), dtype=bool)
        row = f"(?, ?, {int(self.source_id)}, ?)"
        for rows, conflict in ((~again, ""),
                               (again, " ON CONFLICT (listener_id, artist_id, source_id) "
                                       "DO UPDATE SET plays = plays + excluded.plays")):
            if rows.any():
                _insert_rows(self.conn, "INSERT INTO counts (listener_id, artist_id, source_id, plays) VALUES ",
                             row, conflict, np.stack([listener_ids[rows], artist_ids[rows], plays[rows]], axis=1))


def _insert_rows(conn, insert: str, row: str, conflict: str, values: np.ndarray) -> None:
    """``insert`` + ``row`` (its placeholders) + ``conflict`` for each row of ``values`` (rows ×
    placeholders), ``ROWS_PER_INSERT`` rows to a statement; the pairs are distinct, so one
    statement never updates a row it inserted."""
    whole = len(values) - len(values) % ROWS_PER_INSERT
    if whole:
        many = insert + ", ".join([row] * ROWS_PER_INSERT) + conflict
        conn.executemany(many, values[:whole].reshape(-1, values.shape[1] * ROWS_PER_INSERT).tolist())
    if whole < len(values):
        conn.executemany(insert + row + conflict, values[whole:].tolist())


def _sum_pairs(listener_ids: np.ndarray, artist_ids: np.ndarray,
               plays: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (listener, artist), sorted by the pair, with its summed ``plays`` (default: its rows)."""
    pairs, rows = np.unique((listener_ids << 32) | artist_ids, return_inverse=True)
    total = np.bincount(rows, weights=plays, minlength=len(pairs)).astype(np.int64)
    return pairs >> 32, pairs & 0xFFFFFFFF, total


def _nullable(column: pd.Series) -> list:
    """Python values for SQLite: NA becomes None, numpy scalars become Python ones."""
    return column.to_numpy(dtype=object, na_value=None).tolist()


def _create_stage(conn, rows_kind: str) -> None:
    """The staging table, and ``temp.affected``: the listeners this import wrote counts for."""
    _create_affected(conn)
    conn.execute("DROP TABLE IF EXISTS temp.stage")
    if rows_kind == "listens":
        conn.execute("""CREATE TEMP TABLE stage (listener_id INTEGER, artist_id INTEGER, track TEXT,
                        album TEXT, played_at INTEGER, ms_played INTEGER)""")
    else:
        conn.execute("CREATE TEMP TABLE stage (listener_id INTEGER, artist_id INTEGER, plays INTEGER)")


def _merge_stage(conn, rows_kind: str, source_id: int) -> int:
    """Move the staged rows into the store, adding only what it lacks; returns rows added."""
    before = conn.total_changes
    if rows_kind == "listens":
        # How many copies the store holds of each staged key (looked up through listens_key).
        conn.execute("DROP TABLE IF EXISTS temp.held")
        conn.execute("""CREATE TEMP TABLE held AS
                        SELECT k.listener_id, k.artist_id, k.track, k.played_at,
                               (SELECT COUNT(*) FROM listens AS l
                                WHERE l.listener_id = k.listener_id AND l.played_at IS k.played_at
                                  AND l.artist_id = k.artist_id AND l.track IS k.track) AS copies
                        FROM (SELECT DISTINCT listener_id, artist_id, track, played_at FROM temp.stage) AS k""")
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
        conn.execute("INSERT OR IGNORE INTO temp.affected SELECT DISTINCT listener_id FROM temp.stage")
        conn.execute("""
            INSERT INTO counts (listener_id, artist_id, source_id, plays)
            SELECT s.listener_id, s.artist_id, ?, s.plays - COALESCE(
                       (SELECT SUM(c.plays) FROM counts AS c
                        WHERE c.listener_id = s.listener_id AND c.artist_id = s.artist_id), 0) AS extra
            FROM (SELECT listener_id, artist_id, SUM(plays) AS plays FROM temp.stage
                  GROUP BY listener_id, artist_id) AS s
            WHERE extra > 0""", (source_id,))
    conn.execute("DROP TABLE temp.stage")
    return conn.total_changes - before


def _create_affected(conn) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.affected")
    conn.execute("CREATE TEMP TABLE affected (listener_id INTEGER PRIMARY KEY)")


def _add_plays(conn, source_id: int, first_listen: int, last_listen: int | None, sign: int) -> int:
    """Add (``sign`` +1) or take away (-1) what source ``source_id`` holds to/from ``plays``.

    Its counts are reached through ``temp.affected`` (the listeners it has
    counts for), its listens through their id range.  Returns how many
    (listener, artist) pairs it touched.
    """
    before = conn.total_changes
    upsert = "ON CONFLICT (listener_id, artist_id) DO UPDATE SET plays = plays + excluded.plays"
    conn.execute(f"""INSERT INTO plays (listener_id, artist_id, plays)
                     SELECT c.listener_id, c.artist_id, {sign} * c.plays
                     FROM temp.affected AS t CROSS JOIN counts AS c ON c.listener_id = t.listener_id
                     WHERE c.source_id = ? {upsert}""", (source_id,))
    if last_listen is not None:
        conn.execute(f"""INSERT INTO plays (listener_id, artist_id, plays)
                         SELECT listener_id, artist_id, {sign} * COUNT(*) FROM listens
                         WHERE id BETWEEN ? AND ? AND source_id = ? GROUP BY listener_id, artist_id {upsert}""",
                     (first_listen, last_listen, source_id))
    return conn.total_changes - before


def _content_hash(source: Source, token: StopToken) -> str:
    digest = hashlib.sha256()
    with source.open() as stream:
        while block := stream.read(1 << 20):
            token.check()
            digest.update(block)
    return digest.hexdigest()


def _previous_import(conn, fmt: Format, content_hash: str, person: str) -> int | None:
    """The id of an earlier import of the same bytes for the same listener, if any."""
    if fmt.role == "personal":
        row = conn.execute(
            """SELECT s.id FROM sources s JOIN listeners l ON l.id = s.listener_id
               WHERE s.content_hash = ? AND l.kind = 'person' AND l.external_id = ?""",
            (content_hash, person)).fetchone()
    else:
        row = conn.execute(
            "SELECT id FROM sources WHERE content_hash = ? AND role = 'community'", (content_hash,)).fetchone()
    return row[0] if row else None


# -- undo ----------------------------------------------------------------------

def undo_source(store: Store, source_id: int, token: StopToken | None = None,
                report: Reporter = ignore_events) -> None:
    """Remove exactly what source ``source_id`` added, update plays, drop orphans."""
    with store.transaction(token, report) as conn:
        if conn.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone() is None:
            raise MusicRecError(f"there is no import with id {source_id} (see 'musicrec sources')")
        _create_affected(conn)
        first, last = conn.execute("SELECT first_listen, last_listen FROM sources WHERE id = ?",
                                   (source_id,)).fetchone()
        first, last = first or 0, last if last is not None else -1
        listens = "FROM listens WHERE id BETWEEN ? AND ? AND source_id = ?"
        # Counts are not indexed by source: one scan finds this source's listeners.
        conn.execute("INSERT OR IGNORE INTO temp.affected SELECT DISTINCT listener_id FROM counts WHERE source_id = ?",
                     (source_id,))
        _add_plays(conn, source_id, first, last, -1)
        conn.execute(f"INSERT OR IGNORE INTO temp.affected SELECT DISTINCT listener_id {listens}",
                     (first, last, source_id))
        conn.execute("""DELETE FROM plays WHERE listener_id IN (SELECT listener_id FROM temp.affected)
                        AND plays <= 0""")
        conn.execute(f"DELETE {listens}", (first, last, source_id))
        conn.execute("DELETE FROM counts WHERE source_id = ?", (source_id,))
        conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        # Whatever only this import brought in goes too.
        conn.execute("DELETE FROM artists WHERE id NOT IN (SELECT artist_id FROM plays)")
        conn.execute("DELETE FROM artist_keys WHERE artist_id NOT IN (SELECT id FROM artists)")
        conn.execute("""DELETE FROM listeners WHERE id IN (SELECT listener_id FROM temp.affected)
                        AND id NOT IN (SELECT listener_id FROM plays)
                        AND id NOT IN (SELECT listener_id FROM sources WHERE listener_id IS NOT NULL)""")


# -- statistics ----------------------------------------------------------------

def _set_match(result: SourceReport, match: dict) -> None:
    result.artists, result.plays = match["artists"], match["plays"]
    result.matched_artists, result.matched_plays = match["matched_artists"], match["matched_plays"]
