"""One line for a page's standing note (the model in use, and when it predates the library).

Fixed height, always in the layout: a note that comes or goes never moves the
controls below it.  A warning gets an icon and stronger text; the full text
and any detail are on hover.
"""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyle, QWidget

from musicrec_gui.ui.widgets.elided_label import ElidedLabel
from musicrec_gui.ui.widgets.text import normal_text, secondary

ICONS = {"info": QStyle.StandardPixmap.SP_MessageBoxInformation,
         "warning": QStyle.StandardPixmap.SP_MessageBoxWarning}


class NoteLine(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.icon.setFixedSize(size, size)
        self.label = ElidedLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.icon)
        layout.addWidget(self.label, 1)
        self.setFixedHeight(max(size, self.fontMetrics().height()) + 4)
        self.set_note("", "")

    def set_note(self, text: str, level: str = "", tip: str = "") -> None:
        """``level``: "" (secondary text), "info" or "warning" (with their icons)."""
        icon = ICONS.get(level)
        self.icon.setVisible(icon is not None)
        if icon is not None:
            size = self.icon.width()
            self.icon.setPixmap(self.style().standardIcon(icon).pixmap(size, size))
        (normal_text if level else secondary)(self.label)
        self.label.set_full_text(text, tip)

    def text(self) -> str:
        return self.label.full_text()
