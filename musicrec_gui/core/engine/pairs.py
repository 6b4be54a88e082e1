"""The data term over a fixed set of (listener, artist) pairs: its value and its gradient.

Training evaluates μ + b_u + c_i + p_u·q_i on the same pairs every step.  Plain
indexing (``P[u] * Q[i]``) builds two pairs × k blocks and its backward pass
scatters one row per pair (4× slower than everything else in a step on CPU, and
1.8 GB per step at Last.fm 360K size).  Treating the pairs as the sparsity
pattern of a CSR matrix E turns the work into sparse products: the predictions
are a sampled dense–dense product, and the gradients are E·Q and Eᵀ·P.  Devices
without sparse CSR kernels fall back to indexing, a chunk of pairs at a time.

The gradient is written straight into the callers' buffers, and the two
pair-sized buffers are allocated once: at 17 M pairs every pair-sized
temporary is 70 MB, which glibc would map afresh (and page-fault) every step.
"""
from __future__ import annotations

import warnings

import torch

GATHER_CHUNK = 1 << 16   # pairs per chunk on the indexing backend (two 16 MB blocks at 64 dims)

# torch labels sparse CSR "beta" (what we use is stable since 2.0) and warns once per
# process: trigger that one warning here, silenced, instead of in the user's first run.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    torch.sparse_csr_tensor(torch.zeros(2, dtype=torch.int64), torch.zeros(0, dtype=torch.int64),
                            torch.zeros(0), size=(1, 1), check_invariants=False)


