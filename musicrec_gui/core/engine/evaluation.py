"""Evaluate a trained model on held-out pairs, beside the popularity baseline.

``evaluate`` scores exactly as ``bench/README.md`` §3 (see ``metrics``);
``export_factors`` writes the peer harness's external-model file (§4) so the
harness can score our model with its own scorer, side by side with the peers.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from musicrec_gui.core.engine import metrics
from musicrec_gui.core.engine.dataset import BenchSplit, Dataset, Interactions, rows_csr, transform_plays
from musicrec_gui.core.engine.model import BiasedPMF
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.trainer import TrainResult, Trainer
from musicrec_gui.core.jobs import StopToken, ignore_events


@dataclass(frozen=True)
class Evaluation:
    rmse: float
    recall_at_20: float
    ndcg_at_20: float
    coverage_at_20: float
    fit_seconds: float
    score_seconds: float
    popularity_recall_at_20: float
    popularity_ndcg_at_20: float
    popularity_coverage_at_20: float
    n_listeners: int

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> dict:
        """The ``musicrec evaluate --json`` shape."""
        return {"rmse": self.rmse, "recall_at_20": self.recall_at_20, "ndcg_at_20": self.ndcg_at_20,
                "coverage_at_20": self.coverage_at_20, "fit_seconds": self.fit_seconds,
                "score_seconds": self.score_seconds,
                "popularity": {"recall_at_20": self.popularity_recall_at_20,
                               "ndcg_at_20": self.popularity_ndcg_at_20,
                               "coverage_at_20": self.popularity_coverage_at_20}}


@torch.no_grad()
def predict_pairs(model: BiasedPMF, pairs: Interactions) -> np.ndarray:
    device = model.mu.device
    listener = torch.from_numpy(pairs.listener).to(device)
    artist = torch.from_numpy(pairs.artist).to(device)
    return model.predict(listener, artist).cpu().numpy().astype(np.float64)


@torch.no_grad()
def evaluate(model: BiasedPMF, data: Dataset, held_out: Interactions, *, low: float = -math.inf,
             high: float = math.inf, fit_seconds: float = math.nan,
             listeners: np.ndarray | None = None) -> Evaluation:
    """Ranking metrics (training artists excluded) and RMSE on ``held_out``.

    ``listeners`` (sorted indices) limits the ranking metrics to those listeners — the
    validation sample at Last.fm 360K size; RMSE is always over every held-out pair.
    """
    exclude = data.train.csr(data.n_listeners)
    relevant = held_out.csr(data.n_listeners)
    rows = None
    if listeners is not None:
        exclude = rows_csr(exclude[0], exclude[1], listeners)
        relevant = rows_csr(relevant[0], relevant[1], listeners)
        rows = torch.from_numpy(np.asarray(listeners, np.int64)).to(model.mu.device)
    U, V = model.ranking_vectors(rows)
    start = time.perf_counter()
    top = metrics.top_n(U, V, exclude[0], exclude[1], n=metrics.TOP_N)
    score_seconds = time.perf_counter() - start
    ours = metrics.ranking_metrics(top, relevant[0], relevant[1], data.n_artists)
    pu, pv = metrics.popularity_vectors(data.train.artist, U.shape[0], data.n_artists, U.device)
    pop = metrics.ranking_metrics(metrics.top_n(pu, pv, exclude[0], exclude[1], n=metrics.TOP_N),
                                  relevant[0], relevant[1], data.n_artists)
    truth = transform_plays(held_out.plays, data.transform, data.value_mean, data.value_std, np.float64)
    rmse = metrics.rmse(predict_pairs(model, held_out), truth, low, high)
    return Evaluation(rmse, ours.recall, ours.ndcg, ours.coverage, fit_seconds, score_seconds,
                      pop.recall, pop.ndcg, pop.coverage, ours.n_listeners)


def fit_and_evaluate(split: BenchSplit, settings: Settings, token: StopToken | None = None,
                     report=ignore_events) -> tuple[Trainer, TrainResult, Evaluation]:
    """Fit on the split's train part (its validation carve, if any, for early stopping)
    and evaluate on its test part."""
    start = time.perf_counter()
    trainer = Trainer(split.dataset, settings)
    result = trainer.fit(token, report)
    fit_seconds = time.perf_counter() - start
    evaluation = evaluate(trainer.model, split.dataset, split.test, low=split.rating_low,
                          high=split.rating_high, fit_seconds=fit_seconds)
    return trainer, result, evaluation


def export_factors(path: str | Path, model: BiasedPMF, split: BenchSplit, *, fit_seconds: float,
                   name: str, params: dict) -> Path:
    """The peer harness's external-model file (bench/README §4) for ``model`` on ``split``."""
    cpu = lambda t: t.detach().cpu().numpy().astype(np.float32)  # noqa: E731
    path = Path(path)
    np.savez(path,
             user_factors=cpu(model.listener_emb), item_factors=cpu(model.artist_emb),
             item_bias=cpu(model.artist_bias),
             user_bias=(cpu(model.listener_bias) + float(model.mu.detach().cpu())).astype(np.float32),
             test_pred=predict_pairs(model, split.test),
             user_ids=split.dataset.listener_ids, item_ids=split.dataset.artist_ids,
             split_sha256=np.array(split.sha256), name=np.array(name),
             params=np.array(json.dumps(params, sort_keys=True)), fit_s=np.array(float(fit_seconds)))
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")
