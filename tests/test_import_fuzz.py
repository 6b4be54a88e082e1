"""Damaged files through the whole importer: a clean report or a clean error, never a partial source."""
from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicrec_gui.core import importer
from musicrec_gui.core.formats.base import Source
from musicrec_gui.core.store import Store

from shared_data import EXPORTS, require_shared

SAMPLES = [
    "spotify-account-data/StreamingHistory_music_3.json",
    "spotify-extended-history/Streaming_History_Video_2023.json",
    "lastfmstats/sample.csv",
    "listenbrainz/listenbrainz_listens.jsonl",
    "other-services/rockbox/.scrobbler.log",
    "other-services/maloja/maloja.json",
    "lastfm-360k/usersha1-artmbid-artname-plays.tsv",
]


def _tables(store: Store) -> dict:
    conn = store.connection()
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("sources", "listeners", "artists", "listens", "counts", "plays")}


@st.composite
def damaged(draw):
    name = draw(st.sampled_from(SAMPLES))
    data = bytearray(require_shared(EXPORTS / name).read_bytes()[:6000])
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["cut", "flip", "insert"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "cut":
            del data[at:]
        elif action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        else:
            data[at:at] = draw(st.sampled_from([b",", b"\t", b"\"", b"{", b"]", b"\n", b"\xff", b"\x00"]))
    return name, bytes(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=damaged())
def test_damaged_files_import_cleanly_or_not_at_all(tmp_path_factory, case):
    name, data = case
    store = Store(tmp_path_factory.mktemp("fuzz") / "s.sqlite3")
    try:
        before = _tables(store)
        source = Source(name, len(data), lambda: io.BytesIO(data))
        planned = importer.plan_source(source, single_file=True)
        if planned.error or planned.ignored:
            return
        report = importer.import_source(store, source, planned.format)
        after = _tables(store)
        if report.error:
            assert after == before, "a failed import must leave nothing behind"
        else:
            assert after["sources"] == before["sources"] + 1
            assert report.rows_read >= report.added or planned.format.rows == "counts"
        assert store.connection().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()
