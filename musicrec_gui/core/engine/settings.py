"""Every training knob in one frozen dataclass, and the named presets.

The settings travel with a saved model (as JSON), so a model can always say how
it was made.  ``preset("discover", dim=32)`` gives a preset with overrides.

The loss these knobs shape (see ``objective``):

    loss = [ Σ_obs w·(pred − value)²
             + Σ_rows reg_factors·(1 + n_row)^reg_count_power·‖embedding‖²
             + Σ_rows reg_biases ·(1 + n_row)^reg_count_power·bias² ] / Σ_obs w
           + gravity · mean over ALL listener–artist pairs of pred²

with w = 1 + confidence·value and n_row the row's number of training pairs.
``reg_count_power = 1`` regularises busy rows more, as per-sample weight decay
does; gravity pulls every unobserved pair towards zero, which is what turns a
rating model into a ranking model (DESIGN §2–3).
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from musicrec_gui.core.errors import EngineError

TRANSFORMS = ("log1p", "zscore")
OPTIMIZERS = ("adam", "sgd")
SCHEDULES = ("constant", "step", "onecycle")
MONITORS = ("rmse", "recall", "none")


@dataclass(frozen=True)
class Settings:
    # -- data -------------------------------------------------------------
    transform: str = "log1p"          # "log1p" of plays, or the article's "zscore"
    min_listeners: int = 1            # drop artists with fewer listeners
    min_artists: int = 1              # drop listeners with fewer artists
    valid_share: float = 0.1          # share of each listener's artists held out
    valid_listeners: int = 5000       # listeners (a seeded sample) whose top-20 validation
                                      # scores; 0 = all.  All at HetRec size; at Last.fm 360K
                                      # size scoring every listener is 359 K × 160 K products
    community: tuple[str, ...] = ()   # community datasets (format keys) to learn from; () = all of them
    # -- model and loss -----------------------------------------------------
    dim: int = 64
    init_std: float = 0.01
    reg_factors: float = 1.0
    reg_biases: float = 1.0
    reg_count_power: float = 0.0
    gravity: float = 0.0
    confidence: float = 0.0
    bias_init: bool = True            # closed-form biases before the first step
    # -- optimisation -------------------------------------------------------
    optimizer: str = "adam"
    lr: float = 0.01
    momentum: float = 0.9             # SGD only
    epochs: int = 30
    batch_size: int = 0               # 0 = full batch
    schedule: str = "constant"
    step_epochs: int = 3              # step schedule: epochs per block
    step_factors: tuple[float, ...] = ()  # lr multiplier per block; () = halve each block
    # -- validation, early stopping, safety -----------------------------------
    monitor: str = "rmse"             # validation metric for early stopping
    eval_every: int = 1               # epochs between validations
    patience: int = 5                 # validations without improvement before stopping
    report_recall: bool = False       # also compute Recall@20 when monitoring RMSE
    diverge_factor: float = 20.0      # loss above this × its minimum = diverged
    # -- runtime ------------------------------------------------------------
    seed: int = 0
    device: str = "auto"
    threads: int = 0                  # torch CPU threads; 0 = torch's default

    def __post_init__(self) -> None:
        # Tuples survive JSON as lists; keep the dataclass hashable and comparable.
        object.__setattr__(self, "step_factors", tuple(float(f) for f in self.step_factors))
        object.__setattr__(self, "community", tuple(str(c) for c in self.community))
        checks = [
            (self.transform in TRANSFORMS, f"transform must be one of {TRANSFORMS}"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of {OPTIMIZERS}"),
            (self.schedule in SCHEDULES, f"schedule must be one of {SCHEDULES}"),
            (self.monitor in MONITORS, f"monitor must be one of {MONITORS}"),
            (self.dim >= 1, "dim must be at least 1"),
            (self.epochs >= 0, "epochs must be >= 0"),
            (self.lr > 0, "lr must be > 0"),
            (0.0 <= self.valid_share < 1.0, "valid_share must be in [0, 1)"),
            (self.batch_size >= 0, "batch_size must be >= 0"),
            (self.step_epochs >= 1, "step_epochs must be >= 1"),
            (self.eval_every >= 1, "eval_every must be >= 1"),
            (self.valid_listeners >= 0, "valid_listeners must be >= 0"),
            (min(self.reg_factors, self.reg_biases, self.gravity, self.confidence) >= 0,
             "regularisation, gravity and confidence weights must be >= 0"),
        ]
        for ok, message in checks:
            if not ok:
                raise EngineError(f"invalid settings: {message}")

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["step_factors"] = list(self.step_factors)
        data["community"] = list(self.community)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> Settings:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise EngineError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        return cls.from_dict(json.loads(text))


# Chosen on a validation split carved from the bench train set (bench/tune_presets.py);
# the test part was never used for choosing.
PRESETS: dict[str, Settings] = {
    # Ranking: gravity over the whole prediction, count-weighted L2, full-batch Adam.
    "discover": Settings(dim=64, init_std=0.01, reg_factors=0.3, reg_biases=3.0,
                         reg_count_power=1.0, gravity=50.0, lr=0.1, epochs=40,
                         monitor="recall", eval_every=5, patience=3),
    # Rating accuracy: plain biased PMF, uniform L2, early stopping on RMSE.
    "predict": Settings(dim=80, init_std=0.1, reg_factors=10.0, reg_biases=2.0,
                        reg_count_power=0.0, gravity=0.0, lr=0.01, epochs=40,
                        monitor="rmse", patience=5),
}


def preset(name: str, **overrides) -> Settings:
    """The named preset with ``overrides`` applied (``None`` values are ignored)."""
    try:
        base = PRESETS[name]
    except KeyError:
        raise EngineError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}") from None
    changes = {k: v for k, v in overrides.items() if v is not None}
    return base.replace(**changes) if changes else base
