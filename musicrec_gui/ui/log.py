"""The in-app log: a bounded buffer of log lines, and the View → Log window.

Logging calls may come from any thread, so the handler only appends to a
locked deque and pokes a signal; the view, on the GUI thread, pulls the text
(Picard's TailLogger pattern).
"""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections import deque

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

LOGGER_NAME = "musicrec_gui"   # every module logs under this name (core included)
_MAX_LINES = 5000


class LogBuffer(logging.Handler):
    """Keeps the last lines logged under ``musicrec_gui``; ``notifier.updated`` fires on news."""

    class _Notifier(QObject):
        updated = Signal()

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                            "%Y-%m-%d %H:%M:%S"))
        self._lines: deque[str] = deque(maxlen=_MAX_LINES)
        self._lock = threading.Lock()
        self.notifier = LogBuffer._Notifier()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:   # a broken log call must never take the app down
            return
        with self._lock:
            self._lines.append(text)
        self.notifier.updated.emit()

    def text(self) -> str:
        with self._lock:
            return "\n".join(self._lines)


_buffer: LogBuffer | None = None


def log_buffer() -> LogBuffer:
    """The app's log buffer, attached to the ``musicrec_gui`` logger on first use."""
    global _buffer
    if _buffer is None:
        _buffer = LogBuffer()
        logger = logging.getLogger(LOGGER_NAME)
        logger.addHandler(_buffer)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
    return _buffer


def install_excepthook() -> None:
    """Log exceptions that escape into the event loop instead of letting them end the app."""
    logger = logging.getLogger(LOGGER_NAME)

    def hook(kind, value, tb):
        logger.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))

    sys.excepthook = hook


class LogDialog(QDialog):
    """A non-modal window showing the log, following new lines as they arrive."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Log")
        self.buffer = log_buffer()
        self.view = QPlainTextEdit(readOnly=True)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setAcceptDrops(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy all", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.view.toPlainText()))
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("x") * 110, self.fontMetrics().height() * 30)
        self.buffer.notifier.updated.connect(self.refresh, Qt.ConnectionType.QueuedConnection)
        self.refresh()

    def refresh(self) -> None:
        if self.isVisible():   # a hidden log is pulled when shown
            self.view.setPlainText(self.buffer.text())
            self.view.verticalScrollBar().setValue(self.view.verticalScrollBar().maximum())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()
