"""Google Takeout YouTube ``watch-history.json``.

Only rows headed "YouTube Music" are music; the channel of an auto-generated
artist channel is "<Artist> - Topic".  There is no play duration.
"""
from __future__ import annotations

from collections.abc import Iterator

from musicrec_gui.core.formats.base import Chunk, Format, Sample, Source
from musicrec_gui.core.formats.frames import Batch, chunks, text
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.jsonstream import first_record, iter_array
from musicrec_gui.core.formats.times import parse_iso

_WATCHED = "Watched "
_TOPIC = " - Topic"


def _row(batch: Batch, record: dict) -> None:
    if record["header"] != "YouTube Music":
        return batch.skip("not music")
    subtitles = record.get("subtitles") or []
    if not subtitles:
        return batch.skip("no artist")             # removed videos, "Visited YouTube Music"
    artist = text(subtitles[0]["name"])
    if artist and artist.endswith(_TOPIC):
        artist = artist[:-len(_TOPIC)]
    title = text(record.get("title"))
    if title and title.startswith(_WATCHED):
        title = title[len(_WATCHED):]
    batch.add_listen(artist, title, None, parse_iso(record["time"]))


def _sniff(sample: Sample) -> bool:
    record = first_record(sample.text)
    return {"header", "title", "time"} <= record.keys() and str(record["header"]).startswith("YouTube")


def _parse(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(iter_array(source, batch.note), _row, batch)


YOUTUBE = Format(
    key="youtube-watch-history", label="YouTube watch history (Google Takeout)", role="personal",
    rows="listens", sniff=_sniff, parse=guarded(_parse))

FORMATS = [YOUTUBE]
