"""File-level fuzzing: mutated copies of every shared export, written to disk and imported.

Each case must end with 0 tracebacks (only reports or ``MusicRecError``),
0 hangs (a guard thread), and 0 silently wrong rows: every row read is
added, skipped for a reason or counted as malformed; nothing impossible is
stored; the store checks out (``store_checks``).  ``bench/import_fuzz.py``
runs the same cases for longer.
"""
from __future__ import annotations

import random
import threading
import zipfile
import zlib
from pathlib import Path

import pytest
from shared_data import EXPORTS, require_shared
from store_checks import check_store

from musicrec_gui.core import importer
from musicrec_gui.core.store import Store

EXPORT_FILES = sorted(p.relative_to(EXPORTS).as_posix() for p in EXPORTS.rglob("*")
                      if p.is_file() and p.name != "README.md") if EXPORTS.exists() else ["(missing)"]
TOKENS = [b",", b"\t", b'"', b"{", b"}", b"[", b"]", b"\n", b"\r\n", b"\n" * 5000, b"\xff\xfe", b"\x00",
          b"\\ud800", b"99999999999999999999", b"9223372036854775808", b"-1", b"1e400", b"0", b"NaN",
          "é".encode("latin-1"), b"\xe2\x80", b"A" * 5000]
GUARD_SECONDS = 120


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits of the kinds real damage and hostile files make."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(data) + 1)
        action = rng.choice(["flip", "insert", "delete", "repeat", "cut"])
        if action == "flip" and at < len(data):
            data[at] = rng.randrange(256)
        elif action == "insert":
            data[at:at] = rng.choice(TOKENS)
        elif action == "delete":
            del data[at:at + rng.randint(1, 200)]
        elif action == "repeat":
            data[at:at] = data[at:at + rng.randint(1, 2000)] * rng.randint(2, 50)
        elif action == "cut" and rng.random() < 0.3:
            del data[at:]
    return bytes(data)


def write_case(original: Path, folder: Path, rng: random.Random) -> Path:
    """The mutated file on disk: as itself, as UTF-16, or inside a zip."""
    data = mutate(original.read_bytes(), rng)
    wrapping = rng.choice(["plain"] * 6 + ["utf16", "zip"])
    path = folder / original.name
    if wrapping == "utf16":
        path.write_bytes(data.decode("utf-8", "replace").encode("utf-16"))
    elif wrapping == "zip":
        path = folder / "export.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"MyData/{original.name}", data)
    else:
        path.write_bytes(data)
    return path


def run_case(original: Path, folder: Path, seed: int) -> list[str]:
    """Import one mutated copy into a fresh store; returns the problems found (none is a pass)."""
    rng = random.Random(seed)
    path = write_case(original, folder, rng)
    store = Store(folder / "s.sqlite3")
    outcome: list = []

    def work():
        try:
            outcome.append(importer.import_paths(store, [path]))
        except BaseException as exc:  # noqa: BLE001 - anything escaping the importer is a finding
            outcome.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(GUARD_SECONDS)
    if worker.is_alive():
        return [f"hang: {path} (seed {seed}) still importing after {GUARD_SECONDS} s"]
    store.close()
    if isinstance(outcome[0], BaseException):
        return [f"exception: {type(outcome[0]).__name__}: {outcome[0]} (seed {seed})"]
    problems = []
    for report in outcome[0]:
        for message in (report.error, report.ignored):
            if message is not None and ("\n" in message or "Traceback" in message):
                problems.append(f"message not one line: {message!r}")
        if report.status in ("imported", "nothing added") and report.listener is not None:
            accounted = report.added + sum(report.skipped.values()) + report.malformed
            if accounted != report.rows_read:
                problems.append(f"{report.path}: {report.rows_read} rows read but {accounted} accounted "
                                f"for (seed {seed})")
    try:
        check_store(folder / "s.sqlite3")
    except AssertionError as exc:
        problems.append(f"store check failed (seed {seed}): {exc}")
    return problems


def case_seed(name: str, round_: int) -> int:
    return zlib.crc32(f"{name}:{round_}".encode())


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPORT_FILES)
def test_mutated_exports_import_cleanly(name, tmp_path):
    export = require_shared(EXPORTS / name)
    problems = []
    for round_ in range(2):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        problems += run_case(export, folder, case_seed(name, round_))
    assert problems == []
