"""Property tests: whatever the bytes, detection and parsing fail only with ImportFormatError."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from _fmt_support import EXPORTS, HETREC, bytes_source, require
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats import FORMATS, ColumnMapping, blocks, detect, parse_mapped, preview_table, read_sample
from musicrec_gui.core.formats.datasets import LASTFM_1K

PARSERS = [fmt for fmt in FORMATS if fmt.parse is not None]

# Real files to mutate: small ones whole, big ones by their first 16 KiB (enough for every layout).
REAL_FILES = sorted(p for p in EXPORTS.rglob("*") if p.is_file() and p.name != "README.md")
if HETREC.exists():
    REAL_FILES.append(HETREC / "user_artists.dat")
HEAD_BYTES = 16384
# Under CI missing data must fail, not skip (``require`` below does that).
NO_DATA = not REAL_FILES and not os.environ.get("CI")


def consume(source, fmt) -> None:
    """Parse completely; only ImportFormatError may escape."""
    try:
        for _ in fmt.parse(source):
            pass
    except ImportFormatError:
        pass


def detect_and_parse(data: bytes) -> None:
    source = bytes_source(data, "fuzz")
    fmt = detect(read_sample(source))
    if fmt is not None and fmt.parse is not None:
        consume(source, fmt)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_arbitrary_bytes_through_every_parser(data: bytes) -> None:
    detect_and_parse(data)
    for fmt in PARSERS:
        consume(bytes_source(data, "fuzz"), fmt)


# Text that looks a little like the real layouts, so parsers get past their headers.
LINE_PIECES = st.sampled_from([
    "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid", "Artist;Album;AlbumId;Track;Date#u",
    "userID\tartistID\tweight", "#AUDIOSCROBBLER/1.1", "+ACM- x,,,", "Artist,Track,Album,Time",
    "user_000001\t2009-05-04T23:08:57Z\t\tA\t\tT", '"1720688852","11 Jul 2024, 09:07","A","","B","","T",""',
    "A,B,C,20 Nov 2020 09:35", "A,B,C,", '{"listened_at": 1, "track_metadata": {"artist_name": "A"}}',
    '[{"endTime":"2021-02-02 08:35","artistName":"A","trackName":"T","msPlayed":40000}', ",", "\t", ";", '"',
    "{", "}", "[", "]", "0", "-1", "1e400", "null", "\r", "\ufeff", "é", "\x00", "\x85",
])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(LINE_PIECES, max_size=6).map("".join), max_size=12).map("\n".join))
def test_layout_like_text_through_every_parser(text: str) -> None:
    data = text.encode("utf-8")
    detect_and_parse(data)
    for fmt in PARSERS:
        consume(bytes_source(data, "fuzz"), fmt)


@st.composite
def mutated_real_file(draw):
    path: Path = draw(st.sampled_from(REAL_FILES or [EXPORTS]))
    if not path.is_file():
        return path, b""                            # the test body reports the missing data
    with open(path, "rb") as handle:
        data = bytearray(handle.read(HEAD_BYTES))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b",", b"\t", b";", b"\n", b"\r\n", b'"', b"{", b"]", b"\xff",
                                                b"\xc3", b"\x00", b"0", b"-", b"#"]))
        else:
            del data[at:at + draw(st.integers(1, 50))]
    return path, bytes(data)


@pytest.mark.skipif(NO_DATA, reason=f"real export files not available at {EXPORTS}")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_real_file())
def test_mutated_real_files(case) -> None:
    path, data = case
    require(path)
    detect_and_parse(data)
    # Also force the parser of the original file onto the damaged bytes.
    original = detect(read_sample(bytes_source(path.read_bytes()[:HEAD_BYTES], path.name)))
    if original is not None and original.parse is not None:
        consume(bytes_source(data, path.name), original)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([",", "\t", ";", "|"]), st.booleans(),
       st.integers(0, 4), st.none() | st.integers(0, 4), st.none() | st.integers(0, 4))
def test_mapped_reading_never_raises_other_errors(data, delimiter, header, artist, count, timestamp) -> None:
    source = bytes_source(data, "fuzz")
    preview_table(source)
    mapping = ColumnMapping(delimiter, header, artist=artist, count=count, timestamp=timestamp)
    try:
        for _ in parse_mapped(source, mapping):
            pass
    except ImportFormatError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 8), min_size=1, max_size=40), st.sampled_from([64, 256, 1 << 20]))
def test_1k_reports_exactly_the_lines_with_the_wrong_field_count(widths, block_bytes) -> None:
    # Line i has widths[i] fields (0 = blank line); only six-field lines are rows.
    fields = ["user_000001", "2009-05-04T23:08:57Z", "", "Artist", "", "Track", "x", "y"]
    lines = ["\t".join(fields[:w]) for w in widths]
    data = ("\n".join(lines) + "\n").encode()
    saved = blocks.BLOCK_BYTES
    blocks.BLOCK_BYTES = block_bytes
    try:
        chunks = list(LASTFM_1K.parse(bytes_source(data)))
    finally:
        blocks.BLOCK_BYTES = saved
    bad = [i for i, w in enumerate(widths, start=1) if w not in (0, 6)]
    # A one-field line is only "user_000001", which is not blank: malformed too.
    assert sum(c.malformed for c in chunks) == len(bad)
    assert sum(len(c.frame) for c in chunks) == widths.count(6)
    for chunk in chunks:                            # no shifted columns
        assert set(chunk.frame["artist"]) <= {"Artist"} and set(chunk.frame["track"]) <= {"Track"}
    assert sorted(n for c in chunks for n in c.malformed_lines)[:10] == bad[:10]
