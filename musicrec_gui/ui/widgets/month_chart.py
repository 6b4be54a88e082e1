"""Listens per month as a bar chart (pyqtgraph), in the colours of the current palette.

One bar per month, placed at the month's position in the list; the axis
labels months under their bars with the year ("Mar 2021"), or only the years
when there are too many months for that, and never more labels than fit the
width.  Hovering a bar tells its month and count.
"""
from __future__ import annotations

import calendar

import PySide6.QtWidgets  # noqa: F401  (pyqtgraph must bind to PySide6)
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedLayout, QToolTip, QWidget

from musicrec_gui.core.text import count_text
from musicrec_gui.ui.widgets.plot_style import PaletteAwareChart, style_plot
from musicrec_gui.ui.widgets.text import secondary

STEPS = (1, 2, 3, 4, 6, 12, 24, 60, 120)   # months between labels
BAR_WIDTH = 0.85


def month_label(month: str, with_month: bool = True) -> str:
    """``"2021-03"`` → ``"Mar 2021"`` (or ``"2021"``)."""
    year, number = month.split("-")
    return f"{calendar.month_abbr[int(number)]} {year}" if with_month else year


def month_ticks(months: list[str], most: int) -> list[tuple[float, str]]:
    """Positions and labels for at most ``most`` labels: every n-th month with its year, or, when the
    months are too many, January of every n-th year."""
    most = max(1, most)
    for step in STEPS:
        if step < 12:
            labelled = [(float(i), month_label(m)) for i, m in enumerate(months) if i % step == 0]
        else:
            years = step // 12
            labelled = [(float(i), month_label(m, with_month=False)) for i, m in enumerate(months)
                        if (m.endswith("-01") or i == 0) and int(m[:4]) % years == 0]
        if len(labelled) <= most:
            return labelled
    return labelled[:: -(-len(labelled) // most)]


class MonthChart(PaletteAwareChart):
    """Bars of listens per month; the bar item is made once and given new data on refresh."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._months: list[tuple[str, int]] = []
        self.plot = pg.PlotWidget(enableMenu=False)
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.hideButtons()
        self.plot.getPlotItem().setLabel("left", "listens")
        # The labels are spaced here (``month_ticks``); pyqtgraph would hide the first and last when
        # they reach past the axis ends, leaving one label under seven bars.
        self.plot.getAxis("bottom").setStyle(hideOverlappingLabels=False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self.plot.addItem(self.bars)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.plot.getPlotItem().vb.sigResized.connect(self._label_axis)
        self.empty = secondary(QLabel("No dated listens yet", alignment=Qt.AlignmentFlag.AlignCenter))
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
        heights = [count for _, count in months]
        self.bars.setOpts(x=list(range(len(months))), height=heights, width=BAR_WIDTH)
        self.plot.setXRange(-0.6, len(months) - 0.4, padding=0)
        self.plot.setYRange(0, max(heights) * 1.05 or 1, padding=0)
        self._label_axis()

    def months(self) -> list[tuple[str, int]]:
        return list(self._months)

    def tick_labels(self) -> list[str]:
        """The month labels under the bars (what a reader sees on the axis)."""
        ticks = self.plot.getAxis("bottom")._tickLevels
        return [label for _, label in ticks[0]] if ticks else []

    def _label_axis(self) -> None:
        if not self._months:
            return
        room = self.fontMetrics().horizontalAdvance("Sep 2020") * 1.6
        most = int(self.plot.getPlotItem().vb.width() // room) or 1
        self.plot.getAxis("bottom").setTicks([month_ticks([m for m, _ in self._months], most), []])

    def apply_palette(self) -> None:
        palette = self.palette()
        style_plot(self.plot, palette)
        colour = palette.color(palette.ColorRole.Highlight)
        self.bars.setOpts(brush=pg.mkBrush(colour), pen=pg.mkPen(colour))

    def _hover(self, scene_pos) -> None:
        if not self._months or not self.plot.sceneBoundingRect().contains(scene_pos):
            return
        index = round(self.plot.getPlotItem().vb.mapSceneToView(scene_pos).x())
        if 0 <= index < len(self._months):
            month, count = self._months[index]
            QToolTip.showText(self.plot.mapToGlobal(self.plot.mapFromScene(scene_pos)),
                              f"{month_label(month)}: {count_text(count, 'listen')}", self.plot)
