"""Downloading the ListenBrainz statistics from a mirror on 127.0.0.1, then importing them.

The server serves a ``fullexport/`` listing, dump folders and a generated
archive in the published layout, and can cut, trickle, ignore ranges or lie
about checksums.  Everything runs offline.
"""
from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import listenbrainz_dump as dumps
import pytest

from musicrec_gui.core import library
from musicrec_gui.core.community import keep, listenbrainz, mirror
from musicrec_gui.core.download import ArchiveError, DownloadError
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.formats import zstdio
from musicrec_gui.core.jobs import Cancelled, StopToken
from musicrec_gui.core.store import Store

SPEC = dumps.Spec(users=80, mean_artists_per_user=50)
FULL = "listenbrainz-dump-2033-20260415-000003-full"
ARCHIVE = "listenbrainz-statistics-dump-20260415-000003.tar.zst"


def _index(names: list[str]) -> bytes:
    rows = "".join(f'<a href="{name}">{name}</a>   15-Apr-2026 12:00   -\n' for name in names)
    return f'<html><body><h1>Index</h1><pre><a href="../">../</a>\n{rows}</pre></body></html>'.encode()


class Mirror:
    """What the fake mirror serves and how it misbehaves; records what it sent."""

    def __init__(self, archive: bytes) -> None:
        self.archive = archive
        self.sha256 = hashlib.sha256(archive).hexdigest()
        self.cuts: list[int] = []          # each GET of the archive sends at most cuts.pop(0) bytes
        self.trickle_after: int | None = None
        self.ignore_range = False
        self.served = 0
        self.ranges: list[str | None] = []
        self.stopping = threading.Event()
        self.pages = {
            "/fullexport/": _index(["listenbrainz-dump-2031-20260401-000002-full/",
                                    "listenbrainz-dump-2032-20260408-000001-incremental/", f"{FULL}/",
                                    "listenbrainz-dump-2034-20260501-000005-full/",
                                    "https://elsewhere.example/listenbrainz-dump-9999-20990101-000000-full/"]),
            "/fullexport/listenbrainz-dump-2031-20260401-000002-full/":
                _index(["listenbrainz-statistics-dump-20260401-000002.tar.zst"]),
            f"/fullexport/{FULL}/": _index(["listenbrainz-public-dump-20260415-000003.tar.zst",
                                            ARCHIVE, ARCHIVE + ".md5", ARCHIVE + ".sha256"]),
            "/fullexport/listenbrainz-dump-2034-20260501-000005-full/":   # still being uploaded
                _index(["listenbrainz-public-dump-20260501-000005.tar.zst"]),
            "/empty/": _index(["README", "listenbrainz-dump-2032-20260408-000001-incremental/"]),
        }

    @property
    def archive_path(self) -> str:
        return f"/fullexport/{FULL}/{ARCHIVE}"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        plan: Mirror = self.server.plan
        if self.path == plan.archive_path:
            self._archive(plan, body)
            return
        if self.path == plan.archive_path + ".sha256":
            data = f"{plan.sha256}  {ARCHIVE}\n".encode()
        elif self.path in plan.pages:
            data = plan.pages[self.path]
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _archive(self, plan: Mirror, body: bool) -> None:
        data, start = plan.archive, 0
        wanted = self.headers.get("Range")
        if body:
            plan.ranges.append(wanted)
        if wanted and not plan.ignore_range:
            start = int(wanted.removeprefix("bytes=").rstrip("-"))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        if not body:
            return
        limit = plan.cuts.pop(0) if plan.cuts else len(data)
        piece = data[start:start + limit]
        if plan.trickle_after is not None:
            self.wfile.write(piece[:plan.trickle_after])
            plan.served += plan.trickle_after
            while not plan.stopping.wait(0.5):
                pass
            return
        for offset in range(0, len(piece), 8192):
            try:
                self.wfile.write(piece[offset:offset + 8192])
            except OSError:             # the client hung up (it stops after the member)
                return
            plan.served += len(piece[offset:offset + 8192])
        if limit < len(data) - start:
            self.close_connection = True


