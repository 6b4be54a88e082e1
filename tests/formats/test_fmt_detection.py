"""Every real file is recognised by content as the right format."""
from __future__ import annotations

from pathlib import Path

import pytest
from _fmt_support import EXPORTS, HETREC, bytes_source, detect_source, file_source, require

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats import parse

# Relative path under exports/ -> expected format key (None: not a listening file).
EXPECTED = {
    "README.md": None,
    "spotify-account-data/StreamingHistory1.json": "spotify-account",
    "spotify-account-data/vnegi10_StreamingHistory1.json": "spotify-account",
    "spotify-account-data/StreamingHistory_music_2.json": "spotify-account",
    "spotify-account-data/StreamingHistory_music_3.json": "spotify-account",
    "spotify-account-data/StreamingHistory_podcast_0.json": "spotify-account-podcast",
    "spotify-account-data/StreamingHistory_audiobook_0.json": "spotify-account-audiobook",
    "spotify-extended-history/endsong_1.json": "spotify-extended",
    "spotify-extended-history/endsong.json": "spotify-extended",
    "spotify-extended-history/Streaming_History_Audio_2024_4.json": "spotify-extended",
    "spotify-extended-history/Streaming_History_Audio_2023.json": "spotify-extended",
    "spotify-extended-history/Streaming_History_Video_2023.json": "spotify-extended",
    "lastfm-benjaminbenben-csv/lastfm_scrobbles.csv": "lastfm-to-csv",
    "lastfm-ghan-csv/scrobbles.csv": "lastfm-ghan",
    "lastfm-ghan-csv/hearted.csv": "lastfm-ghan-loved",
    "lastfmstats/lastfmstats-TestUser.json": "lastfmstats-json",
    "lastfmstats/sample.csv": "lastfmstats-csv",
    "lastfm-other/lastfm_scrobbles.csv": "lastfm-downloader-csv",
    "lastfm-other/scrobbles.json": "lastfm-exporter-json",
    "listenbrainz/aahanaggarwal_lb-2018-10-22.json": "listenbrainz-2018",
    "listenbrainz/listenbrainz_listens.jsonl": "listenbrainz-jsonl",
    "lastfm-1k/userid-timestamp-artid-artname-traid-traname.tsv": "lastfm-1k",
    "lastfm-1k/franklinpinto20_userid-timestamp-artid-artname-traid-traname.tsv": "lastfm-1k",
    "lastfm-360k/usersha1-artmbid-artname-plays.tsv": "lastfm-360k",
    "lastfm-360k/usersha1-profile.tsv": "lastfm-360k-profiles",
    "other-services/apple-music/Apple Music Play Activity.csv": "apple-music-play-activity",
    "other-services/youtube-takeout/watch-history.json": "youtube-watch-history",
    "other-services/librefm/librefm.csv": "librefm-csv",
    "other-services/rockbox/.scrobbler.log": "rockbox-scrobbler-log",
    "other-services/pano-scrobbler/panoscrobbler.jsonl": "pano-scrobbler-jsonl",
    "other-services/maloja/maloja.json": "maloja-json",
}

HETREC_EXPECTED = {
    "user_artists.dat": "hetrec-lastfm-2k",
    "artists.dat": "hetrec-lastfm-2k-other",
    "user_friends.dat": "hetrec-lastfm-2k-other",
}


def test_every_export_file_has_an_expectation(exports: Path) -> None:
    found = {p.relative_to(exports).as_posix() for p in exports.rglob("*") if p.is_file()}
    assert found == set(EXPECTED), "a file was added or removed: update EXPECTED"


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_detects_export(relative: str) -> None:
    fmt = detect_source(file_source(require(EXPORTS / relative)))
    assert (fmt.key if fmt else None) == EXPECTED[relative]


@pytest.mark.parametrize("name", sorted(HETREC_EXPECTED))
def test_detects_hetrec(name: str) -> None:
    fmt = detect_source(file_source(require(HETREC / name)))
    assert fmt is not None and fmt.key == HETREC_EXPECTED[name]


@pytest.mark.parametrize("relative", sorted(k for k, v in EXPECTED.items() if v))
def test_detection_ignores_the_file_name(relative: str) -> None:
    # The same bytes under a meaningless name are recognised the same way.
    data = require(EXPORTS / relative).read_bytes()
    fmt = detect_source(bytes_source(data, "download (3).bin"))
    assert fmt is not None and fmt.key == EXPECTED[relative]


@pytest.mark.parametrize("data", [b"", b"hello world\n", b"\x00\x01\x02", b"{}", b"[1, 2, 3]", b"a,b\n1,2\n",
                                  b"\xff\xfe" + "artist\ttrack\n".encode("utf-16-le")])
def test_unknown_content_is_not_detected(data: bytes) -> None:
    assert detect_source(bytes_source(data)) is None


def test_empty_json_list_is_recognised_and_ignored() -> None:
    fmt = detect_source(bytes_source(b"[ ]\n"))
    assert fmt is not None and fmt.role == "ignore"


@pytest.mark.parametrize("data", [
    b'{"username": "x", "email": "a@b.c", "country": "SE", "birthdate": "1990-01-01"}',
    b'[{"platform": "IPHONE", "searchTime": "2021-01-01T10:00:00Z", "searchQuery": "abba"}]',
    b'{"tracks": [{"artist": "A", "album": "B", "track": "C"}], "albums": [], "bannedTracks": []}',
    b'[{"artistName": "A", "segment": "Light listeners"}]',
])
def test_spotify_side_files_are_ignored(data: bytes) -> None:
    fmt = detect_source(bytes_source(data))
    assert fmt is not None and fmt.key == "spotify-account-other" and fmt.role == "ignore"


def test_parse_refuses_unknown_and_ignored_files() -> None:
    with pytest.raises(ImportFormatError, match="column mapping"):
        parse(bytes_source(b"hello\n"))
    with pytest.raises(ImportFormatError, match="no plays"):
        parse(bytes_source(b'{"username": "x", "email": "a@b.c", "country": "SE"}'))
