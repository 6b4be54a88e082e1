"""One training run on screen: progress row, live curves, the save question, the summary card.

The page feeds it the job's events (already bundled on the worker side, see
``relay``); adding points is cheap and ``TrainingCurves`` repaints at most 20
times a second.  A saved model's record (its epoch curves and evaluation) can
be shown the same way, so the last run is still there after a restart.
"""
from __future__ import annotations

import html
import math
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QStyle, QVBoxLayout, QWidget

from musicrec_gui.ui.training.models_panel import local_time
from musicrec_gui.ui.training.summary_card import SummaryCard
from musicrec_gui.ui.widgets.banner import MessageBanner
from musicrec_gui.ui.widgets.job_status import eta_text
from musicrec_gui.ui.widgets.text import secondary
from musicrec_gui.ui.widgets.training_plot import TrainingCurves

CURVES_TIP = ("Light: the training loss of every step. Dots: each epoch's mean training loss and the "
              "validation loss. The training loss includes the penalties (weight decay, gravity); the "
              "validation loss is the plain squared error on held-out plays, so the two need not meet. "
              "Triangles (right axis): validation Recall@20.")


def epochs_text(count: int) -> str:
    return f"{count} epoch" if count == 1 else f"{count} epochs"


def _finite(value: float) -> float | None:
    return value if value is not None and math.isfinite(value) else None


class SavePrompt(QFrame):
    """An inline question with Save / Discard: not a modal dialog, so nothing blocks."""

    save_clicked = Signal()
    discard_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxQuestion).pixmap(size, size))
        self.text = QLabel(wordWrap=True)
        self.save_button = QPushButton("Save model")
        self.save_button.setToolTip("Keep this model and let the other pages use it")
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Forget this model; the model in use stays as it is")
        self.save_button.clicked.connect(self.save_clicked)
        self.discard_button.clicked.connect(self.discard_clicked)
        row = QHBoxLayout(self)
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.discard_button)
        self.hide()

    def ask(self, question: str) -> None:
        self.text.setText(question)
        self.save_button.setEnabled(True)
        self.discard_button.setEnabled(True)
        self.show()


class RunPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.bar.setFormat("")
        self.status = QLabel("Press Train to start; the curves grow here as the model learns.", wordWrap=True)
        secondary(self.status)
        self.warning = MessageBanner()
        self.prompt = SavePrompt()
        self.curves = TrainingCurves(metric="Recall@20")
        self.curves.setToolTip(CURVES_TIP)
        self.summary = SummaryCard()
        self.summary.hide()

        progress = QHBoxLayout()
        progress.addWidget(self.bar, 2)
        progress.addWidget(self.status, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, self.fontMetrics().height() // 2, 0, 0)
        layout.addLayout(progress)
        layout.addWidget(self.warning)
        layout.addWidget(self.prompt)
        layout.addWidget(self.curves, 1)
        layout.addWidget(self.summary)
        self._epochs = 0
        self._started = 0.0
        self._speed = ""

    # -- a live run -----------------------------------------------------------------------
    def start(self, epochs: int) -> None:
        self._epochs = max(1, epochs)
        self._started = time.monotonic()
        self._speed = ""
        self.curves.clear()
        self.warning.hide()
        self.prompt.hide()
        self.summary.hide()
        self.bar.setValue(0)
        self.bar.setFormat(f"epoch 0/{self._epochs}")
        self.status.setText("Preparing the data…")

    def add_points(self, points) -> None:
        """A ``relay.BatchPoints`` bundle."""
        for x, loss in zip(points.x, points.loss):
            self.curves.add_batch(x, loss)
        self._progress(points.x[-1], points.epoch)

    def add_epoch(self, event) -> None:
        """A trainer ``EpochEvent``."""
        rmse = _finite(event.val_rmse)
        self.curves.add_epoch(event.epoch, _finite(event.train_loss), rmse ** 2 if rmse is not None else None,
                              _finite(event.val_recall))
        if math.isfinite(event.samples_per_s):
            self._speed = f"{event.samples_per_s:,.0f} pairs/s"
        self._progress(event.epoch, event.epoch)

    def _progress(self, done: float, epoch: int) -> None:
        fraction = min(1.0, done / self._epochs)
        self.bar.setValue(round(fraction * 1000))
        self.bar.setFormat(f"epoch {epoch}/{self._epochs}")
        parts = [eta_text(time.monotonic() - self._started, fraction), self._speed]
        self.status.setText(" · ".join(p for p in parts if p) or "Training…")

    # -- the end of a run ---------------------------------------------------------------
    def finish(self, outcome, headline: str, community: str = "") -> None:
        """A ``tasks.TrainOutcome``: summary, and the save question when it came back unsaved;
        ``community`` says which community data it learned from."""
        result = outcome.result
        self.bar.setValue(1000)
        self.bar.setFormat(f"epoch {result.epochs_run}/{self._epochs}")
        self.status.setText(f"{epochs_text(result.epochs_run)} in {result.seconds:.1f} s"
                            + (f" · {self._speed}" if self._speed else ""))
        self.curves.flush()
        if result.diverged:
            self.warning.show_error(
                "The learning rate is too high: the loss blew up, so training stopped. Lower the "
                "learning rate (or use “Find learning rate”) and train again. " + _detail(result.message))
        note = (f"Trained on {outcome.n_train:,} listener–artist pairs; measured on the "
                f"{outcome.n_valid:,} pairs held out for validation.") if outcome.evaluation else ""
        self.summary.show_evaluation(outcome.evaluation, headline, " ".join(p for p in (note, community) if p))
        if outcome.info is None:
            kept = (f"the weights of epoch {result.best_epoch}" if result.best_epoch
                    else "the starting weights (no epoch finished)")
            why = "Training diverged" if result.diverged else f"Training stopped after epoch {result.epochs_run}"
            self.prompt.ask(f"{why}; it kept {kept}, the best so far. Save this model?")

    def stopped_without_result(self, text: str) -> None:
        """The run was cancelled or failed: no model came back."""
        self.bar.setFormat("")
        self.status.setText(text)

    def saved(self, text: str) -> None:
        self.prompt.hide()
        self.status.setText(text)

    # -- a saved model's record -----------------------------------------------------------
    def show_record(self, model, community: str = "") -> None:
        """The epoch curves and evaluation a saved ``TrainedModel`` carries (batch losses are not kept);
        ``community`` says which community data it learned from."""
        self.curves.clear()
        self.warning.hide()
        self.prompt.hide()
        history = (model.training or {}).get("history") or []
        for event in history:
            rmse = _finite(event.get("val_rmse"))
            self.curves.add_epoch(event["epoch"], _finite(event.get("train_loss")),
                                  rmse ** 2 if rmse is not None else None, _finite(event.get("val_recall")))
        self.curves.flush()
        epochs = (model.training or {}).get("epochs_run", len(history))
        self.bar.setValue(1000 if history else 0)
        self.bar.setFormat(f"epoch {epochs}/{epochs}" if history else "")
        self.status.setText(f"Showing the saved model “{model.name or 'model'}” ({local_time(model.created)}).")
        best = (model.training or {}).get("best_epoch")
        headline = f"<b>{html.escape(model.name or 'Saved model')}</b> · {epochs_text(epochs)}"
        if best:
            headline += f", best epoch {best}"
        measured = ("Measured on the validation pairs: plays held out from training." if model.evaluation
                    else "No validation pairs, so nothing could be measured.")
        self.summary.show_evaluation(model.evaluation, headline, " ".join(p for p in (measured, community) if p))


def _detail(message: str) -> str:
    return f"({message})" if message else ""

