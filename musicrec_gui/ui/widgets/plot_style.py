"""Palette-aware colours and styling for the pyqtgraph plots, so they read well in light and dark mode.

pyqtgraph draws with its own global colours (black background, grey axes);
the plots here take theirs from the widget's QPalette instead and are
restyled when the palette changes: every chart is a ``PaletteAwareChart``,
whose ``apply_palette`` runs when the system palette or font changes.
"""
from __future__ import annotations

import PySide6.QtWidgets  # noqa: F401  (pyqtgraph must bind to PySide6)
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QWidget

_RESTYLE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.FontChange)

# Hues (degrees) of the extra series colours after the palette's Highlight:
# orange, green, purple, red: far apart and distinguishable by most colour-blind people.
_HUES = (28, 150, 280, 355)


def is_dark(palette: QPalette) -> bool:
    """Whether plots are drawn on a dark background."""
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def series_colours(palette: QPalette) -> list[QColor]:
    """Categorical colours that stand out on the palette's Base colour; the first is Highlight."""
    # Same hues in both modes; only the lightness moves so the contrast with the background holds.
    lightness = 170 if is_dark(palette) else 100
    return [QColor(palette.color(QPalette.ColorRole.Highlight))] + [
        QColor.fromHsl(hue, 190, lightness) for hue in _HUES]


def with_alpha(colour: QColor, alpha: float) -> QColor:
    """A copy of ``colour`` with opacity ``alpha`` (0..1)."""
    faded = QColor(colour)
    faded.setAlphaF(alpha)
    return faded


def text_colour(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.WindowText)


def muted_colour(palette: QPalette) -> QColor:
    """For secondary marks (pending slots, "other" points): the disabled text colour."""
    return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)


def point_size_text(font: QFont) -> str:
    """The font's size as CSS (``"10.0pt"``), for pyqtgraph items that take HTML sizes."""
    size = font.pointSizeF()
    return f"{size:.1f}pt" if size > 0 else f"{font.pixelSize()}px"


def style_plot(canvas, palette: QPalette, axes=("left", "bottom"), item: pg.PlotItem | None = None,
               legend: pg.LegendItem | None = None) -> None:
    """Background, axis lines, tick text, axis labels and legend text in the palette's colours.

    ``canvas`` is the PlotWidget (or GraphicsLayoutWidget, then give ``item``);
    ``legend`` defaults to the plot item's own legend.
    """
    text = text_colour(palette)
    canvas.setBackground(palette.color(QPalette.ColorRole.Base))
    item = item or canvas.getPlotItem()
    for name in axes:
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(with_alpha(text, 0.6)))
        axis.setTextPen(pg.mkPen(text))   # also colours the axis label
        # Plain numbers: "0.45", not "450" and "(x0.001)" in the label. (pyqtgraph 0.14 still
        # computes a scale when switching this off, so first allow scaling in no range at all.)
        axis.setSIPrefixEnableRanges(())
        axis.enableAutoSIPrefix(False)
    legend = legend or item.legend
    if legend is not None:
        style_legend(legend, palette, canvas.font())


def style_legend(legend: pg.LegendItem, palette: QPalette, font: QFont) -> None:
    text = text_colour(palette)
    legend.setBrush(pg.mkBrush(with_alpha(palette.color(QPalette.ColorRole.Base), 0.85)))
    legend.setPen(pg.mkPen(with_alpha(text, 0.3)))
    size = point_size_text(font)
    legend.setLabelTextColor(text)
    legend.setLabelTextSize(size)
    for _, label in legend.items:
        label.setText(label.text, color=text, size=size)   # setAttr alone does not redraw the label


def quiet_plot(plot: pg.PlotWidget) -> None:
    """No context menu and no "A" auto-range button: the charts here are not a plotting tool."""
    plot.setMenuEnabled(False)
    plot.hideButtons()


class PaletteAwareChart(QWidget):
    """A chart drawn in the palette's colours: ``apply_palette`` restyles it when the system
    switches between light and dark (or the font changes).  Subclasses call it once when built."""

    def apply_palette(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event) -> None:
        if event.type() in _RESTYLE_EVENTS:
            self.apply_palette()
        super().changeEvent(event)


def decade_ticks(axis: pg.AxisItem, low: float, high: float, label=lambda exponent: f"{10.0 ** exponent:,g}") -> None:
    """Label a log axis at whole powers of ten only (``low``…``high`` are values, not exponents), with
    unlabelled minor ticks between: pyqtgraph labels the minor ticks of a log axis too, and they
    run into each other."""
    first = int(np.floor(np.log10(max(low, 1e-300))))
    last = int(np.ceil(np.log10(max(high, low, 1e-300))))
    decades = range(first, last + 1)
    major = [(float(d), label(d)) for d in decades]
    minor = [(d + np.log10(m), "") for d in decades for m in range(2, 10)]
    axis.setTicks([major, minor])
