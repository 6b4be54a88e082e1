"""What must hold for a store after any import, undo, crash or failure (used by many tests)."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from musicrec_gui.core.formats.base import MAX_TEXT_CHARS
from musicrec_gui.core.formats.times import FUTURE_SLACK

TABLES = ("sources", "listeners", "artists", "artist_keys", "listens", "counts", "plays")


def table_counts(path: str | Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def check_store(path: str | Path) -> dict:
    """Assert the store at ``path`` is sound and consistent; returns its table counts."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        def one(sql):
            return conn.execute(sql).fetchone()[0]
        # plays is exactly listens + counts, pair by pair, and never empty or negative.
        assert one("""SELECT COUNT(*) FROM (
                        SELECT listener_id, artist_id, SUM(n) AS n FROM (
                            SELECT listener_id, artist_id, COUNT(*) AS n FROM listens GROUP BY 1, 2
                            UNION ALL SELECT listener_id, artist_id, SUM(plays) FROM counts GROUP BY 1, 2)
                        GROUP BY 1, 2) AS want
                      FULL OUTER JOIN plays AS p USING (listener_id, artist_id)
                      WHERE p.plays IS NOT want.n""") == 0, "plays differs from listens + counts"
        assert one("SELECT COUNT(*) FROM plays WHERE plays <= 0") == 0
        assert one("SELECT COUNT(*) FROM counts WHERE plays <= 0") == 0
        # Every row points at things that exist.
        for table in ("listens", "counts", "plays"):
            assert one(f"SELECT COUNT(*) FROM {table} WHERE artist_id NOT IN (SELECT id FROM artists)") == 0
            assert one(f"SELECT COUNT(*) FROM {table} WHERE listener_id NOT IN (SELECT id FROM listeners)") == 0
        assert one("SELECT COUNT(*) FROM artist_keys WHERE artist_id NOT IN (SELECT id FROM artists)") == 0
        assert one("SELECT COUNT(*) FROM listens WHERE source_id NOT IN (SELECT id FROM sources)") == 0
        assert one("SELECT COUNT(*) FROM counts WHERE source_id NOT IN (SELECT id FROM sources)") == 0
        # Each source holds exactly what its report says it added.
        for source_id, added, role, first, last in conn.execute(
                "SELECT id, added, role, first_listen, last_listen FROM sources"):
            held = one(f"SELECT COUNT(*) FROM counts WHERE source_id = {source_id}") or one(
                f"SELECT COUNT(*) FROM listens WHERE source_id = {source_id}")
            assert held == added, f"source {source_id} holds {held} rows but reported {added}"
            if role == "personal" and added:
                assert one(f"SELECT MIN(id) >= {first} AND MAX(id) <= {last} FROM listens "
                           f"WHERE source_id = {source_id}") == 1
        # No impossible values.
        assert one(f"SELECT COUNT(*) FROM listens WHERE played_at > {int(time.time()) + FUTURE_SLACK}") == 0
        assert one(f"SELECT COUNT(*) FROM artists WHERE LENGTH(name) > {MAX_TEXT_CHARS}") == 0
        assert one(f"SELECT COUNT(*) FROM listens WHERE LENGTH(track) > {MAX_TEXT_CHARS}") == 0
    finally:
        conn.close()
    return table_counts(path)
