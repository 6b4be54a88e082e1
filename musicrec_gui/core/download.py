"""Downloading community data: chunked, cancellable, bounded, checked before use.

The only network access MusicRec makes, and only when the person asks for it.
The contract every download here keeps, whatever the server does:

* only ``http``/``https`` addresses, checked again on every redirect hop (a
  redirect to ``ftp:``, ``file:`` or from https down to http is refused);
* a size cap (the file's own limit, never more than ``MAX_FILE_BYTES`` for
  ``download``), checked against ``Content-Length`` before anything is written
  and against the bytes that actually arrive;
* a stall timeout: no byte for ``STALL_SECONDS`` ends the download with a
  message saying so;
* Cancel acts within ``CANCEL_POLL_SECONDS`` even while the server trickles or
  says nothing: a watcher thread shuts the socket down under the blocked read;
* only ``DownloadError``/``ArchiveError`` (one-line messages) and ``Cancelled``
  leave this module; a bad ``Content-Length``, a full disk or a broken TLS
  session become one of them.

``download`` writes a temporary ``.part`` file next to ``dest`` and moves it
into place only once it is complete and its zip structure checks out, so a
cancel, a cut connection or a broken archive never leaves a half file behind.
``open_url`` is the building block for streaming consumers (the ListenBrainz
dump is decompressed as it arrives and can resume with an HTTP Range).
"""
from __future__ import annotations

import contextlib
import errno
import http.client
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.jobs import (
    Cancelled,
    Progress,
    Reporter,
    StopToken,
    ignore_events,
)

HETREC_URL = "https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip"
HETREC_SIZE_TEXT = "about 2.5 MB"
HETREC_FILE_NAME = "hetrec2011-lastfm-2k.zip"
HETREC_MEMBERS = ("user_artists.dat", "artists.dat")
URL_ENV = "MUSICREC_HETREC_URL"   # tests and mirrors point this elsewhere

CHUNK_SIZE = 64 * 1024
SCHEMES = ("http", "https")
MAX_FILE_BYTES = 1 << 30          # the largest file ``download`` saves (community zips are MBs)
STALL_SECONDS = 60.0              # no byte for this long: the server has stalled
CANCEL_POLL_SECONDS = 0.1         # how often the watcher looks at the stop token
PROGRESS_INTERVAL = 0.1           # at most ten progress events a second
USER_AGENT = "MusicRec (community data download)"


class DownloadError(MusicRecError):
    """The download failed: no connection, an HTTP error, a stall, a limit, or the transfer was cut off."""


class ArchiveError(MusicRecError):
    """The downloaded file is not the archive we expected (truncated, broken or another file)."""


def hetrec_url(configured: str | None = None) -> str:
    """Where to fetch HetRec from: ``$MUSICREC_HETREC_URL``, then a configured address, then GroupLens."""
    return os.environ.get(URL_ENV) or configured or HETREC_URL


def one_line(text: object, limit: int = 200) -> str:
    """``text`` on one line, cut to ``limit`` characters (messages quote servers and libraries)."""
    flat = re.sub(r"\s+", " ", str(text)).strip()
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def check_scheme(url: str, previous: str | None = None) -> None:
    """Refuse anything but http(s), and an https address that redirects down to plain http."""
    try:
        scheme = urllib.parse.urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise DownloadError(f"{one_line(url, 120)}: not a valid address ({one_line(exc, 80)})") from None
    if scheme not in SCHEMES:
        where = f"{previous}: redirected to {one_line(url, 120)}" if previous else one_line(url, 120)
        raise DownloadError(f"{where}: only http and https addresses can be downloaded")
    if previous and urllib.parse.urlsplit(previous).scheme.lower() == "https" and scheme == "http":
        raise DownloadError(f"{previous}: redirected from https to unencrypted http ({one_line(url, 120)}); refused")


# -- the connection ------------------------------------------------------------------

