"""2-D maps of embeddings: PCA at once, t-SNE as a cancellable job.

scikit-learn's t-SNE cannot be interrupted and takes a minute on 17k artists, so
it runs in a child process (``spawn``: safe with threads and torch in the
parent).  The parent polls the stop token and terminates the child on a stop —
the CPU is freed at once instead of finishing a result nobody wants.
"""
from __future__ import annotations

import multiprocessing
import queue
import time

import numpy as np

from musicrec_gui.core.errors import EngineError
from musicrec_gui.core.jobs import Cancelled, Progress, StopToken, ignore_events


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """The first two principal components of the rows (n × 2), sign fixed for stability."""
    x = np.asarray(vectors, dtype=np.float64)
    x = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    axes = vt[:2]
    # SVD signs are arbitrary; make each axis's largest loading positive.
    axes = axes * np.sign(axes[np.arange(len(axes)), np.argmax(np.abs(axes), axis=1)])[:, None]
    out = x @ axes.T
    if out.shape[1] < 2:                      # 1-D embeddings: pad with zeros
        out = np.hstack([out, np.zeros((out.shape[0], 2 - out.shape[1]))])
    return out


def tsne_2d(vectors: np.ndarray, token: StopToken | None = None, report=ignore_events, *,
            perplexity: float = 30.0, seed: int = 0, poll_seconds: float = 0.1) -> np.ndarray:
    """t-SNE of the rows to 2-D in a child process; raises ``Cancelled`` on a stop."""
    report = report or ignore_events
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    if x.shape[0] < 5:
        raise EngineError("t-SNE needs at least 5 points")
    perplexity = min(perplexity, (x.shape[0] - 1) / 3.0)   # scikit-learn requires < n
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_tsne_child, args=(x, perplexity, seed, results), daemon=True)
    start = time.monotonic()
    child.start()
    try:
        while True:
            if token is not None and token.stopped:
                raise Cancelled()
            try:
                kind, payload = results.get(timeout=poll_seconds)
            except queue.Empty:
                if not child.is_alive() and results.empty():
                    raise EngineError(f"t-SNE worker stopped unexpectedly (exit code {child.exitcode})")
                report(Progress("t-SNE", time.monotonic() - start, 0.0,
                                f"{x.shape[0]:,} points, {time.monotonic() - start:.0f} s"))
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


def _tsne_child(x: np.ndarray, perplexity: float, seed: int, results) -> None:
    try:
        from sklearn.manifold import TSNE

        out = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(x)
        results.put(("ok", np.asarray(out, dtype=np.float64)))
    except Exception as exc:                 # report, never hang the parent
        results.put(("error", f"{type(exc).__name__}: {exc}"))
