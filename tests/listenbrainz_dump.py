"""Generated ListenBrainz statistics dumps in the published layout (tests and bench only).

The layout is the one ``listenbrainz/dumps/exporter.py`` writes: a tar stream,
zstd-compressed, holding ``<dump>/SCHEMA_SEQUENCE``, ``TIMESTAMP``, ``COPYING``
and then ``<dump>/lbdump/statistics/<type>_<range>.jsonl`` added in sorted
order.  Content is synthetic but realistic: Zipf-like artist popularity,
names with non-ASCII letters and JSON-hostile characters, MBIDs (some null),
heavy-tailed listen counts sorted from the top, users with up to 1,000 artists,
and the extra keys the real lines carry.
"""
from __future__ import annotations

import io
import itertools
import json
import random
import tarfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from musicrec_gui.core.formats import zstdio

STAMP = "20260501-000004"
DUMP = f"listenbrainz-statistics-dump-{STAMP}"
COPYING = ("Synthetic test data laid out like a ListenBrainz statistics dump.\n"
           "Like the real data it is dedicated to the public domain under CC0 1.0:\n"
           "https://creativecommons.org/publicdomain/zero/1.0/\n"
           "Please credit the MetaBrainz Foundation and ListenBrainz when you use the real data.\n")
OTHER_MEMBERS = ["artists_half_yearly.jsonl", "artists_week.jsonl", "daily_activity_all_time.jsonl",
                 "listening_activity_all_time.jsonl", "recordings_all_time.jsonl", "releases_all_time.jsonl"]

_WORDS = ["Sigur Rós", "Björk", "坂本龍一", "Mötley Crüe", "Beyoncé", "Ólafur Arnalds", "Седьмая раса",
          "Khruangbin", "Μάνος", "AC/DC", "Sunn O)))", '"Weird Al" Yankovic', "The The", "!!!", "Låpsley",
          "Tiësto", "Zaz", "Røyksopp", "Das Ich", "Ibrahim Maalouf", "Nick Cave & the Bad Seeds", "Koop",
          "Hiromi", "Tinariwen", "Café Tacvba", "Stereolab", "Boards of Canada", "Portishead"]


@dataclass
class Spec:
    """How big and how shaped a generated dump is."""

    users: int = 50
    artists: int = 2_000
    max_artists_per_user: int = 1_000
    mean_artists_per_user: float = 60.0
    full_users: int = 2                     # users with exactly max_artists_per_user artists
    null_mbid_share: float = 0.15
    seed: int = 7
    other_member_bytes: int = 3_000_000     # other statistics after the artists member
    extra_lines: list[str] = field(default_factory=list)   # appended verbatim (malformed lines, …)


def artist_pool(spec: Spec) -> list[tuple[str, str | None]]:
    rng = random.Random(spec.seed)
    pool = []
    for index in range(spec.artists):
        base = _WORDS[index % len(_WORDS)]
        name = base if index < len(_WORDS) else f"{base} {index}"
        mbid = None if rng.random() < spec.null_mbid_share else str(uuid.UUID(int=rng.getrandbits(128), version=4))
        pool.append((name, mbid))
    return pool


def user_lines(spec: Spec) -> Iterator[bytes]:
    """One JSON line per user, as ``couchdb.dump_database`` writes them (compact, UTF-8)."""
    rng = random.Random(spec.seed + 1)
    pool = artist_pool(spec)
    population = range(len(pool))
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in population))
    user_id = 0
    for index in range(spec.users):
        user_id += rng.randint(1, 9)
        if index < spec.full_users:
            size = spec.max_artists_per_user
        else:
            size = min(spec.max_artists_per_user, max(1, int(rng.expovariate(1 / spec.mean_artists_per_user))))
        size = min(size, len(pool))
        chosen: dict[int, None] = {}
        while len(chosen) < size:
            for pick in rng.choices(population, cum_weights=cumulative, k=size - len(chosen)):
                chosen.setdefault(pick)
        picks = list(chosen)
        counts = sorted((int(rng.paretovariate(1.2) * 3) for _ in picks), reverse=True)
        data = [{"artist_mbid": pool[i][1], "artist_name": pool[i][0], "listen_count": c}
                for i, c in zip(picks, counts)]
        now = 1_777_593_600 + index
        record = {"user_id": user_id, "data": data, "count": size + rng.randint(0, 50),
                  "from_ts": 1_009_843_200, "to_ts": now, "last_updated": now}
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    for line in spec.extra_lines:
        yield line.encode() + b"\n"


