"""Predictions over a fixed set of (listener, artist) pairs, with a fast backward pass.

Training evaluates μ + b_u + c_i + p_u·q_i on the same pairs every step.  Plain
indexing (``P[u] * Q[i]``) is simple, but its backward pass scatters one row per
pair and was 4× slower than everything else in a step on CPU.  Treating the
pairs as the sparsity pattern of a CSR matrix E turns the work into sparse
products: the forward pass is a sampled dense–dense product, and the gradients
are E·Q and Eᵀ·P.  Devices without sparse CSR kernels fall back to indexing.
"""
from __future__ import annotations

import warnings

import torch

# torch labels sparse CSR "beta" (what we use is stable since 2.0) and warns once per
# process: trigger that one warning here, silenced, instead of in the user's first run.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    torch.sparse_csr_tensor(torch.zeros(2, dtype=torch.int64), torch.zeros(0, dtype=torch.int64),
                            torch.zeros(0), size=(1, 1), check_invariants=False)


class PairIndex:
    """Pairs sorted by (listener, artist), with the structures both backends need.

    ``listener`` and ``artist`` are index tensors; ``order`` is the permutation that
    sorted them, so callers can sort values the same way (``values[order]``).
    """

    def __init__(self, listener: torch.Tensor, artist: torch.Tensor, n_listeners: int,
                 n_artists: int, backend: str = "auto") -> None:
        device = listener.device
        self.n_listeners, self.n_artists = int(n_listeners), int(n_artists)
        self.order = torch.argsort(listener * n_artists + artist)
        self.listener = listener[self.order].contiguous()
        self.artist = artist[self.order].contiguous()
        self.size = int(self.listener.shape[0])
        self.backend = backend if backend != "auto" else ("sparse" if device.type in ("cpu", "cuda")
                                                          else "gather")
        if self.backend == "sparse":
            try:
                self._build_sparse()
            except (RuntimeError, NotImplementedError):   # no CSR kernels on this device
                self.backend = "gather"

    def _build_sparse(self) -> None:
        self.row_ptr = _offsets(self.listener, self.n_listeners)
        by_artist = torch.argsort(self.artist * self.n_listeners + self.listener)
        self.transpose_order = by_artist
        self.col_ptr = _offsets(self.artist[by_artist], self.n_artists)
        self.col_listener = self.listener[by_artist].contiguous()
        probe = torch.ones(self.size, dtype=torch.float32, device=self.listener.device)
        self.pattern = self._csr(probe)
        # Try the forward kernel once so a device without it falls back here, not mid-training.
        p = torch.zeros(self.n_listeners, 1, device=probe.device)
        q = torch.zeros(1, self.n_artists, device=probe.device)
        torch.sparse.sampled_addmm(self.pattern, p, q, beta=0.0)

    def _csr(self, values: torch.Tensor) -> torch.Tensor:
        return torch.sparse_csr_tensor(self.row_ptr, self.artist, values,
                                       size=(self.n_listeners, self.n_artists), check_invariants=False)

    def _csr_t(self, values: torch.Tensor) -> torch.Tensor:
        return torch.sparse_csr_tensor(self.col_ptr, self.col_listener, values[self.transpose_order],
                                       size=(self.n_artists, self.n_listeners), check_invariants=False)

    # -- the three products --------------------------------------------------
    def dot(self, P: torch.Tensor, Q: torch.Tensor) -> torch.Tensor:
        """P[u_j] · Q[i_j] for every pair j."""
        if self.backend == "sparse":
            pattern = self.pattern if self.pattern.dtype == P.dtype else self.pattern.to(P.dtype)
            return torch.sparse.sampled_addmm(pattern, P, Q.T, beta=0.0).values()
        return (P.index_select(0, self.listener) * Q.index_select(0, self.artist)).sum(1)

    def to_listeners(self, g: torch.Tensor, Q: torch.Tensor) -> torch.Tensor:
        """Σ_j g_j Q[i_j] gathered into listener rows (N × k)."""
        if self.backend == "sparse":
            return self._csr(g) @ Q
        out = torch.zeros(self.n_listeners, Q.shape[1], dtype=Q.dtype, device=Q.device)
        return out.index_add_(0, self.listener, g[:, None] * Q.index_select(0, self.artist))

    def to_artists(self, g: torch.Tensor, P: torch.Tensor) -> torch.Tensor:
        """Σ_j g_j P[u_j] gathered into artist rows (M × k)."""
        if self.backend == "sparse":
            return self._csr_t(g) @ P
        out = torch.zeros(self.n_artists, P.shape[1], dtype=P.dtype, device=P.device)
        return out.index_add_(0, self.artist, g[:, None] * P.index_select(0, self.listener))

    def predict(self, mu, listener_bias, artist_bias, P, Q) -> torch.Tensor:
        """μ + b_u + c_i + p_u·q_i for every pair, differentiable in all five."""
        return _PairPredict.apply(mu, listener_bias, artist_bias, P, Q, self)


def _offsets(sorted_rows: torch.Tensor, n_rows: int) -> torch.Tensor:
    counts = torch.bincount(sorted_rows, minlength=n_rows)
    offsets = torch.zeros(n_rows + 1, dtype=torch.int64, device=sorted_rows.device)
    torch.cumsum(counts, 0, out=offsets[1:])
    return offsets


class _PairPredict(torch.autograd.Function):
    @staticmethod
    def forward(ctx, mu, listener_bias, artist_bias, P, Q, index: PairIndex):
        ctx.index = index
        ctx.save_for_backward(P, Q)
        return (index.dot(P, Q) + listener_bias.index_select(0, index.listener)
                + artist_bias.index_select(0, index.artist) + mu)

    @staticmethod
    def backward(ctx, grad):
        index: PairIndex = ctx.index
        P, Q = ctx.saved_tensors
        need = ctx.needs_input_grad
        grad = grad.contiguous()
        g_mu = grad.sum() if need[0] else None
        g_bu = (torch.zeros(index.n_listeners, dtype=grad.dtype, device=grad.device)
                .index_add_(0, index.listener, grad) if need[1] else None)
        g_bi = (torch.zeros(index.n_artists, dtype=grad.dtype, device=grad.device)
                .index_add_(0, index.artist, grad) if need[2] else None)
        g_P = index.to_listeners(grad, Q) if need[3] else None
        g_Q = index.to_artists(grad, P) if need[4] else None
        return g_mu, g_bu, g_bi, g_P, g_Q, None
