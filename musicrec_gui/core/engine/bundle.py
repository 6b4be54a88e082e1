"""A trained model with everything needed to explore it offline.

Parameters as CPU numpy arrays, the settings it was trained with, the index maps
back to names, what every listener has played, per-artist listener and play
counts, and the training record (curves, LR-finder curve, evaluation).  This is
what ``persist`` saves and ``explore`` works on; no torch needed to use it.

What exploring derives from the arrays (norms, the fold-in's artist-side sums,
the name index, float64 biases) is computed on first use and kept with the
model, so no question pays for it twice: at 160 K artists each is tens of
milliseconds, and a page asks many questions.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from musicrec_gui.core.engine.artist_search import ArtistSearch
from musicrec_gui.core.engine.dataset import Dataset
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.names import normalize_name


@dataclass(frozen=True, eq=False)
class TrainedModel:
    settings: Settings
    mu: float
    listener_bias: np.ndarray    # (N,) float32
    artist_bias: np.ndarray      # (M,) float32
    listener_emb: np.ndarray     # (N, k) float32
    artist_emb: np.ndarray       # (M, k) float32
    listener_ids: np.ndarray     # (N,) int64 store / dataset ids
    listener_names: np.ndarray   # (N,) object
    listener_kinds: np.ndarray   # (N,) object
    artist_ids: np.ndarray       # (M,) int64
    artist_names: np.ndarray     # (M,) object
    artist_norms: np.ndarray     # (M,) object
    played_indptr: np.ndarray    # (N+1,) int64: CSR of every listener's artists
    played_artists: np.ndarray   # int64 artist indices
    played_values: np.ndarray    # float32 transformed values
    artist_listeners: np.ndarray  # (M,) int64
    artist_plays: np.ndarray     # (M,) int64
    weight_total: float          # Σ of training pair weights (fold-in uses the same loss)
    transform: str = "log1p"
    value_mean: float = 0.0
    value_std: float = 1.0
    created: str = ""
    name: str = ""                                   # a label chosen by the user
    training: dict = field(default_factory=dict)     # TrainResult.to_dict()
    lr_finder: dict | None = None                    # LRFinderResult.to_dict()
    dim_search: dict | None = None                   # DimSearchResult.to_dict()
    evaluation: dict | None = None                   # metrics on a held-out part

    @property
    def n_listeners(self) -> int:
        return int(self.listener_emb.shape[0])

    @property
    def n_artists(self) -> int:
        return int(self.artist_emb.shape[0])

    @property
    def dim(self) -> int:
        return int(self.artist_emb.shape[1])

    # -- derived once, on first use (cached_property writes past the frozen dataclass) ------
    @cached_property
    def artist_bias64(self) -> np.ndarray:
        return self.artist_bias.astype(np.float64)

    @cached_property
    def artist_lengths(self) -> np.ndarray:
        """‖q_i‖ of every artist (cosine similarity), in float64."""
        return np.sqrt(np.einsum("ij,ij->i", self.artist_emb, self.artist_emb, dtype=np.float64))

    @cached_property
    def artist_gram(self) -> tuple[np.ndarray, np.ndarray]:
        """``artist_gram`` of this model's artists (the same for every listener it folds in)."""
        return artist_gram(self.artist_emb, self.mu + self.artist_bias64)

    @cached_property
    def artist_search(self) -> ArtistSearch:
        return ArtistSearch(self.artist_norms, self.artist_listeners)

    @cached_property
    def listener_by_norm(self) -> dict[str, int]:
        """Normalised listener name -> the first row with it (the fallback of a name lookup)."""
        rows: dict[str, int] = {}
        for row, name in enumerate(self.listener_names):
            rows.setdefault(normalize_name(str(name)), row)
        return rows

    @cached_property
    def log_listeners(self) -> np.ndarray:
        """log(1 + listeners) per artist (the novelty penalty's popularity)."""
        return np.log1p(self.artist_listeners.astype(np.float64))

    def played(self, listener: int) -> tuple[np.ndarray, np.ndarray]:
        """(artist indices, values) the listener has played."""
        lo, hi = self.played_indptr[listener], self.played_indptr[listener + 1]
        return self.played_artists[lo:hi], self.played_values[lo:hi]

    def replace(self, **changes) -> TrainedModel:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_training(cls, trainer, result=None, **extras) -> TrainedModel:
        """Bundle a fitted ``Trainer`` (and its ``TrainResult``) with its dataset's maps."""
        data: Dataset = trainer.data
        model = trainer.model
        cpu = lambda t: t.detach().cpu().numpy().astype(np.float32)  # noqa: E731
        played = data.all_pairs()
        indptr, artists, values = played.csr(data.n_listeners)
        return cls(
            settings=trainer.settings, mu=float(model.mu.detach().cpu()),
            listener_bias=cpu(model.listener_bias), artist_bias=cpu(model.artist_bias),
            listener_emb=cpu(model.listener_emb), artist_emb=cpu(model.artist_emb),
            listener_ids=data.listener_ids, listener_names=data.listener_names,
            listener_kinds=data.listener_kinds, artist_ids=data.artist_ids,
            artist_names=data.artist_names, artist_norms=data.artist_norms,
            played_indptr=indptr, played_artists=artists, played_values=values,
            artist_listeners=np.bincount(played.artist, minlength=data.n_artists).astype(np.int64),
            artist_plays=np.bincount(played.artist, weights=played.plays,
                                     minlength=data.n_artists).astype(np.int64),
            weight_total=trainer.objective.weight_total, transform=data.transform,
            value_mean=data.value_mean, value_std=data.value_std,
            created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            training=result.to_dict() if result is not None else {}, **extras)


def artist_gram(artist_emb: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Σ_i x_i x_iᵀ, Σ_i a_i x_i) with x_i = [q_i; 1] and a_i = ``offsets[i]`` (μ + c_i):
    the gravity part of the fold-in system (O(M·k²): 0.6 GFLOP at 160 K artists)."""
    Q = np.asarray(artist_emb, dtype=np.float64)
    k = Q.shape[1]
    gram = np.empty((k + 1, k + 1))
    gram[:k, :k] = Q.T @ Q
    gram[:k, k] = gram[k, :k] = Q.sum(0)
    gram[k, k] = Q.shape[0]
    return gram, np.append(offsets @ Q, offsets.sum())
