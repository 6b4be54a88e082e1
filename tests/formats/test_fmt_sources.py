"""Files, folders and zips: what ``iter_sources`` yields, and the zip safety limits."""
from __future__ import annotations

import io
import json
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from _fmt_support import HETREC, bytes_source, detect_source, require, run

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats import iter_sources, read_sample
from musicrec_gui.core.formats.sources import CountingReader

SPOTIFY = json.dumps([{"endTime": "2024-09-23 07:36", "artistName": "結束バンド", "trackName": "月並みに輝け",
                       "msPlayed": 247426}]).encode()


def write_zip(path: Path, members: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if name in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return path


def names(path: Path, **limits) -> list[str]:
    return [source.name.removeprefix(str(path) + "/") for source in iter_sources(path, **limits)]


def test_plain_file_is_one_source(tmp_path: Path) -> None:
    path = tmp_path / "StreamingHistory_music_0.json"
    path.write_bytes(SPOTIFY)
    (source,) = list(iter_sources(path))
    assert source.size == len(SPOTIFY)
    assert run(source).frame["artist"].tolist() == ["結束バンド"]


def test_zip_members_are_read_in_place_and_unsafe_ones_refused(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("x.json", SPOTIFY)
    path = write_zip(tmp_path / "my_spotify_data.zip", {
        "MyData/": b"",
        "MyData/StreamingHistory_music_0.json": SPOTIFY,
        "MyData/.DS_Store": b"junk",
        "__MACOSX/MyData/._StreamingHistory_music_0.json": b"junk",
        "../evil.json": SPOTIFY,
        "/abs.json": SPOTIFY,
        "link.json": b"/etc/passwd",
        "inner.zip": inner.getvalue(),
    }, symlinks=("link.json",))
    sources = {s.name.removeprefix(str(path) + "/"): s for s in iter_sources(path)}
    assert sorted(sources) == ["../evil.json", "/abs.json", "MyData/StreamingHistory_music_0.json",
                               "inner.zip", "link.json"]
    assert run(sources["MyData/StreamingHistory_music_0.json"]).emitted == 1
    for unsafe in ("../evil.json", "/abs.json", "link.json"):
        with pytest.raises(ImportFormatError, match="not read"):
            read_sample(sources[unsafe])
    nested = detect_source(sources["inner.zip"])
    assert nested is not None and nested.key == "nested-zip" and nested.role == "ignore"
    assert not (tmp_path / "MyData").exists()                  # nothing was extracted


def test_zip_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    disguised = write_zip(tmp_path / "export.dat", {"a.json": SPOTIFY})
    assert names(disguised) == ["a.json"]
    fake = tmp_path / "not-really.zip"
    fake.write_bytes(b"artist,track\n")
    assert [s.name for s in iter_sources(fake)] == [str(fake)]


def test_counting_reader_stops_at_its_limit() -> None:
    reader = io.BufferedReader(CountingReader(io.BytesIO(b"x" * 1000), 100, "member"))
    with pytest.raises(ImportFormatError, match="declared size"):
        reader.read()
    exact = io.BufferedReader(CountingReader(io.BytesIO(b"x" * 100), 100, "member"))
    assert exact.read() == b"x" * 100


def test_member_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "big.zip", {"a.json": SPOTIFY})
    (source,) = list(iter_sources(path, max_member_bytes=10))
    with pytest.raises(ImportFormatError, match="larger than"):
        read_sample(source)


def test_member_whose_header_lies_about_its_size(tmp_path: Path) -> None:
    path = tmp_path / "lying.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.json", SPOTIFY)
    data = bytearray(path.read_bytes())
    # Declare 10 bytes (compressed and uncompressed) in the local and central headers.
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<II", data, local + 18, 10, 10)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<II", data, central + 20, 10, 10)
    path.write_bytes(bytes(data))
    (source,) = list(iter_sources(path))
    assert source.size == 10
    with pytest.raises(ImportFormatError):
        list(run(source, detect_source(bytes_source(SPOTIFY))).frames)


def test_too_many_members(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "many.zip", {f"{i}.json": b"[]" for i in range(5)})
    with pytest.raises(ImportFormatError, match="at most 3"):
        list(iter_sources(path, max_members=3))
    assert len(names(path, max_members=5)) == 5


def test_total_size_limit(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "bomb.zip", {f"{i}.json": b" " * 100 for i in range(3)})
    with pytest.raises(ImportFormatError, match="unpack"):
        list(iter_sources(path, max_total_bytes=250))


def test_not_a_readable_zip(tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(ImportFormatError, match="zip"):
        list(iter_sources(path))


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError):
        list(iter_sources(tmp_path / "nope"))


def test_folder_is_walked_sorted_without_os_junk(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "a" / "StreamingHistory_music_0.json").write_bytes(SPOTIFY)
    (tmp_path / "a" / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "a" / "._StreamingHistory_music_0.json").write_bytes(b"junk")
    (tmp_path / "__MACOSX" / "x.json").write_bytes(b"junk")
    (tmp_path / "b" / ".scrobbler.log").write_bytes(b"#AUDIOSCROBBLER/1.1\n#TZ/UTC\nA\tB\tC\t1\t100\tL\t1577836800\t\n")
    write_zip(tmp_path / "b" / "export.zip", {"inside/x.json": SPOTIFY})
    found = [Path(s.name).relative_to(tmp_path).as_posix() for s in iter_sources(tmp_path)]
    assert found == ["a/StreamingHistory_music_0.json", "b/.scrobbler.log", "b/export.zip/inside/x.json"]


def test_sibling_in_folder_and_zip(tmp_path: Path) -> None:
    artists = b"id\tname\turl\tpictureURL\n51\tDuran Duran\tu\tp\n"
    counts = b"userID\tartistID\tweight\r\n2\t51\t13883\r\n"
    (tmp_path / "hetrec").mkdir()
    (tmp_path / "hetrec" / "artists.dat").write_bytes(artists)
    (tmp_path / "hetrec" / "user_artists.dat").write_bytes(counts)
    by_name = {Path(s.name).name: s for s in iter_sources(tmp_path / "hetrec")}
    assert run(by_name["user_artists.dat"]).frame["artist"].tolist() == ["Duran Duran"]
    zipped = write_zip(tmp_path / "hetrec.zip", {"hetrec/artists.dat": artists, "hetrec/user_artists.dat": counts,
                                                 "elsewhere/user_artists.dat": counts})
    by_name = {s.name.removeprefix(str(zipped) + "/"): s for s in iter_sources(zipped)}
    assert run(by_name["hetrec/user_artists.dat"]).frame["plays"].tolist() == [13883]
    assert by_name["elsewhere/user_artists.dat"].sibling("artists.dat") is None
    with pytest.raises(ImportFormatError, match="artists.dat"):
        run(by_name["elsewhere/user_artists.dat"])


def test_real_hetrec_from_a_zip(tmp_path: Path) -> None:
    folder = require(HETREC)
    path = tmp_path / "hetrec2011-lastfm-2k.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("user_artists.dat", "artists.dat", "user_friends.dat"):
            archive.write(folder / name, f"hetrec2011-lastfm-2k/{name}")
    results = {}
    for source in iter_sources(path):
        fmt = detect_source(source)
        results[source.name.rsplit("/", 1)[1]] = (fmt.key, run(source).emitted if fmt.parse else None)
    assert results["user_artists.dat"] == ("hetrec-lastfm-2k", 92834)
    assert results["artists.dat"][0] == results["user_friends.dat"][0] == "hetrec-lastfm-2k-other"
