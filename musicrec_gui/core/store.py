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
* ``hidden_artists`` and ``taste_exclusions`` — a person's "not for me" artists and the
  listening they keep out of their taste (``core/preferences.py``).

Writes happen inside explicit ``BEGIN IMMEDIATE`` transactions (see
``transaction``) so a crash or a cancel never leaves half of an import behind.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd

from musicrec_gui.core import paths
from musicrec_gui.core.errors import StoreError

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
    # A person's choices (core/preferences.py).  Artists are kept by normalised name, not
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
]
SCHEMA_VERSION = len(MIGRATIONS)


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
    """The store at ``path``; hands each thread its own connection."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._all_connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._migrate(self.connection())

    @classmethod
    def open(cls) -> "Store":
        """The default store: ``$MUSICREC_HOME`` or the per-user data folder."""
        return cls(paths.store_path())

    # -- connections -------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                # Each connection is used by its own thread only; check_same_thread is off so
                # that close() can close them all from the thread that shuts the store down.
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                       check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA cache_size=-65536")   # 64 MiB: big imports touch many index pages
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
            self._local.conn = conn
            with self._lock:
                self._all_connections.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection this store opened (call once, at shutdown)."""
        with self._lock:
            for conn in self._all_connections:
                conn.close()
            self._all_connections.clear()
        self._local = threading.local()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on any exception."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a MusicRec store ({exc})") from exc
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the store was written by a newer MusicRec (schema {version}, "
                f"this version knows {SCHEMA_VERSION}); update MusicRec to open it")
        for target in range(version, SCHEMA_VERSION):
            with self.transaction() as tx:  # executescript() would commit early
                for statement in _split_sql(MIGRATIONS[target]):
                    tx.execute(statement)
                tx.execute(f"PRAGMA user_version = {target + 1}")

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
        return [SourceRow(*row[:9], json.loads(row[9]), row[10], json.loads(row[11]), json.loads(row[12]))
                for row in rows]

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


def _split_sql(script: str) -> list[str]:
    """Statements of a migration script (ours: no ';' inside literals)."""
    return [part.strip() for part in script.split(";") if part.strip()]
