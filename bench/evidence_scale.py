"""Co-listening evidence at Last.fm 360K scale (prints figures, asserts nothing).

"38 % of Radiohead's listeners also play Sigur Rós (412 of 1,084)" comes from
``core/evidence.py``: one pass over the stored plays builds a sparse listener ×
artist matrix (cached per store state by ``Listening``); a recommendation
list's evidence is then one small sparse product.  Here, for generated
360K-format community data (``bench/synthetic.py``, fixed seed) imported into a
temporary store with ``musicrec import`` (in its own process), or for a store
given with ``--store``:

* the build: seconds, plays per second, the growth of peak RSS, the matrix size;
  then loading it from the cache file, as the next session does;
* the evidence of one list (20 recommended artists × 3 reasons): median of
  ``--repeats`` runs, next to the reference measured in the same process — the
  same counts by one SQL query per pair over the indexed ``plays`` table, as a
  first version would — and the ratio;
* whether the two agree, and what the cache check (``store_state``) costs.

Every store artist is one column here (a model covering all of them), so no
training is needed.

Usage: python bench/evidence_scale.py [--fractions 0.1,1.0] [--store PATH] [--repeats 7] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._common import setup_process  # noqa: E402

ITEMS, REASONS = 20, 3


def _rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: KiB


def prepare(fraction: float, folder: Path) -> Path:
    """Generate the fraction's file and import it with the CLI (each in its own process, so this
    process's peak memory is the index's); the store's path."""
    data = folder / "usersha1-artmbid-artname-plays.tsv"
    home = folder / "home"
    store = home / "musicrec.sqlite3"
    if store.exists():
        return store
    env = {**os.environ, "MUSICREC_HOME": str(home), "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from bench.synthetic import write_lastfm360k; "
                    "write_lastfm360k(sys.argv[1], float(sys.argv[2]))", str(data), str(fraction)],
                   env=env, cwd=REPO, check=True)
    print(f"  generated {data.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "musicrec_gui.cli", "import", str(data), "--json"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  imported in {time.perf_counter() - start:.0f} s", flush=True)
    data.unlink()
    return store


def picks(store, rng) -> list[tuple[int, tuple[int, ...]]]:
    """A recommendation list's shape: 20 items among the 5 000 most played artists, 3 reasons each
    among the 2 000 most played (column = position in the artist table)."""
    ids = np.array([i for (i,) in store.connection().execute("SELECT id FROM artists ORDER BY id")])
    top = np.array([i for (i,) in store.connection().execute(
        "SELECT artist_id FROM plays GROUP BY artist_id ORDER BY COUNT(*) DESC LIMIT 5000")])
    columns = np.searchsorted(ids, top)
    items = rng.choice(columns, ITEMS, replace=False)
    return [(int(item), tuple(int(r) for r in rng.choice(columns[:2000], REASONS, replace=False)))
            for item in items]


def sql_counts(store, ids: np.ndarray, chosen) -> list[list[tuple[int, int]]]:
    """The reference: (both, listeners of the reason) by one query per pair."""
    conn = store.connection()
    out = []
    for item, reasons in chosen:
        row = []
        for reason in reasons:
            both = conn.execute("""SELECT COUNT(*) FROM plays a JOIN plays b
                                   ON b.listener_id = a.listener_id AND b.artist_id = ?
                                   WHERE a.artist_id = ?""", (int(ids[item]), int(ids[reason]))).fetchone()[0]
            of = conn.execute("SELECT COUNT(*) FROM plays WHERE artist_id = ?", (int(ids[reason]),)).fetchone()[0]
            row.append((both, of))
        out.append(row)
    return out


def measure(store_path: Path, repeats: int) -> None:
    from musicrec_gui.core.evidence import CACHE_FOLDER, CACHE_PREFIX, CoListeningIndex, co_listening, store_state
    from musicrec_gui.core.store import Store

    store = Store(store_path)
    plays = store.scalar("SELECT COUNT(*) FROM plays")
    listeners = store.scalar("SELECT COUNT(*) FROM listeners")
    ids = np.array([i for (i,) in store.connection().execute("SELECT id FROM artists ORDER BY id")])
    print(f"  store: {plays:,} plays, {listeners:,} listeners, {ids.size:,} artists "
          f"({store_path.stat().st_size / 1e9:.2f} GB)")

    def every_artist(store_ids, norms):
        return np.arange(store_ids.size)

    cache = store_path.parent / CACHE_FOLDER
    for old in cache.glob(f"{CACHE_PREFIX}*"):
        old.unlink()
    rss_before = _rss_peak_mb()
    start = time.perf_counter()
    index = CoListeningIndex.load_or_build(store, every_artist, ids.size)
    build = time.perf_counter() - start
    matrix_mb = (index.matrix.data.nbytes + index.matrix.indices.nbytes + index.matrix.indptr.nbytes) / 1e6
    print(f"  build (and cache): {build:.1f} s ({plays / build:,.0f} plays/s), peak RSS "
          f"+{_rss_peak_mb() - rss_before:,.0f} MB, matrix {index.matrix.nnz:,} entries, {matrix_mb:,.0f} MB")
    loads = []
    for _ in range(3):
        start = time.perf_counter()
        again = CoListeningIndex.load_or_build(store, every_artist, ids.size)
        loads.append(time.perf_counter() - start)
    same = (again.matrix != index.matrix).nnz == 0
    print(f"  next session, from the cache file: {statistics.median(loads):.2f} s (median of 3), same matrix: {same}")

    rng = np.random.default_rng(14)
    chosen = picks(store, rng)
    names = np.array([f"artist {i}" for i in ids], dtype=object)
    ours, reference = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        evidence = co_listening(index, names, chosen)
        ours.append(time.perf_counter() - start)
    for _ in range(max(1, repeats // 3)):
        start = time.perf_counter()
        expected = sql_counts(store, ids, chosen)
        reference.append(time.perf_counter() - start)
    got = [[(e.both, e.listeners) for e in found] for found in evidence]
    agree = got == [[pair for pair in row if pair[1] > 0] for row in expected]
    fast, slow = statistics.median(ours), statistics.median(reference)
    print(f"  evidence of one list ({ITEMS} items × {REASONS} reasons): {fast * 1000:.1f} ms median of {repeats}; "
          f"one SQL query per pair: {slow * 1000:,.0f} ms (median of {len(reference)}); ratio {slow / fast:,.0f}×; "
          f"agree: {agree}")
    start = time.perf_counter()
    for _ in range(20):
        store_state(store)
    print(f"  cache check (store_state): {(time.perf_counter() - start) / 20 * 1000:.2f} ms")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fractions", default="0.1,1.0", help="shares of the full 360K size (default %(default)s)")
    parser.add_argument("--store", type=Path, help="measure this store instead of generating data")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the generated stores in this folder (reused next time)")
    args = parser.parse_args()
    print(setup_process())
    if args.store:
        print(f"{args.store}:")
        measure(args.store, args.repeats)
        return
    for fraction in (float(f) for f in args.fractions.split(",")):
        with tempfile.TemporaryDirectory(prefix="musicrec-evidence-") as tmp:
            folder = (args.keep / f"fraction-{fraction:g}") if args.keep else Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            print(f"360K format at {fraction:.0%}:", flush=True)
            measure(prepare(fraction, folder), args.repeats)


if __name__ == "__main__":
    main()
