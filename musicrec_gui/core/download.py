"""Downloading a community dataset: chunked, cancellable, checked before use.

The only network access MusicRec makes, and only when the user asks for it.
The file is written to a temporary ``.part`` file next to ``dest`` and moved
into place only once it is complete and its zip structure checks out, so a
cancel, a cut connection or a broken archive never leaves a half file behind.
"""
from __future__ import annotations

import http.client
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterable

from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.jobs import Progress, Reporter, StopToken, ignore_events

HETREC_URL = "https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip"
HETREC_SIZE_TEXT = "about 2.5 MB"
HETREC_FILE_NAME = "hetrec2011-lastfm-2k.zip"
HETREC_MEMBERS = ("user_artists.dat", "artists.dat")
URL_ENV = "MUSICREC_HETREC_URL"   # tests and mirrors point this elsewhere

CHUNK_SIZE = 64 * 1024


class DownloadError(MusicRecError):
    """The download failed: no connection, an HTTP error, or the transfer was cut off."""


class ArchiveError(MusicRecError):
    """The downloaded file is not the archive we expected (truncated, broken or another file)."""


def hetrec_url(configured: str | None = None) -> str:
    """Where to fetch HetRec from: ``$MUSICREC_HETREC_URL``, then a configured address, then GroupLens."""
    return os.environ.get(URL_ENV) or configured or HETREC_URL


def download(url: str, dest: str | Path, token: StopToken | None = None,
             report: Reporter = ignore_events, expected_members: Iterable[str] = (),
             timeout: float = 30.0) -> Path:
    """Fetch ``url`` into ``dest`` and return ``dest``.

    ``expected_members``: when given, the file must be a readable zip holding
    members with these base names (checked before ``dest`` is written).
    Raises ``DownloadError``/``ArchiveError`` with a message a person can act
    on, or ``Cancelled`` when ``token`` is stopped (checked every chunk).
    """
    token = token or StopToken()
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise DownloadError(f"{url}: only http and https addresses can be downloaded")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    try:
        _fetch(url, part, token, report, timeout)
        expected = tuple(expected_members)
        if expected:
            check_archive(part, expected)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
    return dest


def _fetch(url: str, part: Path, token: StopToken, report: Reporter, timeout: float) -> None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while True:
                token.check()
                try:
                    block = response.read(CHUNK_SIZE)
                except http.client.IncompleteRead as exc:
                    done += len(exc.partial)
                    block = b""
                if not block:
                    break
                out.write(block)
                done += len(block)
                report(Progress("Downloading", done, total, _progress_text(done, total)))
    except urllib.error.HTTPError as exc:   # before URLError: it is a subclass
        raise DownloadError(f"{url}: the server answered {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: cannot connect ({exc.reason}); check the internet connection") from exc
    except (socket.timeout, TimeoutError) as exc:
        raise DownloadError(f"{url}: the server stopped answering; try again later") from exc
    except (ConnectionError, http.client.HTTPException) as exc:
        raise DownloadError(f"{url}: the connection failed ({exc}); try again") from exc
    if total and done < total:
        raise DownloadError(f"{url}: the download was cut off after {_mb(done)} of {_mb(total)}; try again")


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
    except (OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise ArchiveError(f"the downloaded archive cannot be read ({exc}); try the download again") from exc
    if damaged is not None:
        raise ArchiveError(f"the downloaded archive is damaged ({damaged} fails its checksum); "
                           "try the download again")


def _progress_text(done: int, total: int) -> str:
    return f"{_mb(done)} of {_mb(total)}" if total else _mb(done)


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
