"""The embedding-size search as it runs: one bar per size, filled in as each size finishes.

Sizes still to be tried show as empty dashed slots, so the person sees how
much of the search is left; the best size so far is drawn in the highlight
colour with its value in bold.
"""
from __future__ import annotations

import PySide6.QtWidgets  # noqa: F401  (pyqtgraph must bind to PySide6)
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from musicrec_gui.ui.widgets.plot_style import (
    PaletteAwareChart,
    muted_colour,
    quiet_plot,
    series_colours,
    style_plot,
    text_colour,
    with_alpha,
)

_BAR_WIDTH = 0.6


class DimSearchChart(PaletteAwareChart):
    """Bars of a validation metric per embedding size; ``metric`` names the y axis."""

    def __init__(self, metric: str = "Recall@20", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sizes: list[int] = []
        self._results: dict[int, float] = {}
        self._best: int | None = None
        self.plot = pg.PlotWidget(enableMenu=False)   # no context menu (and none built: quicker)
        quiet_plot(self.plot)
        self.plot.setMouseEnabled(x=False, y=False)
        item = self.plot.getPlotItem()
        item.setLabel("left", metric)
        item.setLabel("bottom", "embedding size")
        item.showGrid(y=True, alpha=0.15)
        self.pending_bars = pg.BarGraphItem(x=[], height=[], width=_BAR_WIDTH)
        self.done_bars = pg.BarGraphItem(x=[], height=[], width=_BAR_WIDTH)
        item.addItem(self.pending_bars)
        item.addItem(self.done_bars)
        self._labels: list[pg.TextItem] = []   # one value label per slot; a handful, so items are fine
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.apply_palette()

    def set_sizes(self, sizes: list[int]) -> None:
        """The sizes the search will try, in the order to show them; forgets earlier results."""
        self._sizes = list(sizes)
        self._results = {}
        self._best = None
        self._make_slots()

    def set_result(self, size: int, value: float) -> None:
        """``size`` finished with ``value``; a size not announced by ``set_sizes`` gets a new slot."""
        if size not in self._sizes:
            self._sizes = sorted([*self._sizes, size])
            self._make_slots()
        self._results[size] = float(value)
        self._redraw()

    def set_best(self, size: int | None) -> None:
        self._best = size
        self._redraw()

    def results(self) -> dict[int, float]:
        return dict(self._results)

    def best(self) -> int | None:
        return self._best

    def clear(self) -> None:
        self.set_sizes([])

    # -- drawing ----------------------------------------------------------------------
    def _make_slots(self) -> None:
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        for _ in self._sizes:
            label = pg.TextItem(anchor=(0.5, 1.0))
            self.plot.addItem(label)
            self._labels.append(label)
        self.plot.getAxis("bottom").setTicks([[(i, str(size)) for i, size in enumerate(self._sizes)]])
        self._redraw()

    def _top(self) -> float:
        top = max(self._results.values(), default=0.0)
        return top * 1.2 if top > 0 else 1.0   # room above the bars for their labels

    def _redraw(self) -> None:
        palette = self.palette()
        top = self._top()
        done = [i for i, size in enumerate(self._sizes) if size in self._results]
        pending = [i for i, size in enumerate(self._sizes) if size not in self._results]
        # Pending slots are empty dashed columns reaching most of the way up.
        self.pending_bars.setOpts(x=pending, height=[top * 0.9] * len(pending), width=_BAR_WIDTH)
        bar, best = with_alpha(series_colours(palette)[0], 0.45), series_colours(palette)[0]
        heights = [self._results[self._sizes[i]] for i in done]
        brushes = [pg.mkBrush(best if self._sizes[i] == self._best else bar) for i in done]
        self.done_bars.setOpts(x=done, height=heights, width=_BAR_WIDTH, brushes=brushes,
                               pen=pg.mkPen(None))
        text = text_colour(palette)
        for i, (size, label) in enumerate(zip(self._sizes, self._labels)):
            value = self._results.get(size)
            label.setVisible(value is not None)
            if value is not None:
                weight = "bold" if size == self._best else "normal"
                label.setHtml(f"<span style='color:{text.name()}; font-weight:{weight}'>{value:.3f}</span>")
                label.setPos(i, value)
        self.plot.setYRange(0, top, padding=0)
        self.plot.setXRange(-0.6, max(len(self._sizes), 1) - 0.4, padding=0)

    def apply_palette(self) -> None:
        palette = self.palette()
        style_plot(self.plot, palette)
        muted = muted_colour(palette)
        self.pending_bars.setOpts(brush=pg.mkBrush(with_alpha(muted, 0.08)),
                                  pen=pg.mkPen(muted, style=Qt.PenStyle.DashLine))
        self._redraw()
