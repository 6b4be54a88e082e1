"""Embedding-size search: a few epochs per size, the validation metric decides.

As in the article (grid 20/30/40/50/60, 3 epochs each, 40 won), but the grid
brackets the size in use (``size_grid``: the article's grid when that size is
40) and a full-batch epoch, being a single step, gets more epochs
(``trial_epochs``).  Each size trains a fresh model with the same seed; a
``DimEvent`` goes out as each size finishes.  The stop token is honoured between
sizes and, through the trainer, within one.  Torch is imported only by
``search_dim``, so the grid rules are cheap to ask for.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from musicrec_gui.core.engine.dataset import Dataset
from musicrec_gui.core.engine.events import DimEvent
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.errors import EngineError
from musicrec_gui.core.jobs import StopToken, ignore_events

# Sizes tried, as multiples of the size in use: 40 gives the article's 20, 30, 40, 50, 60.
GRID_FACTORS = (0.5, 0.75, 1.0, 1.25, 1.5)
ARTICLE_TRIAL_EPOCHS = 3


def size_grid(dim: int) -> tuple[int, ...]:
    """The sizes to try around ``dim`` (it is always among them, in the middle)."""
    return tuple(sorted({max(2, round(dim * factor)) for factor in GRID_FACTORS}))


def trial_epochs(settings: Settings) -> int:
    """Epochs per size: the article's 3 for mini-batches; a full-batch epoch is a single
    step, so half the run's epochs there (at least 3)."""
    if settings.batch_size:
        return ARTICLE_TRIAL_EPOCHS
    return max(ARTICLE_TRIAL_EPOCHS, settings.epochs // 2)


@dataclass(frozen=True)
class DimSearchResult:
    dims: tuple[int, ...]          # the sizes that finished
    values: tuple[float, ...]
    metric: str
    best_dim: int | None
    stopped: bool

    def to_dict(self) -> dict:
        return asdict(self)


def search_dim(data: Dataset, settings: Settings, dims=None, epochs: int | None = None,
               token: StopToken | None = None, report=ignore_events) -> DimSearchResult:
    """Train ``epochs`` epochs per size in ``dims`` and pick the best by validation.

    ``dims`` defaults to ``size_grid(settings.dim)``, ``epochs`` to ``trial_epochs(settings)``.
    """
    from musicrec_gui.core.engine.trainer import Trainer

    report = report or ignore_events
    dims = size_grid(settings.dim) if dims is None else tuple(dims)
    if epochs is None:
        epochs = trial_epochs(settings)
    if len(data.valid) == 0:
        raise EngineError("the embedding-size search needs a validation share above 0")
    metric = "recall" if settings.monitor == "recall" else "rmse"
    done_dims, values = [], []
    stopped = False
    for n, dim in enumerate(dims, start=1):
        if token is not None and token.stopped:
            stopped = True
            break
        trial = settings.replace(dim=int(dim), epochs=epochs, monitor="none")
        trainer = Trainer(data, trial)
        result = trainer.fit(token)
        if result.stopped:
            stopped = True
            break
        value = trainer.validation_recall() if metric == "recall" else trainer.validation_rmse()
        done_dims.append(int(dim))
        values.append(value)
        report(DimEvent(int(dim), n, len(dims), metric, value, result.seconds))
    best = None
    usable = [(v, d) for d, v in zip(done_dims, values) if math.isfinite(v)]
    if usable:
        best = (max(usable)[1] if metric == "recall" else min(usable)[1])
    return DimSearchResult(tuple(done_dims), tuple(values), metric, best, stopped)
