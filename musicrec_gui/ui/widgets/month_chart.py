"""Listens per month as a bar chart (pyqtgraph), in the colours of the current palette."""
from __future__ import annotations

import calendar
from datetime import datetime, timezone

import PySide6.QtWidgets  # noqa: F401  (pyqtgraph must bind to PySide6)
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QStackedLayout, QToolTip, QWidget

from musicrec_gui.ui.widgets.plot_style import PaletteAwareChart
from musicrec_gui.ui.widgets.text import secondary

_DAY = 86400


def month_start(month: str) -> float:
    """Unix time (UTC) of the first day of ``"YYYY-MM"``."""
    year, number = map(int, month.split("-"))
    return calendar.timegm((year, number, 1, 0, 0, 0))


class MonthChart(PaletteAwareChart):
    """Bars of listens per month; the bar item is made once and given new data on refresh."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._months: list[tuple[str, int]] = []
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=0)})
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.hideButtons()
        self.plot.getPlotItem().setLabel("left", "listens")
        self.bars = pg.BarGraphItem(x=[], height=[], width=1)
        self.plot.addItem(self.bars)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.empty = QLabel("No dated listens yet", alignment=Qt.AlignmentFlag.AlignCenter)
        secondary(self.empty)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.plot)
        self._stack.addWidget(self.empty)
        self.apply_palette()

    def set_months(self, months: list[tuple[str, int]]) -> None:
        self._months = list(months)
        if not months:
            self._stack.setCurrentWidget(self.empty)
            return
        self._stack.setCurrentWidget(self.plot)
        xs = [month_start(m) + 15 * _DAY for m, _ in months]   # bar centred in its month
        heights = [count for _, count in months]
        self.bars.setOpts(x=xs, height=heights, width=26 * _DAY)
        self.plot.setXRange(xs[0] - 20 * _DAY, xs[-1] + 20 * _DAY, padding=0)
        self.plot.setYRange(0, max(heights) * 1.05 or 1, padding=0)

    def months(self) -> list[tuple[str, int]]:
        return list(self._months)

    def apply_palette(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        self.plot.setBackground(palette.color(QPalette.ColorRole.Base))
        for name in ("left", "bottom"):
            axis = self.plot.getPlotItem().getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))
        colour = palette.color(QPalette.ColorRole.Highlight)
        self.bars.setOpts(brush=pg.mkBrush(colour), pen=pg.mkPen(colour))

    def _hover(self, scene_pos) -> None:
        if not self._months or not self.plot.sceneBoundingRect().contains(scene_pos):
            return
        x = self.plot.getPlotItem().vb.mapSceneToView(scene_pos).x()
        when = datetime.fromtimestamp(max(0.0, x), tz=timezone.utc).strftime("%Y-%m")
        counts = dict(self._months)
        if when in counts:
            QToolTip.showText(self.plot.mapToGlobal(self.plot.mapFromScene(scene_pos)),
                              f"{when}: {counts[when]:,} listens", self.plot)
