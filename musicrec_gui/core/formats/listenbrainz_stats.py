"""ListenBrainz statistics: every listener's all-time top artists with play counts (CC0).

Three shapes, told apart by content:

* the dump, ``listenbrainz-statistics-dump-<time>.tar.zst`` — read as a stream
  (never extracted): ``<dump>/SCHEMA_SEQUENCE``, ``TIMESTAMP``, ``COPYING``,
  then ``<dump>/lbdump/statistics/<type>_<range>.jsonl`` in sorted order.
  Reading stops after ``artists_all_time.jsonl``, the first statistics member,
  so the much larger rest of the archive is never decompressed;
* ``artists_all_time.jsonl`` on its own;
* the same, zstd-compressed (what a download saves, see ``core.community``).

Each line is one listener::

    {"user_id": 123, "data": [{"artist_name": "…", "artist_mbid": "…" or null,
     "listen_count": 42}, …], "count": N, "from_ts": …, "to_ts": …, "last_updated": …}

with up to 1,000 artists.  Older dumps wrote ``artist_mbids`` (a list); both
are read, and other keys are ignored.  ``listener`` is the dump's user id (the
importer keys community listeners by format, so they never meet another
dataset's ids).  A line that is not such an object is malformed (its number is
reported); a bad entry inside a good line skips that entry only.  Memory stays
bounded whatever the size: the text is read line by line (a line is capped),
rows leave in chunks, and the optional sample (``subsample``) holds only the
chosen ids and per-artist counts.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import tarfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats import jsonstream, zstdio
from musicrec_gui.core.formats.base import MAX_REPORTED_LINES, Chunk, Format, Sample, Source
from musicrec_gui.core.formats.frames import CHUNK_ROWS, count_frame, text, whole
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.subsample import ArtistFilter, ArtistTally, ListenerDraw, Subsample
from musicrec_gui.core.formats.text import READ_BLOCK, complete_lines, decode_head

KEY = "listenbrainz-stats"
ARTISTS_MEMBER = "artists_all_time.jsonl"
DUMP_PREFIX = "listenbrainz-statistics-dump-"
METADATA_MEMBERS = ("SCHEMA_SEQUENCE", "TIMESTAMP", "COPYING")

MAX_LINE_BYTES = 16 << 20          # a listener with 1,000 artists takes ~100 KB
MAX_METADATA_BYTES = 256 << 10     # COPYING, TIMESTAMP, SCHEMA_SEQUENCE are a few KB
# zstd turns a few KB into gigabytes of blank lines if someone wants it to; real JSON
# statistics expand 5-15x.  Past this ratio the file is refused rather than read for hours.
MAX_EXPANSION = 200
_EXPANSION_CHECKED_AFTER = 16 << 20
# During the passes that only choose listeners or count artists, an empty chunk every
# this many lines lets the importer report progress and honour Cancel.
_PULSE_LINES = 2000
_SAMPLE_INNER_BYTES = 256 << 10    # decompressed bytes looked at when sniffing a zstd file

_USER_ID = re.compile(rb'"user_id"\s*:\s*"?(-?\d+)')
_ARTIST_KEY = b'"artist_name"'
_OTHER_ENTITY_KEYS = {"track_name", "recording_mbid", "release_name", "release_mbid", "release_group_mbid"}


# -- detection -------------------------------------------------------------------

def _inner_head(sample: Sample) -> tuple[bytes, str]:
    """The (decompressed) head of the sample and its text."""
    if zstdio.is_zstd(sample.head):
        head = zstdio.head(sample.head, _SAMPLE_INNER_BYTES)
        return head, decode_head(head)
    return sample.head, sample.text


def _is_tar(head: bytes) -> bool:
    return len(head) >= 512 and head[257:262] == b"ustar"


def _tar_names(head: bytes) -> list[str]:
    """Member names readable from the head of a tar stream (it may be cut anywhere)."""
    names: list[str] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(head), mode="r|") as archive:
            for member in archive:
                names.append(member.name)
    except (tarfile.TarError, EOFError, OSError):
        pass
    return names


def _first_records(text_head: str) -> list[dict]:
    """The JSON objects on the sample's first lines (the first may be cut: its keys so far)."""
    records = []
    for line in complete_lines(text_head, 20):
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            break
        if isinstance(record, dict):
            records.append(record)
    if not records:                           # one long line cut by the sample size
        found = jsonstream.head(text_head)
        if found.kind in ("object", "lines"):
            records.append(found.first if isinstance(found.first, dict) else found.keys)
    return records


