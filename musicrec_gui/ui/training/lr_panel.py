"""The learning-rate finder on screen: the sweep as it runs, the suggestion, and a way to take it.

"Use suggestion" and a click on the curve both announce a rate with
``rate_picked``; the page puts it into the settings form.
"""
from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from musicrec_gui.ui.widgets.lr_plot import LrFinderPlot, rate_text
from musicrec_gui.ui.widgets.text import secondary

INTRO = ("The finder starts from fresh weights and raises the learning rate step by step while it watches "
         "the loss. A good rate sits where the loss falls fastest, well before it shoots up. Click the curve "
         "to choose a rate yourself.")
REDRAW_MS = 100   # the sweep's curve is redrawn at most 10 times a second while it runs


class LrPanel(QWidget):
    rate_picked = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lrs: list[float] = []
        self._raw: list[float] = []
        self._smoothed: list[float] = []
        self._suggestion: float | None = None
        intro = QLabel(INTRO, wordWrap=True)
        secondary(intro)
        self.plot = LrFinderPlot()
        self.plot.rate_chosen.connect(self.rate_picked)
        self.message = QLabel("Press “Find learning rate” to run the finder.", wordWrap=True)
        self.use_button = QPushButton("Use suggestion")
        self.use_button.setToolTip("Put the suggested learning rate into the settings")
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self._use_suggestion)
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._redraw.timeout.connect(self._draw_live)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, self.fontMetrics().height() // 2, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.plot, 1)
        layout.addLayout(bottom)

    def suggestion(self) -> float | None:
        return self._suggestion

    def start(self) -> None:
        self._lrs, self._raw, self._smoothed = [], [], []
        self._suggestion = None
        self.use_button.setEnabled(False)
        self.plot.clear()
        self.message.setText("Sweeping the learning rate…")

    def add_step(self, event) -> None:
        """An ``LRFinderEvent``: kept at once, drawn on the timer."""
        self._lrs.append(event.lr)
        self._raw.append(event.loss)
        self._smoothed.append(event.smoothed)
        if not self._redraw.isActive():
            self._redraw.start()

    def _draw_live(self) -> None:
        self.plot.set_curve(self._lrs, self._raw, self._smoothed)

    def show_result(self, lrs, losses, smoothed, suggestion: float | None, trustworthy: bool, message: str,
                    stopped: bool = False, chosen: float | None = None) -> None:
        """A finished sweep (an ``LRFinderResult``'s fields, or a saved model's record)."""
        self._redraw.stop()
        self._suggestion = suggestion
        warning = None if trustworthy else f"Not trustworthy: {message}."
        self.plot.set_curve(lrs, losses, smoothed, suggestion, warning)
        self.plot.set_chosen(chosen)
        if suggestion is None:
            self.message.setText(f"No suggestion: {message}.")
        else:
            lead = "Stopped early; suggestion from the part swept" if stopped else "Suggested learning rate"
            self.message.setText(f"{lead}: <b>{rate_text(suggestion)}</b>"
                                 + ("" if trustworthy else " (treat it with care, see the warning)"))
        self.use_button.setEnabled(suggestion is not None)

    def stopped_without_result(self, text: str) -> None:
        self._redraw.stop()
        self.message.setText(text)

    def _use_suggestion(self) -> None:
        if self._suggestion is not None:
            self.plot.set_chosen(self._suggestion)
            self.rate_picked.emit(self._suggestion)
