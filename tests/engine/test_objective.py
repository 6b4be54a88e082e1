"""The whole training loss: its value and hand-written gradient equal autograd of the formula."""
from __future__ import annotations

import pytest
import torch

from musicrec_gui.core.engine.model import BiasedPMF
from musicrec_gui.core.engine.objective import Batch, Objective
from musicrec_gui.core.engine.settings import Settings


def reference_loss(objective, params, batch, settings):
    """The module docstring's formula, written the slow, obvious way."""
    mu, b, c, P, Q = params
    u, i = batch.index.listener, batch.index.artist
    pred = mu + b[u] + c[i] + (P[u] * Q[i]).sum(1)
    data = ((pred - batch.value).square() * batch.weight).sum() / batch.weight_sum
    ru, ri = objective.listener_reg.double(), objective.artist_reg.double()
    l2 = (settings.reg_factors * ((P * P).sum(1) @ ru + (Q * Q).sum(1) @ ri)
          + settings.reg_biases * ((b * b) @ ru + (c * c) @ ri)) / objective.weight_total
    full = mu + b[:, None] + c[None, :] + P @ Q.T
    return data + l2 + settings.gravity * full.square().mean(), data


@pytest.mark.parametrize("settings", [
    Settings(dim=3, gravity=7.0, reg_factors=0.3, reg_biases=2.0, reg_count_power=1.0, confidence=0.5),
    Settings(dim=2, gravity=0.0, reg_factors=1.5, reg_biases=0.0, reg_count_power=0.0),
])
def test_loss_and_gradient_match_autograd(small_data, settings):
    objective = Objective(small_data, settings, torch.device("cpu"))
    model = BiasedPMF(small_data.n_listeners, small_data.n_artists, settings.dim, init_std=0.5, seed=4).double()
    with torch.no_grad():
        model.mu.fill_(0.7)
        model.listener_bias.normal_(0, 0.3)
        model.artist_bias.normal_(0, 0.3)
    objective.listener_reg = objective.listener_reg.double()
    objective.artist_reg = objective.artist_reg.double()
    one = objective.batches[0]
    batch = Batch(one.index, one.value.double(), one.weight.double(), one.weight_sum)
    total, error = objective.loss_and_grad(model, batch)
    buffers = [p.grad.data_ptr() for p in model.parameters()] + [batch.index._pred.data_ptr()]
    total, error = objective.loss_and_grad(model, batch)    # overwrites the same buffers, adds nothing
    assert buffers == [p.grad.data_ptr() for p in model.parameters()] + [batch.index._pred.data_ptr()]
    leaves = [p.detach().clone().requires_grad_() for p in model.parameters()]
    want_total, want_error = reference_loss(objective, leaves, batch, settings)
    assert total == pytest.approx(float(want_total.detach()), rel=1e-10)
    assert error == pytest.approx(float(want_error.detach()), rel=1e-10)
    for p, want in zip(model.parameters(), torch.autograd.grad(want_total, leaves)):
        assert torch.allclose(p.grad, want, rtol=1e-8, atol=1e-12)


def test_fused_adam_and_the_written_out_update_agree():
    """The fused kernel is used where the device has it; the written-out rule is the fallback (MPS)."""
    from musicrec_gui.core.engine.optim import Adam

    g = torch.Generator().manual_seed(1)
    start = [torch.randn(5, 3, generator=g), torch.randn(4, generator=g), torch.randn((), generator=g)]
    runs = []
    for fused in (True, False):
        params = [torch.nn.Parameter(t.clone()) for t in start]
        optimizer = Adam(params, lr=0.05)
        optimizer._fused = fused
        for step in range(6):
            for p in params:
                p.grad = torch.sin(p.detach() * (step + 1))     # any gradient, the same for both
            optimizer.step()
        assert optimizer._fused == fused             # the fused run really ran the kernel
        runs.append(params)
    for a, b in zip(*runs):
        assert torch.allclose(a, b, atol=1e-6)
