"""The ListenBrainz statistics format: detection from content, streaming, import, subsampling."""
from __future__ import annotations

import json

import listenbrainz_dump as dumps
import pandas as pd
import pytest

from musicrec_gui.core import formats, importer, library
from musicrec_gui.core.formats import listenbrainz_stats, zstdio
from musicrec_gui.core.formats.subsample import Subsample
from musicrec_gui.core.jobs import Cancelled, StopToken
from musicrec_gui.core.store import Store

SPEC = dumps.Spec(users=60, artists=1_500, extra_lines=[
    "this line is not JSON",
    '{"user_id": 99999, "data": "not a list"}',
    ('{"user_id": 99998, "data": [{"artist_name": "Sigur Rós", "listen_count": -3},'
     ' {"artist_name": "Björk", "artist_mbid": null, "listen_count": 7},'
     ' {"artist_name": "  ", "listen_count": 2}, {"listen_count": 4}]}'),
])


def _shapes(tmp_path, spec=SPEC) -> dict:
    """The three shapes, under names that say nothing (detection must not look at names)."""
    return {"archive": dumps.write_archive(tmp_path / "download.bin", spec),
            "jsonl": dumps.write_jsonl(tmp_path / "table.csv", spec),
            "jsonl.zst": dumps.write_jsonl_zst(tmp_path / "notes.txt", spec)}


def _rows(path, fmt=None) -> tuple[pd.DataFrame, list]:
    source = next(formats.iter_sources(path))
    chunks = list(formats.parse(source, fmt))
    return pd.concat([c.frame for c in chunks], ignore_index=True), chunks


@pytest.mark.parametrize("shape", ["archive", "jsonl", "jsonl.zst"])
def test_each_shape_is_detected_from_its_content(tmp_path, shape):
    path = _shapes(tmp_path)[shape]
    fmt = formats.detect(formats.read_sample(next(formats.iter_sources(path))))
    assert fmt is not None and fmt.key == "listenbrainz-stats" and fmt.role == "community"


def test_other_statistics_are_recognised_and_not_imported(tmp_path):
    line = {"user_id": 3, "data": [{"track_name": "Hoppípolla", "artist_name": "Sigur Rós",
                                    "listen_count": 12, "recording_mbid": None}], "count": 1}
    path = tmp_path / "recordings.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    planned = importer.plan_import([path])
    assert planned[0].format.key == "listenbrainz-stats-other" and "artists_all_time" in planned[0].ignored


def test_all_shapes_give_the_same_rows_with_malformed_lines_counted(tmp_path):
    frames = {}
    for shape, path in _shapes(tmp_path).items():
        frame, chunks = _rows(path)
        frames[shape] = frame
        first_bad = SPEC.users + 1
        assert sum(c.malformed for c in chunks) == 2
        assert [n for c in chunks for n in c.malformed_lines] == [first_bad, first_bad + 1]
        skipped = pd.Series([c.skipped for c in chunks]).apply(pd.Series).sum()
        assert skipped["malformed artist entry"] == 2 and skipped["no artist"] == 1
        assert sum(c.rows_read for c in chunks) == SPEC.users + 3
    want = dumps.expected(SPEC)
    for frame in frames.values():
        pd.testing.assert_frame_equal(frame, frames["jsonl"])
    assert len(frames["jsonl"]) == want["pairs"] + 1          # + Björk from the half-bad line
    assert frames["jsonl"]["plays"].sum() == want["plays"] + 7
    assert frames["jsonl"]["artist"].str.contains("坂本龍一").any()
    assert frames["jsonl"]["artist_mbid"].isna().any() and frames["jsonl"]["artist_mbid"].notna().any()
    assert frames["jsonl"].groupby("listener").size().max() == SPEC.max_artists_per_user


def test_the_archive_reports_its_date_licence_and_what_was_read(tmp_path):
    _, chunks = _rows(_shapes(tmp_path)["archive"])
    notes = [n for c in chunks for n in c.notes]
    assert any("2026-05-01 00:00:04" in n and "artists_all_time.jsonl only" in n for n in notes)
    assert any("CC0" in n for n in notes)


