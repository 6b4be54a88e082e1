"""The status-bar part that shows the running job: name, progress bar, ETA and Cancel.

Only this Cancel button cancels the running job (or Esc while it has the
focus): Esc elsewhere belongs to whatever has the focus.  A job whose cancel
would throw work away (training, an import, t-SNE) carries a question, and
Cancel asks it first in a non-modal box — with "Stop and keep" when the job
can end early and keep what it has.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QWidget

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


def ask_to_cancel(parent: QWidget, job: Job, cancel: Callable[[], None]) -> QMessageBox | None:
    """Cancel ``job`` with ``cancel()`` — after asking, when the job carries a cancel question.

    The question is a non-modal box (returned, so a caller or a test can answer it); it
    closes by itself when the job ends first.  Returns None when nothing was asked.
    """
    if not job.cancel_question:
        cancel()
        return None
    box = QMessageBox(QMessageBox.Icon.Question, job.name, job.cancel_question, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    keep = box.addButton("Keep running", QMessageBox.ButtonRole.RejectRole)
    stop = box.addButton("Stop and keep", QMessageBox.ButtonRole.ActionRole) if job.stop else None
    throw = box.addButton("Cancel and discard" if job.stop else f"Cancel {job.name.lower()}",
                          QMessageBox.ButtonRole.DestructiveRole)
    if stop is not None:
        stop.setToolTip("End now and keep what it has so far")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.keep_button, box.stop_button, box.cancel_button = keep, stop, throw   # for keyboard users and tests

    def answered(_result) -> None:
        clicked = box.clickedButton()
        if job.outcome is None:   # still running
            if clicked is throw:
                cancel()
            elif stop is not None and clicked is stop:
                job.stop()
        box.deleteLater()

    box.finished.connect(answered)
    job.finished.connect(box.close)   # the question is moot once the job has ended
    box.open()
    return box


class CancelButton(QPushButton):
    """A push button that Esc also presses, while it has the focus."""

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.isEnabled():
            self.click()
            return
        super().keyPressEvent(event)


class JobStatus(QWidget):
    """Follows a JobRunner; hidden while nothing runs."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.name = QLabel(textFormat=Qt.TextFormat.PlainText)   # stages name files: never markup
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.setMaximumWidth(self.fontMetrics().horizontalAdvance("x") * 30)
        self.eta = QLabel()
        self.cancel_button = CancelButton("Cancel")
        self.cancel_button.setToolTip("Stop the running job; the store is left as it was")
        self.cancel_button.clicked.connect(self._cancel)
        self.cancel_confirm: QMessageBox | None = None
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
        job = self.runner.current
        if job is None:
            return
        self.cancel_confirm = ask_to_cancel(self.window(), job, lambda: self._cancelled(job))

    def _cancelled(self, job: Job) -> None:
        if self.runner.current is job:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Stopping…")

    def _finished(self, job: Job) -> None:
        self.cancel_confirm = None
        if not self.runner.busy:   # a handler of the old job may already have started the next one
            self.hide()
