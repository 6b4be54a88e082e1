"""The Train page's background jobs as plain functions: no Qt, run by the job runner's thread.

Each body has the runner's ``(token, report)`` shape once its other arguments
are bound (``functools.partial``).  Two ways to stop, on purpose:

* ``stop`` is the page's Stop button.  Training keeps its best weights so far
  and the job still finishes normally (evaluation, then the page asks whether
  to save); the LR finder and the size search return what they have.
* ``token`` is the runner's own: Cancel in the status bar, Esc, or the window
  closing.  The job then ends as soon as the engine returns, with ``Cancelled``,
  so closing the window never waits for an evaluation.

Torch is imported inside the functions: importing this module stays cheap.
"""
from __future__ import annotations

from dataclasses import dataclass

from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.jobs import Cancelled, StopToken
from musicrec_gui.ui.training.relay import Relay


class JointToken(StopToken):
    """Stopped as soon as any of the given tokens (or this one) is."""

    def __init__(self, *tokens: StopToken) -> None:
        super().__init__()
        self._tokens = tokens

    @property
    def stopped(self) -> bool:
        return super().stopped or any(token.stopped for token in self._tokens)

    def check(self) -> None:
        if self.stopped:
            raise Cancelled()


@dataclass(frozen=True, eq=False)
class TrainOutcome:
    """What a training job hands back to the page."""

    model: object            # TrainedModel with the best weights
    result: object           # TrainResult (stopped, diverged, message, history…)
    evaluation: dict | None  # Evaluation.to_dict() on the validation pairs, or None without any
    info: object | None      # registry ModelInfo once saved; None while the page still has to ask
    n_train: int
    n_valid: int


def detect_devices(token, report) -> list[str]:
    """The devices torch can use here, best first (importing torch takes a moment: a job)."""
    from musicrec_gui.core.engine.device import available_devices

    return available_devices()


def _dataset(store, settings: Settings, token: StopToken):
    from musicrec_gui.core.engine.dataset import dataset_from_store

    token.check()
    data = dataset_from_store(store, transform=settings.transform, min_listeners=settings.min_listeners,
                              min_artists=settings.min_artists, valid_share=settings.valid_share,
                              seed=settings.seed)
    token.check()
    return data


def find_rate(store, settings: Settings, stop: StopToken, token: StopToken, report):
    """The learning-rate sweep from fresh weights of ``settings``: an ``LRFinderResult``."""
    from musicrec_gui.core.engine.lr_finder import find_lr
    from musicrec_gui.core.engine.trainer import Trainer

    either = JointToken(stop, token)
    relay = Relay(report, "Finding the learning rate")
    data = _dataset(store, settings, token)
    result = find_lr(Trainer(data, settings), either, relay)
    token.check()
    return result


def search_sizes(store, settings: Settings, dims, epochs: int, stop: StopToken, token: StopToken, report):
    """A few epochs per embedding size: a ``DimSearchResult``."""
    from musicrec_gui.core.engine.dim_search import search_dim

    either = JointToken(stop, token)
    relay = Relay(report, "Searching the embedding size")
    data = _dataset(store, settings, token)
    result = search_dim(data, settings, dims, epochs, either, relay)
    token.check()
    return result


def train_model(store, settings: Settings, name: str, extras: dict, stop: StopToken,
                token: StopToken, report) -> TrainOutcome:
    """Train, evaluate on the validation pairs, and save when the run ended by itself.

    ``extras`` (``lr_finder``, ``dim_search`` records) travel into the saved model.
    A run stopped by the page or ended by divergence comes back unsaved.
    """
    from musicrec_gui.core.engine import registry
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.evaluation import evaluate
    from musicrec_gui.core.engine.trainer import Trainer

    relay = Relay(report, "Training", total=settings.epochs)
    data = _dataset(store, settings, token)
    trainer = Trainer(data, settings)
    token.check()
    result = trainer.fit(JointToken(stop, token), relay)
    relay.flush()
    token.check()
    evaluation = None
    if len(data.valid):
        evaluation = evaluate(trainer.model, data, data.valid, low=float(data.train.value.min()),
                              high=float(data.train.value.max()), fit_seconds=result.seconds).to_dict()
    token.check()
    model = TrainedModel.from_training(trainer, result, evaluation=evaluation, name=name, **extras)
    finished = not (result.stopped or result.diverged)
    info = registry.save(model, name=name) if finished else None
    return TrainOutcome(model, result, evaluation, info, len(data.train), len(data.valid))


def save_model(model, name: str, token, report):
    """Save a model the person chose to keep, and make it the one in use: its ``ModelInfo``."""
    from musicrec_gui.core.engine import registry

    return registry.save(model, name=name)


def use_model(model_id: str, token, report):
    """Load a saved model and make it the active one: ``(model, model_id)``."""
    from musicrec_gui.core.engine import registry

    model = registry.load(model_id)
    registry.set_active(model_id)
    return model, model_id