def test_reading_stops_after_the_artists_member(tmp_path):
    """The archive turns into garbage 32 KiB after the member (read-ahead room): never decoded."""
    tar, end = dumps.tar_bytes(SPEC)
    assert len(tar) > end + 100_000
    path = tmp_path / "dump.tar.zst"
    path.write_bytes(zstdio.compress(tar[:end + 32_768]) + zstdio.MAGIC + b"\x00garbage, not zstd" * 200)
    frame, _ = _rows(path)
    assert len(frame) == dumps.expected(SPEC)["pairs"] + 1


@pytest.mark.parametrize("damage, words", [
    (lambda data: data[: len(data) * 2 // 3], "ends before"),
    (lambda data: data[:-20_000] + bytes(b ^ 0x5A for b in data[-20_000:-19_000]) + data[-19_000:], "damaged"),
])
def test_truncated_or_corrupt_compressed_files_fail_with_one_clear_line(tmp_path, damage, words):
    good = dumps.write_jsonl_zst(tmp_path / "good.zst", dumps.Spec(users=500)).read_bytes()
    assert len(good) > 3 * formats.SAMPLE_BYTES      # the damage lies beyond what detection reads
    path = tmp_path / "bad.zst"
    path.write_bytes(damage(good))
    [report] = importer.import_paths(Store(tmp_path / "s.sqlite3"), [path])
    assert report.error and words in report.error and "\n" not in report.error
    assert report.source_id is None


def test_an_archive_without_the_artists_member_is_refused(tmp_path):
    path = dumps.write_archive(tmp_path / "dump.tar.zst", SPEC, with_artists=False)
    [report] = importer.import_paths(Store(tmp_path / "s.sqlite3"), [path])
    assert "without statistics/artists_all_time.jsonl" in report.error


def test_over_long_lines_and_decompression_bombs_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(listenbrainz_stats, "MAX_LINE_BYTES", 4096)
    frame, chunks = _rows(dumps.write_jsonl(tmp_path / "a.jsonl", SPEC))
    assert sum(c.malformed for c in chunks) > 2 and len(frame) < dumps.expected(SPEC)["pairs"]

    monkeypatch.setattr(listenbrainz_stats, "_EXPANSION_CHECKED_AFTER", 1 << 20)
    first = dumps.write_jsonl(tmp_path / "b.jsonl", dumps.Spec(users=2)).read_bytes()
    bomb = tmp_path / "bomb.zst"
    bomb.write_bytes(zstdio.compress(first + b"\n" * (8 << 20)))
    [report] = importer.import_paths(Store(tmp_path / "s.sqlite3"), [bomb])
    assert report.error and "expands more than" in report.error


def test_import_gives_the_listeners_artists_and_plays_and_a_second_import_adds_nothing(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    shapes = _shapes(tmp_path)
    [report] = importer.import_paths(store, [shapes["archive"]])
    want = dumps.expected(SPEC)
    assert report.error is None and report.format == "listenbrainz-stats"
    assert report.malformed == 2 and report.added == want["pairs"] + 1
    stats = library.store_stats(store)
    assert stats["community_listeners"] == want["listeners"] + 1
    assert stats["plays"] == want["plays"] + 7 and stats["pairs"] == want["pairs"] + 1
    assert stats["artists"] == store.scalar("SELECT COUNT(DISTINCT artist_id) FROM plays")
    assert store.scalar("SELECT COUNT(*) FROM listeners WHERE dataset = 'listenbrainz-stats'") == \
        want["listeners"] + 1

    again = importer.import_paths(store, [shapes["archive"], shapes["jsonl"], shapes["jsonl.zst"]])
    assert [r.added for r in again] == [0, 0, 0] and all(r.error is None for r in again)
    assert library.store_stats(store)["plays"] == stats["plays"]


def test_listener_ids_do_not_collide_with_another_dataset(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    spec = dumps.Spec(users=5, full_users=0)
    importer.import_paths(store, [dumps.write_jsonl(tmp_path / "a.jsonl", spec)])
    first_id = json.loads(next(dumps.user_lines(spec)))["user_id"]
    hetrec = tmp_path / "hetrec"
    hetrec.mkdir()
    (hetrec / "user_artists.dat").write_text(f"userID\tartistID\tweight\n{first_id}\t1\t10\n")
    (hetrec / "artists.dat").write_text("id\tname\turl\tpictureURL\n1\tBjörk\t\t\n")
    importer.import_paths(store, [hetrec])
    rows = store.connection().execute(
        "SELECT dataset FROM listeners WHERE external_id = ?", (str(first_id),)).fetchall()
    assert sorted(rows) == [("hetrec-lastfm-2k",), ("listenbrainz-stats",)]


# -- subsampling -------------------------------------------------------------------------

def _sampled(path, **options) -> pd.DataFrame:
    frame, _ = _rows(path, listenbrainz_stats.stats_format(Subsample(**options)))
    return frame


def test_a_seeded_sample_is_reproducible_nested_and_follows_the_rules(tmp_path):
    spec = dumps.Spec(users=200, full_users=0, mean_artists_per_user=30)
    path = dumps.write_jsonl_zst(tmp_path / "a.zst", spec)
    everything = _sampled(path)
    artists_per_listener = everything.groupby("listener").size()

    small = _sampled(path, listeners=40, min_artists=10, seed=3)
    assert small.equals(_sampled(path, listeners=40, min_artists=10, seed=3))
    small_ids = set(small["listener"])
    assert len(small_ids) == 40 and (artists_per_listener[list(small_ids)] >= 10).all()
    assert small_ids < set(_sampled(path, listeners=100, min_artists=10, seed=3)["listener"])
    assert small_ids != set(_sampled(path, listeners=40, min_artists=10, seed=4)["listener"])
    # the file's order does not matter: the same ids come out of a shuffled copy
    lines = path.with_suffix(".shuffled")
    lines.write_bytes(b"".join(reversed(list(dumps.user_lines(spec)))))
    assert set(_sampled(lines, listeners=40, min_artists=10, seed=3)["listener"]) == small_ids


def test_the_artist_filter_keeps_exactly_the_artists_with_enough_kept_listeners(tmp_path):
    path = dumps.write_jsonl(tmp_path / "a.jsonl", dumps.Spec(users=150, full_users=0, mean_artists_per_user=40))
    sample = _sampled(path, listeners=60, seed=1)
    filtered = _sampled(path, listeners=60, seed=1, min_listeners=3)
    listeners_per_artist = sample.groupby("artist")["listener"].nunique()
    assert set(filtered["artist"]) == set(listeners_per_artist[listeners_per_artist >= 3].index)
    assert 0 < len(filtered) < len(sample)


def test_subsampled_import_reports_what_it_kept(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    planned = importer.plan_import([dumps.write_archive(tmp_path / "d.tar.zst", SPEC)])
    planned[0].format = listenbrainz_stats.stats_format(Subsample(listeners=20, min_artists=5, seed=0))
    [report] = importer.import_planned(store, planned)
    assert library.store_stats(store)["community_listeners"] == 20
    # lines of listeners outside the sample are skipped unparsed (the two bad lines with an id too)
    assert report.skipped["listener not in the sample"] == SPEC.users + 2 - 20 and report.malformed == 1
    assert any(note.startswith("kept a seeded sample (seed 0) of 20 of ") for note in report.notes)


def test_the_sampling_passes_report_progress_and_can_be_cancelled(tmp_path, monkeypatch):
    """Choosing listeners reads the whole file before the first row: Cancel must work meanwhile."""
    monkeypatch.setattr(listenbrainz_stats, "_PULSE_LINES", 10)
    store = Store(tmp_path / "s.sqlite3")
    planned = importer.plan_import([dumps.write_jsonl_zst(tmp_path / "a.zst", SPEC)])
    planned[0].format = listenbrainz_stats.stats_format(Subsample(listeners=20, min_listeners=2))
    token, seen = StopToken(), []

    def report(event):
        seen.append(event)
        token.stop()

    with pytest.raises(Cancelled):
        importer.import_planned(store, planned, token=token, report=report)
    assert seen and seen[0].message.startswith("0 rows read") and 0 < seen[0].done < planned[0].source.size
    assert library.store_stats(store)["community_listeners"] == 0
