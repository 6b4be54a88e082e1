"""Store and importer rules, with a tiny in-test format so they hold whatever the parsers do."""
from __future__ import annotations

import io
import sqlite3

import pandas as pd
import pytest

from musicrec_gui.core import importer, library
from musicrec_gui.core.errors import ImportFormatError, MusicRecError, StoreError
from musicrec_gui.core.formats.base import COUNT_COLUMNS, LISTEN_COLUMNS, Chunk, Format, Source
from musicrec_gui.core.jobs import Cancelled, StopToken
from musicrec_gui.core.names import is_placeholder, normalize_name
from musicrec_gui.core.store import PAGE_BYTES, SCHEMA_VERSION, Store


def _listen_parser(source: Source):
    """'artist|track|played_at' lines, two lines per chunk (to exercise chunking)."""
    lines = source.open().read().decode().splitlines()
    for start in range(0, len(lines), 2):
        rows = [line.split("|") for line in lines[start:start + 2]]
        frame = pd.DataFrame({
            "listener": None, "artist": [r[0] for r in rows], "artist_mbid": None,
            "track": [r[1] for r in rows], "album": None,
            "played_at": pd.array([int(r[2]) if r[2] else None for r in rows], dtype="Int64"),
            "ms_played": pd.array([None] * len(rows), dtype="Int64"),
        })[LISTEN_COLUMNS]
        yield Chunk(frame, rows_read=len(rows), position=start)


def _count_parser(source: Source):
    rows = [line.split("|") for line in source.open().read().decode().splitlines()]
    frame = pd.DataFrame({"listener": [r[0] for r in rows], "artist": [r[1] for r in rows],
                          "artist_mbid": [r[3] if len(r) > 3 else None for r in rows],
                          "plays": [int(r[2]) for r in rows]})[COUNT_COLUMNS]
    yield Chunk(frame, rows_read=len(rows))


LISTENS = Format("test_listens", "Test listens", "personal", "listens", lambda s: True, _listen_parser)
COUNTS = Format("test_counts", "Test counts", "community", "counts", lambda s: True, _count_parser)


def source_of(text: str, name: str = "file.txt") -> Source:
    data = text.encode()
    return Source(name, len(data), lambda: io.BytesIO(data))


def dump(store: Store) -> dict:
    conn = store.connection()
    return {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("listeners", "artists", "listens", "counts", "plays")}


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "store.sqlite3")
    yield s
    s.close()


