"""Zstandard streams (ListenBrainz dumps are ``.tar.zst``), decoded as they are read.

The decoder is the standard library's ``compression.zstd`` on Python >= 3.14
and the ``backports.zstd`` package (the same module, published for older
Pythons) below that.  Both read concatenated frames and skippable frames, and
raise ``ZstdError`` on damaged data and ``EOFError`` when a frame is cut off.
"""
from __future__ import annotations

import io

try:
    from compression import zstd
except ImportError:                     # Python < 3.14
    from backports import zstd

MAGIC = b"\x28\xb5\x2f\xfd"             # the first four bytes of every zstd frame
ZstdError = zstd.ZstdError

# Level for the files MusicRec writes itself: fast, and still ~5x smaller than JSON.
WRITE_LEVEL = 3


def is_zstd(head: bytes) -> bool:
    return head.startswith(MAGIC)


def reader(stream: io.BufferedIOBase) -> io.BufferedIOBase:
    """Decompressed view of ``stream`` (which the caller still closes)."""
    return zstd.ZstdFile(stream, "rb")


def writer(stream: io.BufferedIOBase) -> io.BufferedIOBase:
    """A compressing writer over ``stream``; closing it ends the frame (``stream`` stays open)."""
    return zstd.ZstdFile(stream, "wb", level=WRITE_LEVEL)


def head(data: bytes, size: int) -> bytes:
    """Up to ``size`` decompressed bytes from the start of a possibly cut-off stream ("" if damaged)."""
    try:
        return zstd.ZstdDecompressor().decompress(data, max_length=size)
    except ZstdError:
        return b""


def compress(data: bytes) -> bytes:
    """One frame holding ``data`` (tests and benchmarks build archives with it)."""
    return zstd.compress(data, level=WRITE_LEVEL)
