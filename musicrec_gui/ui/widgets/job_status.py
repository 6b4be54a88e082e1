"""The status-bar part that shows the running job: name, progress bar, ETA and Cancel."""
from __future__ import annotations

import time

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from musicrec_gui.core.jobs import Progress
from musicrec_gui.ui.jobs import Job, JobRunner


def eta_text(elapsed: float, fraction: float | None) -> str:
    """"about 2 min left", or "" while there is too little to go on."""
    if fraction is None or fraction < 0.02 or fraction >= 1 or elapsed < 1.0:
        return ""
    left = elapsed * (1 - fraction) / fraction
    if left < 60:
        return f"about {max(1, round(left))} s left"
    if left < 3600:
        return f"about {round(left / 60)} min left"
    return f"about {left / 3600:.1f} h left"


class JobStatus(QWidget):
    """Follows a JobRunner; hidden while nothing runs."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.name = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.setMaximumWidth(self.fontMetrics().horizontalAdvance("x") * 30)
        self.eta = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running job (Esc); the store is left as it was")
        self.cancel_button.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.name, self.bar, self.eta, self.cancel_button):
            layout.addWidget(widget)
        runner.started.connect(self._started)
        runner.progress.connect(self._progress)
        runner.finished.connect(self._finished)
        self._since = 0.0
        self.hide()

    def _started(self, job: Job) -> None:
        self._since = time.monotonic()
        self.name.setText(job.name)
        self.bar.setRange(0, 0)   # busy until the first progress with a total
        self.eta.clear()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.show()

    def _progress(self, event: Progress) -> None:
        fraction = event.fraction
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))
            self.bar.setFormat(f"{fraction * 100:.0f} %")
        self.name.setText(event.stage)
        self.bar.setToolTip(event.message)
        self.eta.setText(eta_text(time.monotonic() - self._since, fraction))

    def _cancel(self) -> None:
        self.runner.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Stopping…")

    def _finished(self, job: Job) -> None:
        if not self.runner.busy:   # a handler of the old job may already have started the next one
            self.hide()
