"""The listening clock: listens per weekday (rows, Monday first) and hour (columns) as a heat map.

Painted by hand (no plot): it follows the font size and the palette (cells
blend from the base colour to the highlight colour, so it reads in light and
dark mode), and it renders straight into a picture for the year-in-review
export.  Hovering a cell tells its weekday, hour and count.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from musicrec_gui.core.history import WEEKDAYS
from musicrec_gui.core.text import count_text

HOURS = 24
HOUR_LABELS = range(0, HOURS, 3)


def blend(low: QColor, high: QColor, share: float) -> QColor:
    """``low`` moved ``share`` (0…1) of the way to ``high``."""
    share = min(1.0, max(0.0, share))
    return QColor.fromRgbF(*(a + (b - a) * share for a, b in zip(low.getRgbF()[:3], high.getRgbF()[:3])))


class ListeningClock(QWidget):
    """``set_clock(rows)``: 7 rows (Monday first) of 24 counts (hour 0 first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock: list[list[int]] = [[0] * HOURS for _ in WEEKDAYS]
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_clock(self, clock) -> None:
        self._clock = [list(map(int, day)) for day in clock]
        self.update()

    def clock(self) -> list[list[int]]:
        return [list(day) for day in self._clock]

    def _label_width(self) -> int:
        return max(self.fontMetrics().horizontalAdvance(day[:3]) for day in WEEKDAYS) + \
            self.fontMetrics().averageCharWidth()

    def _grid(self) -> QRectF:
        """Where the cells go: right of the weekday names, under the hour labels."""
        top = self.fontMetrics().height() + 2
        left = self._label_width()
        return QRectF(left, top, max(1, self.width() - left - 1), max(1, self.height() - top - 1))

    def sizeHint(self) -> QSize:
        cell = self.fontMetrics().height()
        return QSize(self._label_width() + HOURS * cell, (len(WEEKDAYS) * 13 // 10 + 1) * cell + 4)

    def minimumSizeHint(self) -> QSize:
        cell = self.fontMetrics().height()
        return QSize(self._label_width() + HOURS * cell * 2 // 3, (len(WEEKDAYS) + 1) * cell * 3 // 4)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        palette = self.palette()
        grid = self._grid()
        cell_w, cell_h = grid.width() / HOURS, grid.height() / len(WEEKDAYS)
        text = palette.color(QPalette.ColorRole.WindowText)
        low, high = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Highlight)
        most = max(1, max(max(day) for day in self._clock))
        painter.setPen(text)
        for hour in HOUR_LABELS:
            painter.drawText(QRectF(grid.left() + hour * cell_w, 0, cell_w * 3, grid.top()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, f"{hour:02d}")
        for row, day in enumerate(WEEKDAYS):
            y = grid.top() + row * cell_h
            painter.setPen(text)
            painter.drawText(QRectF(0, y, grid.left(), cell_h), Qt.AlignmentFlag.AlignVCenter, day[:3])
            painter.setPen(Qt.PenStyle.NoPen)
            for hour in range(HOURS):
                count = self._clock[row][hour]
                # A square root spreads the few busy hours from the many quiet ones.
                painter.setBrush(blend(low, high, (count / most) ** 0.5 if count else 0.0))
                painter.drawRect(QRectF(grid.left() + hour * cell_w + 1, y + 1, cell_w - 2, cell_h - 2))
        painter.setPen(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(grid)

    def busiest(self) -> tuple[str, int, int] | None:
        """(weekday, hour, listens) of the busiest hour of the week, None without listens."""
        count, row, hour = max((count, row, hour) for row, day in enumerate(self._clock)
                               for hour, count in enumerate(day))
        return (WEEKDAYS[row], hour, count) if count else None

    def summary(self) -> str:
        """The busiest hour in words, and how to read the colours."""
        found = self.busiest()
        if found is None:
            return "No dated listens."
        day, hour, count = found
        return (f"Busiest: {day}s {hour:02d}:00–{hour:02d}:59 ({count_text(count, 'listen')}). "
                "The stronger the colour, the more listens.")

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        grid = self._grid()
        if not grid.contains(x, y):
            return None
        hour = int((x - grid.left()) / (grid.width() / HOURS))
        row = int((y - grid.top()) / (grid.height() / len(WEEKDAYS)))
        return (row, hour) if 0 <= row < len(WEEKDAYS) and 0 <= hour < HOURS else None

    def mouseMoveEvent(self, event) -> None:
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is None:
            QToolTip.hideText()
            return
        row, hour = cell
        QToolTip.showText(event.globalPosition().toPoint(),
                          f"{WEEKDAYS[row]} {hour:02d}:00–{hour:02d}:59: "
                          f"{count_text(self._clock[row][hour], 'listen')}", self)
