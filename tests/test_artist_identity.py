"""Artist identity is stable across imports, whatever the order of names and MBIDs.

Issue 10 item 1: with community data in the store, re-importing a Last.fm
export (byte-changed, so the multiset merge runs) added 303 listens again and
credited them to collaboration artists.  These tests import real exports and
generated name/MBID orders, and require a re-import to add nothing and every
row to keep its artist.
"""
from __future__ import annotations

import io
import shutil
from collections import Counter

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_data import EXPORTS, HETREC, require_shared
from store_checks import check_store

from musicrec_gui.core import importer
from musicrec_gui.core.formats.base import COUNT_COLUMNS, LISTEN_COLUMNS, Chunk, Format, Source
from musicrec_gui.core.names import normalize_name
from musicrec_gui.core.store import Store

REAL_EXPORTS = sorted(p.relative_to(EXPORTS).as_posix() for p in EXPORTS.rglob("*")
                      if p.is_file() and p.name != "README.md") if EXPORTS.exists() else ["(missing)"]


@pytest.fixture(scope="module")
def hetrec_store(tmp_path_factory):
    """A store file holding HetRec 2K (built once, copied per test)."""
    path = tmp_path_factory.mktemp("hetrec") / "hetrec.sqlite3"
    store = Store(path)
    reports = importer.import_paths(store, [require_shared(HETREC)])
    assert sum(r.added for r in reports) > 90_000
    store.close()
    return path


def _listen_artists(store: Store) -> list[tuple]:
    return store.connection().execute(
        "SELECT l.id, l.artist_id, a.name FROM listens l JOIN artists a ON a.id = l.artist_id ORDER BY l.id").fetchall()


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_EXPORTS)
def test_reimporting_a_changed_copy_after_community_data_adds_nothing(name, hetrec_store, tmp_path):
    export = require_shared(EXPORTS / name)
    shutil.copy(hetrec_store, tmp_path / "s.sqlite3")
    store = Store(tmp_path / "s.sqlite3")
    first = importer.import_paths(store, [export])
    listens, counts = _listen_artists(store), store.connection().execute(
        "SELECT * FROM counts ORDER BY 1, 2, 3").fetchall()
    # Same rows, other bytes: the content hash differs, so the multiset merge runs.
    changed = tmp_path / export.name
    changed.write_bytes(export.read_bytes() + b"\n")
    again = importer.import_paths(store, [changed])
    assert [r.status for r in again] == [
        "nothing added" if r.status in ("imported", "nothing added") else r.status for r in first]
    assert [r.added for r in again] == [0] * len(again)
    assert _listen_artists(store) == listens            # same listens, each with its artist
    assert store.connection().execute("SELECT * FROM counts ORDER BY 1, 2, 3").fetchall() == counts
    store.close()
    check_store(tmp_path / "s.sqlite3")


def test_collaboration_sharing_an_mbid_keeps_each_name_with_its_artist(tmp_path):
    """The reported case, in miniature: community 'The Flaming Lips', then Last.fm rows."""
    store = Store(tmp_path / "s.sqlite3")
    importer.import_source(store, _text("u1|The Flaming Lips|10|\n"), COUNTS)
    rows = ("The Flaming Lips|X|Race|100\nThe Flaming Lips & Stardeath And White Dwarfs|X|Borderline|200\n"
            "The Flaming Lips|X|Race|300\n")
    assert importer.import_source(store, _text(rows, "a.txt"), LISTENS).added == 3
    assert importer.import_source(store, _text(rows + "\n", "b.txt"), LISTENS).added == 0
    names = dict(store.connection().execute(
        "SELECT l.track, a.name FROM listens l JOIN artists a ON a.id = l.artist_id").fetchall())
    assert names == {"Race": "The Flaming Lips", "Borderline": "The Flaming Lips & Stardeath And White Dwarfs"}
    store.close()
    check_store(tmp_path / "s.sqlite3")