def _statistics_kind(text_head: str) -> str | None:
    """``"artists"``, ``"other"`` (another statistic) or ``None`` for a JSON Lines sample."""
    if not text_head.lstrip().startswith("{") or not re.search(r'"user_id"\s*:', text_head):
        return None
    for record in _first_records(text_head):
        data = record.get("data")
        if isinstance(data, list) and data and isinstance(data[0], dict) and "listen_count" in data[0]:
            entry = data[0]
            if "artist_name" in entry and not _OTHER_ENTITY_KEYS & entry.keys():
                return "artists"
            return "other"
    return None


def _sniff_artists(sample: Sample) -> bool:
    head, text_head = _inner_head(sample)
    if _is_tar(head):
        return any(name.startswith(DUMP_PREFIX) for name in _tar_names(head))
    return _statistics_kind(text_head) == "artists"


def _sniff_other(sample: Sample) -> bool:
    head, text_head = _inner_head(sample)
    return not _is_tar(head) and _statistics_kind(text_head) == "other"


# -- reading the artists member ----------------------------------------------------

@dataclass
class DumpHead:
    """What the archive holds before its artists member: metadata files and skipped statistics."""

    metadata: dict[str, str] = field(default_factory=dict)   # SCHEMA_SEQUENCE, TIMESTAMP, COPYING
    member: str = ""                                         # the artists member, below the dump folder
    skipped: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        stamp = self.metadata.get("TIMESTAMP", "").strip()
        read = (f"ListenBrainz statistics dump{' of ' + stamp if stamp else ''}: read {self.member} "
                "only (line numbers refer to it); the other statistics in the archive are not used")
        notes = [read, licence_note(self.metadata.get("COPYING", ""))]
        if self.skipped:
            notes.append(f"skipped {len(self.skipped)} other statistics file(s): {', '.join(self.skipped[:5])}")
        return notes


def walk_to_artists(archive: tarfile.TarFile, name: str) -> tuple[tarfile.TarInfo, IO[bytes], DumpHead]:
    """Read a dump's tar stream up to its artists member: (member, its reader, what came before).

    Members are stored sorted, so a statistics file that sorts after
    ``artists_all_time.jsonl`` means it is not there: reading stops at once
    instead of going through gigabytes.  Raises ``ImportFormatError`` (naming
    ``name``) when the member is missing or a metadata file is oversized.
    """
    head = DumpHead()
    for member in archive:
        if not member.isfile():
            continue
        parts = member.name.split("/")
        base = parts[-1]
        if len(parts) == 2 and base in METADATA_MEMBERS:
            data = _reader(archive, member, name).read(MAX_METADATA_BYTES + 1)
            if len(data) > MAX_METADATA_BYTES:
                raise ImportFormatError(name, f"its {base} is larger than {MAX_METADATA_BYTES:,} bytes; "
                                              "not a ListenBrainz statistics dump")
            head.metadata[base] = data.decode("utf-8", errors="replace")
        elif base == ARTISTS_MEMBER:
            head.member = "/".join(parts[1:])
            return member, _reader(archive, member, name), head
        elif "statistics" in parts[:-1]:
            if base > ARTISTS_MEMBER:
                break
            head.skipped.append(base)
    raise ImportFormatError(name, f"is a tar archive without statistics/{ARTISTS_MEMBER}; "
                                  "it is not a ListenBrainz statistics dump")


