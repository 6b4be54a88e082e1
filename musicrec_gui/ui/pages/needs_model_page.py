"""What the model pages (Artists, Similar, For you, Map) show before a model exists."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from musicrec_gui.ui.icons import icon, set_icon
from musicrec_gui.ui.widgets.text import heading


class NeedsModelPage(QWidget):
    """"Train a model first", with a button that goes to the Train page."""

    train_requested = Signal()

    def __init__(self, title: str, icon_name: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        size = self.fontMetrics().height() * 4
        picture.setPixmap(icon(icon_name, self.palette()).pixmap(QSize(size, size), self.devicePixelRatioF()))
        picture.setEnabled(False)
        header = heading(title)
        header.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(f"{what}<br><br><b>Train a model first.</b> Training uses the listening "
                              "data in your library and runs on this computer.",
                              wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.train_button = QPushButton("Go to Train")
        set_icon(self.train_button, "train")
        self.train_button.clicked.connect(self.train_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(picture)
        layout.addWidget(header)
        layout.addWidget(self.message)
        layout.addSpacing(self.fontMetrics().height())
        layout.addWidget(self.train_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        layout.setContentsMargins(self.fontMetrics().height() * 4, 0, self.fontMetrics().height() * 4, 0)
