"""Embedding-size search: one event per size, the best by validation, cancellable."""
from __future__ import annotations

import math

import pytest

from musicrec_gui.core.engine.dim_search import search_dim, size_grid, trial_epochs
from musicrec_gui.core.engine.events import BatchEvent, DimEvent
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.errors import EngineError
from musicrec_gui.core.jobs import StopToken

SETTINGS = Settings(lr=0.05, gravity=1.0, reg_factors=0.1, reg_biases=0.1, threads=1)


def test_grid_reports_each_size_and_picks_the_best(small_data):
    events = []
    result = search_dim(small_data, SETTINGS, dims=(2, 4, 8), epochs=3, report=events.append)
    assert [e.dim for e in events] == [2, 4, 8] and [e.done for e in events] == [1, 2, 3]
    assert result.dims == (2, 4, 8) and all(math.isfinite(v) for v in result.values)
    assert result.best_dim == result.dims[result.values.index(min(result.values))]
    recall = search_dim(small_data, SETTINGS.replace(monitor="recall"), dims=(2, 4), epochs=2)
    assert recall.metric == "recall" and recall.best_dim == recall.dims[recall.values.index(max(recall.values))]


def test_cancel_between_and_within_sizes(small_data):
    token = StopToken()

    def between(event):
        if isinstance(event, DimEvent):
            token.stop()

    result = search_dim(small_data, SETTINGS, dims=(2, 4, 8), epochs=2, token=token, report=between)
    assert result.stopped and result.dims == (2,)

    token = StopToken()
    token.stop()
    result = search_dim(small_data, SETTINGS, dims=(2, 4), token=token)
    assert result.stopped and result.dims == () and result.best_dim is None


def test_cancel_within_a_size(small_data, monkeypatch):
    token = StopToken()
    from musicrec_gui.core.engine import trainer

    real_trainer = trainer.Trainer

    class StoppingTrainer(real_trainer):
        def fit(self, token=None, report=None):
            def stop_on_second_batch(event):
                if isinstance(event, BatchEvent) and event.epoch == 2:
                    token.stop()
            return super().fit(token, stop_on_second_batch)

    monkeypatch.setattr(trainer, "Trainer", StoppingTrainer)
    result = search_dim(small_data, SETTINGS, dims=(2, 4), epochs=5, token=token)
    assert result.stopped and result.dims == ()


def test_needs_a_validation_part(small_data):
    import dataclasses

    from musicrec_gui.core.engine.dataset import Interactions

    no_valid = dataclasses.replace(small_data, valid=Interactions.empty())
    with pytest.raises(EngineError, match="validation"):
        search_dim(no_valid, SETTINGS)


def test_the_grid_brackets_the_size_in_use_and_epochs_follow_one_rule():
    assert size_grid(40) == (20, 30, 40, 50, 60)          # the article's grid
    grid = size_grid(64)
    assert min(grid) < 64 < max(grid) and 64 in grid
    assert trial_epochs(Settings(batch_size=256, epochs=40)) == 3   # mini-batches: the article's 3
    assert trial_epochs(Settings(batch_size=0, epochs=40)) == 20    # full batch: one step an epoch
    assert trial_epochs(Settings(batch_size=0, epochs=4)) == 3
