"""The closed-form gravity term equals the brute-force mean over all pairs, gradient included."""
from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from musicrec_gui.core.engine.model import BiasedPMF, gravity


def random_model(n, m, k, seed):
    model = BiasedPMF(n, m, k, init_std=0.7, seed=seed).double()
    g = torch.Generator().manual_seed(seed + 100)
    with torch.no_grad():
        model.mu.fill_(float(torch.randn((), generator=g, dtype=torch.float64)))
        model.listener_bias.copy_(torch.randn(n, generator=g, dtype=torch.float64))
        model.artist_bias.copy_(torch.randn(m, generator=g, dtype=torch.float64))
    return model


def brute_force(model):
    full = (model.mu + model.listener_bias[:, None] + model.artist_bias[None, :]
            + model.listener_emb @ model.artist_emb.T)
    return full.square().mean()


@pytest.mark.parametrize("n,m,k,seed", [(1, 1, 1, 0), (3, 5, 2, 1), (7, 4, 6, 2), (13, 29, 5, 3), (40, 11, 8, 4)])
def test_closed_form_equals_brute_force(n, m, k, seed):
    model = random_model(n, m, k, seed)
    assert torch.allclose(gravity(model.tensors()), brute_force(model), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n,m,k,seed", [(3, 5, 2, 1), (13, 29, 5, 3), (40, 11, 8, 4)])
def test_gradient_is_added_into_the_buffers(n, m, k, seed):
    model = random_model(n, m, k, seed)
    params = list(model.parameters())
    reference = torch.autograd.grad(brute_force(model) * 3.0, params)
    # The buffers already hold something (another loss term): gravity adds to it.
    start = [torch.full_like(p, 0.5) for p in params]
    grads = [s.clone() for s in start]
    gravity(model.tensors(), grads, weight=3.0)
    for got, before, want in zip(grads, start, reference):
        assert torch.allclose(got - before, want, rtol=1e-10, atol=1e-12)


@hyp_settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 9), m=st.integers(1, 9), k=st.integers(1, 5), seed=st.integers(0, 10_000))
def test_closed_form_on_random_shapes(n, m, k, seed):
    model = random_model(n, m, k, seed)
    assert torch.allclose(gravity(model.tensors()), brute_force(model), rtol=1e-10, atol=1e-12)