class PairIndex:
    """Pairs sorted by (listener, artist), with the structures both backends need.

    ``listener`` and ``artist`` are index tensors; ``sort(values)`` puts per-pair
    values given in the same order into the sorted order.
    """

    def __init__(self, listener: torch.Tensor, artist: torch.Tensor, n_listeners: int,
                 n_artists: int, backend: str = "auto") -> None:
        device = listener.device
        self.n_listeners, self.n_artists = int(n_listeners), int(n_artists)
        key = listener * n_artists + artist
        # Training data comes sorted already: then no permutation is kept (8 bytes a pair).
        self._order = None if bool((key[1:] >= key[:-1]).all()) else torch.argsort(key)
        del key
        self.listener = self.sort(listener).contiguous()
        self.artist = self.sort(artist).contiguous()
        self.size = int(self.listener.shape[0])
        self.backend = backend if backend != "auto" else ("sparse" if device.type in ("cpu", "cuda")
                                                          else "gather")
        self._dtype: torch.dtype | None = None
        if self.backend == "sparse":
            try:
                self._build_sparse()
            except (RuntimeError, NotImplementedError):   # no CSR kernels on this device
                self.backend = "gather"

    def sort(self, values: torch.Tensor) -> torch.Tensor:
        """Per-pair ``values`` given in the caller's order, in the sorted pair order."""
        return values if self._order is None else values.index_select(0, self._order)

    def _build_sparse(self) -> None:
        self.row_ptr = _offsets(self.listener, self.n_listeners)
        by_artist = torch.argsort(self.artist * self.n_listeners + self.listener)
        self.transpose_order = by_artist
        self.col_ptr = _offsets(self.artist[by_artist], self.n_artists)
        self.col_listener = self.listener[by_artist].contiguous()
        # Try the kernels once so a device without them falls back here, not mid-training.
        self._allocate(torch.float32)
        p = torch.zeros(self.n_listeners, 1, device=self.listener.device)
        q = torch.zeros(self.n_artists, 1, device=self.listener.device)
        self.dot(p, q)
        torch.mm(self._csr(self._pred), q)

    def _allocate(self, dtype: torch.dtype) -> None:
        """The two pair-sized buffers (and, sparse, the CSR pattern over the first one)."""
        if self._dtype == dtype:
            return
        device = self.listener.device
        self._pred = torch.zeros(self.size, dtype=dtype, device=device)  # predictions, then residuals
        self._work = torch.empty(self.size, dtype=dtype, device=device)  # pair gradients
        if self.backend == "sparse":
            # sampled_addmm writes into the pattern it is given: its values ARE ``_pred``.
            self._pattern = self._csr(self._pred)
        self._dtype = dtype

    def _csr(self, values: torch.Tensor) -> torch.Tensor:
        return torch.sparse_csr_tensor(self.row_ptr, self.artist, values,
                                       size=(self.n_listeners, self.n_artists), check_invariants=False)

    def _csr_t(self, values: torch.Tensor) -> torch.Tensor:
        return torch.sparse_csr_tensor(self.col_ptr, self.col_listener, values,
                                       size=(self.n_artists, self.n_listeners), check_invariants=False)

    # -- products -------------------------------------------------------------------------
    def dot(self, P: torch.Tensor, Q: torch.Tensor) -> torch.Tensor:
        """P[u_j] · Q[i_j] for every pair j, in the reused prediction buffer."""
        self._allocate(P.dtype)
        if self.backend == "sparse":
            torch.sparse.sampled_addmm(self._pattern, P, Q.T, beta=0.0, out=self._pattern)
            return self._pred
        for start in range(0, self.size, GATHER_CHUNK):
            u = self.listener[start:start + GATHER_CHUNK]
            i = self.artist[start:start + GATHER_CHUNK]
            torch.sum(P.index_select(0, u).mul_(Q.index_select(0, i)), 1, out=self._pred[start:start + u.shape[0]])
        return self._pred

    def predict(self, mu, listener_bias, artist_bias, P, Q) -> torch.Tensor:
        """μ + b_u + c_i + p_u·q_i for every pair (a reused buffer: copy it to keep it)."""
        pred = self.dot(P, Q)
        pred += torch.index_select(listener_bias, 0, self.listener, out=self._work)
        pred += torch.index_select(artist_bias, 0, self.artist, out=self._work)
        return pred.add_(mu)

    def data_term(self, params, value: torch.Tensor, weight: torch.Tensor, weight_sum: float,
                  grads) -> torch.Tensor:
        """Σ_j w_j (pred_j − value_j)² / ``weight_sum``; its gradient OVERWRITES ``grads``.

        ``params`` and ``grads`` are (μ, b, c, P, Q) and buffers of the same shapes.
        """
        mu, listener_bias, artist_bias, P, Q = params
        g_mu, g_b, g_c, g_P, g_Q = grads
        residual = self.predict(mu, listener_bias, artist_bias, P, Q).sub_(value)
        g = torch.mul(residual, weight, out=self._work)            # w·r
        error = torch.dot(g, residual) / weight_sum
        g.mul_(2.0 / weight_sum)                                    # ∂error/∂pred
        torch.sum(g, 0, out=g_mu)
        g_b.zero_().index_add_(0, self.listener, g)
        g_c.zero_().index_add_(0, self.artist, g)
        if self.backend == "sparse":
            torch.mm(self._csr(g), Q, out=g_P)
            # The transpose needs g in artist order: the residuals are no longer needed.
            torch.mm(self._csr_t(torch.index_select(g, 0, self.transpose_order, out=self._pred)), P, out=g_Q)
            return error
        g_P.zero_()
        g_Q.zero_()
        for start in range(0, self.size, GATHER_CHUNK):
            u = self.listener[start:start + GATHER_CHUNK]
            i = self.artist[start:start + GATHER_CHUNK]
            part = g[start:start + u.shape[0], None]
            g_P.index_add_(0, u, Q.index_select(0, i).mul_(part))
            g_Q.index_add_(0, i, P.index_select(0, u).mul_(part))
        return error


def _offsets(sorted_rows: torch.Tensor, n_rows: int) -> torch.Tensor:
    counts = torch.bincount(sorted_rows, minlength=n_rows)
    offsets = torch.zeros(n_rows + 1, dtype=torch.int64, device=sorted_rows.device)
    torch.cumsum(counts, 0, out=offsets[1:])
    return offsets
