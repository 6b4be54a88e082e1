"""Finding the readable things behind a path: a file, a folder, or a zip.

Zip members are read in place (``ZipFile.open``), never extracted.  Because a
zip can be hostile (a "zip bomb", ``../`` paths, links, sizes that lie), every
member is read through ``CountingReader``, which stops once more bytes come out
than the member declared, and the archive as a whole is checked against limits.
Members that are unsafe to read still become sources, so the import report can
list them, but opening one raises ``ImportFormatError`` with the reason.
"""
from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import zipfile
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Optional

from ..errors import ImportFormatError
from .base import Format, Source

ZIP_MAGIC = b"PK\x03\x04"

MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 2 << 30          # 2 GiB uncompressed per member
MAX_TOTAL_BYTES = 8 << 30           # 8 GiB uncompressed per archive

# Operating-system clutter that is never listening data.  Only these are
# skipped: other dot-files (such as Rockbox's ``.scrobbler.log``) are read.
JUNK_FILES = {".DS_Store", "Thumbs.db", "desktop.ini", ".localized", "Icon\r"}
JUNK_FOLDERS = {"__MACOSX", ".Trashes", ".Spotlight-V100", ".fseventsd", ".git",
                "$RECYCLE.BIN", "System Volume Information"}

_DRIVE = re.compile(r"^[A-Za-z]:")


def _is_junk(parts: tuple[str, ...]) -> bool:
    name = parts[-1]
    return (name in JUNK_FILES or name.startswith("._")
            or any(part in JUNK_FOLDERS for part in parts[:-1]))


class CountingReader(io.RawIOBase):
    """Pass bytes through, raising ``ImportFormatError`` once more than ``limit`` came out.

    Zip headers can lie about sizes, so the limit is enforced on the bytes
    actually produced.  Read errors (bad CRC, corrupt data) become
    ``ImportFormatError`` too.
    """

    def __init__(self, raw: io.BufferedIOBase, limit: int, name: str) -> None:
        super().__init__()
        self._raw = raw
        self._limit = limit
        self._name = name
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._raw.read(len(buffer))
        except Exception as err:  # noqa: BLE001 - any failure of the zip layer is a broken file
            raise ImportFormatError(self._name, f"cannot be read from the zip ({err})") from None
        size = len(data)
        self.count += size
        if self.count > self._limit:
            raise ImportFormatError(
                self._name, f"holds more data than its declared size or the {self._limit:,}-byte limit; "
                            "the zip may be damaged or malicious")
        buffer[:size] = data
        return size

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def _open_file(path: Path, name: str) -> io.BufferedIOBase:
    try:
        return open(path, "rb")
    except OSError as err:
        raise ImportFormatError(name, f"cannot be opened ({err.strerror or err})") from None


def _refuse(name: str, reason: str) -> io.BufferedIOBase:
    raise ImportFormatError(name, reason)


def _file_source(path: Path) -> Source:
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0                                    # opening it will say what is wrong

    def sibling(basename: str) -> Optional[Source]:
        other = path.parent / basename
        return _file_source(other) if other.is_file() else None

    return Source(name, size, partial(_open_file, path, name), sibling)


def _unsafe(info: zipfile.ZipInfo, max_member_bytes: int) -> str:
    """Why a member must not be read, or ``""``."""
    name = info.filename
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "has an absolute path inside the zip; not read"
    if ".." in re.split(r"[/\\]", name):
        return "has a path that points outside the zip ('..'); not read"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link inside the zip; not read"
    if info.flag_bits & 0x1:
        return "is encrypted; not read"
    if info.file_size > max_member_bytes:
        return f"is larger than {max_member_bytes:,} bytes uncompressed; not read"
    return ""


class _Archive:
    """One open zip and the sources of its members."""

    def __init__(self, path: Path, name: str, max_member_bytes: int) -> None:
        self.name = name
        self.max_member_bytes = max_member_bytes
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
            raise ImportFormatError(name, f"is not a readable zip archive ({err})") from None
        self.members = {info.filename: info for info in self.zip.infolist() if not info.is_dir()}

    def _open(self, info: zipfile.ZipInfo, name: str) -> io.BufferedIOBase:
        try:
            raw = self.zip.open(info)
        except Exception as err:  # noqa: BLE001 - unsupported compression, damaged header, ...
            raise ImportFormatError(name, f"cannot be read from the zip ({err})") from None
        limit = min(info.file_size, self.max_member_bytes)
        return io.BufferedReader(CountingReader(raw, limit, name))

    def source(self, info: zipfile.ZipInfo) -> Source:
        name = f"{self.name}/{info.filename}"
        problem = _unsafe(info, self.max_member_bytes)
        opener: Callable[[], io.BufferedIOBase]
        opener = partial(_refuse, name, problem) if problem else partial(self._open, info, name)
        return Source(name, info.file_size, opener, partial(self.sibling, info.filename))

    def sibling(self, member: str, basename: str) -> Optional[Source]:
        info = self.members.get(posixpath.join(posixpath.dirname(member), basename))
        return self.source(info) if info is not None else None


def _zip_sources(path: Path, max_members: int, max_member_bytes: int, max_total_bytes: int) -> Iterator[Source]:
    archive = _Archive(path, str(path), max_member_bytes)
    count = len(archive.zip.infolist())
    if count > max_members:
        raise ImportFormatError(archive.name, f"has {count:,} entries; at most {max_members:,} are read from one zip")
    total = sum(info.file_size for info in archive.members.values())
    if total > max_total_bytes:
        raise ImportFormatError(archive.name, f"would unpack to {total:,} bytes; the limit is {max_total_bytes:,}")
    for member in sorted(archive.members):
        if not _is_junk(tuple(re.split(r"[/\\]", member))):
            yield archive.source(archive.members[member])


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as stream:
            return stream.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    except OSError:
        return False


def _walk(folder: Path) -> list[Path]:
    found = []
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name not in JUNK_FOLDERS]
        for name in files:
            path = Path(root, name)
            if not _is_junk(path.relative_to(folder).parts):
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def iter_sources(path: str | os.PathLike, *, max_members: int = MAX_MEMBERS,
                 max_member_bytes: int = MAX_MEMBER_BYTES,
                 max_total_bytes: int = MAX_TOTAL_BYTES) -> Iterator[Source]:
    """Every readable input behind ``path``: the file, each file of a folder, each zip member.

    Zips are recognised by their first bytes, not their name, and are expanded
    (also inside folders).  A zip inside a zip is not opened: it is yielded as a
    member and detected as the "nested zip" format, which is ignored.
    """
    path = Path(path)
    if path.is_dir():
        files = _walk(path)
    elif path.is_file():
        files = [path]
    else:
        raise ImportFormatError(str(path), "does not exist or is not a file")
    for file in files:
        if _is_zip(file):
            yield from _zip_sources(file, max_members, max_member_bytes, max_total_bytes)
        else:
            yield _file_source(file)


NESTED_ZIP = Format(
    key="nested-zip", label="Zip archive inside a zip", role="ignore", rows="none",
    sniff=lambda sample: sample.head.startswith(ZIP_MAGIC), parse=None,
    ignore_reason="zip archives inside a zip are not opened; unpack it and import it on its own")
