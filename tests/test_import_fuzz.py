"""Damaged files through the whole importer: a clean report or a clean error, never a partial source.

Mutations leave the first line alone, so most damaged files are still
recognised and go through parsing and merging (the interesting part); every
example asserts, whichever way it ends.  ``test_import_file_fuzz.py`` does the
same with real files on disk over every shared export.
"""
from __future__ import annotations

import io

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from shared_data import EXPORTS, require_shared
from store_checks import check_store, table_counts

from musicrec_gui.core import importer
from musicrec_gui.core.formats.base import Source
from musicrec_gui.core.store import Store

SAMPLES = [
    "spotify-account-data/StreamingHistory_music_3.json",
    "spotify-extended-history/Streaming_History_Video_2023.json",
    "lastfmstats/sample.csv",
    "listenbrainz/listenbrainz_listens.jsonl",
    "other-services/rockbox/.scrobbler.log",
    "other-services/maloja/maloja.json",
    "lastfm-360k/usersha1-artmbid-artname-plays.tsv",
    "lastfm-ghan-csv/scrobbles.csv",
]


@st.composite
def damaged(draw):
    name = draw(st.sampled_from(SAMPLES))
    data = bytearray(require_shared(EXPORTS / name).read_bytes()[:6000])
    keep = data.find(b"\n", 100) + 1           # detection reads the head: keep its first lines
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["cut", "flip", "insert", "repeat"]))
        at = draw(st.integers(keep, max(keep, len(data) - 1)))
        if action == "cut":
            del data[at:]
        elif action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 300))] * draw(st.integers(1, 20))
        else:
            data[at:at] = draw(st.sampled_from([b",", b"\t", b"\"", b"{", b"]", b"\n", b"\xff", b"\x00",
                                                b"\\ud800", b"99999999999999999999", b"-1", b"1e400"]))
    return name, bytes(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=damaged())
def test_damaged_files_import_cleanly_or_not_at_all(tmp_path_factory, case):
    name, data = case
    store = Store(tmp_path_factory.mktemp("fuzz") / "s.sqlite3")
    try:
        before = table_counts(store.path)
        source = Source(name, len(data), lambda: io.BytesIO(data))
        planned = importer.plan_source(source, single_file=True)
        event("not recognised" if planned.error or planned.ignored else "imported")
        if planned.error or planned.ignored:
            reason = planned.error or planned.ignored
            assert "\n" not in reason and reason.strip()
            assert planned.format is None or planned.format.role == "ignore"
            assert table_counts(store.path) == before
            return
        report = importer.import_source(store, source, planned.format)
        after = table_counts(store.path)
        if report.error:
            assert "\n" not in report.error
            assert after == before, "a failed import must leave nothing behind"
        else:
            assert after["sources"] == before["sources"] + 1
            accounted = report.added + sum(report.skipped.values()) + report.malformed
            if planned.format.role == "personal":
                assert accounted == report.rows_read          # into an empty store, every row is counted once
            else:
                assert accounted <= report.rows_read          # counts of one pair add up into one row
    finally:
        store.close()
    check_store(store.path)
