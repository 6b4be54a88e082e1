"""A ranked list drawn as horizontal bars: name, bar, value (e.g. a person's top artists).

Painted by hand rather than with a plot: long artist names stay readable
(elided, with the full name in a tooltip) and the rows follow the font size.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget


class BarList(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, int]] = []
        self.empty_text = "Nothing to show yet"
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_items(self, items: list[tuple[str, int]]) -> None:
        self._items = list(items)
        self.updateGeometry()
        self.update()

    def items(self) -> list[tuple[str, int]]:
        return list(self._items)

    def _row_height(self) -> int:
        return round(self.fontMetrics().height() * 1.5)

    def sizeHint(self) -> QSize:
        rows = max(len(self._items), 3)
        return QSize(self.fontMetrics().horizontalAdvance("x") * 50, rows * self._row_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("x") * 25, 3 * self._row_height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        metrics = self.fontMetrics()
        if not self._items:
            painter.setPen(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        row = self._row_height()
        width = self.width()
        name_width = int(width * 0.38)
        value_width = metrics.horizontalAdvance(f"{max(v for _, v in self._items):,}") + metrics.averageCharWidth()
        bar_left = name_width + metrics.averageCharWidth()
        bar_space = max(1, width - bar_left - value_width - metrics.averageCharWidth())
        top_value = max(1, max(v for _, v in self._items))
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        bar_colour = palette.color(QPalette.ColorRole.Highlight)
        fitting = max(1, self.height() // row)   # only whole rows: a half-cut name reads as a glitch
        for index, (name, value) in enumerate(self._items[:fitting]):
            y = index * row
            painter.setPen(text_colour)
            elided = metrics.elidedText(name, Qt.TextElideMode.ElideRight, name_width)
            painter.drawText(QRectF(0, y, name_width, row),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, elided)
            length = max(2.0, bar_space * value / top_value)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bar_colour)
            painter.drawRoundedRect(QRectF(bar_left, y + row * 0.2, length, row * 0.6), 2, 2)
            painter.setPen(text_colour)
            painter.drawText(QRectF(bar_left + length + metrics.averageCharWidth() / 2, y, value_width, row),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, f"{value:,}")

    def mouseMoveEvent(self, event) -> None:
        index = int(event.position().y() // self._row_height())
        if 0 <= index < len(self._items):
            name, value = self._items[index]
            QToolTip.showText(event.globalPosition().toPoint(), f"{name}: {value:,} plays", self)
        else:
            QToolTip.hideText()
