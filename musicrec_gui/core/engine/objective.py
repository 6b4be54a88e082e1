"""The training loss for one dataset and one set of settings, on one device.

    loss = Σ_B w·(pred − value)² / Σ_B w                       (data, batch B)
         + [Σ_u λ_f ρ_u ‖p_u‖² + Σ_i λ_f ρ_i ‖q_i‖²
            + Σ_u λ_b ρ_u b_u² + Σ_i λ_b ρ_i c_i²] / W          (L2, W = Σ_train w)
         + γ · g                                                (gravity, closed form)

with w = 1 + confidence·max(value, 0) and ρ_row = (1 + training pairs of the row)^power.
For a full batch this is the MAP objective of PMF divided by W; for mini-batches the
data term is the batch's weighted mean, so every batch estimates the same loss.

``loss_and_grad`` writes the gradient of the whole loss into each parameter's
``.grad`` (no autograd: each term's gradient is written out, in ``pairs`` and
``model``), so a step allocates nothing of the size of the data or of the
embeddings — at Last.fm 360K size those would be 60–90 MB each, every step.

Every term is per unit of observed weight (W): the data and L2 terms are divided
by it and gravity is a mean over all N·M pairs, so a listener's or an artist's
pull from gravity, relative to its own data, stays the same as the data grows.

``init_biases`` solves for μ and the biases with the embeddings at zero (a few
alternating closed-form passes of the same loss): without it Adam spends its first
tens of steps only walking μ from the data mean to where gravity wants it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from musicrec_gui.core.engine.dataset import Dataset
from musicrec_gui.core.engine.model import BiasedPMF, gravity
from musicrec_gui.core.engine.pairs import PairIndex
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.weights import pair_weights, reg_row_weights


@dataclass(frozen=True, eq=False)
class Batch:
    index: PairIndex
    value: torch.Tensor
    weight: torch.Tensor
    weight_sum: float


class Objective:
    """Batches, weights and the loss of ``settings`` over ``data.train`` on ``device``."""

    def __init__(self, data: Dataset, settings: Settings, device: torch.device) -> None:
        self.settings = settings
        self.device = device
        self.n_listeners, self.n_artists = data.n_listeners, data.n_artists
        train = data.train
        weights = pair_weights(train.value, settings.confidence)
        self.weight_total = float(weights.astype(np.float64).sum()) or 1.0
        self.size = len(train)
        listener_counts = np.bincount(train.listener, minlength=self.n_listeners)
        artist_counts = np.bincount(train.artist, minlength=self.n_artists)
        self.listener_reg = torch.from_numpy(reg_row_weights(listener_counts, settings.reg_count_power)).to(device)
        self.artist_reg = torch.from_numpy(reg_row_weights(artist_counts, settings.reg_count_power)).to(device)
        self.batches = self._make_batches(train.listener, train.artist, train.value, weights)
        self._order_generator = torch.Generator().manual_seed(settings.seed + 1)
        self._train = train          # for init_biases

    def _make_batches(self, listener, artist, value, weight) -> list[Batch]:
        """Fixed batches: a seeded partition of the pairs made once, so each batch's
        sparse structure is built once; epochs shuffle only the batch order."""
        n = listener.shape[0]
        size = self.settings.batch_size or n
        chunks: list[slice | np.ndarray]
        if size >= n:
            chunks = [slice(None)]    # the whole arrays, shared with the dataset where the device allows
        else:
            shuffle = np.random.default_rng(self.settings.seed + 2).permutation(n)
            chunks = [np.sort(shuffle[s:s + size]) for s in range(0, n, size)]

        def take(array, rows, dtype):
            return torch.from_numpy(np.ascontiguousarray(array[rows])).to(self.device, dtype)

        batches = []
        for rows in chunks:
            index = PairIndex(take(listener, rows, torch.int64), take(artist, rows, torch.int64),
                              self.n_listeners, self.n_artists)
            batches.append(Batch(index, index.sort(take(value, rows, torch.float32)),
                                 index.sort(take(weight, rows, torch.float32)),
                                 float(weight[rows].astype(np.float64).sum()) or 1.0))
        return batches

    def epoch_order(self) -> list[int]:
        """The batch order for the next epoch (seeded; a single batch needs no shuffling)."""
        if len(self.batches) == 1:
            return [0]
        return torch.randperm(len(self.batches), generator=self._order_generator).tolist()

    # -- the loss and its gradient ------------------------------------------------
    @torch.no_grad()
    def loss_and_grad(self, model: BiasedPMF, batch: Batch) -> tuple[float, float]:
        """(total loss, weighted mean squared error of the batch); the gradient of the
        total is written into each parameter's ``.grad`` (buffers allocated once)."""
        s = self.settings
        params = model.tensors()
        grads = _grad_buffers(params)
        error = batch.index.data_term(params, batch.value, batch.weight, batch.weight_sum, grads)
        total = error + self._penalty(params, grads)
        if s.gravity > 0:
            total = total + s.gravity * gravity(params, grads, s.gravity)
        return float(total), float(error)

    def _penalty(self, params, grads) -> torch.Tensor:
        """The L2 terms over W; their gradient is added into ``grads``."""
        s = self.settings
        _, listener_bias, artist_bias, P, Q = params
        _, g_b, g_c, g_P, g_Q = grads
        total = torch.zeros((), dtype=P.dtype, device=P.device)
        for weight, x, row_weight, g in ((s.reg_factors, P, self.listener_reg, g_P),
                                         (s.reg_factors, Q, self.artist_reg, g_Q),
                                         (s.reg_biases, listener_bias, self.listener_reg, g_b),
                                         (s.reg_biases, artist_bias, self.artist_reg, g_c)):
            if weight == 0:
                continue
            squares = torch.linalg.vector_norm(x, dim=-1).square_() if x.dim() > 1 else x.square()
            total += weight * (squares @ row_weight)
            g.addcmul_(x, row_weight[:, None] if x.dim() > 1 else row_weight, value=2.0 * weight / self.weight_total)
        return total / self.weight_total

    # -- closed-form start for μ and the biases -----------------------------------
    @torch.no_grad()
    def init_biases(self, model: BiasedPMF, sweeps: int = 3) -> None:
        s = self.settings
        train = self._train
        u, i, v = train.listener, train.artist, train.value.astype(np.float64)
        w = pair_weights(train.value, s.confidence).astype(np.float64)
        n, m, total = self.n_listeners, self.n_artists, self.weight_total
        g = s.gravity / (n * m)                       # gravity weight of one pair
        reg_u = s.reg_biases * self.listener_reg.cpu().numpy().astype(np.float64)
        reg_i = s.reg_biases * self.artist_reg.cpu().numpy().astype(np.float64)
        w_u, w_i = np.bincount(u, w, n), np.bincount(i, w, m)
        mu, b, c = 0.0, np.zeros(n), np.zeros(m)
        for _ in range(sweeps):
            mu = ((w @ (v - b[u] - c[i])) / total - g * (m * b.sum() + n * c.sum())) / (1.0 + s.gravity)
            b = _divide(np.bincount(u, w * (v - mu - c[i]), n) / total - g * (m * mu + c.sum()),
                        w_u / total + reg_u / total + g * m)
            c = _divide(np.bincount(i, w * (v - mu - b[u]), m) / total - g * (n * mu + b.sum()),
                        w_i / total + reg_i / total + g * n)
        # float32 on the CPU first: some devices (MPS) have no float64
        model.mu.fill_(float(mu))
        model.listener_bias.copy_(torch.from_numpy(b.astype(np.float32)).to(model.listener_bias.device))
        model.artist_bias.copy_(torch.from_numpy(c.astype(np.float32)).to(model.artist_bias.device))


def _grad_buffers(params) -> tuple[torch.Tensor, ...]:
    """Each parameter's ``.grad``, allocated on first use and then reused (the loss overwrites it)."""
    for p in params:
        if p.grad is None or p.grad.shape != p.shape or p.grad.dtype != p.dtype:
            p.grad = torch.zeros_like(p)
    return tuple(p.grad for p in params)


def _divide(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """top / bottom, and 0 where a row has no data, no penalty and no gravity."""
    return np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)
