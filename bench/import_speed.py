"""Import speed and peak memory (not a test): prints figures, asserts nothing.

Cases, each in a fresh subprocess with a fresh store (so peak RSS is its own):
  * HetRec 2011 Last.fm 2K (folder)                      target < 2 s
  * the largest Last.fm export in ../shared
  * a generated Last.fm-1K-format TSV                     target >= 300 000 lines/s, peak < 500 MB
  * generated Last.fm-360K-format TSVs (bench/synthetic)  target >= 200 000 rows/s, peak <= 1 GB at 100 %
  * many tiny exports of one person                       per-file time must not grow with the store

Besides wall time, each run reports its CPU time and the load average, and
the script times a fixed reference workload (1 M rows inserted into SQLite
with executemany, 1 M lines parsed by pandas: the two costs an import is made
of) before and after the cases: "×ref" is a case's wall time in units of the
reference measured in the same run, which stays comparable when neighbours
load a shared machine and wall time does not.  Generated data goes to --data-dir (kept between runs when
given, so the 45 s of writing 17.5 M rows is paid once); it is never committed.

Usage: python bench/import_speed.py [--lines 5000000] [--repeats 3]
           [--fractions 0.1,0.25,0.5,1.0] [--tiny-files 10000] [--data-dir DIR] [--cases hetrec,lastfm,1k,360k,tiny]
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
sys.path.insert(0, str(REPO / "bench"))

CHILD = """
import json, os, resource, sys, time
from musicrec_gui.core import importer
from musicrec_gui.core.store import Store
store = Store(sys.argv[1])
start, cpu = time.perf_counter(), time.process_time()
reports = importer.import_paths(store, sys.argv[2:])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
store.close()
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "load": os.getloadavg()[0],
                  "rows": sum(r.rows_read for r in reports), "added": sum(r.added for r in reports),
                  "store_mb": os.path.getsize(sys.argv[1]) / 1e6,
                  "errors": [r.error for r in reports if r.error]}))
"""

TINY_CHILD = """
import json, sys, time
from musicrec_gui.core import importer
from musicrec_gui.core.store import Store
store = Store(sys.argv[1])
importer.import_paths(store, [sys.argv[2]])          # community data in the store, as in real use
times = []
for path in sys.argv[3:]:
    start = time.perf_counter()
    importer.import_paths(store, [path])
    times.append(time.perf_counter() - start)
