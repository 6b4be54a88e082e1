"""Per-pair and per-row loss weights (numpy only: the explore code uses them without torch)."""
from __future__ import annotations

import numpy as np


def pair_weights(values: np.ndarray, confidence: float) -> np.ndarray:
    """Weight of each observed pair: 1 + confidence·value (never below 1)."""
    return (1.0 + confidence * np.maximum(values.astype(np.float64), 0.0)).astype(np.float32)


def reg_row_weights(counts: np.ndarray, power: float) -> np.ndarray:
    """(1 + count)^power: 1 everywhere for power 0, busier rows more for power > 0."""
    return np.power(1.0 + counts.astype(np.float64), power).astype(np.float32)
