"""The training settings: a preset to start from and every knob a person may want to turn.

Choosing a preset fills the fields; editing a field switches the preset box
to "Custom" (the preset's other, unshown values stay as they were).  The form
only produces an engine ``Settings``; it never trains anything itself.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from musicrec_gui.core.engine.settings import PRESETS, Settings
from musicrec_gui.ui.training.community_choice import CommunityChoice
from musicrec_gui.ui.training.number_box import NumberBox
from musicrec_gui.ui.widgets.text import tip_text

CUSTOM = "custom"
PRESET_TITLES = {"discover": "Discover", "predict": "Predict plays", CUSTOM: "Custom"}
SCHEDULE_TITLES = {"constant": "Constant", "step": "Step", "onecycle": "One-cycle"}
MONITOR_TITLES = {"recall": "Recall@20", "rmse": "RMSE", "none": "Off"}
DEVICE_TITLES = {"auto": "Auto", "cuda": "NVIDIA GPU (cuda)", "mps": "Apple GPU (mps)", "cpu": "Processor (cpu)"}

TIPS = {
    "preset": "Discover finds artists you have not heard yet (best for recommendations).\n"
              "Predict plays estimates how much someone plays an artist (best for accuracy).\n"
              "Custom: your own values — changing any field below switches here.",
    "dim": "How many numbers describe each listener and artist. Larger sizes can capture finer "
           "tastes but train slower and may learn noise. “Search embedding size” tries several.",
    "epochs": "How many passes over all the listening data. Early stopping may end training sooner "
              "when the validation score stops improving.",
    "batch_size": "How many listener–artist pairs each training step learns from. Full batch uses "
                  "them all at once: steady, and quick on data this size. Smaller batches take more, "
                  "noisier steps.",
    "lr": "How big a step training takes. Too small learns slowly; too large makes the loss blow up. "
          "“Find learning rate” suggests one.",
    "reg_factors": "Keeps the listener and artist descriptions small, so the model does not memorise "
                   "single plays. Higher gives smoother, more general taste; lower fits the data closer.",
    "reg_biases": "Keeps each artist's and listener's popularity term small, so an artist with one "
                  "devoted listener does not top every list.",
    "gravity": "Gravity pulls artists nobody played towards zero, which makes recommendations reach "
               "beyond the most popular artists. 0 turns it off (better play-count predictions, "
               "worse recommendations).",
    "schedule": "How the learning rate changes while training. Constant keeps it; Step halves it every "
                "few epochs, as the article did by hand; One-cycle warms up, then cools down, which often "
                "trains faster.",
    "monitor": "The validation score that decides when to stop early and which weights to keep: "
               "Recall@20 (how many held-out artists make a listener's top 20) or RMSE (how close "
               "predicted plays are). Off trains every epoch and keeps the last weights.",
    "patience": "How many validation checks in a row may fail to improve before training stops early "
                "(unused when early stopping is off).",
    "device": "Where to train: Auto uses a graphics card when there is one, otherwise the processor.",
    "seed": "The starting point for the random numbers: the same seed and settings give the same "
            "model again (on the processor).",
    "community": "Which community datasets the model learns from, besides the people's own listening. All of "
                 "them by default; a model of today's listening only (ListenBrainz) reaches recent artists "
                 "better than one that also learns from 2011 (HetRec). The saved model records the choice.",
}


def _combo(titles: dict[str, str]) -> QComboBox:
    box = QComboBox()
    for key, title in titles.items():
        box.addItem(title, key)
    return box


def _select(box: QComboBox, key) -> bool:
    index = box.findData(key)
    if index >= 0:
        box.setCurrentIndex(index)
    return index >= 0


class SettingsForm(QWidget):
    """Emits ``changed`` after every edit by the person (not when a preset fills the fields)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: Settings = PRESETS["discover"]   # the values the form does not show come from here
        self._filling = False
        self._wanted_device = "auto"   # kept until the device list is known

        self.preset = _combo(PRESET_TITLES)
        self.dim = QSpinBox(minimum=2, maximum=512, singleStep=8)
        self.epochs = QSpinBox(minimum=1, maximum=10_000)
        self.batch_size = QSpinBox(minimum=0, maximum=100_000_000, singleStep=4096)
        self.batch_size.setSpecialValueText("Full batch")
        self.lr = NumberBox(1e-6, 10.0)
        self.reg_factors = NumberBox(1e-3, 1e4, zero_allowed=True)
        self.reg_biases = NumberBox(1e-3, 1e4, zero_allowed=True)
        self.gravity = NumberBox(1e-2, 1e5, zero_allowed=True)
        self.schedule = _combo(SCHEDULE_TITLES)
        self.monitor = _combo(MONITOR_TITLES)
        self.patience = QSpinBox(minimum=1, maximum=1000)
        self.device = _combo({"auto": DEVICE_TITLES["auto"]})
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1)
        self.community = CommunityChoice()
        for spin in (self.dim, self.epochs, self.batch_size, self.patience, self.seed):
            spin.setKeyboardTracking(False)
            spin.setGroupSeparatorShown(True)

        self._labels: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows = (("Preset", self.preset, "preset"), ("Embedding size", self.dim, "dim"),
                ("Epochs", self.epochs, "epochs"), ("Batch size", self.batch_size, "batch_size"),
                ("Learning rate", self.lr, "lr"), ("Weight decay, tastes", self.reg_factors, "reg_factors"),
                ("Weight decay, popularity", self.reg_biases, "reg_biases"), ("Gravity", self.gravity, "gravity"),
                ("Schedule", self.schedule, "schedule"), ("Early stopping", self.monitor, "monitor"),
                ("Patience", self.patience, "patience"),
                ("Device", self.device, "device"), ("Seed", self.seed, "seed"),
                ("Community data", self.community, "community"))
        for title, field, tip in rows:
            label = QLabel(title)
            label.setToolTip(tip_text(TIPS[tip]))
            field.setToolTip(tip_text(TIPS[tip]))
            form.addRow(label, field)
            self._labels[tip] = label

        self.preset.activated.connect(self._preset_chosen)
        for spin in (self.dim, self.epochs, self.batch_size, self.patience, self.seed, self.lr,
                     self.reg_factors, self.reg_biases, self.gravity):
            spin.valueChanged.connect(self._edited)
        for box in (self.schedule, self.monitor, self.device):
            box.currentIndexChanged.connect(self._edited)
        # Which data to learn from is not a knob of the preset: choosing it keeps the preset.
        self.community.changed.connect(self.changed)
        self.monitor.currentIndexChanged.connect(self._update_patience)
        self.set_settings(self._base, "discover")

    # -- reading and filling -----------------------------------------------------------
    def preset_key(self) -> str:
        return self.preset.currentData()

    def settings(self) -> Settings:
        """The engine settings the fields describe (recall is always tracked: the page plots it)."""
        return self._base.replace(
            dim=self.dim.value(), epochs=self.epochs.value(), batch_size=self.batch_size.value(),
            lr=self.lr.value(), reg_factors=self.reg_factors.value(), reg_biases=self.reg_biases.value(),
            gravity=self.gravity.value(), schedule=self.schedule.currentData(),
            monitor=self.monitor.currentData(), patience=self.patience.value(),
            device=self.device.currentData(), seed=self.seed.value(), community=self.community.chosen(),
            report_recall=True)

    def set_settings(self, settings: Settings, preset_key: str = CUSTOM) -> None:
        """Show ``settings`` under ``preset_key`` (a preset name, or "custom")."""
        self._base = settings
        self._filling = True
        try:
            _select(self.preset, preset_key if preset_key in PRESET_TITLES else CUSTOM)
            self.dim.setValue(settings.dim)
            self.epochs.setValue(settings.epochs)
            self.batch_size.setValue(settings.batch_size)
            self.lr.setValue(settings.lr)
            self.reg_factors.setValue(settings.reg_factors)
            self.reg_biases.setValue(settings.reg_biases)
            self.gravity.setValue(settings.gravity)
            _select(self.schedule, settings.schedule)
            _select(self.monitor, settings.monitor)
            self.patience.setValue(settings.patience)
            self.seed.setValue(settings.seed)
            self.community.set_chosen(settings.community)
            self._wanted_device = settings.device
            if not _select(self.device, settings.device):
                _select(self.device, "auto")
        finally:
            self._filling = False
        self._update_patience()

    def set_devices(self, names: list[str]) -> None:
        """The detected devices, best first; "Auto" stays first."""
        self._filling = True
        try:
            self.device.clear()
            for key in ["auto", *names]:
                self.device.addItem(DEVICE_TITLES.get(key, key), key)
            if not _select(self.device, self._wanted_device):
                _select(self.device, "auto")
        finally:
            self._filling = False

    def devices(self) -> list[str]:
        return [self.device.itemData(i) for i in range(self.device.count())]

    # -- values from the LR finder and the size search (count as the person's edits) ------
    def set_rate(self, rate: float) -> None:
        self.lr.setValue(rate)

    def set_dim(self, dim: int) -> None:
        self.dim.setValue(dim)

    # -- reactions -------------------------------------------------------------------------
    def _preset_chosen(self, _index: int) -> None:
        key = self.preset_key()
        if key == CUSTOM:
            self._base = self.settings()   # keep the values as they are, now as one's own
        else:
            # A preset runs on whatever device the person picked, on the community data they chose.
            self.set_settings(PRESETS[key].replace(device=self.device.currentData() or "auto",
                                                   community=self.community.chosen()), key)
        self.changed.emit()

    def _edited(self, *_args) -> None:
        if self._filling:
            return
        if self.device.currentData() is not None:
            self._wanted_device = self.device.currentData()
        self._filling = True
        _select(self.preset, CUSTOM)
        self._filling = False
        self.changed.emit()

    def _update_patience(self, *_args) -> None:
        watching = self.monitor.currentData() != "none"
        self.patience.setEnabled(watching)
        self._labels["patience"].setEnabled(watching)
