"""Training on the store: the learning-rate finder, the embedding-size search, training, saved models.

Each job takes ``token`` and ``report`` (``core/jobs.py``) and, for the three
long ones, an optional ``stop``.  The two ways to end early differ on purpose:

* ``stop`` — the Train page's Stop button, the CLI's first Ctrl-C.  Training
  keeps its best weights so far and still returns normally, *unsaved*: a
  stopped run never replaces the model in use unless the person asks
  (``save``).  The finder and the search return what they have.
* ``token`` — cancel: the status bar's Cancel, the window closing, a second
  Ctrl-C.  ``Cancelled`` is raised as soon as the engine returns, so closing
  the window never waits for an evaluation.

Torch is imported inside the functions: importing this module stays cheap.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from musicrec_gui.core import library
from musicrec_gui.core.engine.events import Relay
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.jobs import JointToken, Reporter, StopToken, ignore_events
from musicrec_gui.core.store import Store

if TYPE_CHECKING:
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.dataset import Dataset
    from musicrec_gui.core.engine.dim_search import DimSearchResult
    from musicrec_gui.core.engine.lr_finder import LRFinderResult
    from musicrec_gui.core.engine.registry import ModelInfo
    from musicrec_gui.core.engine.trainer import TrainResult

FIND_RATE = "Finding the learning rate"
SEARCH_SIZES = "Searching the embedding size"
TRAINING = "Training"


@dataclass(frozen=True, eq=False)
class TrainOutcome:
    """What training hands back: the model with its best weights, and whether it was saved."""

    model: TrainedModel
    result: TrainResult        # stopped, diverged, message, history…
    evaluation: dict | None    # Evaluation.to_dict() on the validation pairs; None without any
    info: ModelInfo | None     # the saved model; None when the run was stopped or diverged
    lr_finder: LRFinderResult | None   # when the rate was found first (``lr_find=True``)
    n_listeners: int
    n_artists: int
    n_train: int
    n_valid: int

    @property
    def finished(self) -> bool:
        """The run ended by itself (all epochs, or early stopping)."""
        return not (self.result.stopped or self.result.diverged)


def load_dataset(store: Store, settings: Settings, token: StopToken | None = None) -> Dataset:
    """The store's plays as training data, filtered and split as ``settings`` say."""
    from musicrec_gui.core.engine.dataset import dataset_from_store

    if token is not None:
        token.check()
    known = [data.dataset for data in library.community_datasets(store)]
    unknown = [key for key in settings.community if key not in known]
    if unknown:
        raise MusicRecError(f"no community data {', '.join(map(repr, unknown))} in the library; it has "
                            + (", ".join(known) if known else "none"))
    data = dataset_from_store(store, community=settings.community, transform=settings.transform,
                              min_listeners=settings.min_listeners, min_artists=settings.min_artists,
                              valid_share=settings.valid_share, seed=settings.seed)
    if token is not None:
        token.check()
    return data


def find_rate(store: Store, settings: Settings, *, token: StopToken | None = None,
              report: Reporter = ignore_events, stop: StopToken | None = None) -> LRFinderResult:
    """The learning-rate sweep from fresh weights of ``settings`` (the settings are not changed)."""
    from musicrec_gui.core.engine.lr_finder import find_lr
    from musicrec_gui.core.engine.trainer import Trainer

    token = token or StopToken()
    data = load_dataset(store, settings, token)
    result = find_lr(Trainer(data, settings), JointToken(stop, token), Relay(report, FIND_RATE))
    token.check()
    return result


def search_sizes(store: Store, settings: Settings, *, token: StopToken | None = None,
                 report: Reporter = ignore_events, stop: StopToken | None = None,
                 dims: tuple[int, ...] | None = None, epochs: int | None = None) -> DimSearchResult:
    """A few epochs per embedding size (``dim_search.size_grid`` and ``trial_epochs`` unless given)."""
    from musicrec_gui.core.engine.dim_search import search_dim

    token = token or StopToken()
    data = load_dataset(store, settings, token)
    result = search_dim(data, settings, dims, epochs, JointToken(stop, token), Relay(report, SEARCH_SIZES))
    token.check()
    return result


def train(store: Store, settings: Settings, *, name: str = "", extras: dict | None = None,
          lr_find: bool = False, token: StopToken | None = None, report: Reporter = ignore_events,
          stop: StopToken | None = None) -> TrainOutcome:
    """Train (after the learning-rate finder when ``lr_find``), evaluate on the validation
    pairs, and save and activate the model when the run ended by itself.

    ``extras`` (``lr_finder``, ``dim_search`` records) travel into the saved model.  With
    ``lr_find`` the finder's suggestion replaces ``settings.lr`` only when it is
    trustworthy; otherwise the preset's rate is kept and the result says why.
    """
    from musicrec_gui.core.engine import registry
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.evaluation import evaluate
    from musicrec_gui.core.engine.lr_finder import find_lr
    from musicrec_gui.core.engine.trainer import Trainer

    token = token or StopToken()
    either = JointToken(stop, token)
    extras = dict(extras or {})
    data = load_dataset(store, settings, token)
    trainer = Trainer(data, settings)
    rate = None
    if lr_find:
        rate = find_lr(trainer, either, Relay(report, FIND_RATE))
        token.check()
        extras["lr_finder"] = rate.to_dict()
        if rate.suggestion and rate.trustworthy and not rate.stopped:
            settings = settings.replace(lr=rate.suggestion)
            trainer = Trainer(data, settings)
    relay = Relay(report, TRAINING, total=settings.epochs)
    result = trainer.fit(either, relay)
    relay.flush()
    token.check()
    evaluation = None
    if len(data.valid):
        # On the validation sample: every listener against every artist takes minutes at 360K size.
        evaluation = evaluate(trainer.model, data, data.valid, low=float(data.train.value.min()),
                              high=float(data.train.value.max()), fit_seconds=result.seconds,
                              listeners=trainer.validation_listeners).to_dict()
    token.check()
    model = TrainedModel.from_training(trainer, result, evaluation=evaluation, name=name, **extras)
    finished = not (result.stopped or result.diverged)
    info = registry.save(model, name=name) if finished else None
    return TrainOutcome(model, result, evaluation, info, rate, data.n_listeners, data.n_artists,
                        len(data.train), len(data.valid))


def save(model: TrainedModel, name: str = "") -> ModelInfo:
    """Save a model the person chose to keep (a stopped run), and make it the one in use."""
    from musicrec_gui.core.engine import registry

    return registry.save(model, name=name or model.name)


def use(model_id: str) -> tuple[TrainedModel, str]:
    """Load a saved model and make it the one in use: ``(model, model_id)``."""
    from musicrec_gui.core.engine import registry

    model = registry.load(model_id)
    registry.set_active(model_id)
    return model, model_id


def load_active() -> tuple[TrainedModel | None, str | None]:
    """The model in use and its id, or ``(None, None)`` when none was chosen yet."""
    from musicrec_gui.core.engine import registry

    model_id = registry.active_id()
    if model_id is None:
        return None, None
    return registry.load(model_id), model_id


def devices() -> list[str]:
    """The devices torch can use here, best first (importing torch takes a moment: run it as a job)."""
    from musicrec_gui.core.engine.device import available_devices

    return available_devices()
