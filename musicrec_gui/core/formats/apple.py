"""Apple Music "Play Activity" CSV from Apple's privacy export.

One row per playback event.  Which rows are plays:

* ``Event Type`` ``PLAY_END`` closes a play and carries how long it lasted.
* An empty ``Event Type`` is how older records (2015–2016) were written: they
  still carry an end reason and a play duration, so they are plays too.
* Any other event type (``PLAY_START``, ``LYRIC_DISPLAY``, …) is not a play.

The time is ``Event Start Timestamp`` (when the play started, like a
scrobble), or ``Event End Timestamp`` where the start is missing.  There is
no album column.
"""
from __future__ import annotations

from collections.abc import Iterator

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats.base import Chunk, Format, Sample, Source
from musicrec_gui.core.formats.frames import Batch, chunks, text, whole
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.tables import cells, iter_rows
from musicrec_gui.core.formats.text import complete_lines
from musicrec_gui.core.formats.times import parse_iso

PLAY_EVENTS = {"", "PLAY_END"}
_REQUIRED = {"Artist Name", "Content Name", "Play Duration Milliseconds"}
_TIMES = ("Event Start Timestamp", "Event End Timestamp")


def _columns(header: list[str]) -> dict[str, int]:
    columns = {name: i for i, name in enumerate(header)}
    if _REQUIRED <= columns.keys() and any(name in columns for name in _TIMES):
        return columns
    return {}


def _sniff(sample: Sample) -> bool:
    lines = complete_lines(sample.text, 1)
    return bool(lines) and bool(_columns(cells(lines[0])))


def _parse(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    rows = iter_rows(source, ",", batch.note)
    header = next(rows, (0, None, 0))[1] or []
    columns = _columns([cell.strip() for cell in header])
    if not columns:
        raise ImportFormatError(source.name, "has no Apple Music Play Activity header")

    def cell(fields: list[str], name: str) -> str:
        return fields[columns[name]] if name in columns else ""

    def handle(batch: Batch, fields: list[str]) -> None:
        if len(fields) != len(header):
            raise ValueError("wrong number of fields")
        artist, track = text(cell(fields, "Artist Name")), text(cell(fields, "Content Name"))
        if artist is None or track is None:
            return batch.skip("no artist")          # ads, non-catalogue play time, …
        if cell(fields, "Event Type").strip() not in PLAY_EVENTS:
            return batch.skip("not a play")
        duration = cell(fields, "Play Duration Milliseconds").strip()
        moment = next((cell(fields, name).strip() for name in _TIMES if cell(fields, name).strip()), "")
        batch.add_listen(artist, track, None, parse_iso(moment) if moment else None,
                         whole(duration) if duration else None)

    yield from chunks(rows, handle, batch)


APPLE_MUSIC = Format(
    key="apple-music-play-activity", label="Apple Music Play Activity", role="personal", rows="listens",
    sniff=_sniff, parse=guarded(_parse))

FORMATS = [APPLE_MUSIC]
