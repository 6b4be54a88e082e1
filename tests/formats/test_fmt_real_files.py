"""Exact counts for every real file, with expectations computed from the file itself.

Each test reads the file straightforwardly (``json``/``csv``/``split``) and
applies the documented rules, then compares with what the parser reports.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from _fmt_support import HETREC, export, file_source, lines_of, require, run

UTC = timezone.utc


def epoch(text: str, fmt: str) -> int:
    return int(datetime.strptime(text, fmt).replace(tzinfo=UTC).timestamp())


def assert_counts(result, rows: int, emitted: int, skipped: dict, malformed: int = 0) -> None:
    assert result.rows_read == rows
    assert result.emitted == emitted
    assert dict(result.skipped) == {k: v for k, v in skipped.items() if v}
    assert result.malformed == malformed


def played(result) -> list:
    return [None if pd.isna(v) else int(v) for v in result.frame["played_at"]]


# --- Spotify --------------------------------------------------------------------

SPOTIFY_MUSIC = ["StreamingHistory1.json", "vnegi10_StreamingHistory1.json",
                 "StreamingHistory_music_2.json", "StreamingHistory_music_3.json"]


@pytest.mark.parametrize("name", SPOTIFY_MUSIC)
def test_spotify_account_music(name: str) -> None:
    path = export(f"spotify-account-data/{name}")
    records = json.loads(path.read_text("utf-8"))
    kept = [r for r in records if r["artistName"].strip() and r["msPlayed"] >= 30000]
    result = run(file_source(path))
    assert_counts(result, len(records), len(kept), {
        "no artist": sum(not r["artistName"].strip() for r in records),
        "under 30 s": sum(bool(r["artistName"].strip()) and r["msPlayed"] < 30000 for r in records)})
    frame = result.frame
    assert frame["artist"].tolist() == [r["artistName"].strip() for r in kept]
    assert frame["track"].tolist() == [r["trackName"].strip() or None for r in kept]
    assert played(result) == [epoch(r["endTime"], "%Y-%m-%d %H:%M") for r in kept]
    assert (frame["played_at"] % 60 == 0).all()                 # minute precision
    assert frame["ms_played"].tolist() == [r["msPlayed"] for r in kept]
    assert frame["listener"].isna().all() and frame["album"].isna().all()


@pytest.mark.parametrize("name, reason", [("StreamingHistory_podcast_0.json", "podcast"),
                                          ("StreamingHistory_audiobook_0.json", "audiobook")])
def test_spotify_account_podcasts_and_audiobooks_are_skipped(name: str, reason: str) -> None:
    path = export(f"spotify-account-data/{name}")
    count = len(json.loads(path.read_text("utf-8")))
    assert_counts(run(file_source(path)), count, 0, {reason: count})


EXTENDED = ["endsong_1.json", "endsong.json", "Streaming_History_Audio_2024_4.json",
            "Streaming_History_Audio_2023.json", "Streaming_History_Video_2023.json"]


def extended_expectation(records: list[dict]) -> tuple[Counter, list[dict]]:
    """The documented rules, in order: kind, duplicate, incognito, under 30 s."""
    reasons: Counter = Counter()
    kept, seen = [], []
    for record in records:
        if record.get("spotify_episode_uri") or record.get("episode_name") or record.get("episode_show_name"):
            reasons["podcast"] += 1
        elif record.get("audiobook_uri") or record.get("audiobook_title") or record.get("audiobook_chapter_uri"):
            reasons["audiobook"] += 1
        elif not record.get("master_metadata_album_artist_name"):
            reasons["no artist"] += 1
        elif record in seen:
            reasons["duplicate"] += 1
        elif record.get("incognito_mode"):
            seen.append(record)
            reasons["incognito"] += 1
        elif record["ms_played"] < 30000:
            seen.append(record)
            reasons["under 30 s"] += 1
        else:
            seen.append(record)
            kept.append(record)
    return reasons, kept


@pytest.mark.parametrize("name", EXTENDED)
def test_spotify_extended(name: str) -> None:
    path = export(f"spotify-extended-history/{name}")
    records = json.loads(path.read_text("utf-8"))
    reasons, kept = extended_expectation(records)
    result = run(file_source(path))
    assert_counts(result, len(records), len(kept), reasons)
    frame = result.frame
    assert frame["artist"].tolist() == [r["master_metadata_album_artist_name"] for r in kept]
    assert frame["album"].tolist() == [r["master_metadata_album_album_name"] for r in kept]
    assert played(result) == [epoch(r["ts"], "%Y-%m-%dT%H:%M:%SZ") for r in kept]
    assert frame["ms_played"].tolist() == [r["ms_played"] for r in kept]


def test_spotify_extended_readme_facts() -> None:
    # endsong.json: 20 all-null rows and one exact duplicate (README).
    result = run(file_source(export("spotify-extended-history/endsong.json")))
    assert result.skipped["no artist"] == 20 and result.skipped["duplicate"] == 1
    # Streaming_History_Audio_2024_4.json: 315 podcast rows.
    result = run(file_source(export("spotify-extended-history/Streaming_History_Audio_2024_4.json")))
    assert result.skipped["podcast"] == 315


# --- Last.fm ----------------------------------------------------------------------

MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def day_month(text: str) -> int:
    day, month, year, clock = text.replace(",", "").split()
    hour, minute = clock.split(":")
    return int(datetime(int(year), MONTHS[month], int(day), int(hour), int(minute), tzinfo=UTC).timestamp())


def test_lastfm_to_csv() -> None:
    path = export("lastfm-benjaminbenben-csv/lastfm_scrobbles.csv")
    rows = [line.split(",") for line in lines_of(path)]
    dated = [r for r in rows if r[3]]
    result = run(file_source(path))
    assert_counts(result, len(rows), len(dated), {"now playing": len(rows) - len(dated)})
    assert len(rows) - len(dated) == 303                      # README
    frame = result.frame
    assert played(result) == [day_month(r[3]) for r in dated]
    assert frame["album"].tolist() == [r[1] or None for r in dated]
    # Exact duplicates are real double scrobbles and are all kept.
    duplicates = len(dated) - len(set(map(tuple, dated)))
    assert duplicates > 0
    assert int(frame.duplicated(["artist", "album", "track", "played_at"]).sum()) == duplicates


def ghan_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def test_lastfm_ghan_scrobbles_crlf() -> None:
    path = export("lastfm-ghan-csv/scrobbles.csv")
    assert b"\r\n" in path.read_bytes()[:200]                  # the CRLF file
    rows = ghan_rows(path)
    result = run(file_source(path))
    assert_counts(result, len(rows), len(rows), {})
    frame = result.frame
    assert played(result) == [int(r[0]) for r in rows]
    assert frame["artist"].tolist() == [r[2] for r in rows]
    assert frame["artist_mbid"].tolist() == [r[3] or None for r in rows]
    assert sum("," in r[2] + r[4] + r[6] for r in rows) > 0   # embedded commas survived
    assert not any(a.endswith("\r") for a in frame["track"].dropna())


def test_lastfm_ghan_loved_tracks_are_not_plays() -> None:
    path = export("lastfm-ghan-csv/hearted.csv")
    rows = ghan_rows(path)
    assert all(not r[4] and not r[5] for r in rows)
    assert_counts(run(file_source(path)), len(rows), 0, {"loved track (not a play)": len(rows)})


def test_lastfmstats_csv() -> None:
    path = export("lastfmstats/sample.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, rows = rows[0], rows[1:]
    assert header[-1].startswith("Date#")
    result = run(file_source(path))
    assert_counts(result, len(rows), len(rows), {})
    assert played(result) == [int(r[4]) // 1000 for r in rows]
    assert result.frame["album"].tolist() == [r[1] or None for r in rows]


def test_lastfmstats_json() -> None:
    path = export("lastfmstats/lastfmstats-TestUser.json")
    scrobbles = json.loads(path.read_text("utf-8"))["scrobbles"]
    result = run(file_source(path))
    assert_counts(result, len(scrobbles), len(scrobbles), {})
    assert played(result) == [s["date"] // 1000 for s in scrobbles]
    assert played(result).count(1108290000) == 15              # README: shared fake date


def test_lastfm_downloader_epoch_zero_rows_are_kept() -> None:
    path = export("lastfm-other/lastfm_scrobbles.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    result = run(file_source(path))
    assert_counts(result, len(rows), len(rows), {})
    zero = sum(r["timestamp"] == "0" for r in rows)
    assert zero == 643                                          # README
    times = played(result)
    assert times.count(None) == zero
    assert [t for t in times if t is not None] == [int(r["timestamp"]) for r in rows if r["timestamp"] != "0"]


def test_lastfm_exporter_json() -> None:
    path = export("lastfm-other/scrobbles.json")
    records = json.loads(path.read_text("utf-8"))
    result = run(file_source(path))
    assert_counts(result, len(records), len(records), {})
    frame = result.frame
    assert played(result) == [r["timestamp"]["unixtimestamp"] for r in records]
    assert frame["artist"].tolist() == [r["track"]["artist"]["name"] for r in records]
    assert frame["artist_mbid"].tolist() == [r["track"]["artist"].get("mbid") or None for r in records]


# --- ListenBrainz ---------------------------------------------------------------

def test_listenbrainz_legacy_2018() -> None:
    path = export("listenbrainz/aahanaggarwal_lb-2018-10-22.json")
    records = json.loads(path.read_text("utf-8"))
    result = run(file_source(path))
    assert_counts(result, len(records), len(records), {})
    assert played(result) == [r["timestamp"] for r in records]
    assert result.frame["ms_played"].isna().all()


def test_listenbrainz_jsonl_with_mbids() -> None:
    path = export("listenbrainz/listenbrainz_listens.jsonl")
    records = [json.loads(line) for line in lines_of(path) if line.strip()]
    result = run(file_source(path))
    assert_counts(result, len(records), len(records), {})
    frame = result.frame
    assert played(result) == [r["listened_at"] for r in records]
    assert frame["artist_mbid"].tolist() == [r["track_metadata"]["mbid_mapping"]["artist_mbids"][0]
                                             for r in records]
    assert frame["ms_played"].isna().all()                     # duration_ms is the track length


# --- Datasets ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["userid-timestamp-artid-artname-traid-traname.tsv",
                                  "franklinpinto20_userid-timestamp-artid-artname-traid-traname.tsv"])
def test_lastfm_1k(name: str) -> None:
    path = export(f"lastfm-1k/{name}")
    lines = lines_of(path)
    rows = [line.split("\t") for line in lines if not line.startswith("user\ttimestamp")]
    result = run(file_source(path))
    assert_counts(result, len(rows), len(rows), {})
    frame = result.frame
    assert frame["listener"].tolist() == [r[0] for r in rows]
    assert frame["artist"].tolist() == [r[3] for r in rows]
    assert frame["track"].tolist() == [r[5] or None for r in rows]
    assert frame["artist_mbid"].tolist() == [r[2] or None for r in rows]
    assert played(result) == [epoch(r[1], "%Y-%m-%dT%H:%M:%SZ") for r in rows]


def test_lastfm_1k_raw_quotes_in_names() -> None:
    result = run(file_source(export("lastfm-1k/userid-timestamp-artid-artname-traid-traname.tsv")))
    assert 'Johnny "Hammond" Smith' in set(result.frame["artist"])


def test_lastfm_360k_crlf_counts() -> None:
    path = export("lastfm-360k/usersha1-artmbid-artname-plays.tsv")
    assert b"\r\n" in path.read_bytes()
    rows = [line.split("\t") for line in lines_of(path)]
    result = run(file_source(path))
    assert_counts(result, len(rows), len(rows), {})
    frame = result.frame
    assert frame["plays"].tolist() == [int(r[3]) for r in rows]
    assert frame["artist"].tolist() == [r[2] for r in rows]
    assert frame["listener"].tolist() == [r[0] for r in rows]
    assert "die Ärzte" in set(frame["artist"])


def test_hetrec_user_artists_with_names_from_artists_dat() -> None:
    folder = require(HETREC)
    names = {}
    for line in lines_of(folder / "artists.dat")[1:]:
        fields = line.split("\t")
        names[fields[0]] = fields[1]
    rows = [line.split("\t") for line in lines_of(folder / "user_artists.dat")[1:]]
    named = [r for r in rows if r[1] in names]
    result = run(file_source(folder / "user_artists.dat"))
    assert_counts(result, len(rows), len(named), {"no artist": len(rows) - len(named)})
    frame = result.frame
    assert frame["listener"].tolist() == [r[0] for r in named]
    assert frame["artist"].tolist() == [names[r[1]].strip() for r in named]
    assert frame["plays"].tolist() == [int(r[2]) for r in named]
    assert frame["artist_mbid"].isna().all()


# --- Other services -------------------------------------------------------------

def test_apple_music_play_activity() -> None:
    path = export("other-services/apple-music/Apple Music Play Activity.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    reasons: Counter = Counter()
    kept = []
    for row in rows:
        if not row["Artist Name"].strip() or not row["Content Name"].strip():
            reasons["no artist"] += 1
        elif row["Event Type"] not in ("", "PLAY_END"):
            reasons["not a play"] += 1
        elif row["Play Duration Milliseconds"] and float(row["Play Duration Milliseconds"]) < 30000:
            reasons["under 30 s"] += 1
        else:
            kept.append(row)
    result = run(file_source(path))
    assert_counts(result, len(rows), len(kept), reasons)
    frame = result.frame
    starts = [r["Event Start Timestamp"] or r["Event End Timestamp"] for r in kept]
    expected = [int(pd.Timestamp(s).timestamp()) // 1 for s in starts]
    assert played(result) == [int(pd.Timestamp(s).floor("s").timestamp()) for s in starts] == expected
    assert frame["ms_played"].tolist() == [int(float(r["Play Duration Milliseconds"])) for r in kept]
    assert frame["album"].isna().all()


def test_youtube_music_rows_only() -> None:
    path = export("other-services/youtube-takeout/watch-history.json")
    records = json.loads(path.read_text("utf-8"))
    music = [r for r in records if r["header"] == "YouTube Music"]
    with_artist = [r for r in music if r.get("subtitles")]
    result = run(file_source(path))
    assert_counts(result, len(records), len(with_artist), {
        "not music": len(records) - len(music), "no artist": len(music) - len(with_artist)})
    frame = result.frame
    artists = [r["subtitles"][0]["name"].strip() for r in with_artist]
    assert frame["artist"].tolist() == [a[:-len(" - Topic")] if a.endswith(" - Topic") else a for a in artists]
    assert not any(a.endswith(" - Topic") for a in frame["artist"])
    assert sum(a.endswith(" - Topic") for a in artists) > 0
    assert frame["track"].tolist() == [r["title"].removeprefix("Watched ") for r in with_artist]
    assert played(result) == [int(pd.Timestamp(r["time"]).floor("s").timestamp()) for r in with_artist]


def test_librefm_utf7_comments() -> None:
    path = export("other-services/librefm/librefm.csv")
    lines = lines_of(path)
    comments = [line for line in lines if line.startswith("+ACM-")]
    assert comments                                              # the quirk is in the file
    data = list(csv.reader([line for line in lines if line.strip() and not line.startswith("+ACM-")]))[1:]
    result = run(file_source(path))
    assert_counts(result, len(data), len(data), {})
    assert played(result) == [int(r[3]) for r in data]
    assert result.frame["album"].tolist() == [r[2] or None for r in data]


def test_rockbox_scrobbler_log() -> None:
    path = export("other-services/rockbox/.scrobbler.log")
    lines = [line for line in lines_of(path) if line and not line.startswith("#")]
    rows = [line.split("\t") for line in lines]
    listened = [r for r in rows if r[5] == "L"]
    result = run(file_source(path))
    assert_counts(result, len(rows), len(listened), {"skipped track": len(rows) - len(listened)})
    assert played(result) == [int(r[6]) for r in listened]
    assert "#TZ/UNKNOWN" in path.read_text("utf-8")
    assert any("local" in note for note in result.notes)


def test_pano_scrobbler() -> None:
    path = export("other-services/pano-scrobbler/panoscrobbler.jsonl")
    records = [json.loads(line) for line in lines_of(path) if line.strip()]
    scrobbles = [r for r in records if r["event"] == "scrobble"]
    result = run(file_source(path))
    assert_counts(result, len(records), len(scrobbles), {})
    assert played(result) == [r["timeMs"] // 1000 for r in scrobbles]
    assert result.frame["ms_played"].isna().all()             # durationMs is the track length


def test_maloja_first_artist_and_duration() -> None:
    path = export("other-services/maloja/maloja.json")
    scrobbles = json.loads(path.read_text("utf-8"))["scrobbles"]
    result = run(file_source(path))
    assert_counts(result, len(scrobbles), len(scrobbles), {})
    frame = result.frame
    assert frame["artist"].tolist() == [s["track"]["artists"][0] for s in scrobbles]
    assert played(result) == [s["time"] for s in scrobbles]
    assert [None if pd.isna(v) else v for v in frame["ms_played"]] == \
        [None if s["duration"] is None else s["duration"] * 1000 for s in scrobbles]
