"""Finding the newest ListenBrainz statistics dump in a mirror's directory listing.

MetaBrainz publishes full dumps as folders
``listenbrainz-dump-<id>-<YYYYMMDD-HHMMSS>-full/`` under ``fullexport/``; each
holds ``listenbrainz-statistics-dump-<YYYYMMDD-HHMMSS>.tar.zst`` with ``.md5``
and ``.sha256`` files beside it.  A listing is plain HTML (nginx or Apache
index pages), so links are read with the standard HTML parser and only links
inside the mirror's own folder are followed.
"""
from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser

from musicrec_gui.core.download import DownloadError, one_line, open_url
from musicrec_gui.core.jobs import StopToken

LISTENBRAINZ_MIRROR = "https://data.metabrainz.org/pub/musicbrainz/listenbrainz/fullexport/"
MIRROR_ENV = "MUSICREC_LISTENBRAINZ_MIRROR"   # tests and other mirrors point this elsewhere
MAX_LISTING_BYTES = 4 << 20
# A dump still being uploaded may not hold its statistics yet: look a few folders back.
FOLDERS_TRIED = 3

_DUMP_FOLDER = re.compile(r"listenbrainz-dump-(\d+)-(\d{8}-\d{6})-full/?")
_ARCHIVE = re.compile(r"listenbrainz-statistics-dump-(\d{8}-\d{6})\.tar\.zst")


@dataclass(frozen=True)
class Dump:
    """One statistics archive on the mirror."""

    folder: str                 # listenbrainz-dump-<id>-<time>-full
    url: str                    # the .tar.zst
    created: datetime           # the dump's time (UTC), from its name
    size: int | None            # bytes, from a HEAD request (None when the server does not say)

    @property
    def file_name(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    @property
    def stem(self) -> str:
        """``listenbrainz-statistics-dump-<time>``: the archive's name without ``.tar.zst``."""
        return self.file_name[: -len(".tar.zst")]

    @property
    def sha256_url(self) -> str:
        return self.url + ".sha256"

    @property
    def date_text(self) -> str:
        return self.created.strftime("%Y-%m-%d %H:%M UTC")


def mirror_url(configured: str | None = None) -> str:
    """Which listing to read: ``$MUSICREC_LISTENBRAINZ_MIRROR``, then a configured one, then MetaBrainz."""
    url = os.environ.get(MIRROR_ENV) or configured or LISTENBRAINZ_MIRROR
    return url if url.endswith("/") else url + "/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def links(html: str, base: str) -> list[str]:
    """Absolute addresses of the links in ``html`` that lie inside the folder ``base``."""
    parser = _Links()
    parser.feed(html)
    inside = []
    for href in parser.hrefs:
        url = urllib.parse.urljoin(base, href)
        if url.startswith(base) and url != base:
            inside.append(url)
    return inside


def read_text(url: str, token: StopToken, limit: int = MAX_LISTING_BYTES) -> str:
    """A small text resource (a listing, a checksum file), at most ``limit`` bytes."""
    parts, size = [], 0
    with open_url(url, token) as response:
        while block := response.read():
            size += len(block)
            if size > limit:
                raise DownloadError(f"{url}: larger than {limit:,} bytes; not a directory listing")
            parts.append(block)
    return b"".join(parts).decode("utf-8", errors="replace")


def remote_size(url: str, token: StopToken) -> int | None:
    """The size a HEAD request reports, or ``None`` when the server does not say."""
    try:
        with open_url(url, token, method="HEAD") as response:
            return response.total
    except DownloadError:
        return None


def _name(url: str) -> str:
    return urllib.parse.unquote(url.rstrip("/").rsplit("/", 1)[-1])


def find_newest(mirror: str, token: StopToken | None = None) -> Dump:
    """The newest full dump's statistics archive, with its date and size.

    Raises ``DownloadError`` when the listing cannot be read or lists no dump
    with a statistics archive.
    """
    token = token or StopToken()
    mirror = mirror if mirror.endswith("/") else mirror + "/"
    folders = []
    for url in links(read_text(mirror, token), mirror):
        found = _DUMP_FOLDER.fullmatch(_name(url) + "/")
        if found:
            folders.append((found.group(2), int(found.group(1)), url if url.endswith("/") else url + "/"))
    if not folders:
        raise DownloadError(f"{mirror}: lists no full ListenBrainz dump (listenbrainz-dump-…-full/)")
    for stamp, _, folder in sorted(folders, reverse=True)[:FOLDERS_TRIED]:
        archives = sorted(url for url in links(read_text(folder, token), folder)
                          if _ARCHIVE.fullmatch(_name(url)))
        if archives:
            url = archives[-1]
            created = datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=timezone.utc)
            return Dump(folder=_name(folder), url=url, created=created, size=remote_size(url, token))
    raise DownloadError(f"{mirror}: the newest {min(len(folders), FOLDERS_TRIED)} dump(s) hold no "
                        f"statistics archive yet (newest: {one_line(_name(max(folders)[2]), 80)})")