@pytest.fixture
def archive_bytes(tmp_path) -> bytes:
    return dumps.write_archive(tmp_path / "source.tar.zst", SPEC).read_bytes()


@pytest.fixture
def server(archive_bytes, monkeypatch):
    monkeypatch.setattr(listenbrainz, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.plan = Mirror(archive_bytes)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd.plan, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.plan.stopping.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _member() -> bytes:
    return b"".join(dumps.user_lines(SPEC))


def _unpacked(path) -> bytes:
    with open(path, "rb") as raw, zstdio.reader(raw) as stream:
        return stream.read()


def _newest(base):
    return mirror.find_newest(f"{base}/fullexport/")


# -- finding the dump ----------------------------------------------------------------------

def test_the_newest_full_dump_with_statistics_is_picked(server):
    plan, base = server
    dump = _newest(base)
    assert dump.folder == FULL and dump.url == base + plan.archive_path
    assert dump.size == len(plan.archive) and dump.date_text == "2026-04-15 00:00 UTC"


def test_a_listing_without_dumps_says_so(server):
    _, base = server
    with pytest.raises(DownloadError, match="lists no full ListenBrainz dump"):
        mirror.find_newest(f"{base}/empty/")
    with pytest.raises(DownloadError, match="404"):
        mirror.find_newest(f"{base}/nothing-here/")


def test_the_mirror_can_be_set_by_environment(monkeypatch):
    monkeypatch.delenv(mirror.MIRROR_ENV, raising=False)
    assert mirror.mirror_url() == mirror.LISTENBRAINZ_MIRROR
    monkeypatch.setenv(mirror.MIRROR_ENV, "http://127.0.0.1:1/copy")
    assert mirror.mirror_url("http://other/") == "http://127.0.0.1:1/copy/"


# -- downloading -----------------------------------------------------------------------------

def test_download_stops_after_the_member_and_saves_it_with_its_licence(server, tmp_path):
    plan, base = server
    events = []
    got = listenbrainz.download_artists(_newest(base), tmp_path / "dl", StopToken(), events.append)
    assert _unpacked(got.path) == _member() and got.member_bytes == len(_member())
    assert got.licence_path.read_text(encoding="utf-8") == dumps.COPYING
    assert got.downloaded_bytes < len(plan.archive) / 2  # the other statistics were never fetched
    assert any("SHA-256 not checked" in check for check in got.checks)
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == sorted([got.path.name, got.licence_path.name])
    assert events[-1].fraction == 1 and "downloaded" in events[-1].message


def test_the_whole_archive_can_be_checked_against_its_sha256(server, tmp_path):
    plan, base = server
    got = listenbrainz.download_artists(_newest(base), tmp_path / "dl", whole=True)
    assert plan.served == len(plan.archive)
    assert any("matches" in check for check in got.checks)

    plan.sha256 = "0" * 64
    with pytest.raises(ArchiveError, match="does not match its published SHA-256"):
        listenbrainz.download_artists(_newest(base), tmp_path / "again", whole=True)
    assert list((tmp_path / "again").iterdir()) == []


def test_cancel_mid_stream_leaves_nothing(server, tmp_path):
    plan, base = server
    plan.trickle_after = 20_000                         # then the server goes quiet
    dump = _newest(base)
    token, outcome = StopToken(), []

    def run():
        try:
            listenbrainz.download_artists(dump, tmp_path / "dl", token)
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(1.0)
    token.stop()
    worker.join(timeout=10)
    assert not worker.is_alive() and isinstance(outcome[0], Cancelled)
    assert list((tmp_path / "dl").iterdir()) == []


def test_a_cut_connection_resumes_with_a_range_within_the_call(server, tmp_path):
    plan, base = server
    plan.cuts = [15_000, 9_000]
    got = listenbrainz.download_artists(_newest(base), tmp_path / "dl")
    assert _unpacked(got.path) == _member()
    assert plan.ranges[:3] == [None, "bytes=15000-", "bytes=24000-"]


def test_a_truncated_stream_fails_clearly_and_the_next_call_resumes(server, tmp_path):
    plan, base = server
    plan.cuts = [10_000, 2_000, 2_000, 2_000]           # more cuts than retries
    dump = _newest(base)
    with pytest.raises(DownloadError, match="cut off"):
        listenbrainz.download_artists(dump, tmp_path / "dl")
    kept = tmp_path / "dl" / (ARCHIVE + ".part")
    assert kept.stat().st_size == 16_000 and plan.archive.startswith(kept.read_bytes())

    plan.ranges.clear()
    got = listenbrainz.download_artists(dump, tmp_path / "dl")
    assert plan.ranges[0] == "bytes=16000-" and _unpacked(got.path) == _member()
    assert not kept.exists()


def test_a_server_that_ignores_ranges_still_gives_the_right_bytes(server, tmp_path):
    plan, base = server
    plan.cuts, plan.ignore_range = [12_345], True
    got = listenbrainz.download_artists(_newest(base), tmp_path / "dl")
    assert _unpacked(got.path) == _member()


def _break_block(frame: bytes, index: int) -> bytes:
    """``frame`` with its ``index``-th block marked with the reserved block type (a decoder must refuse it)."""
    descriptor = frame[4]
    single = descriptor >> 5 & 1
    fcs = [single, 2, 4, 8][descriptor >> 6]
    position = 5 + (0 if single else 1) + [0, 1, 2, 4][descriptor & 3] + fcs
    for _ in range(index):
        header = int.from_bytes(frame[position:position + 3], "little")
        position += 3 + (1 if header >> 1 & 3 == 1 else header >> 3)     # an RLE block holds one byte
    header = int.from_bytes(frame[position:position + 3], "little") | 0b110
    return frame[:position] + header.to_bytes(3, "little") + frame[position + 3:]


def test_a_corrupt_zstd_frame_is_a_damaged_archive_and_nothing_is_kept(server, tmp_path):
    plan, base = server
    plan.archive = _break_block(plan.archive, 2)          # inside the artists member
    with pytest.raises(ArchiveError, match="compressed data is damaged"):
        listenbrainz.download_artists(_newest(base), tmp_path / "dl")
    assert list((tmp_path / "dl").iterdir()) == []


def test_an_archive_without_the_artists_statistics_is_refused(server, tmp_path):
    plan, base = server
    tar, _ = dumps.tar_bytes(SPEC, with_artists=False)
    # Garbage 40 KB in, inside the first other statistics file: reached only if reading went on.
    plan.archive = zstdio.compress(tar[:40_000]) + zstdio.MAGIC + b"\x00not zstd" * 100
    with pytest.raises(ArchiveError, match="without statistics/artists_all_time.jsonl"):
        listenbrainz.download_artists(_newest(base), tmp_path / "dl")
    assert list((tmp_path / "dl").iterdir()) == []


def test_a_truncated_archive_is_refused(server, tmp_path):
    plan, base = server
    tar, end = dumps.tar_bytes(SPEC)
    plan.archive = zstdio.compress(tar[:end // 2])
    with pytest.raises(ArchiveError, match="ends early|not a readable tar"):
        listenbrainz.download_artists(_newest(base), tmp_path / "dl")


# -- importing -------------------------------------------------------------------------------

def test_download_then_import_and_importing_again_adds_nothing(server, tmp_path):
    _, base = server
    got = listenbrainz.download_artists(_newest(base), tmp_path / "dl")
    store = Store(tmp_path / "s.sqlite3")
    [report] = listenbrainz.import_artists(store, [got.path], "all")
    want = dumps.expected(SPEC)
    assert report.error is None and report.format == "listenbrainz-stats" and report.added == want["pairs"]
    assert library.store_stats(store)["plays"] == want["plays"]
    assert library.store_stats(store)["community_listeners"] == want["listeners"]

    again = listenbrainz.download_artists(_newest(base), tmp_path / "dl")
    assert again.path == got.path and again.checks == [f"already downloaded: {got.path.name}"]
    [second] = listenbrainz.import_artists(store, [again.path], "all")
    assert second.added == 0 and library.store_stats(store)["plays"] == want["plays"]


def test_the_keep_choice_reaches_the_parser(server, tmp_path):
    _, base = server
    got = listenbrainz.download_artists(_newest(base), tmp_path / "dl")
    store = Store(tmp_path / "s.sqlite3")
    [report] = listenbrainz.import_artists(store, [got.path], "quick")
    eligible = sum(1 for line in dumps.user_lines(SPEC) if line.count(b'"artist_name"') >= keep.MIN_ARTISTS)
    assert library.store_stats(store)["community_listeners"] == eligible
    assert any("artists named by at least 5" in note for note in report.notes)


# -- keep choices and estimates ----------------------------------------------------------------

def test_keep_choices_and_estimates():
    assert list(keep.KEEP_CHOICES) == ["quick", "large", "all"]
    with pytest.raises(MusicRecError, match="choose one of quick, large, all"):
        keep.keep_choice("most")
    quick, large, everything = (keep.estimate(k, 500_000) for k in ("quick", "large", "all"))
    assert quick.listeners == 20_000 and large.listeners == 100_000 and everything.listeners == 500_000
    assert quick.pairs < large.pairs < everything.pairs
    assert quick.store_bytes < large.store_bytes and quick.train_seconds < large.train_seconds
    assert keep.estimate("large", 30_000).listeners == 30_000
    assert keep.estimate("quick").listeners == 20_000 and keep.estimate("all") is None
    assert "listeners" in quick.text() and "GB" in quick.text()
    assert keep.listeners_in(len(b"x" * 1_750_000)) == 100


def test_estimated_bytes_per_entry_match_generated_lines():
    """The constant behind listeners_in() is close to what realistic lines take."""
    lines = list(dumps.user_lines(dumps.Spec(users=200, full_users=0)))
    entries = sum(line.count(b'"artist_name"') for line in lines)
    per_entry = sum(map(len, lines)) / entries
    assert 0.6 < per_entry / keep.ESTIMATE_CONSTANTS["json_bytes_per_pair"] < 1.4



def test_the_whole_use_case_in_one_call(server, tmp_path):
    _, base = server
    store = Store(tmp_path / "s.sqlite3")
    with pytest.raises(MusicRecError, match="unknown --keep value"):
        listenbrainz.download_and_import(store, "most", f"{base}/fullexport/", tmp_path / "dl")
    assert not (tmp_path / "dl").exists()
    got, [report] = listenbrainz.download_and_import(store, "all", f"{base}/fullexport/", tmp_path / "dl")
    assert got.dump.folder == FULL and report.added == dumps.expected(SPEC)["pairs"]


def test_an_archive_over_the_cap_is_refused_before_anything_is_written(server, tmp_path, monkeypatch):
    plan, base = server
    monkeypatch.setattr(listenbrainz, "MAX_ARCHIVE_BYTES", len(plan.archive) - 1)
    with pytest.raises(DownloadError, match="more than the"):
        listenbrainz.download_artists(_newest(base), tmp_path / "dl")
    assert list((tmp_path / "dl").iterdir()) == [] and plan.ranges == [None]


# -- the CLI ---------------------------------------------------------------------------------

def test_the_cli_shows_the_newest_dump_downloads_it_and_imports_with_a_keep_choice(server, capsys, musicrec_home):
    import json

    from musicrec_gui.cli import main as cli_main

    plan, base = server
    assert cli_main(["community", "newest", "listenbrainz", "--mirror", f"{base}/fullexport/", "--json"]) == 0
    newest = json.loads(capsys.readouterr().out)
    assert newest["url"] == base + plan.archive_path and newest["licence"].startswith("CC0")
    assert newest["estimates"]["quick"] and newest["estimates"]["all"] is None
    code = cli_main(["community", "download", "listenbrainz", "--keep", "all", "--mirror", f"{base}/fullexport/",
                     "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    [source] = result["sources"]
    assert source["format"] == "listenbrainz-stats" and source["added"] == dumps.expected(SPEC)["pairs"]
    assert any("CC0" in note for note in result["notes"])
    saved = next((musicrec_home / "downloads" / "listenbrainz").glob("*.jsonl.zst"))
    # The downloaded file imports again through `musicrec import … --keep`: nothing new.
    assert cli_main(["import", str(saved), "--keep", "all", "--json"]) == 0
    [again] = json.loads(capsys.readouterr().out)["sources"]
    assert again["added"] == 0
