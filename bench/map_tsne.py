"""The map's t-SNE on the HetRec artists (not a test; prints figures).

Trains the Discover preset on the fixed split's training part, then runs
``projection.tsne_2d`` on its artist vectors as the Map page's "Refine with
t-SNE" does — child process included, 2 threads — ``--runs`` times, and prints
each wall time and their median (the target is at most 20 s).  Beside the time
it prints what the map keeps: the share of each artist's 10 nearest neighbours
(in the model's vectors) that are among its 10 nearest on the map, for a fixed
sample of artists, with PCA's share for reference.

    python bench/map_tsne.py [--runs 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import BENCH_THREADS, SPLIT, setup_process  # noqa: E402

NEIGHBOURS = 10
SAMPLE = 2_000
SEED = 7


def nearest(points: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The ``NEIGHBOURS`` nearest other points (Euclidean) of each of ``rows``."""
    points = points.astype(np.float64)
    squared = (points ** 2).sum(axis=1)
    distances = squared[rows, None] - 2 * points[rows] @ points.T + squared[None, :]
    distances[np.arange(len(rows)), rows] = np.inf
    return np.argpartition(distances, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]


def kept(vectors: np.ndarray, coordinates: np.ndarray, rows: np.ndarray) -> float:
    """Mean share of each row's nearest neighbours in ``vectors`` that stay nearest on the map."""
    before, after = nearest(vectors, rows), nearest(coordinates, rows)
    return float(np.mean([len(np.intersect1d(b, a)) / NEIGHBOURS for b, a in zip(before, after)]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(setup_process())

    from musicrec_gui.core.engine import projection
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.dataset import load_split
    from musicrec_gui.core.engine.settings import preset
    from musicrec_gui.core.engine.trainer import Trainer

    split = load_split(SPLIT)
    trainer = Trainer(split.dataset, preset("discover", threads=BENCH_THREADS))
    result = trainer.fit()
    vectors = np.asarray(TrainedModel.from_training(trainer, result).artist_emb)
    rows = np.random.default_rng(SEED).choice(len(vectors), min(SAMPLE, len(vectors)), replace=False)
    print(f"{len(vectors):,} artists × {vectors.shape[1]} dims; "
          f"{projection.EXAGGERATION_ITERATIONS} + {projection.NORMAL_ITERATIONS} iterations")
    print(f"PCA: {NEIGHBOURS}-NN kept {kept(vectors, projection.pca_2d(vectors), rows):.3f}")
    times = []
    for run in range(args.runs):
        start = time.perf_counter()
        coordinates = projection.tsne_2d(vectors, threads=BENCH_THREADS, seed=run)
        times.append(time.perf_counter() - start)
        print(f"t-SNE run {run + 1}: {times[-1]:.1f} s, {NEIGHBOURS}-NN kept {kept(vectors, coordinates, rows):.3f}",
              flush=True)
    print(f"t-SNE median: {statistics.median(times):.1f} s over {len(times)} runs (target ≤ 20 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
