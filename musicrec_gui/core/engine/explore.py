"""What the model is for: bias ranking, similar artists, recommendations, fold-in.

Everything works on a ``TrainedModel`` with numpy, so it runs anywhere, without
torch and without the device the model was trained on.  The model keeps what the
answers derive from its arrays (norms, the fold-in's artist-side sums, the name
index: ``bundle``), so over 160 K artists an answer is one matrix–vector product
and a partial sort.  That product (``artist_products``) reads the float32 artist
matrix as it is, on one BLAS thread, and the sums are float64: a float64 copy is
82 MB at 160 K artists and took 14 ms per product here, and waking a second BLAS
thread for a 10 MFLOP product cost 8–15 ms on a busy machine; as it is, 1.7 ms.
Scores agree with float64 products to about 1e-6 relative.

Fold-in (research notes §2c): a listener added after training gets the vector and
bias that minimise the SAME loss the model was trained with — weighted squared
error on their artists, the count-weighted L2 terms and the gravity term — with
μ, the artist biases and the artist embeddings fixed.  With x_i = [q_i; 1],
θ = [p; b], t_j = value_j − μ − c_j and γ' = γ·W/(N·M) that is the ridge system

    (Xᵀ diag(w) X + Λ + γ' Σ_i x_i x_iᵀ) θ = Xᵀ (w ∘ t) − γ' Σ_i (μ + c_i) x_i

with Λ = diag(λ_f ρ … λ_f ρ, λ_b ρ), ρ = (1 + n)^power.  The same matrix explains
a score: p·q_i + b = Σ_j w_j t_j x_iᵀ A⁻¹ x_j (minus the gravity pull), so each
listened artist j has its own share of the score — "because you listen to j".
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from musicrec_gui.core.engine.bundle import TrainedModel, artist_gram
from musicrec_gui.core.engine.dataset import transform_plays
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.weights import pair_weights, reg_row_weights
from musicrec_gui.core.errors import EngineError
from musicrec_gui.core.names import normalize_name

MAX_CANDIDATES = 20


@dataclass(frozen=True)
class ArtistBias:
    artist: str
    bias: float
    listeners: int
    plays: int
    index: int                        # the model's artist index


@dataclass(frozen=True)
class SimilarArtist:
    artist: str
    score: float
    listeners: int
    index: int


@dataclass(frozen=True)
class SimilarResult:
    query: str | None                 # the artist matched, None when ambiguous or unknown
    metric: str                       # "dot" or "cosine"
    results: tuple[SimilarArtist, ...]
    candidates: tuple[str, ...] = ()  # several names matched: pick one of these


@dataclass(frozen=True)
class Recommendation:
    artist: str
    score: float                      # the model's prediction (minus any novelty penalty)
    listeners: int
    because: tuple[str, ...]          # listened artists contributing most to the score
    index: int
    because_indices: tuple[int, ...] = ()   # the model's indices of ``because``


# -- bias ranking -----------------------------------------------------------------
def bias_order(model: TrainedModel, min_listeners: int = 1) -> np.ndarray:
    """Artist indices by learned bias, highest first, among those with ≥ ``min_listeners``."""
    eligible = np.flatnonzero(model.artist_listeners >= min_listeners)
    return eligible[np.lexsort((eligible, -model.artist_bias[eligible]))]


def bias_table(model: TrainedModel, min_listeners: int = 1) -> pd.DataFrame:
    """``bias_order`` as columns (rank, artist, bias, listeners, plays, index): a table of every
    artist is built from whole arrays, not from one object per artist."""
    order = bias_order(model, min_listeners)
    return pd.DataFrame({"rank": np.arange(1, order.size + 1), "artist": model.artist_names[order],
                         "bias": model.artist_bias[order].astype(np.float64),
                         "listeners": model.artist_listeners[order], "plays": model.artist_plays[order],
                         "index": order.astype(np.int64)})


def bias_ranking(model: TrainedModel, n: int = 50, min_listeners: int = 1) -> list[ArtistBias]:
    """The first ``n`` of ``bias_order``."""
    order = bias_order(model, min_listeners)[:n]
    # Whole columns to Python values at once: element by element, 160 K rows took 0.7–1.2 s.
    return list(map(ArtistBias, model.artist_names[order].tolist(),
                    model.artist_bias[order].astype(np.float64).tolist(), model.artist_listeners[order].tolist(),
                    model.artist_plays[order].tolist(), order.tolist()))


# -- names ------------------------------------------------------------------------
def find_artists(model: TrainedModel, name: str) -> np.ndarray:
    """Artist indices for ``name``: the normalised exact match (the most listened one
    if several share it), else every artist whose normalised name contains it,
    most listened first."""
    key = normalize_name(name)
    if not key:
        return np.zeros(0, dtype=np.int64)
    exact = model.artist_search.exact(key)
    if exact is not None:
        return np.array([exact], dtype=np.int64)
    return model.artist_search.containing(key)


def find_listener(model: TrainedModel, name: str | None) -> int:
    """A listener's row: by name (exact, then normalised), or the first person when None."""
    kinds = np.asarray(model.listener_kinds, dtype=object)
    if name is None:
        people = np.flatnonzero(kinds == "person")
        if not people.size:
            raise EngineError("the model has no personal listener; import your history, "
                              "retrain, or name a listener")
        return int(people[0])
    names = np.asarray(model.listener_names, dtype=object)
    exact = np.flatnonzero(names == name)
    if exact.size:
        return int(exact[0])
    row = model.listener_by_norm.get(normalize_name(name))
    if row is None:
        raise EngineError(f"no listener named {name!r} in this model")
    return int(row)


