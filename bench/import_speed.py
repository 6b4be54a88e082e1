"""Import speed and peak memory (not a test): prints figures, asserts nothing.

Cases, each in a fresh subprocess with a fresh store (so peak RSS is its own):
  * HetRec 2011 Last.fm 2K (folder)           target < 2 s
  * the largest Last.fm export in ../shared
  * a generated Last.fm-1K-format TSV          target >= 300 000 lines/s, peak < 500 MB

Usage: python bench/import_speed.py [--lines 5000000] [--repeats 3]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()

CHILD = """
import json, resource, sys, time
from musicrec_gui.core import importer
from musicrec_gui.core.store import Store
store = Store(sys.argv[1])
start = time.perf_counter()
reports = importer.import_paths(store, [sys.argv[2]])
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb,
                  "rows": sum(r.rows_read for r in reports), "added": sum(r.added for r in reports),
                  "errors": [r.error for r in reports if r.error]}))
"""


def generate_1k(path: Path, lines: int) -> None:
    """A Last.fm-1K-shaped file: 1 000 users, 50 000 artists, realistic field widths.

    Like the real dataset (19 M lines, ~900 k listener-artist pairs) each user
    replays a personal library: about 20 plays per listener-artist pair, with a
    Zipf-like preference inside the library.
    """
    import random

    rng = random.Random(42)
    per_user = max(1, lines // 1000)
    library_size = max(5, per_user // 20)
    weights = [1 / (rank + 1) for rank in range(library_size)]
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        for user in range(1000):
            count = min(per_user, lines - written)
            if count <= 0:
                break
            library = rng.sample(range(50_000), library_size)
            picks = rng.choices(library, weights=weights, k=count)
            rows = []
            for n, artist in enumerate(picks):
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_230_000_000 + n * 211))
                rows.append(f"user_{user:06d}\t{stamp}\t{artist:08x}-0000-0000-0000-000000000000\t"
                            f"Artist number {artist}\t\tSong title {n % 5000}\n")
            out.writelines(rows)
            written += count


def run_case(path: Path, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / "s.sqlite3"), str(path)],
                                 capture_output=True, text=True, check=True,
                                 env={**os.environ, "OMP_NUM_THREADS": "1"})
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    seconds = statistics.median(r["seconds"] for r in runs)
    return {"seconds": seconds, "rows": runs[0]["rows"], "added": runs[0]["added"],
            "rows_per_s": runs[0]["rows"] / seconds, "peak_mb": max(r["peak_mb"] for r in runs),
            "errors": runs[0]["errors"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    exports = SHARED / "data" / "exports"
    lastfm = sorted((p for p in exports.glob("lastfm*/*") if p.is_file()), key=lambda p: p.stat().st_size)
    cases = [("HetRec 2K (folder)", SHARED / "data" / "hetrec2011-lastfm-2k", "< 2 s"),
             (f"largest Last.fm export ({lastfm[-1].name})", lastfm[-1], "")]
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "lastfm1k-generated.tsv"
        t0 = time.perf_counter()
        generate_1k(big, args.lines)
        print(f"generated {args.lines:,} lines ({big.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - t0:.1f} s", flush=True)
        cases.append((f"generated Last.fm 1K TSV, {args.lines:,} lines", big, ">= 300 000 lines/s, < 500 MB"))
        print(f"{'case':<52} {'median s':>9} {'rows':>10} {'rows/s':>10} {'peak MB':>8}  target")
        for name, path, target in cases:
            r = run_case(path, args.repeats if "generated" not in name else 1)
            print(f"{name:<52} {r['seconds']:>9.2f} {r['rows']:>10,} {r['rows_per_s']:>10,.0f} "
                  f"{r['peak_mb']:>8.0f}  {target}", flush=True)
            if r["errors"]:
                print("  errors:", r["errors"])


if __name__ == "__main__":
    main()
