"""The biased PMF model and the closed-form gravity term.

prediction(u, i) = μ + b_u + c_i + p_u · q_i

Gravity is the mean squared prediction over ALL N·M listener–artist pairs,
biases included.  With a_u = μ + b_u it expands to (DESIGN §3)

    N·M·g = M·Σ_u a_u² + N·Σ_i c_i² + ⟨PᵀP, QᵀQ⟩ + 2(Σ_u a_u)(Σ_i c_i)
            + 2(Σ_u a_u p_u)·(Σ_i q_i) + 2(Σ_u p_u)·(Σ_i c_i q_i)

which costs O((N + M)·k²) and never builds the N×M matrix.  Its gradient is
written out by hand and added in place into the caller's gradient buffers (one
M×k×k product each way, no N×k or M×k temporaries):

    ∂(N·M·g)/∂p_u = 2[(QᵀQ) p_u + a_u Σ_i q_i + Σ_i c_i q_i]
    ∂(N·M·g)/∂q_i = 2[(PᵀP) q_i + c_i Σ_u p_u + Σ_u a_u p_u]
    ∂(N·M·g)/∂b_u = 2[M a_u + Σ_i c_i + p_u · Σ_i q_i]      (∂/∂μ = Σ_u ∂/∂b_u)
    ∂(N·M·g)/∂c_i = 2[N c_i + Σ_u a_u + q_i · Σ_u p_u]
"""
from __future__ import annotations

import torch
from torch import nn

PREDICT_CHUNK = 1 << 16    # pairs per chunk in ``predict`` (two 16 MB row blocks at 64 dims)


class BiasedPMF(nn.Module):
    """μ, listener/artist biases and embeddings; initialised from ``seed`` on the CPU
    so that the same seed gives the same start on every device."""

    def __init__(self, n_listeners: int, n_artists: int, dim: int, init_std: float = 0.01,
                 seed: int = 0) -> None:
        super().__init__()
        generator = torch.Generator().manual_seed(int(seed))
        self.mu = nn.Parameter(torch.zeros(()))
        self.listener_bias = nn.Parameter(torch.zeros(n_listeners))
        self.artist_bias = nn.Parameter(torch.zeros(n_artists))
        self.listener_emb = nn.Parameter(torch.randn(n_listeners, dim, generator=generator) * init_std)
        self.artist_emb = nn.Parameter(torch.randn(n_artists, dim, generator=generator) * init_std)

    @property
    def n_listeners(self) -> int:
        return int(self.listener_emb.shape[0])

    @property
    def n_artists(self) -> int:
        return int(self.artist_emb.shape[0])

    @property
    def dim(self) -> int:
        return int(self.listener_emb.shape[1])

    @torch.no_grad()
    def predict(self, listeners: torch.Tensor, artists: torch.Tensor) -> torch.Tensor:
        """Predictions for index tensors of pairs (for evaluation), ``PREDICT_CHUNK`` pairs
        at a time: 1.7 M validation pairs at once would gather two 450 MB row blocks."""
        out = torch.empty(listeners.shape[0], dtype=self.mu.dtype, device=self.mu.device)
        for start in range(0, listeners.shape[0], PREDICT_CHUNK):
            u, i = listeners[start:start + PREDICT_CHUNK], artists[start:start + PREDICT_CHUNK]
            chunk = (self.listener_emb.index_select(0, u) * self.artist_emb.index_select(0, i)).sum(-1)
            out[start:start + u.shape[0]] = (chunk.add_(self.listener_bias.index_select(0, u))
                                             .add_(self.artist_bias.index_select(0, i)).add_(self.mu))
        return out

    def tensors(self) -> tuple[torch.Tensor, ...]:
        """(μ, b, c, P, Q): the parameters in the order the loss terms take them."""
        return (self.mu, self.listener_bias, self.artist_bias, self.listener_emb, self.artist_emb)

    def ranking_vectors(self, listeners: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(U, V) with U_u·V_i = p_u·q_i + c_i: the prediction minus the per-listener
        constant μ + b_u, which cannot change a listener's ranking.  U has the rows of
        ``listeners`` only when given (a validation sample), else every listener's."""
        P, Q = self.listener_emb.detach(), self.artist_emb.detach()
        if listeners is not None:
            P = P.index_select(0, listeners)
        ones = torch.ones(P.shape[0], 1, dtype=P.dtype, device=P.device)
        return torch.cat([P, ones], 1), torch.cat([Q, self.artist_bias.detach()[:, None]], 1)


@torch.no_grad()
def gravity(params, grads=None, weight: float = 1.0) -> torch.Tensor:
    """g for ``params`` = (μ, b, c, P, Q); with ``grads`` (buffers of the same shapes)
    also ADDS ``weight`` · ∂g/∂params into them."""
    mu, listener_bias, artist_bias, P, Q = params
    n, m = P.shape[0], Q.shape[0]
    a = listener_bias + mu
    c = artist_bias
    PtP, QtQ = P.T @ P, Q.T @ Q
    sum_p, sum_q = P.sum(0), Q.sum(0)
    a_p, c_q = a @ P, c @ Q                 # Σ_u a_u p_u, Σ_i c_i q_i
    sum_a, sum_c = a.sum(), c.sum()
    total = (m * (a @ a) + n * (c @ c) + torch.dot(PtP.flatten(), QtQ.flatten()) + 2 * sum_a * sum_c
             + 2 * (a_p @ sum_q) + 2 * (sum_p @ c_q))
    if grads is not None:
        g_mu, g_b, g_c, g_P, g_Q = grads
        scale = weight * 2.0 / (n * m)
        g_P.addmm_(P, QtQ, alpha=scale).addcmul_(a[:, None], sum_q, value=scale).add_(c_q, alpha=scale)
        g_Q.addmm_(Q, PtP, alpha=scale).addcmul_(c[:, None], sum_p, value=scale).add_(a_p, alpha=scale)
        g_b.add_(a, alpha=scale * m).add_(sum_c, alpha=scale).addmv_(P, sum_q, alpha=scale)
        g_c.add_(c, alpha=scale * n).add_(sum_a, alpha=scale).addmv_(Q, sum_p, alpha=scale)
        g_mu.add_(m * sum_a + n * sum_c + sum_p @ sum_q, alpha=scale)
    return total / (n * m)
