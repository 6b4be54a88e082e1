"""The training loop: index tensors, full or large batches, plain events out.

``Trainer(data, settings).fit(token, report)`` trains and returns a ``TrainResult``.
Along the way ``report`` receives ``BatchEvent`` and ``EpochEvent`` (frozen
dataclasses of numbers, safe to pass across threads).  Rules:

* the stop token is polled before every batch; a stop keeps the best weights so
  far and returns normally with ``stopped=True``;
* early stopping watches the validation metric (``settings.monitor``) and keeps
  the best weights;
* a non-finite batch loss, or an epoch's mean loss above ``diverge_factor`` × the
  lowest so far, stops training, restores the best weights and says
  "learning rate too high";
* the same seed gives the same result on the CPU.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from musicrec_gui.core.engine import metrics
from musicrec_gui.core.engine.dataset import Dataset, rows_csr, sample_listeners
from musicrec_gui.core.engine.device import pick_device, set_threads
from musicrec_gui.core.engine.events import BatchEvent, EpochEvent
from musicrec_gui.core.engine.model import BiasedPMF
from musicrec_gui.core.engine.objective import Objective
from musicrec_gui.core.engine.optim import SGD, Adam, Optimizer
from musicrec_gui.core.engine.schedules import lr_factor
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.jobs import StopToken, ignore_events


@dataclass(frozen=True)
class TrainResult:
    epochs_run: int
    best_epoch: int             # 0 = the initial weights
    monitor: str                # the metric early stopping watched ("none" if none)
    best_score: float           # its best value (nan without validation)
    stopped: bool               # the stop token ended training
    diverged: bool
    message: str
    seconds: float
    history: tuple[EpochEvent, ...]
    recall_listeners: int = 0   # listeners the validation Recall@20 averages over (0: none)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["history"] = [asdict(e) for e in self.history]
        return data


def make_optimizer(model: BiasedPMF, settings: Settings) -> Optimizer:
    if settings.optimizer == "sgd":
        return SGD(model.parameters(), lr=settings.lr, momentum=settings.momentum)
    return Adam(model.parameters(), lr=settings.lr)


class Trainer:
    """A model, its objective and its optimiser for one dataset and one set of settings."""

    def __init__(self, data: Dataset, settings: Settings, model: BiasedPMF | None = None) -> None:
        set_threads(settings.threads)
        self.data, self.settings = data, settings
        self.device = pick_device(settings.device)
        if model is None:
            model = BiasedPMF(data.n_listeners, data.n_artists, settings.dim, settings.init_std,
                              settings.seed)
            fresh = True
        else:
            fresh = False
        self.model = model.to(self.device)
        self.objective = Objective(data, settings, self.device)
        if fresh and settings.bias_init:
            self.objective.init_biases(self.model)
        self.optimizer = make_optimizer(self.model, settings)
        self._valid = self._validation_tensors()

    # -- validation ------------------------------------------------------------
    def _validation_tensors(self):
        valid = self.data.valid
        if len(valid) == 0:
            return None
        rows = sample_listeners(valid.listener, self.settings.valid_listeners, self.settings.seed)
        train_indptr, train_items, _ = self.data.train.csr(self.data.n_listeners)
        valid_indptr, valid_items, _ = valid.csr(self.data.n_listeners)
        take = lambda indptr, items: rows_csr(indptr, items, rows)  # noqa: E731
        values = self.data.train.value
        return {
            "listener": torch.from_numpy(valid.listener).to(self.device),
            "artist": torch.from_numpy(valid.artist).to(self.device),
            "value": valid.value.astype(np.float64),
            "low": float(values.min()) if values.size else -math.inf,
            "high": float(values.max()) if values.size else math.inf,
            "rows": torch.from_numpy(rows).to(self.device),
            "exclude": take(train_indptr, train_items),
            "relevant": take(valid_indptr, valid_items),
        }

    @torch.no_grad()
    def validation_rmse(self) -> float:
        v = self._valid
        if v is None:
            return math.nan
        pred = self.model.predict(v["listener"], v["artist"]).cpu().numpy()
        return metrics.rmse(pred, v["value"], v["low"], v["high"])

    @torch.no_grad()
    def validation_recall(self) -> float:
        v = self._valid
        if v is None:
            return math.nan
        U, V = self.model.ranking_vectors(v["rows"])
        exclude_indptr, exclude_indices = v["exclude"]
        relevant_indptr, relevant_indices = v["relevant"]
        top = metrics.top_n(U, V, exclude_indptr, exclude_indices, n=metrics.TOP_N)
        return metrics.ranking_metrics(top, relevant_indptr, relevant_indices, self.data.n_artists).recall

    @property
    def validation_listeners(self) -> np.ndarray:
        """The listeners validation Recall@20 averages over (the seeded sample; empty without validation)."""
        return np.zeros(0, np.int64) if self._valid is None else self._valid["rows"].cpu().numpy()

    @property
    def recall_listeners(self) -> int:
        """How many listeners validation Recall@20 averages over (0 without validation)."""
        return 0 if self._valid is None else int(self._valid["rows"].shape[0])

    # -- training ----------------------------------------------------------------
    def set_lr(self, lr: float) -> None:
        self.optimizer.lr = lr

    def step(self, batch) -> tuple[float, float]:
        """One optimiser step on ``batch``: (total loss, data error) before the step."""
        loss, error = self.objective.loss_and_grad(self.model, batch)
        self.optimizer.step()
        return loss, error

    def fit(self, token: StopToken | None = None, report=ignore_events) -> TrainResult:
        s = self.settings
        report = report or ignore_events
        monitor = s.monitor if self._valid is not None else "none"
        best = _BestWeights(self.model, monitor)
        history: list[EpochEvent] = []
        lowest_loss = math.inf
        stopped = diverged = False
        message = ""
        start = time.perf_counter()
        epoch = 0
        for epoch in range(1, s.epochs + 1):
            epoch_start = time.perf_counter()
            losses, errors, lr, stopped = self._train_epoch(epoch, token, report)
            epoch_loss = float(np.mean(losses)) if losses else math.nan
            # Non-finite batch losses end the epoch early; "exploding" is judged on the
            # epoch's mean, as single mini-batches of heavy-tailed data can be far above it.
            diverged = not stopped and (len(losses) < len(self.objective.batches)
                                        or epoch_loss > s.diverge_factor * lowest_loss)
            if stopped or diverged:
                epoch -= 1
                break
            lowest_loss = min(lowest_loss, epoch_loss)
            train_seconds = time.perf_counter() - epoch_start
            val_rmse, val_recall, score = self._validate(epoch, monitor)
            improved = best.offer(epoch, score)
            event = EpochEvent(epoch, s.epochs, epoch_loss, float(np.mean(errors)), val_rmse, val_recall,
                               lr, time.perf_counter() - start,
                               self.objective.size / max(train_seconds, 1e-9), improved,
                               0 if math.isnan(val_recall) else self.recall_listeners)
            history.append(event)
            report(event)
            if best.stale >= s.patience:
                message = f"early stop: no better {monitor} for {best.stale} validations"
                break
        if diverged:
            message = (f"learning rate too high: the loss diverged at epoch {epoch + 1} "
                       f"(lr {lr:.3g}); kept the weights of epoch {best.epoch}")
        elif stopped:
            message = f"stopped by request after epoch {epoch}; kept the weights of epoch {best.epoch}"
        best.restore()
        return TrainResult(
            epochs_run=epoch, best_epoch=best.epoch, monitor=monitor,
            best_score=best.value(), stopped=stopped, diverged=diverged, message=message,
            seconds=time.perf_counter() - start, history=tuple(history),
            recall_listeners=self.recall_listeners if monitor == "recall" or (monitor != "none" and s.report_recall)
            else 0)

    def _train_epoch(self, epoch: int, token: StopToken | None, report):
        """One pass over the batches: (losses, errors, last lr, stopped?).

        Stops early, with fewer losses than batches, on a stop request or a
        non-finite loss."""
        s = self.settings
        batches = len(self.objective.batches)
        losses: list[float] = []
        errors: list[float] = []
        lr = s.lr
        for b, batch_index in enumerate(self.objective.epoch_order(), start=1):
            if token is not None and token.stopped:
                return losses, errors, lr, True
            lr = s.lr * lr_factor(s, epoch - 1, b - 1, batches)
            self.set_lr(lr)
            loss, error = self.step(self.objective.batches[batch_index])
            report(BatchEvent(epoch, b, batches, loss, lr))
            if not math.isfinite(loss):
                break
            losses.append(loss)
            errors.append(error)
        return losses, errors, lr, False

    def _validate(self, epoch: int, monitor: str) -> tuple[float, float, float | None]:
        """(val RMSE, val Recall@20, the monitored score as lower-is-better or None)."""
        s = self.settings
        if monitor == "none" or not (epoch % s.eval_every == 0 or epoch == s.epochs):
            return math.nan, math.nan, None
        val_rmse = self.validation_rmse()
        val_recall = self.validation_recall() if (monitor == "recall" or s.report_recall) else math.nan
        return val_rmse, val_recall, (-val_recall if monitor == "recall" else val_rmse)


class _BestWeights:
    """The best weights so far (copied into buffers allocated once) and their score.

    Without a monitored metric every finished epoch counts as the best: a stop or
    a divergence then falls back to the last finished epoch.
    """

    def __init__(self, model: BiasedPMF, monitor: str) -> None:
        self.model, self.monitor = model, monitor
        self.weights = [p.detach().clone() for p in model.parameters()]
        self.epoch, self.score, self.stale = 0, math.inf, 0

    def offer(self, epoch: int, score: float | None) -> bool:
        """Keep this epoch's weights if they are the best; ``score`` None = not evaluated."""
        if self.monitor != "none":
            if score is None:
                return False
            if not score < self.score:
                self.stale += 1
                return False
            self.score = score
        self.epoch, self.stale = epoch, 0
        for keep, p in zip(self.weights, self.model.parameters()):
            keep.copy_(p.detach())
        return True

    def restore(self) -> None:
        with torch.no_grad():
            for keep, p in zip(self.weights, self.model.parameters()):
                p.copy_(keep)

    def value(self) -> float:
        """The best monitored value in its own sign (nan if never evaluated)."""
        if self.monitor == "none" or self.epoch == 0:
            return math.nan
        return -self.score if self.monitor == "recall" else self.score


def train(data: Dataset, settings: Settings, token: StopToken | None = None,
          report=ignore_events) -> tuple[Trainer, TrainResult]:
    """Build a trainer for ``settings`` and fit it."""
    trainer = Trainer(data, settings)
    return trainer, trainer.fit(token, report)
