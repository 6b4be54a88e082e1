"""ListenBrainz exports: JSON Lines (2024+ zip), JSON list (2019–2024), flat 2018 list.

``listened_at``/``timestamp`` are Unix seconds (UTC).  ``duration_ms`` in
``additional_info`` is the track's length, not how long it was heard, so
``ms_played`` stays unknown.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats.base import Chunk, Format, Sample, Source
from musicrec_gui.core.formats.frames import Batch, chunks
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.jsonstream import first_record, head, iter_array, iter_lines, line_record, load


def _first_mbid(*holders: Any) -> str | None:
    """The first artist MBID from ``mbid_mapping`` or ``additional_info``."""
    for holder in holders:
        if isinstance(holder, dict):
            mbids = holder.get("artist_mbids")
            if isinstance(mbids, list) and mbids and isinstance(mbids[0], str):
                return mbids[0]
    return None


def _listen_row(batch: Batch, record: dict) -> None:
    meta = record["track_metadata"]
    batch.add_listen(meta["artist_name"], meta.get("track_name"), meta.get("release_name"),
                     batch.epoch(record["listened_at"]),
                     artist_mbid=_first_mbid(meta.get("mbid_mapping"), meta.get("additional_info")))


def _legacy_row(batch: Batch, record: dict) -> None:
    batch.add_listen(record["artist_name"], record.get("track_name"), record.get("release_name"),
                     batch.epoch(record["timestamp"]), artist_mbid=_first_mbid(record.get("additional_info")))


def _is_listen(record: Any) -> bool:
    return isinstance(record, dict) and "listened_at" in record and "track_metadata" in record


def _parse_lines(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(iter_lines(source, batch.note), _listen_row, batch)


def _parse_array(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    if _first_char(source) == "[":
        return chunks(iter_array(source, batch.note), _listen_row, batch)
    # An object wrapping the list: {"listens": [...]} or the API's {"payload": {"listens": [...]}}.
    document, size = load(source, batch.note)
    listens = document.get("listens") if isinstance(document, dict) else None
    if listens is None and isinstance(document, dict) and isinstance(document.get("payload"), dict):
        listens = document["payload"].get("listens")
    if not isinstance(listens, list):
        raise ImportFormatError(source.name, "has no list of listens")
    return chunks(((i, r, size) for i, r in enumerate(listens, start=1)), _listen_row, batch)


def _first_char(source: Source) -> str:
    """The first character that is not blank (a list or a wrapping object?)."""
    with source.open() as stream:
        start = stream.read(4096).decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    return start[:1]


def _sniff_array(sample: Sample) -> bool:
    found = head(sample.text)
    if found.kind == "array":
        return _is_listen(found.first)
    if found.kind != "object":
        return False
    keys = found.keys
    payload = keys.get("payload")
    listens = keys.get("listens", payload.get("listens") if isinstance(payload, dict) else None)
    return isinstance(listens, list) and (not listens or _is_listen(listens[0]))


def _parse_legacy(source: Source) -> Iterator[Chunk]:
    batch = Batch()
    return chunks(iter_array(source, batch.note), _legacy_row, batch)


LISTENBRAINZ_JSONL = Format(
    key="listenbrainz-jsonl", label="ListenBrainz export (JSON Lines)", role="personal", rows="listens",
    sniff=lambda s: _is_listen(line_record(s.text)), parse=guarded(_parse_lines))

LISTENBRAINZ_JSON = Format(
    key="listenbrainz-json", label="ListenBrainz export (JSON)", role="personal", rows="listens",
    sniff=_sniff_array, parse=guarded(_parse_array))

LISTENBRAINZ_2018 = Format(
    key="listenbrainz-2018", label="ListenBrainz export, 2018 (flat JSON)", role="personal", rows="listens",
    sniff=lambda s: {"timestamp", "artist_name", "track_name"} <= first_record(s.text).keys(),
    parse=guarded(_parse_legacy))

# The other files of the 2024+ export zip hold no listens.
LISTENBRAINZ_USER = Format(
    key="listenbrainz-user", label="ListenBrainz export: user.json", role="ignore", rows="none",
    sniff=lambda s: head(s.text).kind == "object" and {"user_id", "username"} <= head(s.text).keys.keys(),
    parse=None, ignore_reason="account details, no listens")

LISTENBRAINZ_FEEDBACK = Format(
    key="listenbrainz-feedback", label="ListenBrainz export: feedback.jsonl", role="ignore", rows="none",
    sniff=lambda s: "score" in line_record(s.text)
    and bool({"recording_msid", "recording_mbid"} & line_record(s.text).keys()),
    parse=None, ignore_reason="loved/hated tracks, not listens")

FORMATS = [LISTENBRAINZ_JSONL, LISTENBRAINZ_JSON, LISTENBRAINZ_2018, LISTENBRAINZ_USER, LISTENBRAINZ_FEEDBACK]
