"""The learning-rate finder: curve, suggestion, and weights always restored bit for bit."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from musicrec_gui.core.engine.lr_finder import LRFinderEvent, find_lr, suggest_lr
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.trainer import Trainer
from musicrec_gui.core.jobs import StopToken

SETTINGS = Settings(dim=6, epochs=3, lr=0.01, gravity=2.0, reg_factors=0.1, reg_biases=0.1, threads=1)


def snapshot(trainer):
    params = [p.detach().clone() for p in trainer.model.parameters()]
    return params, trainer.optimizer.state_dict()


def assert_identical(trainer, before):
    params, state = before
    assert all(torch.equal(a, b) for a, b in zip(params, trainer.model.parameters()))
    now = trainer.optimizer.state_dict()
    assert (now["lr"], now["steps"]) == (state["lr"], state["steps"])
    assert len(now["buffers"]) == len(state["buffers"]) > 0
    assert all(torch.equal(a, b) for a, b in zip(now["buffers"], state["buffers"]))


@pytest.fixture
def trained(small_data):
    trainer = Trainer(small_data, SETTINGS)
    trainer.fit()                       # the optimiser has state to restore
    return trainer


def test_sweep_restores_weights_and_optimiser_exactly(trained):
    before = snapshot(trained)
    events = []
    result = find_lr(trained, report=events.append, steps=60)
    assert_identical(trained, before)
    assert 5 < len(result.lrs) <= 60 and len(events) == len(result.lrs)
    assert result.lrs[0] == pytest.approx(1e-5)
    ratios = np.diff(np.log(result.lrs))
    assert np.allclose(ratios, ratios[0])                  # exponential
    assert result.smoothed[0] == pytest.approx(result.losses[0])   # bias-corrected EMA
    expected = 0.98 * 0.02 * result.losses[0] + 0.02 * result.losses[1]
    assert result.smoothed[1] == pytest.approx(expected / (1 - 0.98 ** 2))
    # a sweep up to lr 10 blows up, and the run stops at 4× the minimum
    assert max(result.smoothed) > 4 * min(result.smoothed) or len(result.lrs) == 60
    assert isinstance(events[0], LRFinderEvent)


def test_fresh_optimiser_is_restored_too(small_data):
    trainer = Trainer(small_data, SETTINGS)
    before = snapshot(trainer)
    find_lr(trainer, steps=20)
    assert_identical(trainer, before)
    state = trainer.optimizer.state_dict()
    assert state["steps"] == 0 and all(not b.any() for b in state["buffers"])


def test_cancel_restores_and_returns_partial_curve(trained):
    before = snapshot(trained)
    token = StopToken()

    def report(event):
        if event.step == 8:
            token.stop()

    result = find_lr(trained, token, report, steps=50)
    assert result.stopped and len(result.lrs) == 8 and "stopped" in result.message
    assert_identical(trained, before)


def test_error_restores_then_raises(trained):
    before = snapshot(trained)

    def report(event):
        if event.step == 5:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        find_lr(trained, report=report, steps=50)
    assert_identical(trained, before)


def test_suggestion_is_the_steepest_descent_against_log_lr():
    lrs = np.logspace(-5, 1, 100)
    x = np.log10(lrs)
    loss = 2.0 - np.tanh((x + 2.0) * 2.0) + np.where(x > -0.5, (x + 0.5) * 20, 0.0)
    lr, ok, message = suggest_lr(lrs, loss, loss, planned_steps=100)
    assert ok and 10 ** -2.2 < lr < 10 ** -1.8, message


def test_nan_tail_is_dropped_and_flat_or_noisy_curves_are_flagged():
    lrs = np.logspace(-5, 1, 100)
    loss = np.linspace(3.0, 1.0, 100)
    loss[70:] = np.nan
    lr, ok, _ = suggest_lr(lrs, loss, planned_steps=100)
    assert lr is not None and lr < lrs[70] and math.isfinite(lr)
    flat = np.full(100, 2.0) - np.linspace(0, 0.01, 100)
    assert suggest_lr(lrs, flat, planned_steps=100)[1] is False
    smooth = np.linspace(3.0, 1.0, 100)
    noisy = smooth * (1 + 0.5 * np.sign(np.sin(np.arange(100) * 1.7)))
    lr, ok, message = suggest_lr(lrs, smooth, noisy, planned_steps=100)
    assert not ok and "noisy" in message
    assert suggest_lr(lrs[:8], smooth[:8])[0] is None
