"""The biased PMF model and the closed-form gravity term.

prediction(u, i) = μ + b_u + c_i + p_u · q_i

Gravity is the mean squared prediction over ALL N·M listener–artist pairs,
biases included.  With a_u = μ + b_u it expands to (DESIGN §3)

    N·M·g = M·Σ_u a_u² + N·Σ_i c_i² + ⟨PᵀP, QᵀQ⟩ + 2(Σ_u a_u)(Σ_i c_i)
            + 2(Σ_u a_u p_u)·(Σ_i q_i) + 2(Σ_u p_u)·(Σ_i c_i q_i)

which costs O((N + M)·k²) and never builds the N×M matrix.  Its gradient is
written out by hand (one M×k×k product each way instead of autograd's four):

    ∂(N·M·g)/∂p_u = 2[(QᵀQ) p_u + a_u Σ_i q_i + Σ_i c_i q_i]
    ∂(N·M·g)/∂q_i = 2[(PᵀP) q_i + c_i Σ_u p_u + Σ_u a_u p_u]
    ∂(N·M·g)/∂b_u = 2[M a_u + Σ_i c_i + p_u · Σ_i q_i]      (∂/∂μ = Σ_u ∂/∂b_u)
    ∂(N·M·g)/∂c_i = 2[N c_i + Σ_u a_u + q_i · Σ_u p_u]
"""
from __future__ import annotations

import torch
from torch import nn


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

    def predict(self, listeners: torch.Tensor, artists: torch.Tensor) -> torch.Tensor:
        """Predictions for index tensors of pairs (simple indexing; for evaluation)."""
        return (self.mu + self.listener_bias[listeners] + self.artist_bias[artists]
                + (self.listener_emb[listeners] * self.artist_emb[artists]).sum(-1))

    def gravity(self) -> torch.Tensor:
        """Mean of prediction² over all listener–artist pairs, in closed form."""
        return _Gravity.apply(self.mu, self.listener_bias, self.artist_bias,
                              self.listener_emb, self.artist_emb)

    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(U, V) with U_u·V_i = p_u·q_i + c_i: the prediction minus the per-listener
        constant μ + b_u, which cannot change a listener's ranking."""
        P, Q = self.listener_emb.detach(), self.artist_emb.detach()
        ones = torch.ones(P.shape[0], 1, dtype=P.dtype, device=P.device)
        return torch.cat([P, ones], 1), torch.cat([Q, self.artist_bias.detach()[:, None]], 1)


class _Gravity(torch.autograd.Function):
    @staticmethod
    def forward(ctx, mu, listener_bias, artist_bias, P, Q):
        n, m = P.shape[0], Q.shape[0]
        a = mu + listener_bias
        c = artist_bias
        PtP, QtQ = P.T @ P, Q.T @ Q
        sum_p, sum_q = P.sum(0), Q.sum(0)
        a_p, c_q = a @ P, c @ Q                 # Σ_u a_u p_u, Σ_i c_i q_i
        sum_a, sum_c = a.sum(), c.sum()
        total = (m * (a @ a) + n * (c @ c) + (PtP * QtQ).sum() + 2 * sum_a * sum_c
                 + 2 * (a_p @ sum_q) + 2 * (sum_p @ c_q))
        ctx.save_for_backward(a, c, P, Q, PtP, QtQ, sum_p, sum_q, a_p, c_q, sum_a, sum_c)
        return total / (n * m)

    @staticmethod
    def backward(ctx, grad):
        a, c, P, Q, PtP, QtQ, sum_p, sum_q, a_p, c_q, sum_a, sum_c = ctx.saved_tensors
        n, m = P.shape[0], Q.shape[0]
        scale = grad * (2.0 / (n * m))
        # Built in place: one N×k and one M×k buffer, no further temporaries.
        g_P = torch.outer(a, sum_q).add_(c_q).addmm_(P, QtQ).mul_(scale)
        g_Q = torch.outer(c, sum_p).add_(a_p).addmm_(Q, PtP).mul_(scale)
        g_b = (m * a + sum_c + P @ sum_q) * scale
        g_c = (n * c + sum_a + Q @ sum_p) * scale
        return g_b.sum(), g_b, g_c, g_P, g_Q
