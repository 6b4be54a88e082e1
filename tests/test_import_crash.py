"""A process killed with SIGKILL in the middle of an import leaves the store as it was."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from musicrec_gui.core import importer, library
from musicrec_gui.core.store import Store

from shared_data import EXPORTS, require_shared

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
