"""Spotify exports: "Account data" (last year) and "Extended streaming history" (lifetime).

Both are JSON lists of plays.  Spotify writes the time a stream *ended*, in
UTC; account data has minute precision, the extended history seconds.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from musicrec_gui.core.formats.base import Chunk, Format, Sample, Source
from musicrec_gui.core.formats.frames import Batch, chunks, text, whole
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.jsonstream import first_record, head, iter_array
from musicrec_gui.core.formats.times import parse_iso


def _has(sample: Sample, *keys: str) -> bool:
    record = first_record(sample.text)
    return all(key in record for key in keys)


# --- Account data --------------------------------------------------------------

def _account_row(batch: Batch, record: dict) -> None:
    batch.add_listen(record["artistName"], record["trackName"], None,
                     parse_iso(record["endTime"]), whole(record["msPlayed"]))


def _parse_account(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(iter_array(source, batch.note), _account_row, batch)


def _first_credit(value: object) -> str | None:
    # The 2018 export joins performer and songwriter credits with ", ";
    # the first name is the performer.  (An artist whose own name contains
    # ", " is cut short; the file gives no way to tell.)
    name = text(value)
    return name.split(", ")[0] if name else None


def _account_2018_row(batch: Batch, record: dict) -> None:
    batch.add_listen(_first_credit(record["artistName"]), record["trackName"], None,
                     parse_iso(record["time"]))


def _parse_account_2018(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(iter_array(source, batch.note), _account_2018_row, batch)


def _skip_all(reason: str):
    """A parser that reads every record and skips it (podcast and audiobook files)."""
    def handle(batch: Batch, record: object) -> None:
        if not isinstance(record, dict):
            raise TypeError("expected an object")
        batch.skip(reason)

    def parse(source: Source) -> Iterator[Chunk]:
        batch = Batch()
        return chunks(iter_array(source, batch.note), handle, batch)
    return parse


SPOTIFY_ACCOUNT = Format(
    key="spotify-account", label="Spotify account data (StreamingHistory)", role="personal", rows="listens",
    sniff=lambda s: _has(s, "endTime", "artistName", "trackName", "msPlayed"), parse=guarded(_parse_account))

SPOTIFY_ACCOUNT_2018 = Format(
    key="spotify-account-2018", label="Spotify data export, 2018 (StreamingHistory)", role="personal",
    rows="listens", sniff=lambda s: _has(s, "time", "artistName", "trackName") and not _has(s, "msPlayed"),
    parse=guarded(_parse_account_2018))

SPOTIFY_PODCASTS = Format(
    key="spotify-account-podcast", label="Spotify account data: podcasts", role="personal", rows="listens",
    sniff=lambda s: _has(s, "endTime", "podcastName", "episodeName"), parse=guarded(_skip_all("podcast")))

SPOTIFY_AUDIOBOOKS = Format(
    key="spotify-account-audiobook", label="Spotify account data: audiobooks", role="personal", rows="listens",
    sniff=lambda s: _has(s, "endTime", "audiobookName"), parse=guarded(_skip_all("audiobook")))


# --- Extended streaming history ------------------------------------------------
#
# About the ``Streaming_History_Video_*.json`` file: it has exactly the same
# keys as the audio files, and its rows are music tracks (with
# ``spotify_track_uri``) played as videos/clips.  The only difference seen is
# that ``offline`` is null on every row, which is too weak to rely on.  So
# video rows are read like audio rows: music rows count (most video plays are
# seconds-long clip previews and fall under the 30 s rule anyway), video
# podcast episodes are skipped as podcasts.

_AUDIOBOOK_KEYS = ("audiobook_title", "audiobook_uri", "audiobook_chapter_uri", "audiobook_chapter_title")
_EPISODE_KEYS = ("episode_name", "episode_show_name", "spotify_episode_uri")


def _extended_handler():
    seen: set[str] = set()

    def handle(batch: Batch, record: dict) -> None:
        # Order of the checks: what the row is, then duplicates, then how it was played.
        artist = text(record["master_metadata_album_artist_name"])
        if any(record.get(key) for key in _EPISODE_KEYS):
            return batch.skip("podcast")
        if any(record.get(key) for key in _AUDIOBOOK_KEYS):
            return batch.skip("audiobook")
        if artist is None:
            return batch.skip("no artist")
        fingerprint = json.dumps(record, sort_keys=True)
        if fingerprint in seen:
            return batch.skip("duplicate")
        seen.add(fingerprint)
        if record.get("incognito_mode") is True:
            return batch.skip("incognito")
        batch.add_listen(artist, record.get("master_metadata_track_name"),
                         record.get("master_metadata_album_album_name"),
                         parse_iso(record["ts"]), whole(record["ms_played"]))
    return handle


def _parse_extended(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(iter_array(source, batch.note), _extended_handler(), batch)


SPOTIFY_EXTENDED = Format(
    key="spotify-extended", label="Spotify extended streaming history", role="personal", rows="listens",
    sniff=lambda s: _has(s, "ts", "ms_played", "master_metadata_album_artist_name"), parse=guarded(_parse_extended))

# --- The account zip's other files ---------------------------------------------
#
# Userdata.json, Identity.json, YourLibrary.json, Follow.json, Inferences.json,
# SearchQueries.json, Marquee.json, Playlist1.json sit next to the streaming
# history.  Recognising them by their keys lets the import report say
# "ignored" instead of "unknown format".

_OTHER_OBJECT_KEYS = [{"username", "email", "country"}, {"displayName", "firstName", "lastName"},
                      {"tracks", "albums", "bannedTracks"}, {"followerCount", "followingUsersCount"},
                      {"inferences"}, {"playlists"}]
_OTHER_RECORD_KEYS = [{"searchTime", "searchQuery"}, {"artistName", "segment"}]


def _sniff_other(sample: Sample) -> bool:
    found = head(sample.text)
    if found.kind == "object":
        return any(keys <= found.keys.keys() for keys in _OTHER_OBJECT_KEYS)
    record = first_record(sample.text)
    return any(keys <= record.keys() for keys in _OTHER_RECORD_KEYS)


SPOTIFY_OTHER = Format(
    key="spotify-account-other", label="Spotify account data: other files", role="ignore", rows="none",
    sniff=_sniff_other, parse=None, ignore_reason="account details, library, playlists or searches: no plays")

FORMATS = [SPOTIFY_EXTENDED, SPOTIFY_ACCOUNT, SPOTIFY_ACCOUNT_2018, SPOTIFY_PODCASTS, SPOTIFY_AUDIOBOOKS]
# ``SPOTIFY_OTHER`` matches loosely, so the registry puts it after every other JSON format.
