"""The README's quirks, each on a small input built here (plus a few real-file checks)."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from _fmt_support import bytes_source, detect_source, run

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats import blocks, datasets, frames, parse, text
from musicrec_gui.core.formats.base import Source
from musicrec_gui.core.formats.lastfm import LASTFM_GHAN_LOVED
from musicrec_gui.core.formats.text import LATIN1_NOTE

GHAN_HEADER = b"uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n"
DOWNLOADER_HEADER = b"artist,artist_mbid,album,album_mbid,track,track_mbid,timestamp,datetime\n"


def key_of(data: bytes) -> str | None:
    fmt = detect_source(bytes_source(data))
    return fmt.key if fmt else None


def times(result) -> list:
    return [None if pd.isna(v) else int(v) for v in result.frame["played_at"]]


# --- time quirks ------------------------------------------------------------------

def test_now_playing_rows_are_skipped() -> None:
    data = b"Biome,UNITY,Unity,\nBiome,Kora,Let Me,20 Nov 2020 09:35\nBiome,UNITY,Unity,\n"
    assert key_of(data) == "lastfm-to-csv"
    result = run(bytes_source(data))
    assert result.skipped == {"now playing": 2}
    assert times(result) == [1605864900]


def test_downloader_now_playing_and_epoch_zero() -> None:
    data = DOWNLOADER_HEADER + (b"A,,Alb,,T,,0,1970-01-01 00:00:00\n"
                                b"B,,,,U,,1536407564,2018-09-08 11:52:44\n"
                                b"C,,,,V,,,\n")
    result = run(bytes_source(data))
    assert times(result) == [None, 1536407564]
    assert result.skipped == {"now playing": 1}


@pytest.mark.parametrize("data", [
    GHAN_HEADER + b'"0","01 Jan 1970, 00:00","A","","Al","","T",""\n',
    b"Artist;Album;AlbumId;Track;Date#me\n\"A\";\"\";\"\";\"T\";\"0\"\n",
    b"user_000001\t1970-01-01T00:00:00Z\t\tA\t\tT\n",
    b'{"username":"u","scrobbles":[{"track":"T","artist":"A","album":"","date":0}]}',
])
def test_epoch_zero_is_a_play_with_unknown_time(data: bytes) -> None:
    result = run(bytes_source(data))
    assert result.emitted == 1 and times(result) == [None]


def test_spotify_account_minute_precision() -> None:
    data = b'[{"endTime" : "2021-02-02 08:35", "artistName" : "A", "trackName" : "T", "msPlayed" : 208506}]'
    result = run(bytes_source(data))
    assert times(result) == [1612254900] and 1612254900 % 60 == 0


def test_ghan_uts_is_authoritative_over_text_date() -> None:
    data = GHAN_HEADER + b'"1720688852","01 Jan 2000, 00:00","The Cure","","Faith","","Primary",""\n'
    assert times(run(bytes_source(data))) == [1720688852]


# --- layout quirks ----------------------------------------------------------------

def test_crlf_everywhere() -> None:
    tsv = b"user_000001\t2009-05-04T23:08:57Z\t\tDeep Dish\t\tTrack\r\nuser_000001\t2009-05-04T13:54:10Z\t\tX\t\tY\r\n"
    result = run(bytes_source(tsv))
    assert result.frame["track"].tolist() == ["Track", "Y"]
    ghan = (GHAN_HEADER.replace(b"\n", b"\r\n")
            + b'"1720688852","11 Jul 2024, 09:07","A, B","","Al","","T",""\r\n')
    result = run(bytes_source(ghan))
    assert result.frame["artist"].tolist() == ["A, B"] and result.frame["track"].tolist() == ["T"]


def test_lastfmstats_header_with_username_and_without_album_id() -> None:
    data = b'Artist;Album;Track;Date#some_user\n"A";"Al";"T";"1594535082000"\n'
    assert key_of(data) == "lastfmstats-csv"
    result = run(bytes_source(data))
    assert times(result) == [1594535082] and result.frame["album"].tolist() == ["Al"]


def test_librefm_utf7_comment_lines() -> None:
    data = b"+ACM- Data export from Libre.fm,,,\n+ACM- host,,,\nArtist,Track,Album,Time\nA,T,,1690347960\n"
    assert key_of(data) == "librefm-csv"
    result = run(bytes_source(data))
    assert result.rows_read == 1 and times(result) == [1690347960]


def test_youtube_topic_suffix_and_watched_prefix() -> None:
    records = [
        {"header": "YouTube Music", "title": "Watched Song", "subtitles": [{"name": "Artist - Topic"}],
         "time": "2023-05-04T23:34:00.079Z"},
        {"header": "YouTube", "title": "Watched Cat video", "subtitles": [{"name": "Cats"}],
         "time": "2023-05-04T23:34:00Z"},
        {"header": "YouTube Music", "title": "Visited YouTube Music", "time": "2023-05-04T23:34:00Z"},
    ]
    result = run(bytes_source(json.dumps(records).encode()))
    assert result.frame["artist"].tolist() == ["Artist"] and result.frame["track"].tolist() == ["Song"]
    assert times(result) == [1683243240]
    assert result.skipped == {"not music": 1, "no artist": 1}


def test_loved_tracks_export() -> None:
    data = GHAN_HEADER + b'"1732467930","24 Nov 2024, 17:05","NMIXX","","","","Red Light Sign, But We Go",""\n'
    assert key_of(data) == "lastfm-ghan-loved"
    assert run(bytes_source(data)).skipped == {"loved track (not a play)": 1}


def test_loved_looking_head_with_albums_later_is_read_as_scrobbles() -> None:
    row = b'"1732467930","24 Nov 2024, 17:05","A","","","","T",""\n'
    later = b'"1732467000","24 Nov 2024, 16:50","B","","Album","","U",""\n'
    # Detection sees only the head; force the loved format as if the album came after it.
    result = run(bytes_source(GHAN_HEADER + row + later), LASTFM_GHAN_LOVED)
    assert result.emitted == 2 and not result.skipped
    assert any("loved" in note for note in result.notes)


def test_spotify_2018_credit_list_takes_the_first_name() -> None:
    data = b'[{"time": "2018-03-01 12:34:56", "artistName": "MGMT, Andrew VanWyngarden, Ben Goldwasser", ' \
           b'"trackName": "Kids"}]'
    assert key_of(data) == "spotify-account-2018"
    result = run(bytes_source(data))
    assert result.frame["artist"].tolist() == ["MGMT"]
    assert times(result) == [1519907696] and result.frame["ms_played"].isna().all()


def test_raw_quotes_in_1k_names() -> None:
    data = b'user_000001\t2009-04-01T15:27:05Z\t\tJohnny "Hammond" Smith\t\tTell "Me\nuser_000001\t' \
           b'2009-04-01T15:20:00Z\t\t"Quoted\t\tX\n'
    result = run(bytes_source(data))
    assert result.frame["artist"].tolist() == ['Johnny "Hammond" Smith', '"Quoted']
    assert result.frame["track"].tolist() == ['Tell "Me', "X"]


# --- encodings --------------------------------------------------------------------

@pytest.mark.parametrize("data, artist", [
    (GHAN_HEADER + '"1720688852","11 Jul 2024, 09:07","Björk","","Homogenic","","Jóga",""\n'.encode("latin-1"),
     "Björk"),
    ("user_000001\t2009-05-04T23:08:57Z\t\tBjörk\t\tJóga\n".encode("latin-1"), "Björk"),
    ('[{"endTime":"2021-02-02 08:35","artistName":"Björk","trackName":"J","msPlayed":40000}]'.encode("latin-1"),
     "Björk"),
    ("+ACM- x,,,\nArtist,Track,Album,Time\nBjörk,Jóga,,1690347960\n".encode("latin-1"), "Björk"),
])
def test_latin1_fallback_is_noted(data: bytes, artist: str) -> None:
    result = run(bytes_source(data))
    assert result.frame["artist"].tolist() == [artist]
    assert LATIN1_NOTE in result.notes


def test_latin1_only_for_the_lines_that_need_it() -> None:
    data = "user_1\t2009-05-04T23:08:57Z\t\tBjörk\t\tA\n".encode("latin-1") + \
        "user_1\t2009-05-04T23:08:57Z\t\t坂本龍一\t\tB\n".encode()
    assert run(bytes_source(data)).frame["artist"].tolist() == ["Björk", "坂本龍一"]


@pytest.mark.parametrize("data, key", [
    (b"\xef\xbb\xbf" + GHAN_HEADER + b'"1720688852","11 Jul 2024, 09:07","A","","Al","","T",""\n', "lastfm-ghan"),
    (b'\xef\xbb\xbf[{"endTime":"2021-02-02 08:35","artistName":"A","trackName":"T","msPlayed":40000}]',
     "spotify-account"),
    (b"\xef\xbb\xbfuser_000001\t2009-05-04T23:08:57Z\t\tA\t\tT\n", "lastfm-1k"),
    (b"\xef\xbb\xbfuserID\tartistID\tweight\r\n", "hetrec-lastfm-2k"),
])
def test_byte_order_mark_is_ignored(data: bytes, key: str) -> None:
    assert key_of(data) == key
    if key != "hetrec-lastfm-2k":
        assert run(bytes_source(data)).frame["artist"].tolist() == ["A"]


# --- malformed rows ---------------------------------------------------------------

def test_1k_malformed_lines_are_counted_with_numbers() -> None:
    good = b"user_000001\t2009-05-04T23:08:57Z\t\tA\t\tT\n"
    data = (good                                             # 1
            + b"user_000001\t2009-05-04T23:08:57Z\tA\tT\n"    # 2: five fields
            + b"\n"                                          # 3: blank, not a row
            + b"user_000001\tyesterday\t\tA\t\tT\n"           # 4: bad time
            + good                                           # 5
            + b"a\tb\tc\td\te\tf\tg\n"                       # 6: seven fields
            + b"\tb2009-05-04T23:08:57Z\t\tA\t\tT\n"          # 7: bad time (no user either)
            + b"user_000002\t2009-05-04T23:08:57Z\t\t  \t\tT\n")  # 8: no artist
    result = run(bytes_source(data), datasets.LASTFM_1K)      # too broken for detection
    assert result.rows_read == 7
    assert result.emitted == 2
    assert result.malformed == 4 and result.malformed_lines == [2, 4, 6, 7]
    assert result.skipped == {"no artist": 1}


def test_1k_streams_in_blocks_with_correct_line_numbers(monkeypatch) -> None:
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 100)
    good = b"user_000001\t2009-05-04T23:08:57Z\t\tA\t\tT\n"
    data = good * 30 + b"broken line\n" + good * 30
    result = run(bytes_source(data))
    assert result.chunks > 10
    assert result.rows_read == 61 and result.emitted == 60
    assert result.malformed_lines == [31]


def test_csv_row_with_wrong_field_count() -> None:
    data = GHAN_HEADER + b'"1720688852","11 Jul 2024, 09:07","A","","","","T",""\n"1","2"\n' \
        + b'"1720688852","11 Jul 2024, 09:07","A","","","","T",""\n'
    result = run(bytes_source(data))
    assert result.emitted == 2 and result.malformed == 1 and result.malformed_lines == [3]


def test_json_records_of_the_wrong_shape_are_malformed() -> None:
    records = [{"endTime": "2021-02-02 08:35", "artistName": "A", "trackName": "T", "msPlayed": 40000},
               {"endTime": "2021-02-02 08:35", "artistName": "A", "trackName": "T", "msPlayed": "lots"},
               {"endTime": "not a date", "artistName": "A", "trackName": "T", "msPlayed": 40000},
               ["not", "an", "object"],
               {"endTime": "2021-02-02 08:35", "artistName": 5, "trackName": "T", "msPlayed": 40000}]
    result = run(bytes_source(json.dumps(records).encode()))
    assert result.emitted == 1 and result.malformed_lines == [2, 3, 4, 5]


def test_jsonl_bad_line_is_one_malformed_record() -> None:
    good = b'{"listened_at": 1748964167, "track_metadata": {"artist_name": "A", "track_name": "T"}}\n'
    result = run(bytes_source(good + b"{not json\n\n" + good))
    assert result.emitted == 2 and result.malformed_lines == [2]


def test_truncated_json_list_is_an_import_error() -> None:
    data = b'[{"endTime":"2021-02-02 08:35","artistName":"A","trackName":"T","msPlayed":40000},{"endT'
    with pytest.raises(ImportFormatError):
        run(bytes_source(data))


def test_json_streams_across_small_blocks(monkeypatch) -> None:
    monkeypatch.setattr(text, "READ_BLOCK", 5)
    records = [{"endTime": "2021-02-02 08:35", "artistName": "結束バンド", "trackName": f"曲{i}", "msPlayed": 40000}
               for i in range(50)]
    result = run(bytes_source(json.dumps(records, ensure_ascii=False).encode()))
    assert result.frame["track"].tolist() == [f"曲{i}" for i in range(50)]
    assert LATIN1_NOTE not in result.notes


def test_chunks_are_cut_and_positions_grow(monkeypatch) -> None:
    monkeypatch.setattr(frames, "CHUNK_ROWS", 10)
    data = b"".join(b"A,Al,T%d,20 Nov 2020 09:35\n" % i for i in range(35))
    result = run(bytes_source(data))
    assert result.chunks == 4 and result.emitted == 35


# --- per-format rules -------------------------------------------------------------

def extended_row(**changes) -> dict:
    row = {"ts": "2023-02-25T11:20:37Z", "ms_played": 61839, "master_metadata_track_name": "Forever",
           "master_metadata_album_artist_name": "Labrinth", "master_metadata_album_album_name": "Euphoria",
           "spotify_track_uri": "spotify:track:x", "episode_name": None, "episode_show_name": None,
           "spotify_episode_uri": None, "audiobook_title": None, "audiobook_uri": None,
           "audiobook_chapter_uri": None, "audiobook_chapter_title": None, "incognito_mode": False}
    row.update(changes)
    return row


def test_spotify_extended_rules() -> None:
    nothing = {"master_metadata_track_name": None, "master_metadata_album_artist_name": None,
               "master_metadata_album_album_name": None, "spotify_track_uri": None}
    rows = [extended_row(),
            extended_row(),                                                       # exact duplicate
            extended_row(ts="2023-02-25T11:30:00Z", incognito_mode=True),
            extended_row(ts="2023-02-25T11:40:00Z", ms_played=29999),
            extended_row(**nothing, episode_name="Ep", episode_show_name="Show", spotify_episode_uri="spotify:e"),
            extended_row(**nothing, audiobook_title="Book", audiobook_uri="spotify:a"),
            extended_row(**nothing)]
    result = run(bytes_source(json.dumps(rows).encode()))
    assert result.emitted == 1
    assert result.skipped == {"duplicate": 1, "incognito": 1, "under 30 s": 1, "podcast": 1,
                              "audiobook": 1, "no artist": 1}


def test_pano_only_scrobble_events_count() -> None:
    lines = [{"timeMs": 1762957898933, "artist": "A", "track": "T", "event": "scrobble"},
             {"timeMs": 1762957898933, "artist": "A", "track": "T", "event": "love"},
             {"timeMs": 1762957898933, "artist": "A", "track": "T", "event": "something-new"}]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    result = run(bytes_source(data))
    assert result.emitted == 1 and times(result) == [1762957898]
    assert result.skipped == {"loved track (not a play)": 1, "not a play": 1}


@pytest.mark.parametrize("wrap", [lambda ls: ls, lambda ls: {"listens": ls}, lambda ls: {"payload": {"listens": ls}}])
def test_listenbrainz_json_list_and_wrapped(wrap) -> None:
    listens = [{"listened_at": 1748964167, "track_metadata": {
        "artist_name": "A", "track_name": "T", "release_name": "R",
        "additional_info": {"artist_mbids": ["mbid-1"], "duration_ms": 1000}}}]
    data = json.dumps(wrap(listens)).encode()
    assert key_of(data) == "listenbrainz-json"
    result = run(bytes_source(data))
    assert result.frame["artist_mbid"].tolist() == ["mbid-1"]
    assert result.frame["ms_played"].isna().all()


def test_listenbrainz_side_files_are_ignored() -> None:
    assert key_of(b'{"user_id": 1, "username": "me"}') == "listenbrainz-user"
    assert key_of(b'{"recording_msid": "x", "score": 1, "created": 1}\n') == "listenbrainz-feedback"


def test_apple_event_types() -> None:
    header = b"Artist Name,Content Name,Event Start Timestamp,Event End Timestamp,Event Type," \
             b"Play Duration Milliseconds\n"
    data = header + (b"A,T,2016-05-29T01:24:23.210Z,2016-05-29T01:28:23.210Z,PLAY_END,240000\n"
                     b"A,T,2016-05-29T01:24:23Z,,PLAY_START,240000\n"
                     b"A,T,,2015-08-06T08:30:05.444Z,,186000\n"
                     b",,2015-08-06T08:30:05.444Z,,,5000\n"
                     b"A,T,2015-08-06T08:30:05.444Z,,,-5000\n")
    result = run(bytes_source(data))
    assert times(result) == [1464485063, 1438849805]
    assert result.skipped == {"not a play": 1, "no artist": 1, "under 30 s": 1}


def test_rockbox_skipped_and_timezone_note() -> None:
    data = b"#AUDIOSCROBBLER/1.1\n#TZ/UNKNOWN\n#CLIENT/x\nA\tAl\tT\t1\t259\tL\t1577836800\t\n" \
           b"A\tAl\tU\t2\t200\tS\t1577836900\t\nA\tAl\tV\t3\t200\tX\t1577837000\n"
    result = run(bytes_source(data))
    assert times(result) == [1577836800]
    assert result.skipped == {"skipped track": 1} and result.malformed_lines == [6]
    assert any("#TZ/UNKNOWN" in note for note in result.notes)


def test_360k_bad_play_counts_are_malformed() -> None:
    sha = b"00000c289a1829a808ac09c00daf10bc3c4e223b"
    data = sha + b"\t\tbetty blowtorch\t2137\r\n" + sha + b"\t\tx\tmany\r\n" + sha + b"\t\ty\t-3\r\n"
    result = run(bytes_source(data), datasets.LASTFM_360K)
    assert result.frame["plays"].tolist() == [2137] and result.malformed_lines == [2, 3]


# --- HetRec needs its artists.dat ---------------------------------------------------

def test_hetrec_without_artists_dat_is_an_import_error() -> None:
    source = bytes_source(b"userID\tartistID\tweight\r\n2\t51\t13883\r\n", "user_artists.dat")
    with pytest.raises(ImportFormatError, match="artists.dat"):
        list(parse(source))


def test_hetrec_artist_names_latin1_and_unknown_ids() -> None:
    artists = "id\tname\turl\tpictureURL\n51\tBjörk\thttp://x\thttp://y\n".encode("latin-1")
    user_artists = b"userID\tartistID\tweight\r\n2\t51\t13883\r\n2\t52\t1\r\n2\tx\t1\r\n"
    siblings = {"artists.dat": bytes_source(artists, "artists.dat")}
    source = Source("user_artists.dat", len(user_artists), lambda: io.BytesIO(user_artists),
                    siblings.get)
    result = run(source)
    assert result.frame["artist"].tolist() == ["Björk"] and result.frame["plays"].tolist() == [13883]
    assert result.skipped == {"no artist": 1} and result.malformed_lines == [4]
    assert LATIN1_NOTE in result.notes


def test_1k_short_and_long_line_that_balance_out() -> None:
    # One line with five fields and one with seven: the tab total looks right.
    good = b"user_000001\t2009-05-04T23:08:57Z\t\tA\t\tT\n"
    data = good + b"user_000001\t2009-05-04T23:08:57Z\tA\tT\tX\n" + good \
        + b"user_000001\t2009-05-04T23:08:57Z\t\tA\t\tT\textra\n" + good
    result = run(bytes_source(data), datasets.LASTFM_1K)
    assert result.emitted == 3 and result.malformed_lines == [2, 4]
