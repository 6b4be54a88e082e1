"""The training loop: stop token, divergence guard, early stopping, determinism, schedules."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from musicrec_gui.core.engine.schedules import lr_factor
from musicrec_gui.core.engine.settings import Settings, preset
from musicrec_gui.core.engine.trainer import BatchEvent, EpochEvent, Trainer
from musicrec_gui.core.jobs import StopToken

FAST = Settings(dim=4, epochs=8, lr=0.05, batch_size=64, gravity=1.0, reg_factors=0.1,
                reg_biases=0.1, monitor="rmse", threads=1)


def weights(trainer):
    return [p.detach().clone() for p in trainer.model.parameters()]


def test_stop_token_is_honoured_within_one_batch(small_data):
    token = StopToken()
    events = []

    def report(event):
        events.append(event)
        if isinstance(event, BatchEvent) and event.epoch == 3 and event.batch == 2:
            token.stop()

    trainer = Trainer(small_data, FAST)
    result = trainer.fit(token, report)
    batches = [e for e in events if isinstance(e, BatchEvent)]
    assert batches[-1].epoch == 3 and batches[-1].batch == 2       # no batch after the stop
    assert result.stopped and not result.diverged
    assert result.epochs_run == 2 and "stopped" in result.message
    # the best weights so far are kept: the model scores exactly the best validation RMSE
    assert trainer.validation_rmse() == pytest.approx(result.best_score, abs=1e-7)


def test_divergence_guard_restores_best_weights(small_data):
    settings = FAST.replace(optimizer="sgd", lr=50.0, momentum=0.9, batch_size=0, epochs=30)
    trainer = Trainer(small_data, settings)
    start = weights(trainer)
    result = trainer.fit()
    assert result.diverged and "learning rate too high" in result.message
    after = weights(trainer)
    assert all(torch.isfinite(p).all() for p in after)
    if result.best_epoch == 0:
        assert all(torch.equal(a, b) for a, b in zip(start, after))


def test_nan_loss_counts_as_divergence(small_data):
    trainer = Trainer(small_data, FAST.replace(batch_size=0, epochs=3))
    with torch.no_grad():
        trainer.model.artist_emb[0, 0] = math.nan
    result = trainer.fit()
    assert result.diverged and result.epochs_run == 0


def test_same_seed_same_result(small_data):
    runs = [weights(_fit(small_data, FAST)) for _ in range(2)]
    assert all(torch.equal(a, b) for a, b in zip(*runs))
    other = weights(_fit(small_data, FAST.replace(seed=1)))
    assert not all(torch.equal(a, b) for a, b in zip(runs[0], other))


def _fit(data, settings):
    trainer = Trainer(data, settings)
    trainer.fit()
    return trainer


def test_early_stopping_keeps_the_best_epoch(small_data):
    settings = FAST.replace(epochs=60, lr=0.2, reg_factors=0.0, reg_biases=0.0, gravity=0.0,
                            dim=16, patience=2, init_std=0.3)
    trainer = Trainer(small_data, settings)
    events = []
    result = trainer.fit(report=events.append)
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    best = min(e.val_rmse for e in epochs)
    assert result.best_score == pytest.approx(best)
    assert epochs[result.best_epoch - 1].improved
    assert trainer.validation_rmse() == pytest.approx(best, abs=1e-7)
    if result.epochs_run < settings.epochs:
        assert "early stop" in result.message


def test_events_are_plain_frozen_values(small_data):
    events = []
    Trainer(small_data, FAST.replace(epochs=2, report_recall=True)).fit(report=events.append)
    epoch = [e for e in events if isinstance(e, EpochEvent)][-1]
    with pytest.raises(dataclasses.FrozenInstanceError):
        epoch.epoch = 5
    assert all(isinstance(v, (int, float, bool)) for v in dataclasses.astuple(epoch))
    assert 0.0 <= epoch.val_recall <= 1.0 and epoch.samples_per_s > 0


def test_recall_monitor_and_full_batch_adam(small_data):
    settings = preset("discover", dim=8, epochs=10, eval_every=2, threads=1)
    trainer = Trainer(small_data, settings)
    result = trainer.fit()
    assert result.monitor == "recall" and 0.0 <= result.best_score <= 1.0
    assert len(trainer.objective.batches) == 1


def test_schedules():
    step = Settings(schedule="step", step_epochs=3)
    assert [lr_factor(step, e) for e in (0, 2, 3, 6)] == [1.0, 1.0, 0.5, 0.25]
    article = Settings(schedule="step", step_epochs=3, step_factors=(1, 0.5, 0.1, 0.05, 0.01))
    assert [lr_factor(article, e) for e in (0, 3, 6, 9, 12, 20)] == [1, 0.5, 0.1, 0.05, 0.01, 0.01]
    cycle = Settings(schedule="onecycle", epochs=10)
    values = [lr_factor(cycle, e, b, 4) for e in range(10) for b in range(4)]
    assert values[0] == pytest.approx(1 / 25)
    assert max(values) == pytest.approx(1.0, rel=1e-2) and np.argmax(values) == 12
    assert values[-1] < 0.01 and lr_factor(cycle, 10, 0, 4) < 1e-5   # the end of the cycle
    assert lr_factor(Settings(), 7) == 1.0


def test_settings_round_trip_json_and_validate():
    s = preset("discover", dim=12)
    assert Settings.from_json(s.to_json()) == s and s.dim == 12
    with pytest.raises(Exception, match="optimizer"):
        Settings(optimizer="rmsprop")
    with pytest.raises(Exception, match="unknown preset"):
        preset("nope")
