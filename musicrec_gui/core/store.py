"""The local store: one SQLite file, versioned schema, one connection per thread.

Tables (see DESIGN §5):

* ``listeners`` — people ("you", …) and community listeners (dataset + id).
* ``artists`` — display name, normalised key, MBID when known.
* ``sources`` — one row per imported file, with its report.
* ``listens`` — one row per timestamped play, tagged with its source.  One
  import's listens have consecutive ids (``sources.first_listen``..``last_listen``),
  which serves undo without a second index to maintain on every insert.
* ``counts`` — listener × artist totals from count datasets (HetRec, 360K).
* ``plays`` — listener × artist play counts (listens + counts): the training
  input, kept up to date by the importer for the listeners it touches.
* ``artist_keys`` — every (normalised name, MBID) pair ever resolved, with the
  artist it was given: artist identity is a recorded fact, so a re-import
  resolves each row exactly as before whatever was imported in between.
* ``hidden_artists`` and ``taste_exclusions`` — a person's "not for me" artists and the
  listening they keep out of their taste (``core/preferences.py``).

Writes happen inside explicit ``BEGIN IMMEDIATE`` transactions (see
``transaction``) so a crash or a cancel never leaves half of an import behind.
Only one process writes at a time: a writer that finds the store busy waits in
short polls that honour its stop token and report a "waiting" event, and gives
up after ``LOCK_WAIT_SECONDS`` with a ``StoreError``.  SQLite failures (disk
full, read-only file, damaged file) become ``StoreError`` with a one-line reason.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from musicrec_gui.core import paths
from musicrec_gui.core.errors import StoreError
from musicrec_gui.core.jobs import Progress, Reporter, StopToken, ignore_events

# Ordered migrations: MIGRATIONS[i] brings the schema from version i to i + 1.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE listeners (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('person', 'community')),
        dataset TEXT NOT NULL DEFAULT '',
        external_id TEXT NOT NULL,
        name TEXT NOT NULL,
        UNIQUE (kind, dataset, external_id)
    );
    CREATE TABLE artists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        norm TEXT NOT NULL,
        mbid TEXT
    );
    CREATE INDEX artists_norm ON artists (norm);
    CREATE INDEX artists_mbid ON artists (mbid) WHERE mbid IS NOT NULL;
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        format TEXT NOT NULL,
        format_label TEXT NOT NULL,
        role TEXT NOT NULL,
        listener_id INTEGER REFERENCES listeners (id),
        content_hash TEXT NOT NULL,
        imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        rows_read INTEGER NOT NULL,
        added INTEGER NOT NULL,
        skipped TEXT NOT NULL,
        malformed INTEGER NOT NULL,
        malformed_lines TEXT NOT NULL,
        notes TEXT NOT NULL,
        first_listen INTEGER,
        last_listen INTEGER
    );
    CREATE INDEX sources_hash ON sources (content_hash);
    CREATE TABLE listens (
        id INTEGER PRIMARY KEY,
        listener_id INTEGER NOT NULL,
        artist_id INTEGER NOT NULL,
        track TEXT,
        album TEXT,
        played_at INTEGER,
        ms_played INTEGER,
        source_id INTEGER NOT NULL
    );
    CREATE INDEX listens_listener ON listens (listener_id);
    CREATE TABLE counts (
        listener_id INTEGER NOT NULL,
        artist_id INTEGER NOT NULL,
        source_id INTEGER NOT NULL,
        plays INTEGER NOT NULL,
        PRIMARY KEY (listener_id, artist_id, source_id)
    ) WITHOUT ROWID;
    CREATE INDEX counts_source ON counts (source_id);
    CREATE TABLE plays (
        listener_id INTEGER NOT NULL,
        artist_id INTEGER NOT NULL,
        plays INTEGER NOT NULL,
        PRIMARY KEY (listener_id, artist_id)
    ) WITHOUT ROWID;
    CREATE INDEX plays_artist ON plays (artist_id);
    """,
    # 2: artist identity is recorded per (norm, MBID) pair; the merge of an overlapping
    # export looks listens up by (listener, time, artist) instead of scanning a listener;
    # counts_source goes (an import reaches its counts through the listeners it touched; only
    # undo looks counts up by source, and scanning is fine for that rare step).
    """
    CREATE TABLE artist_keys (
        norm TEXT NOT NULL,
        mbid TEXT NOT NULL,
        artist_id INTEGER NOT NULL,
        PRIMARY KEY (norm, mbid)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO artist_keys (norm, mbid, artist_id)
        SELECT norm, COALESCE(mbid, ''), id FROM artists ORDER BY id;
    CREATE INDEX artist_keys_artist ON artist_keys (artist_id);
    DROP INDEX listens_listener;
    CREATE INDEX listens_key ON listens (listener_id, played_at, artist_id);
    DROP INDEX counts_source;
    """,
    # 3: a person's choices (core/preferences.py).  Artists are kept by normalised name, not
    # by id: an undo may delete an artist row and a re-import may give it a new id, and a
    # hidden or excluded artist must stay so.  A person's choices go when the person goes
    # (undo of their last import); a source exclusion goes when its source is undone
    # (source ids can be reused by a later import).
    """
    CREATE TABLE hidden_artists (
        listener_id INTEGER NOT NULL REFERENCES listeners (id) ON DELETE CASCADE,
        norm TEXT NOT NULL,
        name TEXT NOT NULL,
        hidden_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        PRIMARY KEY (listener_id, norm)
    ) WITHOUT ROWID;
    CREATE TABLE taste_exclusions (
        id INTEGER PRIMARY KEY,
        listener_id INTEGER NOT NULL REFERENCES listeners (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('source', 'period', 'artist')),
        source_id INTEGER REFERENCES sources (id) ON DELETE CASCADE,
        period_start INTEGER,
        period_end INTEGER,
        norm TEXT,
        name TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        CHECK ((kind = 'source') = (source_id IS NOT NULL)),
        CHECK ((kind = 'period') = (period_start IS NOT NULL AND period_end IS NOT NULL
                                    AND period_start < period_end)),
        CHECK ((kind = 'artist') = (norm IS NOT NULL))
    );
    CREATE INDEX taste_exclusions_listener ON taste_exclusions (listener_id);
    CREATE INDEX taste_exclusions_source ON taste_exclusions (source_id);
    """,
    # 4: every answer looks its listener up by name (library.find_listener); with Last.fm 360K's
    # 359 K community listeners a scan took ~45 ms a lookup, the index ~0.02 ms.
    """
    CREATE INDEX listeners_name ON listeners (name);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# A writer that finds the store busy retries every LOCK_POLL_MS and gives up after
# LOCK_WAIT_SECONDS; other statements wait up to BUSY_MS (readers rarely wait in WAL mode).
# Secondary indexes a bulk import drops and builds again once at the end (as the schema has them).
BULK_INDEXES = {"plays_artist": "CREATE INDEX plays_artist ON plays (artist_id)"}
SORT_CACHE_KIB = 16 << 10
# Pages of a new store: a 17.5 M-row import writes ~1 GB to the WAL in one transaction, and
# every page it reads back is looked up among the WAL's frames; 16 KiB pages (SQLite's default
# is 4) make a quarter as many frames and shallower B-trees.  Measured at that size: 67 s
# instead of 75 s.  Stores created with other page sizes keep theirs.
PAGE_BYTES = 16 << 10

LOCK_POLL_MS = 200
LOCK_WAIT_SECONDS = 600.0
BUSY_MS = 10_000
WAITING_STAGE = "Waiting for another import to finish"


@dataclass(frozen=True)
class SourceRow:
    """One imported file as listed by ``musicrec sources`` and the import history."""

    id: int
    path: str
    format: str
    format_label: str
    role: str
    listener: str | None
    imported_at: str
    rows_read: int
    added: int
    skipped: dict[str, int]
    malformed: int
    malformed_lines: list[int]
    notes: list[str]


class Store:
    """The store at ``path``; hands each thread its own connection.

    ``lock_wait`` is how long a writer waits for another process to finish
    before giving up (seconds).
    """

    def __init__(self, path: str | Path, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.path = Path(path)
        self.lock_wait = lock_wait
        self._local = threading.local()
        self._all_connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a MusicRec store file")
        try:
            self._migrate(self.connection())
        except BaseException:
            self.close()
            raise

    @classmethod
    def open(cls) -> Store:
        """The default store: ``$MUSICREC_HOME`` or the per-user data folder."""
        return cls(paths.store_path())

    # -- connections -------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                self._all_connections.append(conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        """A configured connection.  Two processes making a new store at once can find it busy
        while the other writes its first page (SQLite answers at once, without waiting): retried
        every ``LOCK_POLL_MS`` for up to ``lock_wait``, as writers are."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            conn = None
            try:
                # Each connection is used by its own thread only; check_same_thread is off so
                # that close() can close them all from the thread that shuts the store down.
                conn = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None,
                                       check_same_thread=False)
                conn.execute(f"PRAGMA page_size = {PAGE_BYTES}")   # takes effect in a new store only
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA cache_size=-65536")   # 64 MiB: big imports touch many index pages
                return conn
            except sqlite3.Error as exc:
                if conn is not None:
                    conn.close()
                if not (_is_busy(exc) and time.monotonic() < deadline):
                    raise self.error(exc, "cannot open the store") from None
            time.sleep(LOCK_POLL_MS / 1000)

    def close(self) -> None:
        """Close every connection this store opened (call once, at shutdown)."""
        with self._lock:
            for conn in self._all_connections:
                conn.close()
            self._all_connections.clear()
        self._local = threading.local()

    @contextlib.contextmanager
    def transaction(self, token: StopToken | None = None,
                    report: Reporter = ignore_events) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on any exception.

        Waits for another writer as ``begin`` describes.  SQLite errors inside
        become ``StoreError``; every other exception is re-raised unchanged.
        """
        conn = self.connection()
        self.begin(conn, token, report)
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass                # the connection is gone: SQLite discards the journal itself
            if isinstance(exc, sqlite3.Error) and _describe(exc):
                raise self.error(exc, "could not write the store; nothing was changed") from None
            raise

    def begin(self, conn: sqlite3.Connection, token: StopToken | None = None,
              report: Reporter = ignore_events) -> None:
        """``BEGIN IMMEDIATE``, waiting in short polls while another process writes.

        Each poll checks ``token`` (so Cancel works while waiting) and reports a
        ``Progress`` with stage ``WAITING_STAGE``; after ``lock_wait`` seconds a
        ``StoreError`` says the store is busy.
        """
        started = time.monotonic()
        conn.execute(f"PRAGMA busy_timeout = {LOCK_POLL_MS}")
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        if _describe(exc):
                            raise self.error(exc, "cannot write the store") from None
                        raise
                if token is not None:
                    token.check()
                waited = time.monotonic() - started
                if waited >= self.lock_wait:
                    raise StoreError(
                        f"{self.path}: the store is busy: another MusicRec import or program has been "
                        f"writing to it for over {self.lock_wait:.0f} s; try again when it has finished")
                report(Progress(WAITING_STAGE, waited, 0.0,
                                "another import or undo is writing to the store"))
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")

    def error(self, exc: sqlite3.Error, doing: str) -> StoreError:
        """A ``StoreError`` naming the store and saying, in words, what went wrong."""
        return StoreError(f"{self.path}: {doing}: {_describe(exc) or 'the database reported an error'}")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise self.error(exc, "not a usable MusicRec store") from None
        self._check_version(version)
        if version == SCHEMA_VERSION:
            return
        with self.transaction() as tx:  # executescript() would commit early
            # Another process may have created or upgraded the schema while we waited.
            version = tx.execute("PRAGMA user_version").fetchone()[0]
            self._check_version(version)
            for target in range(version, SCHEMA_VERSION):
                for statement in _split_sql(MIGRATIONS[target]):
                    tx.execute(statement)
                tx.execute(f"PRAGMA user_version = {target + 1}")

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the store was written by a newer MusicRec (schema {version}, "
                f"this version knows {SCHEMA_VERSION}); update MusicRec to open it")

    @contextlib.contextmanager
    def bulk_writes(self, conn: sqlite3.Connection) -> Iterator[None]:
        """Inside a write transaction: the ``BULK_INDEXES`` dropped, and built again on success.

        The indexes are sorted with a small page cache (``SORT_CACHE_KIB``): SQLite
        sorts in runs as large as its cache, and big runs sort slower than many
        small ones merged (measured: 16 MiB builds 8.7 M entries twice as fast
        as 256 MiB, with a tenth of the memory).
        """
        for name in BULK_INDEXES:
            conn.execute(f"DROP INDEX {name}")
        yield
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
        try:
            for sql in BULK_INDEXES.values():
                conn.execute(sql)
        finally:
            conn.execute(f"PRAGMA cache_size = {cache}")

    # -- reads -------------------------------------------------------------
    def scalar(self, sql: str, params: tuple = ()) -> int:
        value = self.connection().execute(sql, params).fetchone()[0]
        return int(value or 0)

    def play_frame(self) -> pd.DataFrame:
        """Every listener × artist play count: the training input."""
        frame = pd.read_sql_query(
            "SELECT listener_id, artist_id, plays FROM plays ORDER BY listener_id, artist_id",
            self.connection())
        return frame.astype({"listener_id": "int64", "artist_id": "int64", "plays": "int64"})

    def artist_frame(self) -> pd.DataFrame:
        frame = pd.read_sql_query("SELECT id AS artist_id, name, norm FROM artists ORDER BY id",
                                  self.connection())
        return frame.astype({"artist_id": "int64"})

    def listener_frame(self) -> pd.DataFrame:
        frame = pd.read_sql_query("SELECT id AS listener_id, name, kind FROM listeners ORDER BY id",
                                  self.connection())
        return frame.astype({"listener_id": "int64"})

    def people(self) -> list[str]:
        rows = self.connection().execute(
            "SELECT name FROM listeners WHERE kind = 'person' ORDER BY id").fetchall()
        return [name for (name,) in rows]

    def sources(self) -> list[SourceRow]:
        rows = self.connection().execute(
            """SELECT s.id, s.path, s.format, s.format_label, s.role, l.name, s.imported_at,
                      s.rows_read, s.added, s.skipped, s.malformed, s.malformed_lines, s.notes
               FROM sources s LEFT JOIN listeners l ON l.id = s.listener_id ORDER BY s.id""").fetchall()
        return [SourceRow(id_, path, fmt, label, role, listener, imported_at, rows_read, added, json.loads(skipped),
                          malformed, json.loads(lines), json.loads(notes))
                for (id_, path, fmt, label, role, listener, imported_at, rows_read, added, skipped, malformed, lines,
                     notes) in rows]

    def search_artists(self, text: str, limit: int = 50) -> list[tuple[int, str, int, int]]:
        """Artists whose normalised name contains ``text``: (id, name, listeners, plays)."""
        from musicrec_gui.core.names import normalize_name

        pattern = "%" + normalize_name(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.connection().execute(
            """SELECT a.id, a.name, COUNT(p.listener_id), COALESCE(SUM(p.plays), 0)
               FROM artists a LEFT JOIN plays p ON p.artist_id = a.id
               WHERE a.norm LIKE ? ESCAPE '\\'
               GROUP BY a.id ORDER BY COUNT(p.listener_id) DESC, a.name LIMIT ?""",
            (pattern, limit)).fetchall()
        return [tuple(row) for row in rows]


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


# SQLite's primary result codes that a person can act on, in words.
_REASONS = {
    sqlite3.SQLITE_FULL: "the disk is full; free some space and try again",
    sqlite3.SQLITE_READONLY: "the store is read-only (check the permissions of the file and its folder)",
    sqlite3.SQLITE_CANTOPEN: "the file cannot be opened (missing folder, or no permission)",
    sqlite3.SQLITE_CORRUPT: "the file is damaged",
    sqlite3.SQLITE_NOTADB: "the file is not a MusicRec store",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_IOERR: "a disk read or write failed (the disk may be full, removed or failing)",
    sqlite3.SQLITE_BUSY: "another program is using the store",
    sqlite3.SQLITE_LOCKED: "another program is using the store",
}


def _describe(exc: sqlite3.Error) -> str | None:
    """What went wrong in words, for failures of the disk or the file; ``None`` for others (bugs)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return _REASONS.get(code & 0xFF) if code is not None else None


def _split_sql(script: str) -> list[str]:
    """Statements of a migration script (ours: no ';' inside literals)."""
    return [part.strip() for part in script.split(";") if part.strip()]
