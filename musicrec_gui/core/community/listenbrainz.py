"""The ListenBrainz statistics, downloaded on request and imported (CC0).

Three steps, each a plain core function a GUI job or a CLI command calls:

1. ``mirror.find_newest`` — which archive, its date and size;
2. ``download_artists`` — stream the archive, decompress it on the fly, stop
   after ``artists_all_time.jsonl`` and save that member (zstd-compressed,
   ``<dump>-artists_all_time.jsonl.zst``) plus the archive's ``COPYING``;
3. ``import_artists`` — import the saved file with a keep choice.

Why the member goes to disk rather than straight into the store: the
download can take long and break; importing from the network stream would hold
the store's write lock for all that time and lose everything on a cut.  The
member is the only part needed, far smaller than the archive, and a file on
disk makes the import the usual single transaction, repeatable with another
keep choice without downloading again.  Resuming: the compressed bytes
received so far are kept in ``<archive>.part``; after a cut this call (or the
next one) asks the server for the rest with an HTTP Range, replays the kept
bytes through the decoder and carries on.  A cancel removes the partial files;
a network failure keeps them for the resume.

What can be verified: tar header checksums, and that the member has the size
its header declares; the archive's size against what the server said.  The
published ``.sha256`` covers the whole archive, so it is checked only when the
whole archive is read (``whole=True``); otherwise the result says it was not.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import re
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from musicrec_gui.core import importer, library
from musicrec_gui.core.community.keep import keep_choice
from musicrec_gui.core.community.mirror import Dump, find_newest, read_text
from musicrec_gui.core.download import (
    CHUNK_SIZE,
    ArchiveError,
    DownloadError,
    Meter,
    Response,
    disk_error,
    mb,
    open_url,
)
from musicrec_gui.core.errors import ImportFormatError
from musicrec_gui.core.formats import zstdio
from musicrec_gui.core.formats.listenbrainz_stats import (
    ARTISTS_MEMBER,
    KEY,
    stats_format,
    walk_to_artists,
)
from musicrec_gui.core.jobs import Cancelled, Reporter, StopToken, ignore_events
from musicrec_gui.core.store import Store

LICENCE = "CC0 1.0 (public domain dedication)"
MAX_ARCHIVE_BYTES = 64 << 30      # far above the real archive (several GB); a runaway server stops here
RETRY_DELAYS = (1.0, 4.0, 15.0)   # seconds before each reconnection after a cut


@dataclass(frozen=True)
class Downloaded:
    """The saved artists statistics and what the download could check."""

    path: Path                    # <dump>-artists_all_time.jsonl.zst
    licence_path: Path            # <dump>-COPYING.txt: the attribution the dump asks for
    dump: Dump
    member_bytes: int | None      # uncompressed size of artists_all_time.jsonl (None: saved earlier)
    downloaded_bytes: int         # received over the network by this call
    checks: list[str] = field(default_factory=list)


def _saved_paths(dump: Dump, folder: Path) -> tuple[Path, Path]:
    return folder / f"{dump.stem}-{ARTISTS_MEMBER}.zst", folder / f"{dump.stem}-COPYING.txt"


class _ArchiveBody(io.RawIOBase):
    """The archive's bytes from the start: the kept ``.part`` first, then the network.

    Bytes from the network are appended to the part file as they pass, and a
    cut connection is resumed with an HTTP Range (``RETRY_DELAYS``).  The
    SHA-256 of everything handed out is kept, for the whole-archive check.
    """

    def __init__(self, url: str, part: Path, token: StopToken) -> None:
        super().__init__()
        self.url, self.part, self.token = url, part, token
        self.replay = part.stat().st_size if part.exists() else 0
        self.position = 0
        self.total: int | None = None
        self.received = 0
        self.digest = hashlib.sha256()
        # Both stay open while the body is read; close() closes them.
        self._kept = open(part, "rb") if self.replay else None  # noqa: SIM115
        self._append = open(part, "ab")  # noqa: SIM115
        self._connection: contextlib.ExitStack | None = None
        self._response: Response | None = None
        self._pending = b""
        self._cuts = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._pending:
            self._pending = self._next()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self.digest.update(self._pending[:size])
        self._pending = self._pending[size:]
        self.position += size
        return size

    def _next(self) -> bytes:
        if self._kept is not None:
            block = self._kept.read(CHUNK_SIZE)
            if block:
                return block
            self._kept.close()
            self._kept = None
        while True:
            try:
                block = self._receive()
            except DownloadError as exc:
                if self._response is None and self._cuts == 0 and self.received == 0:
                    raise                         # the first request failed: nothing to resume
                self._reconnect_after(exc)
                continue
            if block:
                try:
                    self._append.write(block)
                except OSError as exc:
                    raise disk_error(self.part, exc) from exc
                self.received += len(block)
                return block
            have = self.replay + self.received
            if self.total is not None and have < self.total:
                self._reconnect_after(DownloadError(
                    f"{self.url}: the transfer was cut off after {mb(have)} of {mb(self.total)}"))
                continue
            return b""

    def _receive(self) -> bytes:
        if self._response is None:
            self._response, leftover = self._open(self.replay + self.received)
            if leftover:
                return leftover
        return self._response.read()

    def _open(self, offset: int) -> tuple[Response, bytes]:
        """Connect for the bytes from ``offset``; also returns any of them that came with skipped ones."""
        connection = contextlib.ExitStack()
        response = connection.enter_context(open_url(self.url, self.token, offset=offset))
        total = response.total
        if total is not None and total > MAX_ARCHIVE_BYTES:
            connection.close()
            raise DownloadError(f"{self.url}: the archive is {mb(total)}, more than the "
                                f"{mb(MAX_ARCHIVE_BYTES)} MusicRec accepts; refused")
        if self.total is not None and total is not None and total != self.total:
            connection.close()
            raise ArchiveError(f"{self.url}: the archive changed on the server during the download "
                               f"({mb(self.total)}, now {mb(total)}); start again")
        self._connection = connection
        self.total = self.total or total
        skip = offset - response.offset            # the server ignored the Range: drop what is kept
        while skip > 0:
            block = response.read()
            if not block:
                raise DownloadError(f"{self.url}: the server sent less than was already downloaded")
            if len(block) > skip:
                return response, block[skip:]
            skip -= len(block)
        return response, b""

    def _reconnect_after(self, exc: DownloadError) -> None:
        self._close_connection()
        if self._cuts >= len(RETRY_DELAYS):
            raise exc
        delay = RETRY_DELAYS[self._cuts]
        self._cuts += 1
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            self.token.check()
            time.sleep(min(0.1, delay))
        self._append.flush()

    def _close_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
        self._connection = self._response = None

    def drain(self, report_progress) -> None:
        """Read the rest of the archive (for the whole-archive checksum)."""
        block, self._pending = self._pending, b""
        while block or (block := self._next()):
            self.digest.update(block)
            self.position += len(block)
            report_progress(self.position)
            block = b""

    def close(self) -> None:
        if not self.closed:
            self._close_connection()
            if self._kept is not None:
                self._kept.close()
            self._append.close()
        super().close()


def download_artists(dump: Dump, folder: str | Path, token: StopToken | None = None,
                     report: Reporter = ignore_events, *, whole: bool = False) -> Downloaded:
    """Download the artists statistics of ``dump`` into ``folder`` (see the module docstring).

    ``whole``: read the whole archive to check it against the published
    SHA-256 (several GB more to download).  Raises ``DownloadError`` (network,
    disk; the partial download is kept for a resume), ``ArchiveError`` (the
    archive is damaged or is not a statistics dump; nothing is kept) or
    ``Cancelled`` (nothing is kept).
    """
    token = token or StopToken()
    folder = Path(folder)
    saved, licence_path = _saved_paths(dump, folder)
    if saved.exists() and licence_path.exists() and not whole:
        return Downloaded(saved, licence_path, dump, member_bytes=None, downloaded_bytes=0,
                          checks=[f"already downloaded: {saved.name}"])
    part = folder / (dump.file_name + ".part")
    temporary = saved.with_name(saved.name + ".tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _forget_other_archive(part, dump)
        with _ArchiveBody(dump.url, part, token) as body, open(temporary, "wb") as out:
            member_bytes, copying = _extract(body, out, dump, token, report)
            checks = _verify(body, dump, member_bytes, token, report, whole)
            downloaded = body.received
        temporary.replace(saved)
        licence_path.write_text(copying, encoding="utf-8")
    except Cancelled:
        _remove(temporary, part, _state(part))
        raise
    except (ArchiveError, ImportFormatError) as exc:
        _remove(temporary, part, _state(part))
        raise exc if isinstance(exc, ArchiveError) else ArchiveError(str(exc)) from None
    except DownloadError:
        _remove(temporary)
        if not part.exists() or part.stat().st_size == 0:
            _remove(part, _state(part))           # nothing arrived: nothing to resume
        raise
    except OSError as exc:
        _remove(temporary)
        raise disk_error(saved, exc) from exc
    _remove(part, _state(part))
    return Downloaded(saved, licence_path, dump, member_bytes, downloaded, checks)


def _state(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _forget_other_archive(part: Path, dump: Dump) -> None:
    """A kept ``.part`` is resumed only for the same archive (address and size)."""
    state = _state(part)
    try:
        kept = json.loads(state.read_text(encoding="utf-8")) if state.exists() else None
    except (OSError, ValueError):
        kept = None
    if kept != {"url": dump.url, "size": dump.size}:
        _remove(part)
    state.write_text(json.dumps({"url": dump.url, "size": dump.size}), encoding="utf-8")


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _extract(body: _ArchiveBody, out, dump: Dump, token: StopToken, report: Reporter) -> tuple[int, str]:
    """Decompress and walk the tar up to the artists member, writing it to ``out`` recompressed."""
    buffered = io.BufferedReader(body, CHUNK_SIZE)
    try:
        with zstdio.reader(buffered) as stream, tarfile.open(fileobj=stream, mode="r|") as archive:
            member, reader, head = walk_to_artists(archive, dump.url)
            meter = Meter("Downloading ListenBrainz statistics", report, member.size)
            done = 0
            with zstdio.writer(out) as packed:
                while block := reader.read(1 << 20):
                    token.check()
                    packed.write(block)
                    done += len(block)
                    meter.update(done, f" unpacked ({mb(body.received)} downloaded)")
            meter.update(done, f" unpacked ({mb(body.received)} downloaded)", force=True)
    except zstdio.ZstdError as exc:
        raise ArchiveError(f"{dump.url}: the archive's compressed data is damaged ({exc}); "
                           "download it again") from None
    except EOFError:
        raise ArchiveError(f"{dump.url}: the archive ends early; download it again") from None
    except tarfile.TarError as exc:
        raise ArchiveError(f"{dump.url}: the archive is not a readable tar ({exc})") from None
    finally:
        buffered.detach()            # the body stays open for the whole-archive check
    if done != member.size:
        raise ArchiveError(f"{dump.url}: {ARTISTS_MEMBER} has {done:,} bytes, its header says {member.size:,}")
    return done, head.metadata.get("COPYING", "")


def _verify(body: _ArchiveBody, dump: Dump, member_bytes: int, token: StopToken, report: Reporter,
            whole: bool) -> list[str]:
    """Check what can be checked and say what could not."""
    checks = [f"{ARTISTS_MEMBER}: {member_bytes:,} bytes, as its tar header declares (tar header checksums valid)"]
    if dump.size is not None and body.total is not None and dump.size != body.total:
        raise ArchiveError(f"{dump.url}: the server announced {dump.size:,} bytes but sends {body.total:,}")
    if not whole:
        total = f" of {mb(body.total)}" if body.total else ""
        checks.append(f"SHA-256 not checked: only the first {mb(body.position)}{total} of the archive were read "
                      "(everything up to the artists statistics); read the whole archive to check it")
        return checks
    meter = Meter("Checking the whole archive", report, body.total)
    body.drain(meter.update)
    if body.total is not None and body.position != body.total:
        raise ArchiveError(f"{dump.url}: read {body.position:,} bytes of {body.total:,}")
    published = re.search(r"\b[0-9a-fA-F]{64}\b", read_text(dump.sha256_url, token, limit=64 << 10))
    if published is None:
        raise ArchiveError(f"{dump.sha256_url}: holds no SHA-256 checksum")
    if published.group(0).lower() != body.digest.hexdigest():
        raise ArchiveError(f"{dump.url}: the archive does not match its published SHA-256; download it again")
    checks.append(f"SHA-256 of the whole archive ({body.position:,} bytes) matches {dump.file_name}.sha256")
    return checks


# -- importing ----------------------------------------------------------------------------

def apply_keep(planned: list[importer.PlannedSource], keep: str) -> list[importer.PlannedSource]:
    """The same plan, with the ListenBrainz statistics read under the keep choice ``keep``."""
    fmt = stats_format(keep_choice(keep).subsample)
    return [dataclasses.replace(item, format=fmt) if item.format is not None and item.format.key == KEY
            else item for item in planned]


def import_artists(store: Store, paths: list[str | Path], keep: str, person: str = library.DEFAULT_PERSON,
                   token: StopToken | None = None, report: Reporter = ignore_events) -> list[importer.SourceReport]:
    """Import downloaded (or any) files, reading ListenBrainz statistics under ``keep``."""
    planned = apply_keep(importer.plan_import(paths), keep)
    return importer.import_planned(store, planned, person, token, report)


def download_and_import(store: Store, keep: str, mirror_address: str, folder: str | Path,
                        person: str = library.DEFAULT_PERSON, token: StopToken | None = None,
                        report: Reporter = ignore_events, *,
                        whole: bool = False) -> tuple[Downloaded, list[importer.SourceReport]]:
    """The whole use case: newest dump, its artists statistics, imported under ``keep``."""
    token = token or StopToken()
    keep_choice(keep)                                   # an unknown choice fails before any download
    got = download_artists(find_newest(mirror_address, token), folder, token, report, whole=whole)
    return got, import_artists(store, [got.path], keep, person, token, report)
