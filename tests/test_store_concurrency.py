"""Several processes on one store: schema creation, waiting writers, clear failures (issue 10 item 3).

Real processes (``subprocess``), not threads: SQLite's locks are per process
file handle, and the bugs were seen with two real ``musicrec import`` runs.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from shared_data import EXPORTS, require_shared
from store_checks import check_store, table_counts

from musicrec_gui.core import importer
from musicrec_gui.core.errors import StoreError
from musicrec_gui.core.jobs import Cancelled, Progress, StopToken
from musicrec_gui.core.store import SCHEMA_VERSION, WAITING_STAGE, Store

REPO = Path(__file__).resolve().parents[1]

# Waits for a "go" file, then opens the store and imports one file; prints a JSON result.
IMPORTER = textwrap.dedent("""
    import json, os, sys, time
    from musicrec_gui.core import importer
    from musicrec_gui.core.store import Store
    store_path, export, go = sys.argv[1:4]
    while not os.path.exists(go):
        time.sleep(0.001)
    try:
        store = Store(store_path)
        reports = importer.import_paths(store, [export])
        print(json.dumps({"ok": True, "added": [r.added for r in reports], "errors": [r.error for r in reports]}))
    except Exception as exc:
        print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}))
""")

# Holds the store's write lock until its stdin closes.
HOLDER = textwrap.dedent("""
    import sys
    from musicrec_gui.core.store import Store
    store = Store(sys.argv[1])
    conn = store.connection()
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    sys.stdin.read()
    conn.execute("ROLLBACK")
""")


def _child(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", *args], env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


@pytest.fixture
def small_exports():
    return [require_shared(EXPORTS / "spotify-account-data" / "StreamingHistory_music_3.json"),
            require_shared(EXPORTS / "lastfm-360k" / "usersha1-artmbid-artname-plays.tsv")]


@pytest.mark.slow
def test_two_imports_into_a_new_data_folder_never_race_on_the_schema(tmp_path, small_exports):
    """Was: 'table listeners already exists' in 12 of 30 rounds."""
    for round_ in range(30):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        store_path, go = folder / "musicrec.sqlite3", folder / "go"
        children = [_child(IMPORTER, str(store_path), str(export), str(go)) for export in small_exports]
        time.sleep(0.3)                     # both started and waiting at the line
        go.touch()
        results = [json.loads(child.communicate(timeout=120)[0]) for child in children]
        assert all(r["ok"] for r in results), results
        assert all(not any(r["errors"]) and all(r["added"]) for r in results), results
        counts = check_store(store_path)
        assert counts["sources"] == 2
        assert Store(store_path).scalar("PRAGMA user_version") == SCHEMA_VERSION


def test_a_waiting_import_reports_it_and_lands_when_the_other_finishes(tmp_path, small_exports):
    store_path = tmp_path / "s.sqlite3"
    store = Store(store_path)
    holder = _child(HOLDER, str(store_path), stdin=subprocess.PIPE)
    assert holder.stdout.readline().strip() == "locked"
    events: list[Progress] = []
    waiting = threading.Event()

    def report(event):
        if isinstance(event, Progress) and event.stage == WAITING_STAGE:
            events.append(event)
            waiting.set()

    result: list = []
    worker = threading.Thread(target=lambda: result.append(
        importer.import_paths(store, [small_exports[0]], report=report)), daemon=True)
    worker.start()
    assert waiting.wait(30), "the import never said it was waiting"
    holder.stdin.close()                    # the other writer finishes
    holder.wait(30)
    worker.join(60)
    assert not worker.is_alive()
    assert result and result[0][0].added > 0
    assert events and all(e.total == 0 and "another" in e.message for e in events)
    store.close()
    check_store(store_path)


def test_cancel_while_waiting_for_another_writer_leaves_the_store_as_it_was(tmp_path, small_exports):
    store_path = tmp_path / "s.sqlite3"
    store = Store(store_path)
    before = table_counts(store_path)
    holder = _child(HOLDER, str(store_path), stdin=subprocess.PIPE)
    assert holder.stdout.readline().strip() == "locked"
    token = StopToken()

    def report(event):
        if isinstance(event, Progress) and event.stage == WAITING_STAGE:
            token.stop()                    # the person presses Cancel while it waits

    try:
        with pytest.raises(Cancelled):
            importer.import_paths(store, [small_exports[0]], token=token, report=report)
    finally:
        holder.stdin.close()
        holder.wait(30)
    store.close()
    assert check_store(store_path) == before


def test_a_writer_waiting_too_long_gets_a_one_line_store_error(tmp_path, small_exports):
    """Was: a 'database is locked' traceback after 30 s."""
    store_path = tmp_path / "s.sqlite3"
    Store(store_path).close()
    holder = _child(HOLDER, str(store_path), stdin=subprocess.PIPE)
    assert holder.stdout.readline().strip() == "locked"
    try:
        store = Store(store_path, lock_wait=1.0)
        with pytest.raises(StoreError) as failure:
            importer.import_paths(store, [small_exports[0]])
        message = str(failure.value)
        assert "busy" in message and "\n" not in message and "database is locked" not in message
        with pytest.raises(StoreError, match="busy"):
            importer.undo_source(store, 1)
        store.close()
    finally:
        holder.stdin.close()
        holder.wait(30)


def test_many_concurrent_imports_of_the_same_file_add_it_once(tmp_path, small_exports):
    store_path, go = tmp_path / "s.sqlite3", tmp_path / "go"
    children = [_child(IMPORTER, str(store_path), str(small_exports[0]), str(go)) for _ in range(4)]
    time.sleep(0.3)
    go.touch()
    results = [json.loads(child.communicate(timeout=120)[0]) for child in children]
    assert all(r["ok"] for r in results), results
    assert sorted(sum(r["added"]) for r in results)[:-1] == [0, 0, 0]
    assert check_store(store_path)["sources"] == 1
