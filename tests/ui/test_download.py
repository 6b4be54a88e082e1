"""Downloading HetRec: the core function against a local HTTP server, then the window's flow.

(``musicrec_gui/core/download.py`` has no Qt; its tests live here beside the UI that uses it.)
"""
from __future__ import annotations

import errno
import io
import socket
import threading
import urllib.error
import zipfile
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler

import pytest

from musicrec_gui.core import download
from musicrec_gui.core.download import ArchiveError, DownloadError
from musicrec_gui.core.jobs import Cancelled, StopToken

from .conftest import table_counts, wait_idle

USER_ARTISTS = "userID\tartistID\tweight\n2\t51\t13883\n2\t52\t11690\n3\t51\t228\n4\t53\t100\n"
ARTISTS = ("id\tname\turl\tpictureURL\n51\tDuran Duran\thttp://www.last.fm/music/Duran+Duran\t\n"
           "52\tMorcheeba\thttp://www.last.fm/music/Morcheeba\t\n53\tAir\thttp://www.last.fm/music/Air\t\n")


def hetrec_zip(members: dict[str, str] | None = None) -> bytes:
    """A small archive laid out like GroupLens's, with a few synthetic lines."""
    members = members or {"user_artists.dat": USER_ARTISTS, "artists.dat": ARTISTS}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(f"hetrec2011-lastfm-2k/{name}", text)
        archive.writestr("hetrec2011-lastfm-2k/readme.txt", "synthetic test data\n" * 2000)
    return buffer.getvalue()


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:   # keep test output clean
        pass

    def do_GET(self) -> None:
        if self.path == "/cut-off.zip":   # promises more than it sends, then hangs up
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"PK\x03\x04" + b"x" * 1000)
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    """Serves ``tmp_path/www`` on 127.0.0.1 (a free port); yields (folder, base address)."""
    root = tmp_path / "www"
    root.mkdir()
    good = hetrec_zip()
    (root / "good.zip").write_bytes(good)
    (root / "truncated.zip").write_bytes(good[: len(good) // 2])
    (root / "other.zip").write_bytes(hetrec_zip({"ratings.dat": "1\t2\n"}))
    httpd = HTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


# -- the core function ------------------------------------------------------------

def test_download_fetches_checks_and_reports_progress(server, tmp_path):
    _, base = server
    events = []
    dest = tmp_path / "out" / "hetrec.zip"
    result = download.download(f"{base}/good.zip", dest, StopToken(), events.append,
                               expected_members=download.HETREC_MEMBERS)
    assert result == dest and dest.read_bytes() == (server[0] / "good.zip").read_bytes()
    assert events and events[-1].fraction == 1
    assert list(dest.parent.iterdir()) == [dest]   # no .part left behind


@pytest.mark.parametrize("name, error, words", [
    ("truncated.zip", ArchiveError, "not a complete zip archive"),
    ("other.zip", ArchiveError, "does not contain user_artists.dat, artists.dat"),
    ("cut-off.zip", DownloadError, "cut off"),
    ("missing.zip", DownloadError, "404"),
])
def test_broken_downloads_fail_clearly_and_leave_nothing(server, tmp_path, name, error, words):
    _, base = server
    dest = tmp_path / "out" / "hetrec.zip"
    with pytest.raises(error, match=words):
        download.download(f"{base}/{name}", dest, expected_members=download.HETREC_MEMBERS)
    assert list(dest.parent.iterdir()) == []


def test_download_stops_on_the_token_and_refuses_other_schemes(server, tmp_path):
    _, base = server
    token = StopToken()
    token.stop()
    with pytest.raises(Cancelled):
        download.download(f"{base}/good.zip", tmp_path / "x.zip", token)
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.zip.part").exists()
    with pytest.raises(DownloadError, match="only http and https"):
        download.download("file:///etc/passwd", tmp_path / "y")


def test_the_address_can_be_overridden(monkeypatch):
    monkeypatch.delenv(download.URL_ENV, raising=False)
    assert download.hetrec_url() == download.HETREC_URL
    assert download.hetrec_url("http://mirror/h.zip") == "http://mirror/h.zip"
    monkeypatch.setenv(download.URL_ENV, "http://127.0.0.1:1/h.zip")
    assert download.hetrec_url("http://mirror/h.zip") == "http://127.0.0.1:1/h.zip"


# -- the window ----------------------------------------------------------------------

def test_downloading_hetrec_from_the_window_imports_it(qtbot, window, server, monkeypatch):
    _, base = server
    monkeypatch.setenv(download.URL_ENV, f"{base}/good.zip")
    window.imports.add_community_data()
    dialog = window.imports.community_dialog
    assert dialog.isVisible()
    assert f"{base}/good.zip" in dialog.address.text() and "2.5 MB" in dialog.address.text()
    dialog.download_button.click()
    wait_idle(qtbot, window)

    report = window.imports.report_dialog
    assert report is not None and report.isVisible()
    rows = {report.tree.topLevelItem(i).text(0): report.tree.topLevelItem(i)
            for i in range(report.tree.topLevelItemCount())}
    # The zip's name stays in the short name (issue 13 item 9: files of two zips looked the same).
    assert rows["hetrec2011-lastfm-2k.zip/hetrec2011-lastfm-2k/user_artists.dat"].text(4) == "4"
    assert window.store.scalar("SELECT COUNT(*) FROM listeners WHERE kind = 'community'") == 3
    assert window.current_page() == "library"


def test_a_truncated_download_says_so_and_changes_nothing(qtbot, window, server, monkeypatch):
    _, base = server
    monkeypatch.setenv(download.URL_ENV, f"{base}/truncated.zip")
    before = table_counts(window.store)
    job = window.imports.download_hetrec()
    wait_idle(qtbot, window)
    assert job.outcome == "failed"
    assert window.banner.isVisible() and "not a complete zip archive" in window.banner.text.text()
    assert table_counts(window.store) == before
    assert window.imports.report_dialog is None
    assert window.current_page() == "welcome"


def test_an_offline_download_says_no_internet_connection_and_the_way_round(qtbot, window, monkeypatch):
    # Issue 13 item 10: the banner showed "[Errno -2] Name or service not known". A name that never
    # resolves (.invalid) fails the way an offline computer does.
    monkeypatch.setenv(download.URL_ENV, "http://musicrec-offline-test.invalid/hetrec.zip")
    job = window.imports.download_hetrec()
    wait_idle(qtbot, window)
    assert job.outcome == "failed"
    text = window.banner.message()
    assert text.startswith("No internet connection")
    assert download.HETREC_FILE_NAME in text and "Choose a file or zip" in text
    assert "Errno" not in text


def test_offline_is_told_from_other_failures():
    from musicrec_gui.core.workflows.importing import offline

    def chain(inner: BaseException) -> DownloadError:
        try:
            try:
                raise urllib.error.URLError(inner)
            except urllib.error.URLError as exc:
                raise DownloadError("cannot connect") from exc
        except DownloadError as exc:
            return exc

    assert offline(chain(socket.gaierror(socket.EAI_NONAME, "Name or service not known")))
    assert offline(chain(OSError(errno.ENETUNREACH, "Network is unreachable")))
    assert not offline(chain(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")))
    assert not offline(DownloadError("the server answered 404 Not Found"))