def _reader(archive: tarfile.TarFile, member: tarfile.TarInfo, name: str) -> IO[bytes]:
    reader = archive.extractfile(member)
    if reader is None:                      # not a regular file after all
        raise ImportFormatError(name, f"its {member.name} cannot be read")
    return reader


@dataclass
class _Layout:
    """How a source holds the artists lines, and what its archive said (once read)."""

    compressed: bool
    tar: bool
    head: DumpHead | None = None

    def notes(self) -> list[str]:
        return self.head.notes() if self.head else []


def licence_note(copying: str) -> str:
    """What the archive's COPYING says about reuse, in one line."""
    if re.search(r"CC0|publicdomain/zero|public domain", copying, re.IGNORECASE):
        return "licence: CC0 (public domain), as the archive's COPYING states"
    return "licence: see the archive's COPYING" if copying else "the archive has no COPYING file"


class _Counting(io.RawIOBase):
    """Counts the bytes read from the source (progress is in source bytes)."""

    def __init__(self, raw: io.BufferedIOBase) -> None:
        super().__init__()
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        buffer[:len(data)] = data
        self.count += len(data)
        return len(data)


def _layout(source: Source) -> _Layout:
    """Compressed or not, tar or lines: from the first bytes, as detection did."""
    with source.open() as raw:
        head = raw.read(512)
    compressed = zstdio.is_zstd(head)
    if compressed:
        with source.open() as raw, zstdio.reader(raw) as inner:
            head = inner.read(512)
    return _Layout(compressed=compressed, tar=_is_tar(head))


@contextlib.contextmanager
def _open_lines(source: Source, layout: _Layout) -> Iterator[tuple[io.BufferedIOBase, _Counting]]:
    """The artists JSON Lines as a binary stream, and the counter of source bytes read."""
    with source.open() as raw:
        counter = _Counting(raw)
        stream: Any = io.BufferedReader(counter, READ_BLOCK)
        with contextlib.ExitStack() as stack:
            if layout.compressed:
                stream = stack.enter_context(zstdio.reader(stream))
            if layout.tar:
                archive = stack.enter_context(tarfile.open(fileobj=stream, mode="r|"))
                _, stream, layout.head = walk_to_artists(archive, source.name)
            yield stream, counter


