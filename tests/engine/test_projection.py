"""PCA at once; t-SNE as a job that finishes or is cancelled."""
from __future__ import annotations

import time

import numpy as np
import pytest

from musicrec_gui.core.engine.projection import pca_2d, tsne_2d
from musicrec_gui.core.jobs import Cancelled, Progress, StopToken


def test_pca_finds_the_main_direction():
    rng = np.random.default_rng(0)
    x = np.outer(rng.normal(size=200), [3.0, 0.0, 0.0]) + rng.normal(scale=0.1, size=(200, 3))
    xy = pca_2d(x)
    assert xy.shape == (200, 2)
    assert abs(np.corrcoef(xy[:, 0], x[:, 0])[0, 1]) > 0.99


def test_tsne_runs_in_a_child_process():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(0, 0.1, (30, 5)), rng.normal(5, 0.1, (30, 5))])
    events = []
    xy = tsne_2d(x, StopToken(), events.append, perplexity=10)
    assert xy.shape == (60, 2)
    assert isinstance(events[-1], Progress) and events[-1].message == "done"
    # the child reports its iterations on the way
    assert any(0 < e.done < e.total and "points" in e.message for e in events[:-1])
    a, b = xy[:30].mean(0), xy[30:].mean(0)
    assert np.linalg.norm(a - b) > 3 * xy[:30].std()


def test_tsne_cancel_returns_promptly():
    x = np.random.default_rng(1).normal(size=(3000, 16))
    token = StopToken()
    start = time.monotonic()

    def report(event):
        if time.monotonic() - start > 0.3:
            token.stop()

    with pytest.raises(Cancelled):
        tsne_2d(x, token, report)
    assert time.monotonic() - start < 10


def test_large_sets_place_the_rest_by_their_sampled_neighbours():
    from musicrec_gui.core.engine.projection import _tsne

    rng = np.random.default_rng(2)
    x = np.vstack([rng.normal(0, 0.2, (300, 8)), rng.normal(4, 0.2, (300, 8))]).astype(np.float32)
    stages = []
    xy = _tsne(x, 10.0, 0, 1, lambda stage, done, total: stages.append(stage), landmarks=200)
    assert xy.shape == (600, 2) and np.isfinite(xy).all()
    assert any("placing the rest" in s for s in stages)
    a, b = xy[:300], xy[300:]      # every point, sampled or placed, lands with its own cluster
    centre_a, centre_b = np.median(a, 0), np.median(b, 0)
    assert (np.linalg.norm(a - centre_a, axis=1) < np.linalg.norm(a - centre_b, axis=1)).all()
    assert (np.linalg.norm(b - centre_b, axis=1) < np.linalg.norm(b - centre_a, axis=1)).all()
