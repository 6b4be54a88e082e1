"""Exact top-N ranking and the bench metrics (``bench/README.md`` §3).

* Candidates for a listener: every artist not excluded (their training artists).
* Ranking: score descending, equal scores broken by ascending artist index.
* Recall@N = hits / |relevant|; NDCG@N with binary gains and the ideal DCG over
  min(N, |relevant|) items; both averaged over listeners with ≥ 1 relevant artist.
* Coverage@N = distinct artists over all top-N lists / number of artists.
* RMSE over all pairs, predictions clipped to [low, high] first.

Scores are U_u · V_i in float32 on whatever device ``U`` lives on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

SCORE_BLOCK_BYTES = 64 << 20   # the most one block of scores may take

TOP_N = 20   # the length of the lists the metrics judge (Recall@20, NDCG@20, Coverage@20)


@dataclass(frozen=True)
class RankingMetrics:
    recall: float
    ndcg: float
    coverage: float
    n_listeners: int    # listeners with at least one relevant artist (the average's base)


def top_n(user_vecs: torch.Tensor, item_vecs: torch.Tensor, exclude_indptr: np.ndarray,
          exclude_indices: np.ndarray, n: int = TOP_N, batch: int = 256) -> np.ndarray:
    """The first ``n`` artists of each row's ranking (−1 where fewer candidates exist).

    ``exclude_indptr/indices`` list, CSR-style, the artists each row must not get.
    Works on blocks of at most ``batch`` rows and ``SCORE_BLOCK_BYTES``, so memory
    never grows with the number of rows (256 × 17,617 floats = 18 MB at HetRec size;
    104 × 160 K at Last.fm 360K size).
    """
    n_users, n_items = user_vecs.shape[0], item_vecs.shape[0]
    n = min(n, n_items)
    device = user_vecs.device
    batch = max(1, min(batch, SCORE_BLOCK_BYTES // max(1, n_items * user_vecs.element_size())))
    out = np.empty((n_users, n), dtype=np.int64)
    indptr = np.asarray(exclude_indptr, dtype=np.int64)
    indices = torch.as_tensor(np.asarray(exclude_indices, dtype=np.int64), device=device)
    row_of = torch.as_tensor(np.repeat(np.arange(n_users, dtype=np.int64), np.diff(indptr)), device=device)
    item_t = item_vecs.T.contiguous()     # k × M: the faster layout for the product below
    # One score block, reused: a fresh 18 MB block per batch fragmented the heap (+60 MB RSS).
    block = torch.empty((min(batch, n_users), n_items), dtype=user_vecs.dtype, device=device)
    for start in range(0, n_users, batch):
        stop = min(n_users, start + batch)
        scores = torch.mm(user_vecs[start:stop], item_t, out=block[:stop - start])
        lo, hi = int(indptr[start]), int(indptr[stop])
        scores[row_of[lo:hi] - start, indices[lo:hi]] = -torch.inf
        out[start:stop] = _first_n(scores, n)
    return out


def _first_n(scores: torch.Tensor, n: int) -> np.ndarray:
    """Rows' first n items in (score desc, index asc) order, exact under ties."""
    extra = 1 if n < scores.shape[1] else 0
    values, picked = torch.topk(scores, n + extra, dim=1)
    # topk breaks ties arbitrarily.  If the (n+1)-th score equals the n-th, a tie crosses
    # the cut: such rows are redone exactly (all items above the n-th score, then the
    # lowest-index items equal to it).
    crowded = torch.nonzero(values[:, n] == values[:, n - 1]).flatten().tolist() if extra else []
    values, picked = values[:, :n].contiguous(), picked[:, :n].contiguous()
    for r in crowded:
        row, cut = scores[r], values[r, n - 1]
        above = torch.nonzero(row > cut).flatten()
        equal = torch.nonzero(row == cut).flatten()[: n - above.numel()]
        picked[r] = torch.cat([above, equal])
        values[r] = row[picked[r]]
    # Order inside the list: by index first, then a stable sort by score.
    picked, by_index = torch.sort(picked, dim=1)
    values = torch.gather(values, 1, by_index)
    by_score = torch.sort(-values, dim=1, stable=True).indices
    picked = torch.gather(picked, 1, by_score)
    values = torch.gather(values, 1, by_score)
    picked[values == -torch.inf] = -1
    return picked.cpu().numpy()


def ranking_metrics(top: np.ndarray, relevant_indptr: np.ndarray, relevant_indices: np.ndarray,
                    n_items: int) -> RankingMetrics:
    """Recall, NDCG and Coverage of ``top`` (rows × N) against CSR-style relevant sets."""
    n_rows, n = top.shape
    sizes = np.diff(relevant_indptr)
    row_of_relevant = np.repeat(np.arange(n_rows, dtype=np.int64), sizes)
    relevant_keys = np.sort(row_of_relevant * n_items + np.asarray(relevant_indices, np.int64))
    top_keys = np.arange(n_rows, dtype=np.int64)[:, None] * n_items + top
    hits = np.isin(top_keys, relevant_keys) & (top >= 0)
    discount = 1.0 / np.log2(np.arange(n) + 2.0)
    # Ideal DCG summed the same way for every size (exact to the last digit).
    ideal = np.array([discount[:min(n, k)].sum() for k in range(n + 1)])
    has = sizes > 0
    recall = hits.sum(1)[has] / sizes[has]
    ndcg = (discount * hits).sum(1)[has] / ideal[np.minimum(sizes[has], n)]
    shown = np.unique(top[top >= 0])
    return RankingMetrics(recall=float(np.mean(recall)) if has.any() else 0.0,
                          ndcg=float(np.mean(ndcg)) if has.any() else 0.0,
                          coverage=float(len(shown) / n_items),
                          n_listeners=int(has.sum()))


def rmse(pred: np.ndarray, truth: np.ndarray, low: float = -np.inf, high: float = np.inf) -> float:
    clipped = np.clip(np.asarray(pred, np.float64), low, high)
    return float(np.sqrt(np.mean((clipped - np.asarray(truth, np.float64)) ** 2)))


def popularity_vectors(train_artists: np.ndarray, n_users: int, n_items: int,
                       device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """(U, V) scoring every artist by its number of training listeners (ties: many)."""
    counts = np.bincount(train_artists, minlength=n_items).astype(np.float32)
    return (torch.ones(n_users, 1, device=device),
            torch.from_numpy(counts)[:, None].to(device))
