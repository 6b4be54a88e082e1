"""A non-modal message strip above the pages (errors and notices that must not be missed)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QToolButton


class MessageBanner(QFrame):
    """Shows one message with an icon; "Show log" for details; closes on demand."""

    log_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # A styled panel takes its colours from the palette, so it fits light and dark themes.
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.icon = QLabel()
        self.text = QLabel(wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_button = QPushButton("Show log")
        self.log_button.clicked.connect(self.log_requested)
        close = QToolButton(autoRaise=True)
        close.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.log_button)
        layout.addWidget(close)
        self.hide()

    def show_error(self, message: str) -> None:
        self._show(message, QStyle.StandardPixmap.SP_MessageBoxWarning, with_log=True)

    def show_info(self, message: str) -> None:
        self._show(message, QStyle.StandardPixmap.SP_MessageBoxInformation, with_log=False)

    def _show(self, message: str, pixmap: QStyle.StandardPixmap, with_log: bool) -> None:
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.icon.setPixmap(self.style().standardIcon(pixmap).pixmap(size, size))
        self.text.setText(message)
        self.log_button.setVisible(with_log)
        self.show()
