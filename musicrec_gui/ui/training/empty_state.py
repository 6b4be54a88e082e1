"""What the Train page shows while the store holds no plays: where to get some."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from musicrec_gui.ui.icons import icon, set_icon
from musicrec_gui.ui.widgets.text import heading


class EmptyState(QWidget):
    library_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        size = self.fontMetrics().height() * 4
        picture.setPixmap(icon("train", self.palette()).pixmap(QSize(size, size), self.devicePixelRatioF()))
        picture.setEnabled(False)
        self.title = heading("Import listening data first")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel("A model learns from play counts: yours, and ideally a community dataset such as "
                      "HetRec Last.fm 2K, so it knows which artists go together. Your library has no plays "
                      "yet.", wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.library_button = QPushButton("Go to Library")
        set_icon(self.library_button, "library")
        self.library_button.clicked.connect(self.library_requested)
        layout = QVBoxLayout(self)
        margin = self.fontMetrics().height() * 4
        layout.setContentsMargins(margin, 0, margin, 0)
        layout.addStretch(2)
        layout.addWidget(picture)
        layout.addWidget(self.title)
        layout.addWidget(text)
        layout.addSpacing(self.fontMetrics().height())
        layout.addWidget(self.library_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