# -- similar artists ----------------------------------------------------------------
def similar_artists(model: TrainedModel, name: str, n: int = 20, metric: str = "dot",
                    min_listeners: int = 1) -> SimilarResult:
    """Artists closest to ``name`` by embedding dot product (favours popular artists)
    or cosine (finds niche ones); the query itself is left out."""
    if metric not in ("dot", "cosine"):
        raise EngineError("metric must be 'dot' or 'cosine'")
    found = find_artists(model, name)
    if found.size == 0:
        return SimilarResult(None, metric, ())
    if found.size > 1:
        return SimilarResult(None, metric, (), tuple(str(model.artist_names[i])
                                                     for i in found[:MAX_CANDIDATES]))
    query = int(found[0])
    scores = artist_products(model, model.artist_emb[query])
    if metric == "cosine":
        lengths = model.artist_lengths
        scores = scores / np.maximum(lengths * lengths[query], 1e-12)
    scores[model.artist_listeners < min_listeners] = -np.inf
    scores[query] = -np.inf
    order = _top(scores, n)
    return SimilarResult(str(model.artist_names[query]), metric, tuple(
        SimilarArtist(str(model.artist_names[i]), float(scores[i]), int(model.artist_listeners[i]), int(i))
        for i in order))


# -- fold-in and recommendations -----------------------------------------------------
@dataclass(frozen=True, eq=False)
class Taste:
    """A listener as the model sees them: their vector and bias, and what explains their scores."""

    vector: np.ndarray     # p (k,)
    bias: float            # b
    system: np.ndarray     # A, (k+1) × (k+1): the fold-in system over their artists
    artists: np.ndarray    # their artist indices
    pull: np.ndarray       # w ∘ t, each listened artist's pull on θ


