"""Finding the readable things behind a path: a file, a folder, or a zip.

Only regular files are ever opened: a named pipe, socket or device inside a
folder (or swapped in for a file) would block a read forever or never end, so
files are opened non-blocking and checked with ``fstat`` before any read, and
special files in a folder become sources marked ``ignored``.  A sub-folder
that cannot be read becomes a source whose opening fails with the reason.

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
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import IO

from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats.base import Format, Source
from musicrec_gui.core.formats.text import utf8_stream

ZIP_MAGIC = b"PK\x03\x04"

MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 2 << 30          # 2 GiB uncompressed per member
MAX_TOTAL_BYTES = 8 << 30           # 8 GiB uncompressed per archive
# Real exports deflate 5-20 times; far more means a file made to expand (blank
# lines, one record repeated), so a big member packed tighter than this is not read.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_BYTES = 1 << 20         # small members: headers dominate, the ratio means nothing

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

    def __init__(self, raw: IO[bytes], limit: int, name: str) -> None:
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
        except Exception:  # noqa: BLE001 - any failure of the zip layer is a broken file
            raise ImportFormatError(self._name, "cannot be read from the zip (damaged data)") from None
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


def _describe_os_error(err: OSError) -> str:
    return err.strerror or "the system refused to read it"


def _special_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _open_regular(path: Path, name: str) -> io.BufferedReader:
    """Open ``path`` for reading if it is a regular file; never blocks (FIFOs, devices)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise ImportFormatError(name, f"cannot be opened ({_describe_os_error(err)})") from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as err:
        os.close(fd)
        raise ImportFormatError(name, f"cannot be opened ({_describe_os_error(err)})") from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ImportFormatError(name, f"is {_special_kind(mode)}, not a file; not read")
    return os.fdopen(fd, "rb")


def _open_file(path: Path, name: str) -> io.BufferedIOBase:
    return utf8_stream(_open_regular(path, name))


def _refuse(name: str, reason: str) -> io.BufferedIOBase:
    raise ImportFormatError(name, reason)


def _file_source(path: Path) -> Source:
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0                                    # opening it will say what is wrong

    def sibling(basename: str) -> Source | None:
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
    if info.file_size > RATIO_CHECK_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        return (f"unpacks to over {MAX_COMPRESSION_RATIO} times its packed size, which no real export does "
                "(a file made to expand); not read")
    return ""


class _Archive:
    """One open zip and the sources of its members."""

    def __init__(self, path: Path, name: str, max_member_bytes: int) -> None:
        self.name = name
        self.max_member_bytes = max_member_bytes
        stream = _open_regular(path, name)
        try:
            self.zip = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            stream.close()
            raise ImportFormatError(name, "is not a readable zip archive (damaged or incomplete)") from None
        self.members = {info.filename: info for info in self.zip.infolist() if not info.is_dir()}

    def _open(self, info: zipfile.ZipInfo, name: str) -> io.BufferedIOBase:
        try:
            raw = self.zip.open(info)
        except NotImplementedError:
            raise ImportFormatError(name, "uses a compression method MusicRec cannot read; "
                                          "re-pack the zip with ordinary (deflate) compression") from None
        except Exception:  # noqa: BLE001 - damaged header, ...
            raise ImportFormatError(name, "cannot be read from the zip (damaged data)") from None
        limit = min(info.file_size, self.max_member_bytes)
        return utf8_stream(io.BufferedReader(CountingReader(raw, limit, name)))

    def source(self, info: zipfile.ZipInfo) -> Source:
        name = f"{self.name}/{info.filename}"
        problem = _unsafe(info, self.max_member_bytes)
        opener: Callable[[], io.BufferedIOBase]
        opener = partial(_refuse, name, problem) if problem else partial(self._open, info, name)
        return Source(name, info.file_size, opener, partial(self.sibling, info.filename))

    def sibling(self, member: str, basename: str) -> Source | None:
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
    found = False
    for member in sorted(archive.members):
        if not _is_junk(tuple(re.split(r"[/\\]", member))):
            found = True
            yield archive.source(archive.members[member])
    if not found:
        raise ImportFormatError(archive.name, "holds no files to read (only folders or system files "
                                              "such as __MACOSX or .DS_Store)")


def is_zip(path: Path) -> bool:
    """True for a regular file that starts like a zip (never blocks; unreadable: False)."""
    try:
        with _open_regular(path, str(path)) as stream:
            return stream.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    except ImportFormatError:
        return False


def _unreadable_folder(path: str, reason: str) -> Source:
    return Source(path, 0, partial(_refuse, path, f"this folder cannot be read ({reason}); nothing in it was imported"))


def _walk(folder: Path) -> list[Source | Path]:
    """Regular files under ``folder`` (sorted), plus sources for what cannot be read."""
    found: list[tuple[tuple[str, ...], Source | Path]] = []

    def unreadable(err: OSError) -> None:
        where = Path(err.filename or folder)
        found.append((_parts(where, folder), _unreadable_folder(str(where), _describe_os_error(err))))

    for root, folders, files in os.walk(folder, onerror=unreadable):
        folders[:] = [name for name in folders if name not in JUNK_FOLDERS]
        for name in files:
            path = Path(root, name)
            parts = _parts(path, folder)
            if _is_junk(parts):
                continue
            try:
                mode = path.stat().st_mode
            except OSError as err:                  # a dangling link, or no permission
                found.append((parts, Source(str(path), 0, partial(
                    _refuse, str(path), f"cannot be opened ({_describe_os_error(err)})"))))
                continue
            if stat.S_ISREG(mode):
                found.append((parts, path))
            else:
                found.append((parts, Source(str(path), 0, partial(_refuse, str(path), "not read"),
                                            ignored=f"{_special_kind(mode)}, not a file; not read")))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def _parts(path: Path, folder: Path) -> tuple[str, ...]:
    try:
        return path.relative_to(folder).parts
    except ValueError:
        return path.parts


def iter_sources(path: str | os.PathLike, *, max_members: int = MAX_MEMBERS,
                 max_member_bytes: int = MAX_MEMBER_BYTES,
                 max_total_bytes: int = MAX_TOTAL_BYTES) -> Iterator[Source]:
    """Every readable input behind ``path``: the file, each file of a folder, each zip member.

    Zips are recognised by their first bytes, not their name, and are expanded
    (also inside folders).  A zip inside a zip is not opened: it is yielded as a
    member and detected as the "nested zip" format, which is ignored.  A folder
    or zip with nothing to read raises ``ImportFormatError`` saying so.
    """
    path = Path(path)
    if path.is_dir():
        items = _walk(path)
        if not items:
            raise ImportFormatError(str(path), "is an empty folder (or holds only system files): nothing to import")
    elif path.is_file():
        items = [path]
    elif path.exists():
        mode = path.stat().st_mode
        raise ImportFormatError(str(path), f"is {_special_kind(mode)}, not a file; not read")
    else:
        raise ImportFormatError(str(path), "does not exist")
    for item in items:
        if isinstance(item, Source):
            yield item
        elif is_zip(item):
            yield from _zip_sources(item, max_members, max_member_bytes, max_total_bytes)
        else:
            yield _file_source(item)


NESTED_ZIP = Format(
    key="nested-zip", label="Zip archive inside a zip", role="ignore", rows="none",
    sniff=lambda sample: sample.head.startswith(ZIP_MAGIC), parse=None,
    ignore_reason="zip archives inside a zip are not opened; unpack it and import it on its own")
