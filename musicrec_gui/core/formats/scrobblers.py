"""Files written by scrobbling software: Libre.fm, Rockbox, Pano Scrobbler, Maloja."""
from __future__ import annotations

from collections.abc import Iterator

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats.base import Chunk, Format, Sample, Source
from musicrec_gui.core.formats.frames import ROW_ERRORS, Batch, chunks, whole
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.jsonstream import head, iter_lines, line_record, load
from musicrec_gui.core.formats.lastfm import LOVED
from musicrec_gui.core.formats.tables import cells, iter_rows
from musicrec_gui.core.formats.text import LATIN1_NOTE, TextLines, complete_lines

# --- Libre.fm CSV --------------------------------------------------------------
#
# Its comment lines start with "+ACM-", which is "#" written in UTF-7 (the
# rest of the file is plain UTF-8), so both spellings mark a comment.

_COMMENT = ("+ACM-", "#")
_LIBREFM_HEADER = ["Artist", "Track", "Album", "Time"]


def _sniff_librefm(sample: Sample) -> bool:
    lines = [line for line in complete_lines(sample.text) if not line.startswith(_COMMENT)]
    return bool(lines) and cells(lines[0]) == _LIBREFM_HEADER


def _librefm_data(rows: Iterator) -> Iterator:
    """Drop the comment lines and the header before the data."""
    for _number, fields, _position in rows:
        if fields and fields[0].startswith(_COMMENT):
            continue
        break                                       # that was the header
    yield from rows


def _librefm_row(batch: Batch, fields: list[str]) -> None:
    artist, track, album, time = fields
    batch.add_listen(artist, track, album, batch.epoch(time))


def _parse_librefm(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(_librefm_data(iter_rows(source, ",", batch.note)), _librefm_row, batch)


LIBREFM = Format(
    key="librefm-csv", label="Libre.fm export (CSV)", role="personal", rows="listens",
    sniff=_sniff_librefm, parse=guarded(_parse_librefm))


# --- Rockbox / iPod ".scrobbler.log" (Audioscrobbler 1.1) ----------------------
#
# Tab-separated: artist, album, title, track number, length (s), rating
# (L = listened, S = skipped), Unix time, track MBID.  "#TZ/UNKNOWN" means
# the player's clock had no time zone: the times are local, kept as written.

LOCAL_TIME_NOTE = "times are the player's local clock (#TZ/UNKNOWN), kept as written, not converted to UTC"


def _parse_rockbox(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    with source.open() as stream:
        lines = TextLines(stream, skip_blank=True)
        overlong = 0
        for line in lines:
            number = lines.line
            line = line.rstrip("\r\n")
            if lines.latin1:
                batch.note(LATIN1_NOTE)
            if lines.overlong != overlong:
                overlong = lines.overlong
                batch.rows_read += 1
                batch.bad(number)
                continue
            if line.startswith("#"):
                if line.strip().upper() == "#TZ/UNKNOWN":
                    batch.note(LOCAL_TIME_NOTE)
                continue
            if not line.strip():
                continue
            batch.rows_read += 1
            try:
                fields = line.split("\t")
                artist, album, title, _, _, rating, time = fields[:7]
                if rating not in ("L", "S"):
                    raise ValueError(f"unknown rating {rating!r}")
                if rating == "S":
                    batch.skip("skipped track")
                else:
                    batch.add_listen(artist, title, album, batch.epoch(time))
            except ROW_ERRORS:
                batch.bad(number)
            if batch.due():
                yield batch.chunk(lines.position)
        yield batch.chunk(lines.position)


ROCKBOX = Format(
    key="rockbox-scrobbler-log", label="Rockbox / portable player .scrobbler.log", role="personal",
    rows="listens", sniff=lambda s: s.text.startswith("#AUDIOSCROBBLER/"), parse=guarded(_parse_rockbox))


# --- Pano Scrobbler JSON Lines -------------------------------------------------
#
# ``event`` says what was logged; only "scrobble" is a play.  ``durationMs``
# is the track's length, not the time heard.

_EVENT_REASONS = {"love": LOVED, "unlove": LOVED, "nowplaying": "now playing", "now_playing": "now playing"}


def _pano_row(batch: Batch, record: dict) -> None:
    event = str(record.get("event", "scrobble")).lower()
    if event != "scrobble":
        return batch.skip(_EVENT_REASONS.get(event, "not a play"))
    batch.add_listen(record["artist"], record.get("track"), record.get("album"),
                     batch.epoch(record["timeMs"], 1000))


def _parse_pano(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(iter_lines(source, batch.note), _pano_row, batch)


PANO = Format(
    key="pano-scrobbler-jsonl", label="Pano Scrobbler export (JSON Lines)", role="personal", rows="listens",
    sniff=lambda s: {"timeMs", "artist", "track"} <= line_record(s.text).keys(), parse=guarded(_parse_pano))


# --- Maloja JSON export --------------------------------------------------------
#
# Artists are lists: the first is the main artist.  ``duration`` is how long
# the track was heard in seconds (may be null); ``track.length`` is its length.

def _maloja_row(batch: Batch, record: dict) -> None:
    track = record["track"]
    artists = track["artists"]
    album = track.get("album") or {}
    duration = record.get("duration")
    batch.add_listen(artists[0] if artists else None, track.get("title"), album.get("albumtitle"),
                     batch.epoch(record["time"]), whole(duration) * 1000 if duration is not None else None)


def _sniff_maloja(sample: Sample) -> bool:
    found = head(sample.text)
    return found.kind == "object" and "maloja" in found.keys


def _parse_maloja(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    document, size = load(source, batch.note)
    scrobbles = document.get("scrobbles") if isinstance(document, dict) else None
    if not isinstance(scrobbles, list):
        raise ImportFormatError(source.name, "has no list of scrobbles")
    return chunks(((i, r, size) for i, r in enumerate(scrobbles, start=1)), _maloja_row, batch)


MALOJA = Format(
    key="maloja-json", label="Maloja export (JSON)", role="personal", rows="listens",
    sniff=_sniff_maloja, parse=guarded(_parse_maloja))

FORMATS = [MALOJA, PANO, ROCKBOX, LIBREFM]