def _lines(stream, counter: _Counting, layout: _Layout, source: Source) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` for non-blank lines; ``None`` for a line over the length cap."""
    number = 0
    produced = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        produced += len(line)
        if layout.compressed and produced > _EXPANSION_CHECKED_AFTER and produced > MAX_EXPANSION * counter.count:
            raise ImportFormatError(source.name, f"expands more than {MAX_EXPANSION}x when decompressed; "
                                                 "the file is damaged or malicious")
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        elif not line.isspace():
            yield number, line


# -- rows ------------------------------------------------------------------------------

class _Rows:
    """Count rows and the report's bookkeeping gathered since the last chunk."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self._reset()

    def _reset(self) -> None:
        self.listener: list[str] = []
        self.artist: list[str] = []
        self.mbid: list[str | None] = []
        self.plays: list[int] = []
        self.rows_read = 0
        self.skipped: Counter[str] = Counter()
        self.malformed = 0
        self.malformed_lines: list[int] = []

    def bad(self, number: int) -> None:
        self.malformed += 1
        if len(self.malformed_lines) < MAX_REPORTED_LINES:
            self.malformed_lines.append(number)

    def chunk(self, position: int) -> Chunk:
        frame = count_frame(len(self.artist), listener=self.listener, artist=self.artist,
                            artist_mbid=self.mbid, plays=self.plays)
        chunk = Chunk(frame=frame, rows_read=self.rows_read, skipped=dict(self.skipped),
                      malformed=self.malformed, malformed_lines=self.malformed_lines,
                      position=position, notes=self.notes)
        self.notes = []
        self._reset()
        return chunk


def _entry(entry: Any) -> tuple[str, str | None, int]:
    """(name, MBID, plays) of one artist entry; raises ``TypeError``/``KeyError``/``ValueError``."""
    name, plays = entry["artist_name"], entry["listen_count"]
    mbid = entry.get("artist_mbid")
    if mbid is None and isinstance(entry.get("artist_mbids"), list) and entry["artist_mbids"]:
        mbid = entry["artist_mbids"][0]
    if type(name) is not str:
        raise TypeError("artist_name is not text")
    plays = plays if type(plays) is int else whole(plays)
    if not 0 <= plays < 2 ** 63:
        raise ValueError("listen_count out of range")
    return name.strip(), text(mbid), plays


class _Reader:
    """The passes over one source under one ``Subsample``."""

    def __init__(self, source: Source, subsample: Subsample) -> None:
        self.source = source
        self.subsample = subsample
        self.layout = _layout(source)
        self.passes = 1 + subsample.draws + subsample.filters_artists
        self.done_passes = 0
        self.chosen: frozenset[str] | None = None
        self.candidates = 0
        self.frequent: ArtistFilter | None = None

    def position(self, counter: _Counting) -> int:
        return (self.done_passes * self.source.size + counter.count) // self.passes

    def pulse(self, counter: _Counting) -> Chunk:
        """An empty chunk: progress for the importer, and a point where it can cancel."""
        return Chunk(frame=count_frame(0, listener=[], artist=[], plays=[]), rows_read=0,
                     position=self.position(counter))

    def draw(self) -> Iterator[Chunk]:
        """Pass 1 (sampling only): offer every listener to the draw, from a cheap look at the line."""
        draw = ListenerDraw(self.subsample)
        with _open_lines(self.source, self.layout) as (stream, counter):
            for number, line in _lines(stream, counter, self.layout, self.source):
                listener = _listener_of(line)
                if listener is not None and line is not None:
                    draw.offer(listener, line.count(_ARTIST_KEY))
                if number % _PULSE_LINES == 0:
                    yield self.pulse(counter)
        self.done_passes += 1
        self.chosen, self.candidates = draw.chosen(), draw.candidates

    def tally(self) -> Iterator[Chunk]:
        """Pass 2 (artist filter only): count the kept listeners of each artist."""
        tally = ArtistTally()
        with _open_lines(self.source, self.layout) as (stream, counter):
            for number, line in _lines(stream, counter, self.layout, self.source):
                record = None if self._unchosen(line) else self._record(line)
                if record is not None and self._keeps(*record[:2]) is None:
                    tally.add(name for name, _, _ in _valid_entries(record[1]))
                if number % _PULSE_LINES == 0:
                    yield self.pulse(counter)
        self.done_passes += 1
        self.frequent = tally.frequent(self.subsample.min_listeners)

    def rows(self) -> Iterator[Chunk]:
        """The last pass: the rows of the kept listeners and artists."""
        rows = _Rows()
        with _open_lines(self.source, self.layout) as (stream, counter):
            rows.notes = self.layout.notes() + self._sample_notes()
            for number, line in _lines(stream, counter, self.layout, self.source):
                rows.rows_read += 1
                if self._unchosen(line):
                    rows.skipped["listener not in the sample"] += 1
                    continue
                record = self._record(line)
                if record is None:
                    rows.bad(number)
                    continue
                listener, data = record
                reason = self._keeps(listener, data)
                if reason:
                    rows.skipped[reason] += 1
                    continue
                self._add(rows, listener, data)
                if len(rows.artist) >= CHUNK_ROWS or number % _PULSE_LINES == 0:
                    yield rows.chunk(self.position(counter))
            yield rows.chunk(self.position(counter))

    def _sample_notes(self) -> list[str]:
        if self.subsample == Subsample():
            return []
        return [self.subsample.describe(len(self.chosen) if self.chosen is not None else None,
                                        self.candidates if self.chosen is not None else None,
                                        self.frequent.artists if self.frequent is not None else None)]

    def _unchosen(self, line: bytes | None) -> bool:
        """True for the line of a listener the draw did not choose (known without parsing it)."""
        if self.chosen is None:
            return False
        listener = _listener_of(line)
        return listener is not None and listener not in self.chosen

    @staticmethod
    def _record(line: bytes | None) -> tuple[str, list] | None:
        """(listener id, artist entries) of a line, or ``None`` when the line is malformed."""
        if line is None:
            return None
        try:
            record = json.loads(line)
            data = record["data"]
            if not isinstance(data, list):
                return None
            return str(whole(record["user_id"])), data
        except (ValueError, TypeError, KeyError, RecursionError):
            return None

    def _keeps(self, listener: str, data: list) -> str | None:
        """Why this listener's line is skipped, or ``None`` when it is kept."""
        if self.chosen is not None:
            return None if listener in self.chosen else "listener not in the sample"
        if len(data) < self.subsample.min_artists:
            return f"listener with fewer than {self.subsample.min_artists} artists"
        return None

    def _add(self, rows: _Rows, listener: str, data: list) -> None:
        entries = []
        for entry in data:
            try:
                name, mbid, plays = _entry(entry)
            except (TypeError, KeyError, ValueError, AttributeError):
                rows.skipped["malformed artist entry"] += 1
                continue
            if not name:
                rows.skipped["no artist"] += 1
            elif plays == 0:
                rows.skipped["no plays"] += 1
            else:
                entries.append((name, mbid, plays))
        if self.frequent is not None and entries:
            keep = self.frequent.keeps([name for name, _, _ in entries])
            rare = len(entries) - int(keep.sum())
            if rare:
                rows.skipped[f"artist with fewer than {self.subsample.min_listeners} kept listeners"] += rare
                entries = [entry for entry, kept in zip(entries, keep) if kept]
        for name, mbid, plays in entries:
            rows.listener.append(listener)
            rows.artist.append(name)
            rows.mbid.append(mbid)
            rows.plays.append(plays)


def _listener_of(line: bytes | None) -> str | None:
    """The user id of a line from a quick look (the draw and the skips need no JSON parsing)."""
    found = _USER_ID.search(line) if line is not None else None
    return str(int(found.group(1))) if found else None


def _valid_entries(data: list) -> Iterator[tuple[str, str | None, int]]:
    for entry in data:
        try:
            name, mbid, plays = _entry(entry)
        except (TypeError, KeyError, ValueError, AttributeError):
            continue
        if name and plays:
            yield name, mbid, plays


def _parse(source: Source, subsample: Subsample) -> Iterator[Chunk]:
    try:
        reader = _Reader(source, subsample)
        if subsample.draws:
            yield from reader.draw()
        if subsample.filters_artists:
            yield from reader.tally()
        yield from reader.rows()
    except zstdio.ZstdError as err:
        raise ImportFormatError(source.name, f"its zstd-compressed data is damaged ({err})") from None
    except EOFError:
        raise ImportFormatError(source.name, "ends before its compressed data does "
                                             "(an incomplete download?)") from None
    except tarfile.TarError as err:
        raise ImportFormatError(source.name, f"is a damaged tar archive ({err})") from None


LABEL = "ListenBrainz statistics: each listener's top artists (play counts)"


def stats_format(subsample: Subsample | None = None) -> Format:
    """The format, reading only what ``subsample`` keeps (the importer's key stays the same)."""
    return Format(key=KEY, label=LABEL, role="community", rows="counts", sniff=_sniff_artists,
                  parse=guarded(partial(_parse, subsample=subsample or Subsample())))


LISTENBRAINZ_STATS = stats_format()

LISTENBRAINZ_STATS_OTHER = Format(
    key="listenbrainz-stats-other", label="ListenBrainz statistics: other than top artists", role="ignore",
    rows="none", sniff=_sniff_other, parse=None,
    ignore_reason="only each listener's all-time top artists (artists_all_time.jsonl) are used")

FORMATS = [LISTENBRAINZ_STATS, LISTENBRAINZ_STATS_OTHER]