class _Sockets:
    """The sockets one request opened, so the watcher can shut them down on cancel."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._closed = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self._closed:
                _shutdown(sock)

    def shut_all(self) -> None:
        with self._lock:
            self._closed = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)     # wakes a read blocked in another thread


def _watched(base: type[http.client.HTTPConnection], sockets: _Sockets):
    class Watched(base):                    # type: ignore[valid-type, misc]
        def connect(self) -> None:
            super().connect()
            sockets.add(self.sock)
    return Watched


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, sockets: _Sockets) -> None:
        super().__init__()
        self.sockets = sockets

    def http_open(self, req):
        return self.do_open(_watched(http.client.HTTPConnection, self.sockets), req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, sockets: _Sockets) -> None:
        super().__init__()
        self.sockets = sockets

    def https_open(self, req):
        return self.do_open(_watched(http.client.HTTPSConnection, self.sockets), req, context=self._context)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to http(s), never from https down to http."""

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("Location") or headers.get("URI")
        if location:
            check_scheme(urllib.parse.urljoin(req.full_url, location), previous=req.full_url)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


@contextlib.contextmanager
def _cancel_watch(token: StopToken, sockets: _Sockets) -> Iterator[None]:
    done = threading.Event()

    def watch() -> None:
        while not done.wait(CANCEL_POLL_SECONDS):
            if token.stopped:
                sockets.shut_all()
                return

    watcher = threading.Thread(target=watch, name="download-cancel-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def _length(value: str | None) -> int | None:
    """A Content-Length header as a number, or ``None`` when missing or nonsense."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


class Response:
    """An open HTTP response read in chunks, under the module's contract.

    ``offset`` is where the body starts in the whole file (non-zero only when a
    range was asked for and granted), ``total`` the whole file's size when the
    server said it (``None`` otherwise).
    """

    def __init__(self, url: str, raw, token: StopToken, offset: int) -> None:
        self.url = url
        self._raw = raw
        self._token = token
        self.headers = raw.headers
        self.status = raw.status
        self.offset = 0
        length = _length(raw.headers.get("Content-Length"))
        self.total = length
        if offset and raw.status == 206:
            found = re.fullmatch(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*", raw.headers.get("Content-Range") or "")
            if found is None or int(found.group(1)) != offset:
                raise DownloadError(f"{url}: the server answered a resume request with the wrong range")
            self.offset = offset
            self.total = int(found.group(3)) if found.group(3) != "*" else None

    def read(self) -> bytes:
        """The next piece of the body (``b""`` at its end); raises ``Cancelled``/``DownloadError``."""
        self._token.check()
        try:
            block = self._raw.read1(CHUNK_SIZE)
        except http.client.IncompleteRead as exc:
            self._token.check()
            raise DownloadError(f"{self.url}: the transfer was cut off; try again") from exc
        except Exception as exc:    # every transfer failure becomes one message
            self._token.check()                 # a cancel shut the socket: that is not a failure
            raise _failure(self.url, exc) from exc
        self._token.check()
        return block


@contextlib.contextmanager
def open_url(url: str, token: StopToken, *, offset: int = 0, method: str = "GET",
             stall_seconds: float = STALL_SECONDS) -> Iterator[Response]:
    """Open ``url`` (from byte ``offset`` when > 0, if the server allows) under the contract."""
    check_scheme(url)
    sockets = _Sockets()
    opener = urllib.request.build_opener(_Redirects, _HTTP(sockets), _HTTPS(sockets))
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers, method=method)
    with _cancel_watch(token, sockets):
        token.check()
        try:
            raw = opener.open(request, timeout=stall_seconds)
        except (Cancelled, MusicRecError):
            raise
        except Exception as exc:    # see _failure: only our errors leave
            token.check()
            raise _failure(url, exc) from exc
        with raw:
            yield Response(raw.url or url, raw, token, offset)


def _failure(url: str, exc: BaseException) -> DownloadError:
    """The one-line ``DownloadError`` for whatever the network layer raised."""
    if isinstance(exc, urllib.error.HTTPError):         # before URLError: it is a subclass
        return DownloadError(f"{url}: the server answered {exc.code} {one_line(exc.reason, 80)}")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return DownloadError(f"{url}: the server did not answer for {STALL_SECONDS:.0f} s; try again later")
        return DownloadError(f"{url}: cannot connect ({one_line(reason, 120)}); check the internet connection")
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return DownloadError(f"{url}: the server stopped sending data (nothing for {STALL_SECONDS:.0f} s); "
                             "try again later")
    if isinstance(exc, ValueError):
        return DownloadError(f"{url}: not a valid address ({one_line(exc, 120)})")
    return DownloadError(f"{url}: the connection failed ({one_line(exc, 120) or type(exc).__name__}); try again")


# -- saving a file ---------------------------------------------------------------------

class Meter:
    """Progress events with speed and time left, at most ``PROGRESS_INTERVAL`` apart."""

    def __init__(self, stage: str, report: Reporter, total: int | None) -> None:
        self.stage, self.report, self.total = stage, report, total or 0
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, extra: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        text = (f"{mb(done)} of {mb(self.total)}" if self.total else mb(done)) + extra
        elapsed = now - self.start
        if self.total and done and elapsed > 1:
            text += f", {duration((self.total - done) * elapsed / done)} left"
        self.report(Progress(self.stage, done, self.total, text))


def download(url: str, dest: str | Path, token: StopToken | None = None,
             report: Reporter = ignore_events, expected_members: Iterable[str] = (),
             timeout: float = STALL_SECONDS, max_bytes: int = MAX_FILE_BYTES) -> Path:
    """Fetch ``url`` into ``dest`` and return ``dest``.

    ``expected_members``: when given, the file must be a readable zip holding
    members with these base names (checked before ``dest`` is written).
    Raises ``DownloadError``/``ArchiveError`` with a message a person can act
    on, or ``Cancelled`` when ``token`` is stopped.
    """
    token = token or StopToken()
    check_scheme(url)
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _fetch(url, part, token, report, timeout, max_bytes)
        expected = tuple(expected_members)
        if expected:
            check_archive(part, expected)
        os.replace(part, dest)
    except OSError as exc:
        raise disk_error(dest, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
    return dest


def _fetch(url: str, part: Path, token: StopToken, report: Reporter, timeout: float, max_bytes: int) -> None:
    with open_url(url, token, stall_seconds=timeout) as response, open(part, "wb") as out:
        total = response.total
        if total is not None and total > max_bytes:
            raise DownloadError(f"{url}: the file is {mb(total)}, more than the {mb(max_bytes)} "
                                "MusicRec accepts for it; refused")
        meter = Meter("Downloading", report, total)
        done = 0
        while block := response.read():
            done += len(block)
            if done > max_bytes:
                raise DownloadError(f"{url}: the server sent more than {mb(max_bytes)}; stopped and discarded")
            out.write(block)
            meter.update(done)
        meter.update(done, force=True)
    if total and done < total:
        raise DownloadError(f"{url}: the download was cut off after {mb(done)} of {mb(total)}; try again")


def disk_error(path: Path, exc: OSError) -> DownloadError:
    """A one-line message for a failure to write a download to disk."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DownloadError(f"{path.parent}: the disk is full; free some space and try again")
    return DownloadError(f"{path}: cannot be written ({one_line(exc.strerror or exc, 120)})")


def check_archive(path: str | Path, expected_members: Iterable[str]) -> None:
    """Raise ``ArchiveError`` unless ``path`` is an intact zip holding ``expected_members``."""
    expected = list(expected_members)
    try:
        with zipfile.ZipFile(path) as archive:
            names = {PurePosixPath(name).name for name in archive.namelist()}
            missing = [name for name in expected if name not in names]
            if missing:
                raise ArchiveError(
                    f"the downloaded archive does not contain {', '.join(missing)}; "
                    "it is not the dataset MusicRec expected")
            damaged = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise ArchiveError("the downloaded file is not a complete zip archive "
                           "(truncated or broken); try the download again") from exc
    except (OSError, EOFError, zipfile.LargeZipFile, ValueError) as exc:
        raise ArchiveError(f"the downloaded archive cannot be read ({one_line(exc, 120)}); "
                           "try the download again") from exc
    if damaged is not None:
        raise ArchiveError(f"the downloaded archive is damaged ({damaged} fails its checksum); "
                           "try the download again")


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def duration(seconds: float) -> str:
    """``"45 s"``, ``"12 min"``, ``"2 h 5 min"``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"
