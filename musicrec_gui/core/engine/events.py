"""What training, the learning-rate finder and the size search report while they run (no torch here).

The engine sends these small frozen dataclasses of numbers through a job's
``report`` callback; they cross threads safely and importing this module costs
nothing, so the GUI and the CLI can test for them without loading torch.

``Relay`` wraps a job's ``report`` on the worker side.  The trainer reports
every batch — with small batches thousands a second — so ``Relay`` gathers
batch losses into one ``BatchPoints`` at most ``BUNDLES_PER_SECOND`` times a
second, and every event that says how far the job is also goes out as a
``Progress`` (``progress_of``), which a status bar or a terminal shows.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from musicrec_gui.core.jobs import Progress, Reporter

BUNDLES_PER_SECOND = 20


@dataclass(frozen=True)
class BatchEvent:
    epoch: int          # 1-based
    batch: int          # 1-based
    batches: int
    loss: float
    lr: float


@dataclass(frozen=True)
class EpochEvent:
    epoch: int          # 1-based
    epochs: int
    train_loss: float   # the full objective (data + L2 + gravity), mean over the epoch's batches
    train_error: float  # the weighted mean squared error part alone
    val_rmse: float     # nan when not computed
    val_recall: float   # Recall@20 on the validation pairs; nan when not computed
    lr: float
    elapsed: float      # seconds since fit() started
    samples_per_s: float
    improved: bool      # this epoch gave the best weights so far
    recall_listeners: int = 0   # listeners val_recall averages over (a seeded sample); 0 when not computed


@dataclass(frozen=True)
class LRFinderEvent:
    step: int           # 1-based
    steps: int
    lr: float
    loss: float
    smoothed: float


@dataclass(frozen=True)
class DimEvent:
    dim: int
    done: int           # sizes finished so far (this one included)
    total: int
    metric: str         # "rmse" or "recall"
    value: float
    seconds: float


@dataclass(frozen=True)
class BatchPoints:
    """Batch losses gathered since the last bundle; ``x`` is the fractional epoch (2.25 = ¼ into epoch 3)."""

    x: tuple[float, ...]
    loss: tuple[float, ...]
    epoch: int      # where the latest batch was
    batch: int
    batches: int


def progress_of(event: object, stage: str) -> Progress | None:
    """The ``Progress`` an engine event stands for (None for events that do not say how far)."""
    if isinstance(event, EpochEvent):
        extra = "" if math.isnan(event.val_rmse) else f", val RMSE {event.val_rmse:.4f}"
        if not math.isnan(event.val_recall):
            extra += f", val Recall@20 {event.val_recall:.4f} ({event.recall_listeners:,} listeners)"
        return Progress(stage, event.epoch, event.epochs,
                        f"epoch {event.epoch}/{event.epochs}: loss {event.train_loss:.4f}{extra}")
    if isinstance(event, LRFinderEvent):
        return Progress(stage, event.step, event.steps, f"learning rate {event.lr:.1e}, loss {event.smoothed:.4f}")
    if isinstance(event, DimEvent):
        return Progress(stage, event.done, event.total, f"size {event.dim}: {event.metric} {event.value:.4f}")
    return None


class Relay:
    """Call it like ``report``; ``stage`` names the job, ``total`` is its epoch count (0 when not training)."""

    def __init__(self, report: Reporter, stage: str, total: int = 0,
                 interval: float = 1.0 / BUNDLES_PER_SECOND) -> None:
        self._report = report
        self.stage = stage
        self.total = total
        self.interval = interval
        self._x: list[float] = []
        self._loss: list[float] = []
        self._last_batch: BatchEvent | None = None
        self._sent = time.monotonic()

    def __call__(self, event: object) -> None:
        if isinstance(event, BatchEvent):
            self._x.append(event.epoch - 1 + event.batch / event.batches)
            self._loss.append(event.loss)
            self._last_batch = event
            if time.monotonic() - self._sent >= self.interval:
                self.flush()
            return
        self.flush()   # batches first, so the curves stay in order
        self._report(event)
        progress = progress_of(event, self.stage)
        if progress is not None:
            self._report(progress)

    def flush(self) -> None:
        """Send the batch losses gathered so far (the job calls this when training ends)."""
        last = self._last_batch
        if not self._x or last is None:
            return
        self._report(BatchPoints(tuple(self._x), tuple(self._loss), last.epoch, last.batch, last.batches))
        if self.total:
            self._report(Progress(self.stage, self._x[-1], self.total, f"epoch {last.epoch}/{self.total}"))
        self._x, self._loss = [], []
        self._sent = time.monotonic()