def test_schema_is_versioned_and_newer_stores_are_refused(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer MusicRec"):
        Store(path)


def test_new_stores_get_big_pages_and_old_ones_keep_theirs(tmp_path):
    new = Store(tmp_path / "new.sqlite3")
    assert new.connection().execute("PRAGMA page_size").fetchone()[0] == PAGE_BYTES
    new.close()
    old_path = tmp_path / "old.sqlite3"
    with sqlite3.connect(old_path) as old:           # a store made before: SQLite's default pages
        old.execute("PRAGMA page_size = 4096")
        old.execute("CREATE TABLE t (x)")
    old.close()
    reopened = Store(old_path)
    assert reopened.connection().execute("PRAGMA page_size").fetchone()[0] == 4096
    importer.import_source(reopened, source_of("Low|Words|100\n"), LISTENS)
    assert reopened.scalar("SELECT COUNT(*) FROM listens") == 1
    reopened.close()


def test_import_then_reimport_adds_nothing(store):
    text = "A|t1|100\nA|t1|100\nB|t2|200\n"
    first = importer.import_source(store, source_of(text), LISTENS)
    assert (first.rows_read, first.added, first.error) == (3, 3, None)
    assert store.scalar("SELECT plays FROM plays p JOIN artists a ON a.id = p.artist_id WHERE a.name='A'") == 2
    again = importer.import_source(store, source_of(text), LISTENS)
    assert again.already_imported and again.added == 0
    assert store.scalar("SELECT COUNT(*) FROM listens") == 3
    assert store.scalar("SELECT COUNT(*) FROM sources") == 1


def test_overlapping_export_adds_only_new_listens(store):
    importer.import_source(store, source_of("A|t1|100\nA|t1|100\nB|t2|200\n", "old.txt"), LISTENS)
    # The newer export repeats everything, has a third copy of (A, t1, 100) and one new play.
    newer = importer.import_source(
        store, source_of("A|t1|100\nA|t1|100\nA|t1|100\nB|t2|200\nC|t3|300\n", "new.txt"), LISTENS)
    assert newer.added == 2
    assert store.scalar("SELECT COUNT(*) FROM listens") == 5
    a_plays = store.scalar("SELECT plays FROM plays p JOIN artists a ON a.id=p.artist_id WHERE a.name='A'")
    assert a_plays == 3


def test_unknown_times_are_kept_and_merged(store):
    report = importer.import_source(store, source_of("A|t1|\nA|t1|\n"), LISTENS)
    assert report.added == 2
    assert store.scalar("SELECT COUNT(*) FROM listens WHERE played_at IS NULL") == 2
    assert importer.import_source(store, source_of("A|t1|\nA|t1|\n", "copy.txt"),
                                  Format("other", "Other", "personal", "listens", lambda s: True,
                                         _listen_parser)).added == 0


def test_undo_restores_exactly(store):
    importer.import_source(store, source_of("A|t1|100\nB|t2|200\n", "a.txt"), LISTENS)
    importer.import_source(store, source_of("x|A|5\ny|Z|7\n", "c.txt"), COUNTS)
    before = dump(store)
    report = importer.import_source(store, source_of("A|t1|100\nA|t9|900\nNew|t|1\n", "b.txt"), LISTENS)
    assert report.added == 2
    importer.undo_source(store, report.source_id)
    assert dump(store) == before
    with pytest.raises(MusicRecError, match="no import with id"):
        importer.undo_source(store, report.source_id)


def test_placeholder_artists_are_skipped(store):
    report = importer.import_source(store, source_of("[unknown]|t|1\nVarious Artists|t|2\nReal|t|3\n"), LISTENS)
    assert report.skipped == {"placeholder artist": 2}
    assert report.added == 1


def test_cancel_mid_import_leaves_store_unchanged(store):
    importer.import_source(store, source_of("A|t1|100\n", "first.txt"), LISTENS)
    before = dump(store)
    token = StopToken()
    events = []

    def report(event):
        events.append(event)
        token.stop()   # cancel as soon as the first chunk is staged

    with pytest.raises(Cancelled):
        importer.import_source(store, source_of("B|t|1\nC|t|2\nD|t|3\n", "second.txt"), LISTENS,
                               token=token, report=report)
    assert events
    assert dump(store) == before
    assert store.scalar("SELECT COUNT(*) FROM sources") == 1


def test_counts_merge_by_larger_total(store):
    importer.import_source(store, source_of("u1|A|10\nu1|B|3\n", "v1.txt"), COUNTS)
    report = importer.import_source(store, source_of("u1|A|12\nu1|B|2\nu2|A|1\n", "v2.txt"), COUNTS)
    assert report.added == 2   # u1×A grows by 2, u2×A is new, u1×B is not larger
    plays = dict(store.connection().execute(
        "SELECT l.external_id || '/' || a.name, p.plays FROM plays p JOIN listeners l ON l.id = p.listener_id "
        "JOIN artists a ON a.id = p.artist_id").fetchall())
    assert plays == {"u1/A": 12, "u1/B": 3, "u2/A": 1}


def test_artist_identity_by_normalised_name_and_mbid(store):
    importer.import_source(store, source_of("u|Sigur Rós|5|mbid-1\nu|Nirvana|3|mbid-a\n", "c.txt"), COUNTS)
    importer.import_source(store, source_of("u2|SIGUR  RÓS|1\nu2|Nirvana|1|mbid-b\n", "d.txt"), COUNTS)
    names = store.connection().execute("SELECT name, mbid FROM artists ORDER BY id").fetchall()
    # Same key without MBID joins; same name with a different MBID is another artist.
    assert names == [("Sigur Rós", "mbid-1"), ("Nirvana", "mbid-a"), ("Nirvana", "mbid-b")]


def test_person_match_against_community(store):
    importer.import_source(store, source_of("u1|A|10\nu2|B|3\n", "c.txt"), COUNTS)
    importer.import_source(store, source_of("A|t|1\nA|t|2\nQ|t|3\n"), LISTENS)
    match = library.person_match(store, "you")
    assert match == {"name": "you", "artists": 2, "plays": 3, "matched_artists": 1, "matched_plays": 2}
    stats = library.store_stats(store)
    assert (stats["people"], stats["community_listeners"], stats["listens"]) == (1, 2, 3)


def test_people_are_kept_apart(store):
    importer.import_source(store, source_of("A|t|1\n"), LISTENS, person="ana")
    report = importer.import_source(store, source_of("A|t|1\n"), LISTENS, person="ben")
    assert not report.already_imported and report.added == 1
    assert store.people() == ["ana", "ben"]


@pytest.mark.parametrize("raw, key", [
    ("  The   Beatles ", "the beatles"), ("ＡＢＢＡ", "abba"), ("Go‐Go’s", "go-go's"),
    ("DIE ÄRZTE", "die ärzte"), ("Straße", "strasse"),
])
def test_normalize_name(raw, key):
    assert normalize_name(raw) == key


def test_placeholders():
    assert is_placeholder(normalize_name("[Unknown]")) and is_placeholder("")
    assert not is_placeholder(normalize_name("Unknown Mortal Orchestra"))



def _failing_parser(source: Source):
    """Two good chunks, then the file turns out to be broken."""
    yield from _listen_parser(source)
    raise ImportFormatError(source.name, "is cut short")


def test_a_parser_failing_half_way_rolls_back(store):
    broken = Format("test_broken", "Broken", "personal", "listens", lambda s: True, _failing_parser)
    before = dump(store)
    report = importer.import_source(store, source_of("A|t1|100\nB|t2|200\nC|t3|300\n"), broken)
    assert report.error and "cut short" in report.error and report.source_id is None
    assert dump(store) == before
