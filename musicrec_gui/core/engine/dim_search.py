"""Embedding-size search: a few epochs per size, the validation metric decides.

As in the article (grid 20/30/40/50/60, 3 epochs each, 40 won); with full-batch
settings the default is more epochs, see ``search_dim``.  Each size trains a
fresh model with the same seed; a ``DimEvent`` goes out as each size finishes.
The stop token is honoured between sizes and, through the trainer, within one.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from musicrec_gui.core.engine.dataset import Dataset
from musicrec_gui.core.engine.errors import EngineError
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.trainer import Trainer
from musicrec_gui.core.jobs import StopToken, ignore_events

DEFAULT_DIMS = (20, 30, 40, 50, 60)


@dataclass(frozen=True)
class DimEvent:
    dim: int
    done: int           # sizes finished so far (this one included)
    total: int
    metric: str         # "rmse" or "recall"
    value: float
    seconds: float


@dataclass(frozen=True)
class DimSearchResult:
    dims: tuple[int, ...]          # the sizes that finished
    values: tuple[float, ...]
    metric: str
    best_dim: int | None
    stopped: bool

    def to_dict(self) -> dict:
        return asdict(self)


def search_dim(data: Dataset, settings: Settings, dims=DEFAULT_DIMS, epochs: int | None = None,
               token: StopToken | None = None, report=ignore_events) -> DimSearchResult:
    """Train ``epochs`` epochs per size in ``dims`` and pick the best by validation.

    ``epochs`` defaults to half the settings' epochs (at least 3): 3 mini-batch epochs
    as in the article, but a full-batch epoch is a single step.
    """
    report = report or ignore_events
    if epochs is None:
        epochs = max(3, settings.epochs // 2)
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