def write_jsonl(path: Path, spec: Spec) -> Path:
    with open(path, "wb") as out:
        out.writelines(user_lines(spec))
    return path


def write_jsonl_zst(path: Path, spec: Spec) -> Path:
    with open(path, "wb") as raw, zstdio.writer(raw) as out:
        out.writelines(user_lines(spec))
    return path


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    archive.addfile(info, io.BytesIO(data))


def _add_folder(archive: tarfile.TarFile, name: str) -> None:
    info = tarfile.TarInfo(name)
    info.type, info.mode = tarfile.DIRTYPE, 0o755
    archive.addfile(info)


def _activity_lines(rng: random.Random, size: int) -> bytes:
    """Stand-in for the other statistics (``daily_activity_*`` shaped), about ``size`` bytes."""
    lines, written, user_id = [], 0, 0
    while written < size:
        user_id += rng.randint(1, 9)
        data = [{"day": day, "hour": rng.randint(0, 23), "listen_count": rng.randint(1, 500)}
                for day in rng.sample(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], 3)]
        line = json.dumps({"user_id": user_id, "data": data}, separators=(",", ":")).encode() + b"\n"
        lines.append(line)
        written += len(line)
    return b"".join(lines)


def write_archive(path: Path, spec: Spec, *, with_artists: bool = True, copying: str = COPYING) -> Path:
    """``listenbrainz-statistics-dump-<time>.tar.zst`` in the exporter's member order."""
    jsonl = path.with_name(path.name + ".artists.tmp")
    write_jsonl(jsonl, spec)
    rng = random.Random(spec.seed + 2)
    try:
        with open(path, "wb") as raw, zstdio.writer(raw) as compressed, \
                tarfile.open(fileobj=compressed, mode="w|") as archive:
            _add_bytes(archive, f"{DUMP}/SCHEMA_SEQUENCE", b"9")
            _add_bytes(archive, f"{DUMP}/TIMESTAMP", b"2026-05-01 00:00:04.120845")
            _add_bytes(archive, f"{DUMP}/COPYING", copying.encode())
            _add_folder(archive, f"{DUMP}/lbdump")
            _add_folder(archive, f"{DUMP}/lbdump/statistics")
            if with_artists:
                archive.add(jsonl, arcname=f"{DUMP}/lbdump/statistics/artists_all_time.jsonl")
            for name in OTHER_MEMBERS:
                _add_bytes(archive, f"{DUMP}/lbdump/statistics/{name}",
                           _activity_lines(rng, spec.other_member_bytes // len(OTHER_MEMBERS)))
    finally:
        jsonl.unlink(missing_ok=True)
    return path


def tar_bytes(spec: Spec, with_artists: bool = True) -> tuple[bytes, int]:
    """The uncompressed tar of a small dump, and the offset where the artists member's data ends."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        _add_bytes(archive, f"{DUMP}/SCHEMA_SEQUENCE", b"9")
        _add_bytes(archive, f"{DUMP}/TIMESTAMP", b"2026-05-01 00:00:04.120845")
        _add_bytes(archive, f"{DUMP}/COPYING", COPYING.encode())
        _add_folder(archive, f"{DUMP}/lbdump")
        _add_folder(archive, f"{DUMP}/lbdump/statistics")
        if with_artists:
            _add_bytes(archive, f"{DUMP}/lbdump/statistics/artists_all_time.jsonl", b"".join(user_lines(spec)))
        end = buffer.tell()
        for name in OTHER_MEMBERS:
            _add_bytes(archive, f"{DUMP}/lbdump/statistics/{name}", b"{}\n" * 20_000)
    return buffer.getvalue(), end


def expected(spec: Spec) -> dict:
    """Listeners, distinct (listener, artist-name) pairs and total plays the lines hold."""
    listeners, pairs, plays = 0, 0, 0
    for line in user_lines(Spec(**{**spec.__dict__, "extra_lines": []})):
        record = json.loads(line)
        listeners += 1
        pairs += len(record["data"])
        plays += sum(entry["listen_count"] for entry in record["data"])
    return {"listeners": listeners, "pairs": pairs, "plays": plays}
