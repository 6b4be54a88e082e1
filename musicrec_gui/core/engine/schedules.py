"""Learning-rate schedules: a multiplier of ``settings.lr`` for each batch.

* ``constant`` — always 1.
* ``step`` — the article's: the rate changes every ``step_epochs`` epochs, by the
  listed ``step_factors`` (e.g. 1, .5, .1, .05, .01 for 0.1 → 0.001), or halves
  each block when none are listed.
* ``onecycle`` — Smith's one-cycle: cosine warm-up from lr/25 to lr over the
  first 30 % of the steps, then cosine annealing down to lr/25/10⁴.
"""
from __future__ import annotations

import math

from musicrec_gui.core.engine.settings import Settings

WARMUP_SHARE = 0.3
START_DIVISOR = 25.0
FINAL_DIVISOR = 1e4


def lr_factor(settings: Settings, epoch: int, batch: int = 0, batches: int = 1) -> float:
    """The multiplier for ``batch`` (0-based) of ``epoch`` (0-based)."""
    if settings.schedule == "step":
        block = epoch // settings.step_epochs
        if settings.step_factors:
            return settings.step_factors[min(block, len(settings.step_factors) - 1)]
        return 0.5 ** block
    if settings.schedule == "onecycle":
        total = max(1, settings.epochs * batches)
        position = min(1.0, (epoch * batches + batch) / total)
        start, low = 1.0 / START_DIVISOR, 1.0 / START_DIVISOR / FINAL_DIVISOR
        if position < WARMUP_SHARE:
            return _cosine(start, 1.0, position / WARMUP_SHARE)
        return _cosine(1.0, low, (position - WARMUP_SHARE) / (1.0 - WARMUP_SHARE))
    return 1.0


def _cosine(begin: float, end: float, fraction: float) -> float:
    return end + (begin - end) * (1.0 + math.cos(math.pi * fraction)) / 2.0
