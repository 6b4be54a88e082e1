"""The Train page — an internal stub until the engine lands (it replaces this module).

The real page will start training through ``window.runner.start(...)``; see
``musicrec_gui/ui/jobs.py``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from musicrec_gui.ui.widgets.text import heading


class TrainPage(QWidget):
    def __init__(self, window=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = heading("Train")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note = QLabel("Training arrives with the engine.", alignment=Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addStretch()