def fold_in(artist_emb: np.ndarray, artist_bias: np.ndarray, mu: float, settings: Settings,
            weight_total: float, n_listeners: int, artists: np.ndarray,
            values: np.ndarray, gram: tuple[np.ndarray, np.ndarray] | None = None) -> Taste:
    """The new listener's (p, b) minimising the training loss with the artist side fixed.

    ``weight_total`` and ``n_listeners`` are the training loss's constants (Σw and N);
    ``gram`` is ``artist_gram`` of the artist side when already known (a model keeps it).
    """
    artists = np.asarray(artists, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    m, k = artist_emb.shape
    X = np.hstack([np.asarray(artist_emb[artists], dtype=np.float64), np.ones((len(artists), 1))])
    w = pair_weights(values, settings.confidence).astype(np.float64)
    pull = w * (values - mu - np.asarray(artist_bias[artists], dtype=np.float64))
    rho = float(reg_row_weights(np.array([len(artists)]), settings.reg_count_power)[0])
    A = (X.T * w) @ X
    A[np.arange(k), np.arange(k)] += settings.reg_factors * rho
    A[k, k] += settings.reg_biases * rho
    rhs = X.T @ pull
    if settings.gravity > 0:
        g = settings.gravity * weight_total / (n_listeners * m)
        if gram is None:
            gram = artist_gram(artist_emb, mu + np.asarray(artist_bias, dtype=np.float64))
        everyone, offset = gram
        A += g * everyone
        rhs -= g * offset
    theta = np.linalg.solve(A, rhs)
    return Taste(theta[:k], float(theta[k]), A, artists, pull)


def fold_in_plays(model: TrainedModel, artists: np.ndarray, plays: np.ndarray) -> Taste:
    """A listener the model has not seen, from their artist indices and raw play counts."""
    values = transform_plays(np.asarray(plays), model.transform, model.value_mean, model.value_std)
    return fold_in(model.artist_emb, model.artist_bias, model.mu, model.settings,
                   model.weight_total, model.n_listeners, artists, values, model.artist_gram)


def listener_taste(model: TrainedModel, row: int) -> Taste:
    """A listener of the model: the trained vector and bias, explained by a fold-in over
    their training artists (the trained vector has no such decomposition of its own)."""
    artists, values = model.played(row)
    explanation = fold_in(model.artist_emb, model.artist_bias, model.mu, model.settings,
                          model.weight_total, model.n_listeners, artists, values, model.artist_gram)
    return replace(explanation, vector=model.listener_emb[row].astype(np.float64),
                   bias=float(model.listener_bias[row]))


def predicted(model: TrainedModel, taste: Taste) -> np.ndarray:
    """The model's prediction for the listener and every artist (float64, M)."""
    return model.mu + taste.bias + model.artist_bias64 + artist_products(model, taste.vector)


def artist_products(model: TrainedModel, vector: np.ndarray) -> np.ndarray:
    """q_i · ``vector`` for every artist (float64 out; see the module docstring)."""
    with _blas().limit(limits=1, user_api="blas"):
        return (model.artist_emb @ np.asarray(vector, dtype=model.artist_emb.dtype)).astype(np.float64)


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def recommend(model: TrainedModel, taste: Taste, n: int = 20, novelty: float = 0.0, because: int = 3,
              allowed: np.ndarray | None = None, nameable: np.ndarray | None = None,
              leave_out_played: bool = True, scores: np.ndarray | None = None) -> list[Recommendation]:
    """The listener's best ``n`` artists among those not in ``taste.artists``, best first.

    ``novelty`` > 0 subtracts novelty·log(1 + listeners) from each score (favouring
    less-known artists, < 0 the opposite); ``allowed`` (bool per artist) leaves out
    the rest; ``because`` names that many listened artists per result, among the
    ``nameable`` ones (bool per artist; all when None).  ``leave_out_played=False``
    lets ``allowed`` alone decide, so played artists can come back (rediscovery).
    ``scores`` is ``predicted(model, taste)`` when the caller has it already (it is not changed).
    """
    scores = predicted(model, taste) if scores is None else scores.copy()
    if novelty:
        scores = scores - novelty * model.log_listeners
    if allowed is not None:
        scores[~np.asarray(allowed, dtype=bool)] = -np.inf
    if leave_out_played:
        scores[taste.artists] = -np.inf
    order = _top(scores, n)
    reasons = explain(model, taste, order, because, nameable)
    return [Recommendation(str(model.artist_names[i]), float(scores[i]), int(model.artist_listeners[i]),
                           tuple(str(model.artist_names[j]) for j in reasons[r]), int(i), reasons[r])
            for r, i in enumerate(order)]


def explain(model: TrainedModel, taste: Taste, items: np.ndarray, count: int,
                    nameable: np.ndarray | None = None) -> list[tuple[int, ...]]:
    """For each item, the listened artists (indices) with the largest positive share of its score.

    Only ``nameable`` artists (bool per artist) are named, and never the item itself
    (a played artist is not its own reason)."""
    items = np.asarray(items, dtype=np.int64)
    if count <= 0 or taste.artists.size == 0 or items.size == 0:
        return [()] * len(items)
    X = np.hstack([model.artist_emb[taste.artists].astype(np.float64), np.ones((taste.artists.size, 1))])
    targets = np.hstack([model.artist_emb[items].astype(np.float64), np.ones((items.size, 1))])
    # x_iᵀ A⁻¹ x_j for every item i and listened j; A is symmetric, so solving for the few
    # items instead of the (maybe thousands of) listened artists gives the same products.
    share = np.linalg.solve(taste.system, targets.T).T @ X.T * taste.pull    # items × listened
    if nameable is not None:
        share[:, ~np.asarray(nameable, dtype=bool)[taste.artists]] = -np.inf
    share[items[:, None] == taste.artists[None, :]] = -np.inf
    out = []
    for row in share:
        best = np.argpartition(-row, count - 1)[:count] if row.size > count else np.arange(row.size)
        best = best[np.lexsort((best, -row[best]))]         # highest share first, ties to the lower position
        best = best[row[best] > 0]
        out.append(tuple(int(taste.artists[j]) for j in best))
    return out


# -- embedding views -------------------------------------------------------------------
@dataclass(frozen=True)
class EmbeddingNorms:
    names: np.ndarray       # (M,) object
    norms: np.ndarray       # (M,) float
    listeners: np.ndarray   # (M,) int


def embedding_norms(model: TrainedModel) -> EmbeddingNorms:
    """Artist embedding norm beside listener count (norm grows with popularity)."""
    return EmbeddingNorms(model.artist_names, model.artist_lengths, model.artist_listeners)


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n highest finite scores, ties to the lower index."""
    finite = np.flatnonzero(np.isfinite(scores))
    if finite.size > n:
        cut = np.partition(scores[finite], finite.size - n)[finite.size - n]
        finite = finite[scores[finite] >= cut]
    return finite[np.lexsort((finite, -scores[finite]))][:n]
