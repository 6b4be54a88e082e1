"""Community research datasets: HetRec 2011 Last.fm 2K, Last.fm 360K and 1K (Celma 2010).

They are large tab-separated files with many listeners, so they are read
block by block with vectorised pandas code (see ``blocks``).  ``listener`` is
the dataset's own user id; the importer maps it to its listeners.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats.base import (
    MAX_PLAY_COUNT,
    MAX_REPORTED_LINES,
    MAX_TEXT_CHARS,
    Chunk,
    Format,
    Sample,
    Source,
)
from musicrec_gui.core.formats.blocks import Block, Parsed, iter_blocks, parse_block
from musicrec_gui.core.formats.frames import count_frame, listen_frame, strip_all
from musicrec_gui.core.formats.guard import guarded
from musicrec_gui.core.formats.text import LATIN1_NOTE, TextLines, complete_lines
from musicrec_gui.core.formats.times import epoch_array

_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _rows(sample: Sample, limit: int = 20) -> list[list[str]]:
    return [line.split("\t") for line in complete_lines(sample.text, limit) if line.strip()]


def _mostly(rows: list[list[str]], test) -> bool:
    """The first row passes ``test`` and so do most others (a few may be malformed)."""
    passed = [test(row) for row in rows]
    return bool(rows) and passed[0] and sum(passed) * 2 > len(rows)


def _chunk(frame: pd.DataFrame, rows_read: int, no_artist: int, bad_numbers: list[int],
           position: int, latin1: bool) -> Chunk:
    return Chunk(frame=frame, rows_read=rows_read,
                 skipped={"no artist": no_artist} if no_artist else {},
                 malformed=len(bad_numbers), malformed_lines=sorted(bad_numbers)[:MAX_REPORTED_LINES],
                 position=position, notes=[LATIN1_NOTE] if latin1 else [])


def _drop_header(block: Block, frame: pd.DataFrame, numbers: np.ndarray, column: int, name: str):
    """Drop line 1 when it is a header (its ``column`` cell reads ``name``)."""
    if block.first_line == 1 and len(numbers) and numbers[0] == 1 and frame[column].iat[0] == name:
        return frame.iloc[1:], numbers[1:]
    return frame, numbers


def _counts(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Play counts from text (or int64, parsed already): (values, valid) — whole numbers 0..MAX_PLAY_COUNT only."""
    try:
        numbers = text.to_numpy().astype(np.int64)      # the common case: every cell an integer
    except (ValueError, OverflowError):
        floats = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
        whole = ~np.isnan(floats) & (np.abs(floats) <= MAX_PLAY_COUNT) & (np.mod(floats, 1) == 0)
        numbers = np.where(whole, floats, -1).astype(np.int64)
    valid = (numbers >= 0) & (numbers <= MAX_PLAY_COUNT)
    return np.where(valid, numbers, 0), valid


def _short(parsed: Parsed, *columns: np.ndarray) -> np.ndarray | bool:
    """Rows whose text values are all at most ``MAX_TEXT_CHARS`` long (checked only where a line is long)."""
    if not parsed.long_lines:
        return True
    ok = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        ok &= np.fromiter(map(len, column), dtype=np.int64, count=len(column)) <= MAX_TEXT_CHARS
    return ok


# --- Last.fm 1K: user, ISO time, artist mbid, artist, track mbid, track -------

def _sniff_1k(sample: Sample) -> bool:
    rows = _rows(sample)
    if rows and rows[0][:2] == ["user", "timestamp"]:
        rows = rows[1:]                             # a header some copies add
    return _mostly(rows, lambda r: len(r) == 6 and bool(_ISO_Z.match(r[1])))


def _parse_1k(source: Source) -> Iterator[Chunk]:
    with source.open() as stream:
        for block in iter_blocks(stream):
            parsed = parse_block(block, 6)
            frame, numbers = _drop_header(block, parsed.frame, parsed.numbers, 1, "timestamp")
            users, artists = frame[0].to_numpy(), strip_all(frame[3].to_numpy())
            mbids, tracks = frame[2].to_numpy(), strip_all(frame[5].to_numpy())
            times = pd.to_datetime(frame[1], format="ISO8601", errors="coerce", utc=True)
            played_at, future = epoch_array(times)
            valid = (times.notna().to_numpy() & ~future & (users != "")
                     & _short(parsed, users, artists, mbids, tracks))
            keep = valid & (artists != "")
            frame = listen_frame(int(keep.sum()), listener=users[keep], artist=artists[keep],
                                 artist_mbid=mbids[keep], track=tracks[keep], played_at=played_at[keep])
            yield _chunk(frame, len(numbers) + len(parsed.bad), int((valid & ~keep).sum()),
                         parsed.bad + numbers[~valid].tolist(), block.position, parsed.latin1)


LASTFM_1K = Format(
    key="lastfm-1k", label="Last.fm dataset, 1K users (listens)", role="community", rows="listens",
    sniff=_sniff_1k, parse=guarded(_parse_1k))


# --- Last.fm 360K: user sha1, artist mbid, artist, plays -----------------------

