"""A non-modal message strip for errors and notices that must not be missed.

It floats over the bottom of the page area instead of taking a place in the
layout, so showing it never moves a control under the mouse or squeezes a
table.  Notices go away by themselves after a while; errors stay until
dismissed.  Messages are plain text (they quote file and artist names).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QToolButton, QWidget

NOTICE_MS = 8000   # how long a notice stays


class MessageBanner(QFrame):
    """Shows one message with an icon; "Show log" for details; closes on demand.

    Without a host (``float_over``) it is an ordinary widget in its parent's layout.
    """

    log_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # A styled panel takes its colours from the palette, so it fits light and dark themes.
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.icon = QLabel()
        self.text = QLabel(wordWrap=True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_button = QPushButton("Show log")
        self.log_button.clicked.connect(self.log_requested)
        self.close_button = QToolButton(autoRaise=True)
        self.close_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.log_button)
        layout.addWidget(self.close_button)
        self._host: QWidget | None = None
        self._timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def float_over(self, host: QWidget) -> None:
        """Float over the bottom of ``host`` (out of any layout), following its size."""
        self._host = host
        self.setParent(host)
        # A raised panel reads as floating; a drop-shadow effect would re-render the strip
        # off-screen at every repaint.
        self.setFrameShadow(QFrame.Shadow.Raised)
        self.setLineWidth(2)
        host.installEventFilter(self)

    def show_error(self, message: str) -> None:
        self._show(message, QStyle.StandardPixmap.SP_MessageBoxWarning, with_log=True)

    def show_info(self, message: str) -> None:
        self._show(message, QStyle.StandardPixmap.SP_MessageBoxInformation, with_log=False)
        self._timer.start()

    def message(self) -> str:
        return self.text.text()

    def _show(self, message: str, pixmap: QStyle.StandardPixmap, with_log: bool) -> None:
        self._timer.stop()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.icon.setPixmap(self.style().standardIcon(pixmap).pixmap(size, size))
        self.text.setText(message)
        self.log_button.setVisible(with_log)
        self.show()
        self._place()

    def _place(self) -> None:
        host = self._host
        if host is None:
            return
        margin = self.fontMetrics().height() // 2
        width = max(self.minimumSizeHint().width(), host.width() - 2 * margin)
        self.layout().activate()
        height = self.layout().totalHeightForWidth(width) if self.layout().hasHeightForWidth() \
            else self.sizeHint().height()
        self.setGeometry(margin, max(0, host.height() - height - margin), width, height)
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
