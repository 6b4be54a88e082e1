"""The learning-rate finder's result: loss against learning rate (log x), with the suggested rate marked.

The person can overrule the suggestion by clicking the plot (or dragging the
"chosen" line): the rate picked is snapped to the nearest rate the finder
actually tried, and announced with ``rate_chosen``.  The x axis is labelled at
powers of ten only (``1e-4``), a legend tells the raw loss of each step from
its smoothed curve, and the two rate labels sit in the empty band at the top
of the plot (the view stops a little above the starting loss), one on each
side of its line.
"""
from __future__ import annotations

import math

import PySide6.QtWidgets  # noqa: F401  (pyqtgraph must bind to PySide6)
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QStyle, QWidget

from musicrec_gui.ui.widgets.plot_style import (
    PaletteAwareChart,
    decade_ticks,
    quiet_plot,
    series_colours,
    style_plot,
    with_alpha,
)


def rate_text(rate: float) -> str:
    """A learning rate as people write it: ``3.2e-3``."""
    mantissa, exponent = f"{rate:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _power_of_ten(exponent: int) -> str:
    """A tick label as rates are written: ``1e-4``, ``0.1`` is ``1e-1``, then ``1``, ``10``."""
    return f"1e{exponent}" if exponent < 0 else f"{10 ** exponent:g}"


