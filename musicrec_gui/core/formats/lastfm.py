"""Last.fm scrobble exports made by the various export tools and sites.

Last.fm stores when a track *started*, in UTC.  Scrobbles with an invalid
date come back as timestamp 0; they stay plays with an unknown time.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats.base import Chunk, Format, Sample, Source
from musicrec_gui.core.formats.frames import Batch, chunks
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.jsonstream import first_record, head, iter_array, load
from musicrec_gui.core.formats.tables import cells, iter_rows
from musicrec_gui.core.formats.text import complete_lines
from musicrec_gui.core.formats.times import parse_day_month, parse_iso


def _header(sample: Sample, delimiter: str = ",") -> list[str]:
    lines = complete_lines(sample.text, 1)
    return cells(lines[0], delimiter) if lines else []


def _data_rows(rows: Iterator) -> Iterator:
    """Skip the first record, the header, which is not a data row."""
    next(rows, None)
    yield from rows


# --- benjaminbenben "lastfm-to-csv": artist,album,track,date (no header) --------

_LASTFM_TO_CSV_DATE = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}$")


def _sniff_lastfm_to_csv(sample: Sample) -> bool:
    # The tool deletes every comma from values, so each line has exactly three.
    lines = complete_lines(sample.text)
    if not lines or any(line.count(",") != 3 for line in lines):
        return False
    dates = [line.rsplit(",", 1)[1].strip() for line in lines]
    return (all(not d or _LASTFM_TO_CSV_DATE.match(d) for d in dates)
            and any(dates))


def _lastfm_to_csv_row(batch: Batch, fields: list[str]) -> None:
    artist, album, track, date = fields                 # ValueError unless exactly 4
    if not date.strip():
        return batch.skip("now playing")                # each page of 200 starts with it
    # Exact duplicate rows are kept: they are real double scrobbles.
    batch.add_listen(artist, track, album, parse_day_month(date))


def _parse_lastfm_to_csv(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    rows = iter_rows(source, ",", batch.note, quoting=csv.QUOTE_NONE)
    return chunks(rows, _lastfm_to_csv_row, batch)


LASTFM_TO_CSV = Format(
    key="lastfm-to-csv", label="Last.fm scrobbles (lastfm-to-csv)", role="personal", rows="listens",
    sniff=_sniff_lastfm_to_csv, parse=guarded(_parse_lastfm_to_csv))


# --- ghan.nl "Last.fm export": quoted CSV with uts ------------------------------

_GHAN_HEADER = ["uts", "utc_time", "artist", "artist_mbid", "album", "album_mbid", "track", "track_mbid"]
LOVED = "loved track (not a play)"


def _ghan_time(batch: Batch, uts: str, utc_time: str) -> int | None:
    # ``uts`` is authoritative; the text date is only a fallback.
    try:
        return batch.epoch(uts)
    except ValueError:
        return parse_day_month(utc_time)


def _ghan_row(batch: Batch, fields: list[str]) -> None:
    uts, utc_time, artist, artist_mbid, album, _, track, _ = fields
    batch.add_listen(artist, track, album, _ghan_time(batch, uts, utc_time), artist_mbid=artist_mbid)


def _parse_ghan(source: Source, batch: Batch | None = None) -> Iterator[Chunk]:
    batch = batch or Batch()
    return chunks(_data_rows(iter_rows(source, ",", batch.note)), _ghan_row, batch)


def _album_empty(fields: list[str]) -> bool:
    return len(fields) == 8 and not fields[4].strip() and not fields[5].strip()


def _sniff_ghan_loved(sample: Sample) -> bool:
    if _header(sample) != _GHAN_HEADER:
        return False
    rows = [cells(line) for line in complete_lines(sample.text)[1:]]
    return bool(rows) and all(_album_empty(row) for row in rows)


def _parse_ghan_loved(source: Source) -> Iterator[Chunk]:
    # The site's loved-tracks export has the scrobble header; it is told apart
    # by every row lacking an album.  Detection saw only the file's head, so
    # check every row before treating the whole file as loved tracks.
    batch = Batch()
    position = 0
    for number, fields, position in _data_rows(  # noqa: B007 (position: where the last row ended)
        iter_rows(source, ",", batch.note)):
        batch.rows_read += 1
        if fields is None or len(fields) != 8:
            batch.bad(number)
        elif _album_empty(fields):
            batch.skip(LOVED)
        else:
            scrobbles = Batch()
            scrobbles.note("the file looked like loved tracks but has albums: read as scrobbles")
            yield from _parse_ghan(source, scrobbles)
            return
    yield batch.chunk(position)


LASTFM_GHAN = Format(
    key="lastfm-ghan", label="Last.fm scrobbles (ghan.nl export)", role="personal", rows="listens",
    sniff=lambda s: _header(s) == _GHAN_HEADER, parse=guarded(_parse_ghan))

LASTFM_GHAN_LOVED = Format(
    key="lastfm-ghan-loved", label="Last.fm loved tracks (ghan.nl)", role="personal", rows="listens",
    sniff=_sniff_ghan_loved, parse=guarded(_parse_ghan_loved))


# --- lastfmstats.com: CSV with "Date#username", JSON with ms dates ---------------

def _lastfmstats_columns(header: list[str]) -> dict[str, int]:
    columns = {name.split("#")[0].strip().lower(): i for i, name in enumerate(header)}
    return columns if {"artist", "track", "date"} <= columns.keys() else {}


def _sniff_lastfmstats_csv(sample: Sample) -> bool:
    header = _header(sample, ";")
    return len(header) > 1 and header[-1].startswith("Date#") and bool(_lastfmstats_columns(header))


def _parse_lastfmstats_csv(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    rows = iter_rows(source, ";", batch.note)
    header = next(rows, (0, None, 0))[1] or []
    columns = _lastfmstats_columns(header)
    if not columns:
        raise ImportFormatError(source.name, "has no lastfmstats header (Artist;…;Date#user)")

    def handle(batch: Batch, fields: list[str]) -> None:
        if len(fields) != len(header):
            raise ValueError("wrong number of fields")
        album = fields[columns["album"]] if "album" in columns else None
        batch.add_listen(fields[columns["artist"]], fields[columns["track"]], album,
                         batch.epoch(fields[columns["date"]], 1000))

    yield from chunks(rows, handle, batch)


def _lastfmstats_row(batch: Batch, record: dict) -> None:
    batch.add_listen(record["artist"], record["track"], record.get("album"),
                     batch.epoch(record["date"], 1000))


def _parse_lastfmstats_json(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    document, size = load(source, batch.note)
    scrobbles = document["scrobbles"] if isinstance(document, dict) else None
    if not isinstance(scrobbles, list):
        raise ImportFormatError(source.name, "has no list of scrobbles")
    return chunks(((i, record, size) for i, record in enumerate(scrobbles, start=1)), _lastfmstats_row, batch)


def _sniff_lastfmstats_json(sample: Sample) -> bool:
    found = head(sample.text)
    return found.kind == "object" and "username" in found.keys and isinstance(found.keys.get("scrobbles"), list)


LASTFMSTATS_CSV = Format(
    key="lastfmstats-csv", label="Last.fm scrobbles (lastfmstats.com CSV)", role="personal", rows="listens",
    sniff=_sniff_lastfmstats_csv, parse=guarded(_parse_lastfmstats_csv))

LASTFMSTATS_JSON = Format(
    key="lastfmstats-json", label="Last.fm scrobbles (lastfmstats.com JSON)", role="personal", rows="listens",
    sniff=_sniff_lastfmstats_json, parse=guarded(_parse_lastfmstats_json))


# --- mathieuhendey lastfm_downloader CSV ---------------------------------------

_DOWNLOADER_HEADER = ["artist", "artist_mbid", "album", "album_mbid", "track", "track_mbid", "timestamp", "datetime"]


def _downloader_row(batch: Batch, fields: list[str]) -> None:
    artist, artist_mbid, album, _, track, _, timestamp, date = fields
    if not timestamp.strip() and not date.strip():
        return batch.skip("now playing")
    played_at = batch.epoch(timestamp) if timestamp.strip() else parse_iso(date)
    batch.add_listen(artist, track, album, played_at, artist_mbid=artist_mbid)


def _parse_downloader(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(_data_rows(iter_rows(source, ",", batch.note)), _downloader_row, batch)


LASTFM_DOWNLOADER = Format(
    key="lastfm-downloader-csv", label="Last.fm scrobbles (lastfm_downloader CSV)", role="personal",
    rows="listens", sniff=lambda s: _header(s) == _DOWNLOADER_HEADER, parse=guarded(_parse_downloader))


# --- Last.fm's own former data exporter (JSON list) ----------------------------

def _exporter_row(batch: Batch, record: dict) -> None:
    # ``track`` is Last.fm's corrected form, like every other Last.fm export.
    track = record["track"]
    artist = track["artist"]
    album = record.get("album") or {}
    batch.add_listen(artist["name"], track.get("name"), album.get("name"),
                     batch.epoch(record["timestamp"]["unixtimestamp"]), artist_mbid=artist.get("mbid"))


def _sniff_exporter(sample: Sample) -> bool:
    record = first_record(sample.text)
    return isinstance(record.get("timestamp"), dict) and "unixtimestamp" in record["timestamp"] \
        and isinstance(record.get("track"), dict)


def _parse_exporter(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(iter_array(source, batch.note), _exporter_row, batch)


LASTFM_EXPORTER = Format(
    key="lastfm-exporter-json", label="Last.fm data exporter (JSON)", role="personal", rows="listens",
    sniff=_sniff_exporter, parse=guarded(_parse_exporter))

FORMATS = [LASTFM_EXPORTER, LASTFMSTATS_JSON, LASTFM_GHAN_LOVED, LASTFM_GHAN, LASTFMSTATS_CSV,
           LASTFM_DOWNLOADER]
# ``LASTFM_TO_CSV`` has no header, so it is detected late (see the registry).
