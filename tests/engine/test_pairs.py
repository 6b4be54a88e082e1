"""Pair predictions: the sparse and the indexing backends agree with plain indexing."""
from __future__ import annotations

import pytest
import torch

from musicrec_gui.core.engine.pairs import PairIndex


def setup(seed=0, n=9, m=13, k=4, pairs=40):
    g = torch.Generator().manual_seed(seed)
    keys = torch.randperm(n * m, generator=g)[:pairs]
    listener, artist = keys // m, keys % m
    params = [torch.randn((), generator=g, dtype=torch.float64), torch.randn(n, generator=g, dtype=torch.float64),
              torch.randn(m, generator=g, dtype=torch.float64), torch.randn(n, k, generator=g, dtype=torch.float64),
              torch.randn(m, k, generator=g, dtype=torch.float64)]
    return listener, artist, [p.requires_grad_() for p in params], n, m


@pytest.mark.parametrize("backend", ["sparse", "gather"])
def test_predict_and_gradients_match_indexing(backend):
    listener, artist, params, n, m = setup()
    index = PairIndex(listener, artist, n, m, backend=backend)
    assert index.backend == backend
    weights = torch.linspace(0.5, 2.0, index.size, dtype=torch.float64)
    ours = index.predict(*params)
    mu, bu, bi, P, Q = params
    u, i = index.listener, index.artist
    reference = mu + bu[u] + bi[i] + (P[u] * Q[i]).sum(1)
    assert torch.allclose(ours, reference)
    g1 = torch.autograd.grad((ours.square() * weights).sum(), params)
    g2 = torch.autograd.grad((reference.square() * weights).sum(), params)
    for a, b in zip(g1, g2):
        assert torch.allclose(a, b)


def test_order_sorts_pairs_by_listener_then_artist():
    listener = torch.tensor([2, 0, 1, 0])
    artist = torch.tensor([1, 3, 0, 1])
    index = PairIndex(listener, artist, 3, 4)
    assert index.listener.tolist() == [0, 0, 1, 2]
    assert index.artist.tolist() == [1, 3, 0, 1]
    assert listener[index.order].tolist() == index.listener.tolist()
