"""ListenBrainz statistics at scale (not a test): prints figures, asserts nothing.

Generates a statistics dump in the published layout (``tests/listenbrainz_dump.py``)
with ``--users`` listeners (default 100 000; ~175 artists each on average, at most
1 000, so ~17.5 M listener x artist entries: the order of Last.fm 360K), then, each
case in a fresh subprocess so peak RSS is its own:

* parse only   — the format alone, rows thrown away: its speed and its memory;
* import       — ``importer.import_paths`` into a fresh store, keep "all";
* again        — the same archive into the same store (must add 0);
* quick/large  — the keep choices, each into a fresh store.

Prints time, rows/s and peak RSS (target: import within 1 GB peak).

Usage: python bench/listenbrainz_import.py [--users 100000] [--keep-archive DIR] [--cases parse,import,...]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import listenbrainz_dump as dumps  # noqa: E402  (a test helper, found through the path above)

CHILD = """
import json, resource, sys, time
from musicrec_gui.core import formats, library
from musicrec_gui.core.community import listenbrainz
from musicrec_gui.core.store import Store
case, archive, store_path = sys.argv[1:4]
start = time.perf_counter()
if case == "parse":
    source = next(formats.iter_sources(archive))
    rows = sum(len(chunk.frame) for chunk in formats.parse(source))
    result = {"rows": rows, "added": 0}
else:
    store = Store(store_path)
    keep = {"import": "all", "again": "all"}.get(case, case)
    reports = listenbrainz.import_artists(store, [archive], keep)
    stats = library.store_stats(store)
    result = {"rows": sum(r.rows_read for r in reports), "added": sum(r.added for r in reports),
              "errors": [r.error for r in reports if r.error], "listeners": stats["community_listeners"],
              "artists": stats["artists"], "pairs": stats["pairs"]}
result["seconds"] = time.perf_counter() - start
result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def run(case: str, archive: Path, store: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, case, str(archive), str(store)], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"})
    if out.returncode:
        raise SystemExit(f"{case} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--mean-artists", type=float, default=175.0)
    parser.add_argument("--keep-archive", type=Path, help="write (or reuse) the archive in this folder")
    parser.add_argument("--cases", default="parse,import,again,quick,large")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep_archive or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        archive = folder / f"listenbrainz-statistics-{args.users}-users.tar.zst"
        spec = dumps.Spec(users=args.users, artists=max(2_000, args.users * 2),
                          mean_artists_per_user=args.mean_artists, full_users=max(2, args.users // 500),
                          other_member_bytes=20_000_000)
        if not archive.exists():
            start = time.perf_counter()
            dumps.write_archive(archive, spec)
            print(f"generated {archive.name}: {archive.stat().st_size / 1e6:.0f} MB "
                  f"in {time.perf_counter() - start:.0f} s", flush=True)
        print(f"{args.users:,} listeners, mean {args.mean_artists:g} artists (at most 1 000), "
              f"archive {archive.stat().st_size / 1e6:.0f} MB; 1 CPU thread for numeric libraries")
        print(f"{'case':<8} {'seconds':>8} {'rows':>12} {'rows/s':>10} {'added':>12} {'peak MB':>8}  detail")
        store = Path(scratch) / "store.sqlite3"
        for case in args.cases.split(","):
            if case != "again":
                for leftover in Path(scratch).glob("store.sqlite3*"):
                    leftover.unlink()
            result = run(case, archive, store)
            rows = result["rows"] if case == "parse" else result.get("pairs", 0)
            detail = ", ".join(f"{key} {result[key]:,}" for key in ("listeners", "artists") if key in result)
            if result.get("errors"):
                detail += f" errors: {result['errors']}"
            print(f"{case:<8} {result['seconds']:8.1f} {result['rows']:12,} "
                  f"{(rows or result['rows']) / result['seconds']:10,.0f} {result['added']:12,} "
                  f"{result['peak_mb']:8.0f}  {detail}", flush=True)


if __name__ == "__main__":
    main()