class LrFinderPlot(PaletteAwareChart):
    """Smoothed (bold) and raw (faint) loss per learning rate; suggestion line; click to choose."""

    rate_chosen = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lrs = np.empty(0)
        self._chosen: float | None = None
        self._suggestion: float | None = None

        self.plot = pg.PlotWidget(enableMenu=False)   # no context menu (and none built: quicker)
        quiet_plot(self.plot)
        self.plot.setMouseEnabled(x=False, y=False)   # a click picks a rate; no panning to get lost in
        self.plot.setToolTip("Click to choose a learning rate")
        item = self.plot.getPlotItem()
        item.setLogMode(x=True)
        item.setLabel("bottom", "learning rate")
        item.setLabel("left", "loss")
        item.showGrid(x=True, y=True, alpha=0.15)
        self.legend = item.addLegend(offset=(10, 10))   # top left: above the flat start of the curve
        self.raw_curve = item.plot(name="loss of each step")
        self.smooth_curve = item.plot(name="smoothed")
        # Lines sit in view coordinates, which on a log axis are log10(rate). Their labels sit near
        # the top, suggestion left of its line and choice right of its own, so neither covers the
        # curve nor the other.
        self.suggestion_line = pg.InfiniteLine(angle=90, movable=False, label="",
                                               labelOpts={"position": 0.96, "anchors": [(1, 0), (1, 0)]})
        self.chosen_line = pg.InfiniteLine(angle=90, movable=True, label="",
                                           labelOpts={"position": 0.96, "anchors": [(0, 0), (0, 0)]})
        self.chosen_line.sigPositionChangeFinished.connect(self._line_dragged)
        for line in (self.suggestion_line, self.chosen_line):
            line.hide()
            item.addItem(line, ignoreBounds=True)
        self.plot.scene().sigMouseClicked.connect(self._clicked)

        # The warning floats over the top of the plot: same grid cell, added last, so it is on top.
        self.warning = QFrame()
        self.warning.setFrameShape(QFrame.Shape.StyledPanel)
        self.warning.setAutoFillBackground(True)
        self.warning.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.warning.setForegroundRole(QPalette.ColorRole.ToolTipText)
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        self.warning_text = QLabel(wordWrap=True)
        self.warning_text.setForegroundRole(QPalette.ColorRole.ToolTipText)
        row = QHBoxLayout(self.warning)
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.warning_text, 1)
        self.warning.setMaximumWidth(self.fontMetrics().averageCharWidth() * 70)
        self.warning.hide()

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 0, 0)
        layout.addWidget(self.warning, 0, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.apply_palette()

    # -- data -------------------------------------------------------------------------
    def set_curve(self, lrs, raw, smoothed, suggestion: float | None = None, warning: str | None = None) -> None:
        """Show a finder run. ``lrs`` ascending and > 0; ``warning`` (e.g. "too flat to trust") overlays the plot."""
        self._lrs = np.asarray(lrs, dtype=float)
        raw = np.asarray(raw, dtype=float)
        smoothed = np.asarray(smoothed, dtype=float)
        self.raw_curve.setData(self._lrs, raw)
        self.smooth_curve.setData(self._lrs, smoothed)
        if len(self._lrs):
            decade_ticks(self.plot.getAxis("bottom"), self._lrs[0], self._lrs[-1], label=_power_of_ten)
        self._suggestion = suggestion
        # Shown before the label text is set: a hidden line's label ignores new text.
        self.suggestion_line.setVisible(suggestion is not None)
        if suggestion is not None:
            self.suggestion_line.setValue(math.log10(suggestion))
            self.suggestion_line.label.setFormat(f"suggested {rate_text(suggestion)}")
        self.warning_text.setText(warning or "")
        self.warning.setVisible(bool(warning))
        if len(self._lrs):
            self.chosen_line.setBounds((math.log10(self._lrs[0]), math.log10(self._lrs[-1])))
        self._chosen = None
        self.chosen_line.hide()
        self._fit_y(smoothed)

    def clear(self) -> None:
        self.set_curve([], [], [])

    def suggestion(self) -> float | None:
        return self._suggestion

    def chosen_rate(self) -> float | None:
        """The rate the person picked, or None while they have not."""
        return self._chosen

    def set_chosen(self, rate: float | None) -> None:
        """Show ``rate`` as the chosen one (e.g. restored from settings) without emitting ``rate_chosen``."""
        self._chosen = rate
        self.chosen_line.setVisible(rate is not None)
        if rate is not None:
            self.chosen_line.setValue(math.log10(rate))
            self.chosen_line.label.setFormat(f"chosen {rate_text(rate)}")

    def choose_at_scene(self, scene_pos: QPointF) -> float | None:
        """Pick the tried rate nearest to a point of the scene (what a click does); emits ``rate_chosen``."""
        if not len(self._lrs):
            return None
        view_x = self.plot.getPlotItem().vb.mapSceneToView(scene_pos).x()
        return self._choose(view_x)

    def _choose(self, log_rate: float) -> float:
        # Snap to the nearest rate the finder tried, measured on the log scale.
        nearest = int(np.argmin(np.abs(np.log10(self._lrs) - log_rate)))
        rate = float(self._lrs[nearest])
        self.set_chosen(rate)
        self.rate_chosen.emit(rate)
        return rate

    def _clicked(self, event) -> None:
        vb = self.plot.getPlotItem().vb
        if event.button() == Qt.MouseButton.LeftButton and vb.sceneBoundingRect().contains(event.scenePos()):
            self.choose_at_scene(event.scenePos())

    def _line_dragged(self, line) -> None:
        if len(self._lrs):
            self._choose(line.value())

    def _fit_y(self, smoothed: np.ndarray) -> None:
        # A finder run ends with the loss shooting up; fitting everything would flatten the
        # interesting dip. Show from the lowest loss to a bit above the starting loss.
        finite = smoothed[np.isfinite(smoothed)]
        if len(finite) < 2 or finite[0] <= finite.min():
            self.plot.getPlotItem().enableAutoRange(y=True)
            return
        low, start = float(finite.min()), float(finite[0])
        span = start - low
        self.plot.setYRange(low - 0.1 * span, start + 0.5 * span, padding=0)

    # -- looks ------------------------------------------------------------------------
    def apply_palette(self) -> None:
        palette = self.palette()
        style_plot(self.plot, palette)
        loss, suggested = series_colours(palette)[:2]
        text = palette.color(QPalette.ColorRole.WindowText)
        self.raw_curve.setPen(pg.mkPen(with_alpha(loss, 0.3), width=1))
        self.smooth_curve.setPen(pg.mkPen(loss, width=2.5))
        self.suggestion_line.setPen(pg.mkPen(suggested, width=2, style=Qt.PenStyle.DashLine))
        self.suggestion_line.label.setColor(suggested)
        self.chosen_line.setPen(pg.mkPen(text, width=2))
        self.chosen_line.setHoverPen(pg.mkPen(text, width=4))
        self.chosen_line.label.setColor(text)
        backing = pg.mkBrush(with_alpha(palette.color(QPalette.ColorRole.Base), 0.8))   # readable over curves
        self.chosen_line.label.fill = backing
        self.suggestion_line.label.fill = backing