def test_two_artists_sharing_a_name_stay_apart(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    rows = "Nirvana|m-uk|Rainbow|100\nNirvana|m-us|Lithium|200\nNirvana||Polly|300\n"
    importer.import_source(store, _text(rows), LISTENS)
    artists = store.connection().execute("SELECT mbid FROM artists ORDER BY id").fetchall()
    assert artists == [("m-uk",), ("m-us",)]
    reordered = "Nirvana||Polly|300\nNirvana|m-us|Lithium|200\nNirvana|m-uk|Rainbow|100\n"
    assert importer.import_source(store, _text(reordered, "b.txt"), LISTENS).added == 0
    store.close()


# -- generated orders ------------------------------------------------------------

def _mbid_listens(source: Source):
    """'name|mbid|track|played_at' lines (mbid may be empty)."""
    lines = [line for line in source.open().read().decode().splitlines() if line]
    rows = [line.split("|") for line in lines]
    frame = pd.DataFrame({
        "listener": None, "artist": [r[0] for r in rows], "artist_mbid": [r[1] or None for r in rows],
        "track": [r[2] for r in rows], "album": None,
        "played_at": pd.array([int(r[3]) for r in rows], dtype="Int64"),
        "ms_played": pd.array([None] * len(rows), dtype="Int64")})[LISTEN_COLUMNS]
    yield Chunk(frame, rows_read=len(rows))


def _counts(source: Source):
    rows = [line.split("|") for line in source.open().read().decode().splitlines() if line]
    frame = pd.DataFrame({"listener": [r[0] for r in rows], "artist": [r[1] for r in rows],
                          "artist_mbid": [r[3] or None for r in rows], "plays": [int(r[2]) for r in rows]})
    yield Chunk(frame[COUNT_COLUMNS], rows_read=len(rows))


LISTENS = Format("test_mbid_listens", "Test listens", "personal", "listens", lambda s: True, _mbid_listens)
COUNTS = Format("test_counts", "Test counts", "community", "counts", lambda s: True, _counts)


def _text(text: str, name: str = "file.txt") -> Source:
    data = text.encode()
    return Source(name, len(data), lambda: io.BytesIO(data))


NAMES = ["Lips", "lips", "Lips & Star", "Lips feat. Moon", "Moon", "Star", "Björk", "BJÖRK"]
MBIDS = ["", "", "m1", "m2", "m3"]
row = st.tuples(st.sampled_from(NAMES), st.sampled_from(MBIDS), st.sampled_from(["t1", "t2"]),
                st.integers(1_600_000_000, 1_600_000_003))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(community=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(MBIDS)), max_size=4),
       first=st.lists(row, min_size=1, max_size=12), later=st.lists(row, max_size=12),
       order=st.randoms(use_true_random=False))
def test_identity_is_stable_and_overlaps_add_exactly_what_is_missing(tmp_path_factory, community, first, later,
                                                                    order):
    store = Store(tmp_path_factory.mktemp("identity") / "s.sqlite3")
    try:
        if community:
            text = "".join(f"u{i}|{name}|5|{mbid}\n" for i, (name, mbid) in enumerate(community))
            importer.import_source(store, _text(text, "community"), COUNTS)
        importer.import_source(store, _text(_lines(first), "first"), LISTENS)
        identity = _identity(store, first)
        # A newer export: the first rows in another order, plus new ones (new names, MBIDs, repeats).
        newer = first + later
        order.shuffle(newer)
        report = importer.import_source(store, _text(_lines(newer), "newer"), LISTENS)
        assert _identity(store, first) == identity, "a row of the first export changed artist"
        held, union = _expected(store, first, newer)
        assert report.added == union - held
        assert store.scalar("SELECT COUNT(*) FROM listens") == union
        identity = _identity(store, newer)
        # Both files again, byte-changed and reordered: nothing new, nobody moves.
        order.shuffle(first)
        for rows, name in ((first, "first again"), (newer, "newer again")):
            assert importer.import_source(store, _text(_lines(rows) + "\n", name), LISTENS).added == 0
        assert _identity(store, newer) == identity
    finally:
        store.close()
    check_store(store.path)


def _lines(rows) -> str:
    return "".join(f"{name}|{mbid}|{track}|{at}\n" for name, mbid, track, at in rows)


def _identity(store: Store, rows) -> dict:
    """The artist id every (name, MBID) pair of ``rows`` resolves to now."""
    conn = store.connection()
    return {(name, mbid): conn.execute("SELECT artist_id FROM artist_keys WHERE norm = ? AND mbid = ?",
                                       (normalize_name(name), mbid)).fetchone()[0]
            for name, mbid, _, _ in rows}


def _expected(store: Store, first, newer) -> tuple[int, int]:
    """Listens after the first file, and after an exact multiset merge of the newer one:
    per (artist, track, time) the larger count, each file's count capped like the importer's."""
    artist = _identity(store, first + newer)
    cap = importer.MAX_IDENTICAL_LISTENS

    def keys(rows) -> Counter:
        counted = Counter((artist[(name, mbid)], track, at) for name, mbid, track, at in rows)
        return Counter({key: min(n, cap) for key, n in counted.items()})
    a, b = keys(first), keys(newer)
    return sum(a.values()), sum(max(a[k], b[k]) for k in a.keys() | b.keys())
