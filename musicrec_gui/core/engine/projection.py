"""2-D maps of embeddings: PCA at once, t-SNE as a cancellable job.

t-SNE is openTSNE's FFT-accelerated t-SNE (Linderman et al. 2019: the repulsive
forces interpolated on a grid, O(n) per iteration).  scikit-learn's Barnes–Hut
took 131 s for the 17.6 K HetRec artists here.  What made openTSNE itself fast
enough here (measured on the HetRec artists, 2 threads, busy machine):

* grid boxes 2 units wide instead of 1: the grid grows with the map's span
  (≈ 200 units at 17 K points), and with 1-unit boxes the last iterations took
  0.3 s each — 500 iterations were 77 s of a 105 s run; with 2-unit boxes the
  share of each point's 10 nearest neighbours kept on the map went 0.607 → 0.583;
* 100 + 250 iterations instead of 250 + 500 (early exaggeration, then the rest).
  Each iteration costs about the same (~40 ms at 17.6 K points, mostly openTSNE's
  single-threaded gradient), so time is set by their number.  Early exaggeration
  has done its work by 100: the share of neighbours kept stayed 0.60 (200 + 250:
  0.60, 100 + 200: 0.59) while the run went from ~21 s to ~17 s
  (``bench/map_tsne.py``);
* exact nearest neighbours up to ``EXACT_NEIGHBOURS`` points (2 s against Annoy's
  7–14 s at 17.6 K), Annoy above.

Above ``LANDMARKS`` points (a Last.fm 360K model
has 160 K artists) the map is made from a seeded sample of that many — the most
listened first would bias it, so uniformly — and every other artist is placed at
the median of its nearest sampled neighbours (openTSNE's ``prepare_partial``):
the map's layout comes from the sample, every artist still gets a position.

It runs in a child process (``spawn``: safe with threads and torch in the
parent) that reports its iterations; the parent polls the stop token and
terminates the child on a stop — the CPU is freed at once instead of finishing
a result nobody wants.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import time

import numpy as np

from musicrec_gui.core.errors import EngineError
from musicrec_gui.core.jobs import Cancelled, Progress, StopToken, ignore_events

LANDMARKS = 40_000          # points t-SNE proper runs on; the rest are placed by their neighbours
EXACT_NEIGHBOURS = 25_000   # up to this many points the affinities use exact nearest neighbours
EXAGGERATION_ITERATIONS = 100   # early exaggeration (12) first, then the normal phase
NORMAL_ITERATIONS = 250
BOX_WIDTH = 2.0             # width of the FFT interpolation grid's boxes, in map units
PROGRESS_EVERY = 25         # iterations between the child's progress reports
PLACEMENT_NEIGHBOURS = 25


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """The first two principal components of the rows (n × 2), sign fixed for stability."""
    x = np.asarray(vectors, dtype=np.float64)
    x = x - x.mean(axis=0)
    # The principal axes are the top eigenvectors of the small dims × dims scatter matrix: the same
    # axes as an SVD of the rows, without decomposing the n × dims matrix (160 K rows: seconds).
    values, vectors_ = np.linalg.eigh(x.T @ x)
    axes = vectors_[:, np.argsort(values)[::-1][:2]].T
    # SVD signs are arbitrary; make each axis's largest loading positive.
    axes = axes * np.sign(axes[np.arange(len(axes)), np.argmax(np.abs(axes), axis=1)])[:, None]
    out = x @ axes.T
    if out.shape[1] < 2:                      # 1-D embeddings: pad with zeros
        out = np.hstack([out, np.zeros((out.shape[0], 2 - out.shape[1]))])
    return out


def tsne_2d(vectors: np.ndarray, token: StopToken | None = None, report=ignore_events, *,
            perplexity: float = 30.0, seed: int = 0, poll_seconds: float = 0.1,
            threads: int = 0) -> np.ndarray:
    """t-SNE of the rows to 2-D in a child process; raises ``Cancelled`` on a stop.

    ``threads`` 0 uses every core this process may run on.
    """
    report = report or ignore_events
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    if x.shape[0] < 5:
        raise EngineError("t-SNE needs at least 5 points")
    perplexity = min(perplexity, (min(x.shape[0], LANDMARKS) - 1) / 3.0)   # needs 3·perplexity neighbours
    threads = threads if threads > 0 else len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_tsne_child, args=(x, perplexity, seed, threads, results), daemon=True)
    start = time.monotonic()
    stage = f"{x.shape[0]:,} points: starting"
    done, total = 0.0, 0.0
    child.start()
    try:
        while True:
            if token is not None and token.stopped:
                raise Cancelled()
            try:
                kind, payload = results.get(timeout=poll_seconds)
            except queue.Empty:
                if not child.is_alive() and results.empty():
                    raise EngineError(f"t-SNE worker stopped unexpectedly (exit code {child.exitcode})") from None
                report(Progress("t-SNE", done, total, f"{stage}, {time.monotonic() - start:.0f} s"))
                continue
            if kind == "progress":
                stage, done, total = payload
                report(Progress("t-SNE", done, total, f"{stage}, {time.monotonic() - start:.0f} s"))
                continue
            if kind == "error":
                raise EngineError(f"t-SNE failed: {payload}")
            report(Progress("t-SNE", 1.0, 1.0, "done"))
            return payload
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=5)
        results.close()


def _tsne_child(x: np.ndarray, perplexity: float, seed: int, threads: int, results) -> None:
    try:
        results.put(("ok", _tsne(x, perplexity, seed, threads,
                                 lambda *progress: results.put(("progress", progress)))))
    except Exception as exc:                 # report, never hang the parent
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def _tsne(x: np.ndarray, perplexity: float, seed: int, threads: int, progress,
          landmarks: int = LANDMARKS) -> np.ndarray:
    """The embedding (float64, n × 2); ``progress(stage, done, total)`` as it goes."""
    from openTSNE import TSNEEmbedding, affinity, initialization

    n = x.shape[0]
    sample = np.arange(n) if n <= landmarks else np.sort(
        np.random.default_rng(seed).choice(n, landmarks, replace=False))
    total = EXAGGERATION_ITERATIONS + NORMAL_ITERATIONS
    progress(f"{n:,} points: nearest neighbours", 0, total)
    neighbours = affinity.PerplexityBasedNN(x[sample], perplexity=perplexity, n_jobs=threads, random_state=seed,
                                            method="exact" if sample.size <= EXACT_NEIGHBOURS else "annoy")
    phase = {"name": "early exaggeration", "before": 0}

    def on_iteration(iteration, error, embedding) -> bool:
        progress(f"{n:,} points: {phase['name']}", phase["before"] + iteration, total)
        return False                          # never stop early: the parent terminates us instead

    embedding = TSNEEmbedding(initialization.pca(x[sample], random_state=seed), neighbours,
                              negative_gradient_method="fft", ints_in_interval=BOX_WIDTH, n_jobs=threads,
                              random_state=seed, callbacks=on_iteration, callbacks_every_iters=PROGRESS_EVERY)
    embedding = embedding.optimize(EXAGGERATION_ITERATIONS, exaggeration=12, momentum=0.5)
    phase.update(name="final layout", before=EXAGGERATION_ITERATIONS)
    embedding = embedding.optimize(NORMAL_ITERATIONS, momentum=0.8)
    out = np.empty((n, 2), dtype=np.float64)
    out[sample] = embedding
    if sample.size < n:
        progress(f"{n:,} points: placing the rest", total, total)
        rest = np.setdiff1d(np.arange(n), sample, assume_unique=True)
        out[rest] = embedding.prepare_partial(x[rest], initialization="median", k=PLACEMENT_NEIGHBOURS)
    return out