print(json.dumps({"times": times}))
"""

REFERENCE = """
import io, sqlite3, sys, tempfile, time
import numpy as np, pandas as pd
rows = 1_000_000
rng = np.random.default_rng(0)
listeners = np.repeat(np.arange(rows // 50), 50)
offsets = np.argsort(rng.random((rows // 50, 50)), axis=1).ravel()      # each listener: 50 distinct artists
artists = (listeners * 7919 + offsets * 3203) % 160_000
text = "".join(f"{l:040x}\\t{a:036x}\\tArtist {a}\\t{a % 997}\\n" for l, a in zip(listeners.tolist(), artists.tolist()))
with tempfile.TemporaryDirectory() as tmp:
    conn = sqlite3.connect(f"{tmp}/r.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER, d INTEGER, PRIMARY KEY (a, b, c)) WITHOUT ROWID")
    start = time.perf_counter()
    pd.read_csv(io.StringIO(text), sep="\\t", header=None, dtype=object, na_filter=False)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?, ?, 1, ?)", zip(listeners.tolist(), artists.tolist(), artists.tolist()))
    conn.execute("COMMIT")
    print(time.perf_counter() - start)
"""

GHAN_HEADER = "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n"


def reference_seconds(repeats: int = 3) -> float:
    """Median wall time of the fixed reference workload (a yardstick of the machine right now)."""
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", REFERENCE], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


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


def run_import(paths: list[Path], repeats: int) -> dict:
    """Median seconds and CPU over ``repeats`` fresh-store imports; the largest peak RSS."""
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / "s.sqlite3"), *map(str, paths)],
                                 capture_output=True, text=True, check=True,
                                 env={**os.environ, "OMP_NUM_THREADS": "2", "PYTHONPATH": str(REPO)})
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    seconds = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    return {"seconds": seconds, "cpu": cpu, "rows": runs[0]["rows"], "rows_per_s": runs[0]["rows"] / seconds,
            "rows_per_cpu_s": runs[0]["rows"] / cpu, "peak_mb": max(r["peak_mb"] for r in runs),
            "store_mb": runs[0]["store_mb"], "load": statistics.median(r["load"] for r in runs),
            "errors": runs[0]["errors"]}


def print_row(name: str, r: dict, target: str, reference: float) -> None:
    print(f"{name:<46} {r['seconds']:>8.2f} {r['seconds'] / reference:>6.1f} {r['cpu']:>8.2f} {r['rows']:>11,} "
          f"{r['rows_per_s']:>10,.0f} {r['rows_per_cpu_s']:>10,.0f} {r['peak_mb']:>8.0f} {r['store_mb']:>8.0f} "
          f"{r['load']:>5.1f}  {target}", flush=True)
    if r["errors"]:
        print("  errors:", r["errors"])


def tiny_files(folder: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = folder / f"scrobbles-{n:05d}.csv"
        rows = "".join(f'"{1_600_000_000 + 20 * n + k}","","Artist {(7 * n + k) % 400}","","Album","","t{n}",""\n'
                       for k in range(10))
        path.write_text(GHAN_HEADER + rows)
        paths.append(path)
    return paths


def run_tiny(count: int) -> None:
    """Per-file import time of many tiny exports, early ones against late ones (a ratio near 1 is flat)."""
    hetrec = SHARED / "data" / "hetrec2011-lastfm-2k"
    with tempfile.TemporaryDirectory() as tmp:
        paths = tiny_files(Path(tmp), count)
        out = subprocess.run([sys.executable, "-c", TINY_CHILD, str(Path(tmp) / "s.sqlite3"), str(hetrec),
                              *map(str, paths)], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    times = json.loads(out.stdout.strip().splitlines()[-1])["times"]
    tenth = max(1, count // 10)
    early, late = statistics.median(times[:tenth]), statistics.median(times[-tenth:])
    print(f"{count:,} tiny exports after HetRec: {sum(times):.1f} s in all; median per file "
          f"first tenth {early * 1000:.1f} ms, last tenth {late * 1000:.1f} ms (ratio {late / early:.2f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fractions", default="0.1,0.25,0.5,1.0")
    parser.add_argument("--fraction-repeats", type=int, default=1)
    parser.add_argument("--tiny-files", type=int, default=10_000)
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--cases", default="hetrec,lastfm,1k,360k,tiny")
    args = parser.parse_args()
    cases = set(args.cases.split(","))
    exports = SHARED / "data" / "exports"
    reference = reference_seconds()
    print(f"reference workload (1 M rows into SQLite + 1 M lines through pandas): {reference:.2f} s, "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"{'case':<46} {'wall s':>8} {'×ref':>6} {'cpu s':>8} {'rows':>11} {'rows/s':>10} {'rows/cpu-s':>10} "
          f"{'peak MB':>8} {'store MB':>8} {'load':>5}  target")
    if "hetrec" in cases:
        print_row("HetRec 2K (folder)", run_import([SHARED / "data" / "hetrec2011-lastfm-2k"], args.repeats), "< 2 s",
                  reference)
    if "lastfm" in cases:
        lastfm = sorted((p for p in exports.glob("lastfm*/*") if p.is_file()), key=lambda p: p.stat().st_size)
        print_row(f"largest Last.fm export ({lastfm[-1].name})", run_import([lastfm[-1]], args.repeats), "",
                  reference)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(args.data_dir or tmp)
        data.mkdir(parents=True, exist_ok=True)
        if "1k" in cases:
            big = data / f"lastfm1k-{args.lines}.tsv"
            if not big.exists():
                generate_1k(big, args.lines)
            print_row(f"generated Last.fm 1K TSV, {args.lines:,} lines", run_import([big], 1),
                      ">= 300 000 lines/s, < 500 MB", reference)
        if "360k" in cases:
            from synthetic import write_lastfm360k

            for fraction in map(float, args.fractions.split(",")):
                path = data / f"lastfm360k-{fraction:g}.tsv"
                if not path.exists():
                    started = time.perf_counter()
                    write_lastfm360k(path, fraction)
                    print(f"  (generated {path.name}: {path.stat().st_size / 1e6:.0f} MB "
                          f"in {time.perf_counter() - started:.0f} s)", flush=True)
                print_row(f"generated Last.fm 360K TSV, {fraction:.0%}", run_import([path], args.fraction_repeats),
                          ">= 200 000 rows/s, <= 1 GB" if fraction == 1.0 else "", reference)
    if "tiny" in cases:
        run_tiny(args.tiny_files)
    print(f"reference workload again: {reference_seconds():.2f} s, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
