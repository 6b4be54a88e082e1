"""Ranking and RMSE exactly as bench/README.md §3, by hand and on the real split."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from musicrec_gui.core.engine import metrics


def csr(rows):
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.array([i for r in rows for i in r], dtype=np.int64)
    return indptr, indices


def test_top_n_excludes_and_breaks_ties_by_lower_index():
    # scores for one listener: items 1 and 3 tie at 5, items 0, 2, 4, 5 tie at 1
    U = torch.ones(1, 1)
    V = torch.tensor([[1.0], [5.0], [1.0], [5.0], [1.0], [1.0], [0.0]])
    top = metrics.top_n(U, V, *csr([[2]]), n=4)
    assert top.tolist() == [[1, 3, 0, 4]]


def test_top_n_matches_a_full_sort_under_many_ties():
    rng = np.random.default_rng(0)
    for _ in range(10):
        U = torch.from_numpy(rng.integers(-2, 3, (6, 2)).astype(np.float32))
        V = torch.from_numpy(rng.integers(-2, 3, (50, 2)).astype(np.float32))
        exclude = [sorted(rng.choice(50, size=rng.integers(0, 8), replace=False).tolist()) for _ in range(6)]
        top = metrics.top_n(U, V, *csr(exclude), n=7, batch=4)
        scores = (U @ V.T).numpy()
        for u, row in enumerate(scores):
            keep = np.setdiff1d(np.arange(50), exclude[u])
            want = keep[np.lexsort((keep, -row[keep]))][:7]
            assert top[u].tolist() == want.tolist()


def test_top_n_marks_missing_candidates():
    top = metrics.top_n(torch.ones(1, 1), torch.ones(3, 1), *csr([[0, 2]]), n=3)
    assert top.tolist() == [[1, -1, -1]]


def test_ranking_metrics_by_hand():
    # listener 0: top [1, 2], relevant {1, 3}: a hit at rank 0
    # listener 1: top [0, 2], relevant {2}: a hit at rank 1
    # listener 2: no relevant items: not averaged
    top = np.array([[1, 2], [0, 2], [3, 0]])
    m = metrics.ranking_metrics(top, *csr([[1, 3], [2], []]), n_items=4)
    assert m.recall == pytest.approx((0.5 + 1.0) / 2)
    ndcg0 = 1.0 / (1.0 + 1.0 / math.log2(3))
    ndcg1 = (1.0 / math.log2(3)) / 1.0
    assert m.ndcg == pytest.approx((ndcg0 + ndcg1) / 2)
    assert m.coverage == 1.0 and m.n_listeners == 2


def test_rmse_clips_first():
    assert metrics.rmse([0.0, 10.0], [1.0, 2.0], low=1.0, high=3.0) == pytest.approx(math.sqrt(0.5))


def test_popularity_conformance_to_the_last_digit(bench_split):
    d, test = bench_split.dataset, bench_split.test
    exclude, relevant = d.train.csr(d.n_listeners), test.csr(d.n_listeners)
    U, V = metrics.popularity_vectors(d.train.artist, d.n_listeners, d.n_artists)
    top = metrics.top_n(U, V, exclude[0], exclude[1], n=20)
    m = metrics.ranking_metrics(top, relevant[0], relevant[1], d.n_artists)
    assert m.recall == 0.10160971154577975
    assert m.ndcg == 0.09715030746335662
    assert m.coverage == 0.002327297496736107
    assert len(np.unique(top)) == 41


def test_oracle_and_train_mean_conformance(bench_split):
    d, test = bench_split.dataset, bench_split.test
    relevant = test.csr(d.n_listeners)
    # The oracle ranks each listener's warm test artists first (the rest cannot be hits).
    warm = np.bincount(d.train.artist, minlength=d.n_artists) > 0
    keep = warm[test.artist]
    listener, artist = test.listener[keep], test.artist[keep]
    starts = np.searchsorted(listener, listener)            # test pairs are sorted by listener
    top = np.full((d.n_listeners, 20), -1, dtype=np.int64)
    top[listener, np.arange(len(listener)) - starts] = artist
    m = metrics.ranking_metrics(top, relevant[0], relevant[1], d.n_artists)
    assert m.recall == 0.8693186526963832 and m.ndcg == 0.9102083058256751
    mean = float(np.log1p(d.train.plays.astype(np.float64)).mean())
    assert mean == 5.49026289629455
    got = metrics.rmse(np.full(len(test), mean), np.log1p(test.plays.astype(np.float64)),
                       bench_split.rating_low, bench_split.rating_high)
    assert got == 1.4909244731323907
