"""Listening-history files: finding them, recognising their format, parsing them.

Typical use by the importer::

    for source in iter_sources(path):
        fmt = detect(read_sample(source))
        if fmt is None or fmt.role == "ignore":
            ...                                  # report and go on
        for chunk in fmt.parse(source):
            ...                                  # chunk.frame has LISTEN_/COUNT_COLUMNS

Detection looks only at content (header line, JSON keys), never at names.
Every failure is an ``ImportFormatError``; malformed rows are counted in the
chunks instead.  A file can fail half-way (e.g. invalid JSON near its end),
after some chunks were yielded.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats import (
    apple,
    datasets,
    lastfm,
    listenbrainz,
    listenbrainz_stats,
    scrobblers,
    spotify,
    youtube,
)
from musicrec_gui.core.formats.base import COUNT_COLUMNS, LISTEN_COLUMNS, SAMPLE_BYTES, Chunk, Format, Sample, Source
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.mapped import ColumnMapping, mapped_format, preview_table
from musicrec_gui.core.formats.mapped import parse_mapped as _parse_mapped
from musicrec_gui.core.formats.sources import NESTED_ZIP, iter_sources
from musicrec_gui.core.formats.text import decode_head

EMPTY_LIST = Format(
    key="empty-json-list", label="Empty JSON list", role="ignore", rows="none",
    sniff=lambda sample: re.fullmatch(r"\s*\[\s*\]\s*", sample.text) is not None, parse=None,
    ignore_reason="the file is an empty list (exports write these for months without plays)")

# Most specific first: binary and JSON keys, then CSV headers, then the
# header-less layouts that are recognised by the shape of their lines.
FORMATS: list[Format] = [
    NESTED_ZIP,
    EMPTY_LIST,
    *listenbrainz_stats.FORMATS,            # zstd/tar heads and JSON lines keyed by user_id
    *spotify.FORMATS,
    *listenbrainz.FORMATS,
    *lastfm.FORMATS,
    *youtube.FORMATS,
    *scrobblers.FORMATS,
    spotify.SPOTIFY_OTHER,
    *apple.FORMATS,
    datasets.HETREC,                        # HetRec user_artists.dat (by header)
    datasets.LASTFM_1K,
    datasets.LASTFM_360K,
    datasets.LASTFM_360K_PROFILES,
    lastfm.LASTFM_TO_CSV,
    datasets.HETREC_OTHER,                  # includes header-less "number<TAB>number" files
]


def read_sample(source: Source, size: int = SAMPLE_BYTES) -> Sample:
    """The first ``size`` bytes of ``source`` and their text (UTF-8, else Latin-1; BOM removed)."""
    try:
        with source.open() as stream:
            parts = []
            left = size
            while left > 0:
                part = stream.read(left)
                if not part:
                    break
                parts.append(part)
                left -= len(part)
    except ImportFormatError:
        raise
    except OSError as err:
        raise ImportFormatError(source.name, f"cannot be read ({err.strerror or 'read error'})") from None
    head = b"".join(parts)
    return Sample(head=head, text=decode_head(head), name=source.name)


def detect(sample: Sample) -> Format | None:
    """The first format in ``FORMATS`` that recognises the sample's content, or ``None``."""
    for fmt in FORMATS:
        try:
            if fmt.sniff(sample):
                return fmt
        except Exception:  # noqa: BLE001 - a sniffer that trips over odd input just says no
            continue
    return None


def parse(source: Source, fmt: Format | None = None) -> Iterator[Chunk]:
    """Detect (unless ``fmt`` is given) and parse ``source``.

    Raises ``ImportFormatError`` for unknown formats and for formats that hold
    no listening data (role "ignore").
    """
    if fmt is None:
        fmt = detect(read_sample(source))
    if fmt is None:
        raise ImportFormatError(source.name, "is not a listening-history format this app knows; "
                                             "try importing it as a table with your own column mapping")
    if fmt.parse is None:
        raise ImportFormatError(source.name, f"{fmt.label}: {fmt.ignore_reason or 'holds no listening data'}")
    return fmt.parse(source)


parse_mapped = guarded(_parse_mapped)

__all__ = [
    "COUNT_COLUMNS", "LISTEN_COLUMNS", "Chunk", "ColumnMapping", "FORMATS", "Format", "ImportFormatError",
    "Sample", "Source", "detect", "iter_sources", "mapped_format", "parse", "parse_mapped", "preview_table",
    "read_sample",
]
