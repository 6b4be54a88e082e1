"""Generic delimited files read with a user-chosen column mapping."""
from __future__ import annotations

import pandas as pd
import pytest
from _fmt_support import bytes_source, check_chunk_contract

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats import ColumnMapping, parse_mapped, preview_table
from musicrec_gui.core.formats.base import COUNT_COLUMNS, LISTEN_COLUMNS


def collect(data: bytes, mapping: ColumnMapping):
    chunks = list(parse_mapped(bytes_source(data), mapping))
    for chunk in chunks:
        check_chunk_contract(chunk, 0)
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    return frame, chunks


def test_preview_guesses_delimiter_and_header() -> None:
    data = b"listener;band;plays\nann;Abba;12\nbob;Blur;3\n"
    delimiter, header, rows = preview_table(bytes_source(data))
    assert delimiter == ";" and header == ["listener", "band", "plays"]
    assert rows == [["ann", "Abba", "12"], ["bob", "Blur", "3"]]


def test_preview_without_header_and_row_limit() -> None:
    data = b"".join(b"Abba\tSOS\t2020-01-01T10:00:00Z\n" for _ in range(30))
    delimiter, header, rows = preview_table(bytes_source(data), n=5)
    assert delimiter == "\t" and header is None and len(rows) == 5


def test_count_rows() -> None:
    data = b"listener;band;plays\nann;Abba;12\nbob;Blur;lots\nann;;4\n"
    frame, chunks = collect(data, ColumnMapping(";", True, artist=1, user=0, count=2))
    assert list(frame.columns) == COUNT_COLUMNS
    assert frame[["listener", "artist", "plays"]].values.tolist() == [["ann", "Abba", 12]]
    assert sum(c.malformed for c in chunks) == 1 and chunks[0].malformed_lines == [3]
    assert chunks[0].skipped == {"no artist": 1}


def test_listen_rows_with_mixed_time_encodings() -> None:
    data = (b"Abba,SOS,2020-01-01T10:00:00Z\n"
            b"Abba,SOS,1577872800\n"
            b"Abba,SOS,1577872800000\n"
            b"Abba,SOS,2020-01-01 10:00\n"
            b"Abba,SOS,\n"
            b"Abba,SOS,tomorrow\n"
            b"Abba\n")
    frame, chunks = collect(data, ColumnMapping(",", False, artist=0, track=1, timestamp=2))
    assert list(frame.columns) == LISTEN_COLUMNS
    assert [None if pd.isna(v) else int(v) for v in frame["played_at"]] == [1577872800] * 4 + [None]
    assert chunks[-1].malformed_lines == [6, 7]


def test_rows_without_time_are_listens_at_unknown_time() -> None:
    frame, _ = collect(b"Abba\nBlur\n", ColumnMapping(",", False, artist=0))
    assert frame["artist"].tolist() == ["Abba", "Blur"] and frame["played_at"].isna().all()


@pytest.mark.parametrize("mapping", [ColumnMapping(",", False, artist=0, count=1, timestamp=2),
                                     ColumnMapping(",,", False, artist=0),
                                     ColumnMapping(",", False, artist=-1)])
def test_unusable_mapping_is_an_import_error(mapping: ColumnMapping) -> None:
    with pytest.raises(ImportFormatError):
        list(parse_mapped(bytes_source(b"a,b,c\n"), mapping))