def _parse_360k(source: Source) -> Iterator[Chunk]:
    with source.open() as stream:
        for block in iter_blocks(stream):
            parsed = parse_block(block, 4, integers=(3,))
            frame, numbers = parsed.frame, parsed.numbers
            users, artists, mbids = frame[0].to_numpy(), strip_all(frame[2].to_numpy()), frame[1].to_numpy()
            plays, valid = _counts(frame[3])
            valid &= (users != "") & _short(parsed, users, artists, mbids)
            keep = valid & (artists != "")
            counts = count_frame(int(keep.sum()), listener=users[keep], artist=artists[keep],
                                 artist_mbid=mbids[keep], plays=plays[keep])
            yield _chunk(counts, len(numbers) + len(parsed.bad), int((valid & ~keep).sum()),
                         parsed.bad + numbers[~valid].tolist(), block.position, parsed.latin1)


LASTFM_360K = Format(
    key="lastfm-360k", label="Last.fm dataset, 360K users (play counts)", role="community", rows="counts",
    sniff=lambda s: _mostly(_rows(s), lambda r: len(r) == 4 and bool(_SHA1.match(r[0]))
                            and r[3].strip().isdigit()),
    parse=guarded(_parse_360k))

LASTFM_360K_PROFILES = Format(
    key="lastfm-360k-profiles", label="Last.fm dataset, 360K users: profiles", role="ignore", rows="none",
    sniff=lambda s: _mostly(_rows(s), lambda r: len(r) == 5 and bool(_SHA1.match(r[0]))
                            and r[1] in ("m", "f", "")),
    parse=None, ignore_reason="listener profiles (gender, age, country), no plays")


# --- HetRec 2011 Last.fm 2K: user_artists.dat + artists.dat --------------------

_HETREC_HEADER = "userID\tartistID\tweight"
_HETREC_OTHERS = {"id\tname\turl\tpictureURL", "userID\tfriendID", "tagID\ttagValue",
                  "userID\tartistID\ttagID\tday\tmonth\tyear", "userID\tartistID\ttagID\ttimestamp"}


def _first_line(sample: Sample) -> str:
    lines = complete_lines(sample.text, 1)
    return lines[0].strip() if lines else ""


def _hetrec_names(source: Source) -> tuple[dict[str, str], bool]:
    """Artist id -> name from the ``artists.dat`` next to ``user_artists.dat``."""
    artists = source.sibling("artists.dat")
    if artists is None:
        raise ImportFormatError(source.name, "HetRec play counts name artists only by number: "
                                             "artists.dat must sit beside user_artists.dat")
    names: dict[str, str] = {}
    with artists.open() as stream:
        lines = TextLines(stream, skip_blank=True)
        for line in lines:
            fields = line.rstrip("\r\n").split("\t")
            name = fields[1].strip() if len(fields) >= 2 else ""
            if fields[0].strip().isdigit() and name and len(name) <= MAX_TEXT_CHARS:
                names[fields[0].strip()] = name
    if not names:
        raise ImportFormatError(source.name, f"the {artists.name} beside it names no artists (it is empty "
                                             "or not HetRec's id<TAB>name list), so no play can be credited")
    return names, bool(lines.latin1)


def _parse_hetrec(source: Source) -> Iterator[Chunk]:
    names, names_latin1 = _hetrec_names(source)
    with source.open() as stream:
        for block in iter_blocks(stream):
            parsed = parse_block(block, 3, integers=(2,))
            frame, numbers = _drop_header(block, parsed.frame, parsed.numbers, 1, "artistID")
            bad, latin1 = parsed.bad, parsed.latin1
            users = frame[0].to_numpy()
            ids = strip_all(frame[1].to_numpy())
            plays, valid = _counts(frame[2])
            valid &= (users != "") & np.array([i.isdigit() for i in ids], dtype=bool) & _short(parsed, users)
            artists = np.array([names.get(i) for i in ids], dtype=object)
            keep = valid & (artists != None)  # noqa: E711 - an id missing from artists.dat has no name
            counts = count_frame(int(keep.sum()), listener=users[keep], artist=artists[keep],
                                 plays=plays[keep])
            yield _chunk(counts, len(numbers) + len(bad), int((valid & ~keep).sum()),
                         bad + numbers[~valid].tolist(), block.position, latin1 or names_latin1)


HETREC = Format(
    key="hetrec-lastfm-2k", label="HetRec 2011 Last.fm 2K (play counts)", role="community", rows="counts",
    sniff=lambda s: _first_line(s) == _HETREC_HEADER, parse=guarded(_parse_hetrec))


def _sniff_hetrec_other(sample: Sample) -> bool:
    if _first_line(sample) in _HETREC_OTHERS:
        return True
    # Some copies of user_friends.dat have no header: two numbers a line.
    rows = _rows(sample)
    return len(rows) >= 2 and all(len(r) == 2 and r[0].isdigit() and r[1].strip().isdigit() for r in rows)


HETREC_OTHER = Format(
    key="hetrec-lastfm-2k-other", label="HetRec 2011 Last.fm 2K: side file", role="ignore", rows="none",
    sniff=_sniff_hetrec_other, parse=None,
    ignore_reason="artists, friends or tags: read only through user_artists.dat")

FORMATS = [HETREC, HETREC_OTHER, LASTFM_1K, LASTFM_360K, LASTFM_360K_PROFILES]
