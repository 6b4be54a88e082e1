"""The data term over pairs: both backends give the value and gradient autograd gives by plain indexing."""
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
    return listener, artist, params, n, m


@pytest.mark.parametrize("backend", ["sparse", "gather"])
def test_data_term_and_gradient_match_indexing(backend, monkeypatch):
    monkeypatch.setattr("musicrec_gui.core.engine.pairs.GATHER_CHUNK", 7)   # several chunks
    listener, artist, params, n, m = setup()
    index = PairIndex(listener, artist, n, m, backend=backend)
    assert index.backend == backend
    value = torch.linspace(-1.0, 3.0, index.size, dtype=torch.float64)
    weight = torch.linspace(0.5, 2.0, index.size, dtype=torch.float64)
    grads = [torch.full_like(p, float("nan")) for p in params]      # overwritten, never added to
    error = index.data_term(params, value, weight, 7.5, grads)

    leaves = [p.clone().requires_grad_() for p in params]
    mu, bu, bi, P, Q = leaves
    u, i = index.listener, index.artist
    reference = ((mu + bu[u] + bi[i] + (P[u] * Q[i]).sum(1) - value).square() * weight).sum() / 7.5
    assert float(error) == pytest.approx(float(reference.detach()), rel=1e-12)
    for got, want in zip(grads, torch.autograd.grad(reference, leaves)):
        assert torch.allclose(got, want, rtol=1e-10, atol=1e-12)
    # a second call reuses the buffers and gives the same
    again = [torch.zeros_like(p) for p in params]
    assert float(index.data_term(params, value, weight, 7.5, again)) == pytest.approx(float(error), rel=1e-12)


def test_sort_puts_pairs_by_listener_then_artist():
    listener = torch.tensor([2, 0, 1, 0])
    artist = torch.tensor([1, 3, 0, 1])
    index = PairIndex(listener, artist, 3, 4)
    assert index.listener.tolist() == [0, 0, 1, 2]
    assert index.artist.tolist() == [1, 3, 0, 1]
    assert index.sort(listener).tolist() == index.listener.tolist()
    assert index.sort(torch.tensor([10, 11, 12, 13])).tolist() == [13, 11, 12, 10]
