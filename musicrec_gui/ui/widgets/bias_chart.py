"""Artist biases as horizontal bars: the N largest (or the N smallest), names on the left, largest on top.

A bias is the model's popularity term: positive for artists everyone plays,
negative for ones it pushes down. Bars grow right from 0 for positive and
left for negative values, in two palette colours.  A click on a bar names its
artist (``artist_clicked``); a right click asks for its menu (``artist_menu_requested``).
"""
from __future__ import annotations

import PySide6.QtWidgets  # noqa: F401  (pyqtgraph must bind to PySide6)
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from musicrec_gui.ui.widgets.plot_style import (
    PaletteAwareChart,
    quiet_plot,
    series_colours,
    style_plot,
    text_colour,
    with_alpha,
)

_BAR_HEIGHT = 0.7
_NAME_CHARS = 20   # names longer than about this are elided on the axis (full name on hover)


class BiasBars(PaletteAwareChart):
    """``set_biases(names, values)``; ``end="bottom"`` shows the most negative instead of the largest."""

    artist_clicked = Signal(str)
    artist_menu_requested = Signal(str, QPoint)   # a right click on a bar: its artist, where (global)

    def __init__(self, top_n: int = 30, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.top_n = top_n
        self._shown: list[tuple[str, float]] = []   # top to bottom
        self.plot = pg.PlotWidget(enableMenu=False)   # no context menu (and none built: quicker)
        quiet_plot(self.plot)
        self.plot.setMouseEnabled(x=False, y=False)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "bias")
        item.showGrid(x=True, alpha=0.15)
        air = self.fontMetrics().averageCharWidth()   # keep the names off the widget's edge
        item.setContentsMargins(air, air // 2, air, air // 2)
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=_BAR_HEIGHT)
        item.addItem(self.bars)
        self.zero_line = pg.InfiniteLine(0, angle=90)
        item.addItem(self.zero_line, ignoreBounds=True)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.apply_palette()

    def set_biases(self, names: list[str], values, end: str = "top") -> None:
        """Show the ``top_n`` largest (``end="top"``) or smallest (``end="bottom"``) of ``values``."""
        values = np.asarray(values, dtype=float)
        order = np.argsort(-values, kind="stable")   # largest first
        picked = order[:self.top_n] if end == "top" else order[-self.top_n:]
        self._shown = [(names[i], float(values[i])) for i in picked]
        self._redraw()

    def shown(self) -> list[tuple[str, float]]:
        """(name, bias) as drawn, top to bottom."""
        return list(self._shown)

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 70, self._row_height() * (self.top_n + 3))

    def minimumSizeHint(self) -> QSize:
        # Every name needs its own line of text, or the axis labels overlap.
        rows = max(len(self._shown), 5)
        return QSize(self.fontMetrics().averageCharWidth() * 28, self._row_height() * (rows + 3))

    def _row_height(self) -> int:
        return round(self.fontMetrics().height() * 1.15)

    def _redraw(self) -> None:
        count = len(self._shown)
        values = np.array([v for _, v in self._shown], dtype=float)
        rows = np.arange(count)[::-1]   # first (largest) at the top
        self.bars.setOpts(x0=np.minimum(values, 0), width=np.abs(values), y=rows, height=_BAR_HEIGHT,
                          brushes=self._brushes(values))
        metrics = self.fontMetrics()
        width = metrics.averageCharWidth() * _NAME_CHARS
        ticks = [(row, metrics.elidedText(name, Qt.TextElideMode.ElideRight, width))
                 for row, (name, _) in zip(rows, self._shown)]
        self.plot.getAxis("left").setTicks([ticks])
        self.plot.setYRange(-0.6, count - 0.4, padding=0)
        if count:
            low, high = min(values.min(), 0.0), max(values.max(), 0.0)
            span = (high - low) or 1.0
            self.plot.setXRange(low - 0.03 * span, high + 0.03 * span, padding=0)
        self.updateGeometry()

    def _brushes(self, values: np.ndarray) -> list:
        positive, negative = series_colours(self.palette())[:2]
        return [pg.mkBrush(positive if v >= 0 else negative) for v in values]

    def _index_at(self, scene_pos) -> int | None:
        vb = self.plot.getPlotItem().vb
        if not self._shown or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        row = round(vb.mapSceneToView(scene_pos).y())
        index = len(self._shown) - 1 - row
        return index if 0 <= index < len(self._shown) else None

    def _hover(self, scene_pos) -> None:
        index = self._index_at(scene_pos)
        if index is None:
            QToolTip.hideText()
            return
        name, value = self._shown[index]
        QToolTip.showText(self.plot.mapToGlobal(self.plot.mapFromScene(scene_pos)),
                          f"{name}: bias {value:+.3f}", self.plot)

    def _clicked(self, event) -> None:
        index = self._index_at(event.scenePos())
        if index is None:
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.artist_clicked.emit(self._shown[index][0])
        elif event.button() == Qt.MouseButton.RightButton:
            self.artist_menu_requested.emit(self._shown[index][0], event.screenPos().toPoint())

    def apply_palette(self) -> None:
        palette = self.palette()
        style_plot(self.plot, palette)
        self.zero_line.setPen(pg.mkPen(with_alpha(text_colour(palette), 0.6)))
        self.bars.setOpts(pen=pg.mkPen(None))
        self._redraw()
