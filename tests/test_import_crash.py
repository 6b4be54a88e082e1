"""A process killed with SIGKILL in the middle of an import leaves the store as it was.

Kill points: while a big file is parsed, and — through a connection that
kills its own process around chosen SQL statements — during the schema's
creation, during the merge, just before COMMIT and just after it (then the
import must be there in full).
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from shared_data import EXPORTS, require_shared
from store_checks import check_store

from musicrec_gui.core import importer, library
from musicrec_gui.core.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

CHILD = textwrap.dedent("""
    import sys
    from musicrec_gui.core import importer
    from musicrec_gui.core.store import Store

    store = Store(sys.argv[1])
    def report(event):
        print("progress", flush=True)   # the parent kills us once the first chunk is staged
    importer.import_paths(store, [sys.argv[2]], report=report)
    print("finished", flush=True)
""")


def write_1k_file(path, users: int, lines_per_user: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for u in range(users):
            for n in range(lines_per_user):
                minute = n % 60
                out.write(f"user_{u:06d}\t2009-01-01T10:{minute:02d}:00Z\t\tArtist {n % 997}\t\tTrack {n}\n")


def counts(path) -> dict:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    result = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("sources", "listeners", "artists", "listens", "counts", "plays")}
    conn.close()
    return result


def test_kill_9_mid_import_leaves_store_unchanged(tmp_path):
    store_path = tmp_path / "store.sqlite3"
    store = Store(store_path)
    small = require_shared(EXPORTS / "spotify-account-data" / "StreamingHistory_music_3.json")
    assert importer.import_paths(store, [small])[0].added > 0
    store.close()
    before = counts(store_path)

    big = tmp_path / "big.tsv"
    write_1k_file(big, users=40, lines_per_user=20_000)   # 800 000 lines: several chunks
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store_path), str(big)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline().strip()
        assert first == "progress", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert counts(store_path) == before
    # The store still works after the crash.
    store = Store(store_path)
    assert library.store_stats(store)["sources"] == 1
    store.close()


# Imports argv[2] into the store argv[1]; SIGKILLs itself before or after the first statement
# starting with argv[4] (argv[3] is "before" or "after").
KILLER = textwrap.dedent("""
    import os, signal, sqlite3, sys
    from musicrec_gui.core import importer, store as store_module
    store_path, export, when, prefix = sys.argv[1:5]

    class Killing(sqlite3.Connection):
        def execute(self, sql, *args):
            hit = sql.lstrip().upper().startswith(prefix)
            if hit and when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            result = super().execute(sql, *args)
            if hit and when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
            return result

    connect = sqlite3.connect
    store_module.sqlite3.connect = lambda *a, **k: connect(*a, factory=Killing, **k)
    importer.import_paths(store_module.Store(store_path), [export])
    print("finished", flush=True)
""")

KILL_POINTS = [("before", "COMMIT"), ("after", "COMMIT"), ("after", "INSERT INTO LISTENS"),
               ("before", "CREATE TEMP TABLE HELD"), ("after", "INSERT INTO PLAYS"), ("before", "UPDATE SOURCES")]


@pytest.mark.parametrize("when, prefix", KILL_POINTS)
def test_kill_9_around_commit_leaves_the_file_all_or_nothing(tmp_path, when, prefix):
    export = require_shared(EXPORTS / "lastfm-ghan-csv" / "scrobbles.csv")
    store_path = tmp_path / "store.sqlite3"
    store = Store(store_path)
    # An earlier overlapping import, so that the merge path (held, stage) runs too.
    head = tmp_path / "head.csv"
    head.write_bytes(b"".join(export.read_bytes().splitlines(keepends=True)[:2000]))
    importer.import_paths(store, [head])
    store.close()
    before = check_store(store_path)
    child = subprocess.run([sys.executable, "-c", KILLER, str(store_path), str(export), when, prefix],
                           capture_output=True, text=True, timeout=300, check=False)
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    after = check_store(store_path)
    if (when, prefix) == ("after", "COMMIT"):
        assert after["sources"] == before["sources"] + 1
        assert after["listens"] > before["listens"] + 9000
    else:
        assert after == before
    # The store still works, and the same import completes.
    store = Store(store_path)
    (report,) = importer.import_paths(store, [export])
    assert report.error is None
    store.close()
    assert check_store(store_path)["listens"] == 11_621


def test_kill_9_while_the_schema_is_created_leaves_a_store_that_opens(tmp_path):
    store_path = tmp_path / "store.sqlite3"
    export = require_shared(EXPORTS / "spotify-account-data" / "StreamingHistory_music_3.json")
    child = subprocess.run([sys.executable, "-c", KILLER, str(store_path), str(export), "after", "CREATE TABLE"],
                           capture_output=True, text=True, timeout=120, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr
    store = Store(store_path)
    assert importer.import_paths(store, [export])[0].added > 0
    store.close()
    check_store(store_path)
