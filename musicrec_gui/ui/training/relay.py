"""A job-side reporter for the engine's events: few signals for the GUI, progress for the status bar.

The trainer reports every batch; with small batches that is thousands of
events a second, and each one would cross to the GUI thread as a queued
signal.  ``Relay`` wraps the job's ``report`` on the worker thread: batch
losses are gathered and sent as one ``BatchPoints`` at most 20 times a
second, and every event that says how far the job is also goes out as a
``Progress``, which the window's status bar shows.  No Qt here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from musicrec_gui.core.jobs import Progress

INTERVAL = 0.05   # seconds between bundles of batch losses: 20 a second


@dataclass(frozen=True)
class BatchPoints:
    """Batch losses gathered since the last bundle; ``x`` is the fractional epoch (2.25 = ¼ into epoch 3)."""

    x: tuple[float, ...]
    loss: tuple[float, ...]
    epoch: int      # where the latest batch was
    batch: int
    batches: int


class Relay:
    """Call it like ``report``; ``stage`` names the job in the status bar, ``total`` is its epoch count."""

    def __init__(self, report, stage: str, total: int = 0, interval: float = INTERVAL) -> None:
        self._report = report
        self.stage = stage
        self.total = total
        self.interval = interval
        self._x: list[float] = []
        self._loss: list[float] = []
        self._last_batch = None
        self._sent = time.monotonic()

    def __call__(self, event) -> None:
        # Imported here: the engine's event modules import torch (already loaded in a job).
        from musicrec_gui.core.engine.dim_search import DimEvent
        from musicrec_gui.core.engine.lr_finder import LRFinderEvent
        from musicrec_gui.core.engine.trainer import BatchEvent, EpochEvent

        if isinstance(event, BatchEvent):
            self._x.append(event.epoch - 1 + event.batch / event.batches)
            self._loss.append(event.loss)
            self._last_batch = event
            if time.monotonic() - self._sent >= self.interval:
                self.flush()
            return
        self.flush()   # batches first, so the curves stay in order
        self._report(event)
        if isinstance(event, EpochEvent):
            self._report(Progress(self.stage, event.epoch, event.epochs, f"epoch {event.epoch}/{event.epochs}"))
        elif isinstance(event, LRFinderEvent):
            self._report(Progress(self.stage, event.step, event.steps, f"learning rate {event.lr:.1e}"))
        elif isinstance(event, DimEvent):
            self._report(Progress(self.stage, event.done, event.total, f"size {event.dim} done"))

    def flush(self) -> None:
        """Send the batch losses gathered so far (the job calls this when training ends)."""
        if not self._x:
            return
        last = self._last_batch
        self._report(BatchPoints(tuple(self._x), tuple(self._loss), last.epoch, last.batch, last.batches))
        if self.total:
            self._report(Progress(self.stage, self._x[-1], self.total, f"epoch {last.epoch}/{self.total}"))
        self._x, self._loss = [], []
        self._sent = time.monotonic()
