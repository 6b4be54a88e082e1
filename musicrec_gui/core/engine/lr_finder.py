"""The learning-rate finder: an exponential sweep from the current weights.

The rate grows from ``start`` to ``end`` over ``steps`` optimiser steps (one batch
each).  The loss is smoothed with a bias-corrected moving average (β = 0.98, as
fastai and Lightning do) and the sweep stops once the smoothed loss exceeds 4×
its minimum.  Weights AND optimiser state are always put back afterwards — also
on cancel and on error — so a sweep never changes the model (research notes §1).

The suggestion is the steepest descent of the smoothed loss against log(lr),
after dropping the noisy ends (the first 10 % of the steps and the last 5
points) and everything from the first non-finite loss on.  A flat, rising or
noisy curve is flagged as untrustworthy with a message saying why.
"""
from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass

import numpy as np
import torch

from musicrec_gui.core.engine.events import LRFinderEvent
from musicrec_gui.core.engine.trainer import Trainer
from musicrec_gui.core.jobs import StopToken, ignore_events

SKIP_START_SHARE = 0.1
SKIP_END = 5
FLAT_SPAN = 0.05       # smoothed loss varying less than 5 % across the window = flat
NOISY_RESIDUAL = 0.10  # median |raw − smoothed| / smoothed above 10 % = noisy


@dataclass(frozen=True)
class LRFinderResult:
    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    smoothed: tuple[float, ...]
    suggestion: float | None
    trustworthy: bool
    message: str
    stopped: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def find_lr(trainer: Trainer, token: StopToken | None = None, report=ignore_events, *,
            start: float = 1e-5, end: float = 10.0, steps: int = 100, beta: float = 0.98,
            diverge: float = 4.0) -> LRFinderResult:
    """Sweep the learning rate on ``trainer`` and give its weights back untouched."""
    report = report or ignore_events
    params = [p.detach().clone() for p in trainer.model.parameters()]
    optimizer_state = copy.deepcopy(trainer.optimizer.state_dict())
    lrs, losses, smoothed = [], [], []
    stopped = False
    try:
        average, best = 0.0, math.inf
        batches = trainer.objective.batches
        for step in range(steps):
            if token is not None and token.stopped:
                stopped = True
                break
            lr = start * (end / start) ** (step / max(1, steps - 1))
            trainer.set_lr(lr)
            loss, _ = trainer.step(batches[step % len(batches)])
            if not math.isfinite(loss):
                break
            average = beta * average + (1 - beta) * loss
            smooth = average / (1 - beta ** (step + 1))
            lrs.append(lr)
            losses.append(loss)
            smoothed.append(smooth)
            best = min(best, smooth)
            report(LRFinderEvent(step + 1, steps, lr, loss, smooth))
            if step > 0 and smooth > diverge * best:
                break
    finally:
        with torch.no_grad():
            for p, saved in zip(trainer.model.parameters(), params):
                p.copy_(saved)
        trainer.optimizer.load_state_dict(optimizer_state)
    suggestion, trustworthy, message = suggest_lr(lrs, smoothed, losses, planned_steps=steps)
    if stopped:
        message = "stopped by request; " + message
    return LRFinderResult(tuple(lrs), tuple(losses), tuple(smoothed), suggestion, trustworthy,
                          message, stopped)


def suggest_lr(lrs, smoothed, raw=None, planned_steps: int | None = None
               ) -> tuple[float | None, bool, str]:
    """(suggested lr or None, trustworthy?, message) for a finder curve."""
    lrs = np.asarray(lrs, dtype=np.float64)
    smooth = np.asarray(smoothed, dtype=np.float64)
    finite = np.isfinite(smooth) & np.isfinite(lrs) & (lrs > 0)
    cut = int(np.argmin(finite)) if not finite.all() else len(smooth)   # up to the first NaN
    begin = int((planned_steps or len(smooth)) * SKIP_START_SHARE)
    end = cut - SKIP_END
    if end - begin < 5:
        return None, False, "too few usable points for a suggestion (the loss diverged early?)"
    x, y = np.log(lrs[begin:end]), smooth[begin:end]
    slope = np.gradient(y, x)
    best = int(np.argmin(slope))
    suggestion = float(lrs[begin + best])
    span = (y.max() - y.min()) / max(abs(y.max()), 1e-12)
    if slope[best] >= 0:
        return suggestion, False, "the loss never fell: no rate in the range trains this model"
    if span < FLAT_SPAN:
        return suggestion, False, f"the curve is too flat to trust (it varies {span:.1%})"
    if raw is not None:
        raw_y = np.asarray(raw, dtype=np.float64)[begin:end]
        noise = float(np.median(np.abs(raw_y - y) / np.maximum(np.abs(y), 1e-12)))
        if noise > NOISY_RESIDUAL:
            return suggestion, False, f"the curve is too noisy to trust (median deviation {noise:.0%})"
    return suggestion, True, f"steepest descent at lr {suggestion:.3g}"
