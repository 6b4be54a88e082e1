"""Scatter views of all artists: the 2-D map of the embedding (``ArtistMap``) and norm vs listeners (``NormPlot``).

Up to ``SCATTER_LIMIT`` points are drawn one by one: a few ScatterPlotItems fed
arrays, never an item per point, one item per ``CHUNK`` points, each filled on
its own turn of the event loop (pyqtgraph spends Python time per point in
``setData``: 18 000 points at once held the GUI thread for ~250 ms).  Beyond
that (160 000 artists at Last.fm-360K size) painting every point took 150-220
ms a frame, too slow to pan: the crowd of "other" artists becomes a density
image instead (points counted per few pixels, one ImageItem, repainted only
when the view leaves what was counted or the zoom changes), with the person's
artists and recommendations still drawn as points on top; zoomed in far enough
that the view holds at most ``DETAIL_LIMIT`` of the crowd, those are drawn as
points again.  Hovering finds the nearest point with a vectorised numpy search
(no scipy here) at most every 30 ms, and shows a label with the artist's name,
listeners and the person's own plays.
"""
from __future__ import annotations

import html

import PySide6.QtWidgets  # noqa: F401  (pyqtgraph must bind to PySide6)
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, QTimer, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from musicrec_gui.core.text import count_text, display_name
from musicrec_gui.ui.widgets.plot_style import (
    PaletteAwareChart,
    muted_colour,
    quiet_plot,
    series_colours,
    style_legend,
    style_plot,
    with_alpha,
)

# Point categories (the ``categories`` array holds these ints).
OTHER, IN_LIBRARY, RECOMMENDED = 0, 1, 2
CATEGORY_NAMES = {IN_LIBRARY: "in {whose} library", RECOMMENDED: "recommended for {whom}", OTHER: "other"}

HOVER_INTERVAL_MS = 30
MIN_POINT_PX, MAX_POINT_PX = 3.0, 12.0
CHUNK = 3000   # points per scatter item, filled one item per event-loop turn
SCATTER_LIMIT = 40_000   # more points than this: the crowd of "other" artists is drawn as a density image
DETAIL_LIMIT = 3_000     # ... except in a view holding at most this many of them: points again
DENSITY_PX = 3           # screen pixels per density cell (a lone artist shows as a small dot)
DENSITY_MARGIN = 1.0     # counted beyond the view, in view sizes each way: a pan shows it at once
DENSITY_MAX_CELLS = 1600  # per axis
RANGE_SETTLE_MS = 60     # the density and detail layers follow the view this long after it moved
_DEPTH = {OTHER: 0.0, RECOMMENDED: 0.001, IN_LIBRARY: 0.002}   # the person's artists on top (marks: 10)


def scaled_sizes(values, low: float = MIN_POINT_PX, high: float = MAX_POINT_PX) -> np.ndarray:
    """Point sizes in pixels from ``values`` (e.g. log listeners), robust to outliers.

    Rounded to half pixels: the scatter item caches one picture per distinct
    (size, colour), so thousands of distinct sizes would defeat the cache.
    """
    values = np.asarray(values, dtype=float)
    if not len(values):
        return values
    lo, hi = np.nanpercentile(values, [1, 99])
    spread = np.clip((values - lo) / ((hi - lo) or 1.0), 0.0, 1.0)
    spread = np.nan_to_num(spread, nan=0.0)
    return np.round((low + (high - low) * spread) * 2) / 2


class PointCloud(PaletteAwareChart):
    """The points (a few scatter items) plus hover label, hover ring, highlight marker and click signal.

    Subclasses turn their inputs into view coordinates and call ``_set_cloud``.
    """

    point_clicked = Signal(int)   # index into the arrays given to set_points
    point_menu_requested = Signal(int, QPoint)   # a right click on a point: its index, where (global)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._x = self._y = np.empty(0)
        self._categories = np.empty(0, dtype=int)
        self._names: list[str] = []
        self._listeners = self._plays = np.empty(0, dtype=np.int64)
        self._sizes = np.empty(0)
        self._hover_index: int | None = None
        self._highlighted: int | None = None
        self.whose, self.whom = "your", "you"     # whose library the colours show ("sam’s", "sam")
        self._crowd = np.empty(0, dtype=np.int64)   # points drawn as density (none below SCATTER_LIMIT)
        self._density_rect: QRectF | None = None    # what the density image counted, in view units
        self._density_cell = (0.0, 0.0)             # its cell size, in view units

        self.plot = pg.PlotWidget(enableMenu=False)   # no context menu (and none built: quicker)
        quiet_plot(self.plot)
        item = self.plot.getPlotItem()
        self.scatters: list[pg.ScatterPlotItem] = []   # one per CHUNK points, in drawing order
        self._pending_chunks: list[tuple] = []
        self._chunk_timer = QTimer(self, singleShot=True, interval=0)
        self._chunk_timer.timeout.connect(self._draw_next_chunk)
        # The crowd of a big cloud: a density image, or its points when few are in view.
        self.density = pg.ImageItem(axisOrder="col-major")
        self.density.setZValue(_DEPTH[OTHER] - 0.001)
        self.detail = pg.ScatterPlotItem(pxMode=True, symbol="o", pen=None)
        self.detail.setZValue(_DEPTH[OTHER])
        for layer in (self.density, self.detail):
            layer.hide()
            item.addItem(layer)
        self._range_timer = QTimer(self, singleShot=True, interval=RANGE_SETTLE_MS)
        self._range_timer.timeout.connect(self._follow_view)
        item.vb.sigRangeChanged.connect(lambda *_: self._range_timer.start() if len(self._crowd) else None)
        # Marks drawn over the cloud: the hovered point and the highlighted one.
        self.hover_ring = pg.ScatterPlotItem(pxMode=True, symbol="o", size=16)
        self.highlight_ring = pg.ScatterPlotItem(pxMode=True, symbol="o", size=22)
        self.hover_label = pg.TextItem(anchor=(0, 1))
        self.highlight_label = pg.TextItem(anchor=(0.5, -0.7))   # centred under the ring
        for mark in (self.highlight_ring, self.hover_ring, self.highlight_label, self.hover_label):
            mark.setZValue(10)
            mark.hide()
            item.addItem(mark, ignoreBounds=True)
        self.hover_label.setZValue(11)

        self.legend = item.addLegend(offset=(10, 10))
        self._legend_samples = {c: pg.ScatterPlotItem(symbol="o", size=9) for c in (IN_LIBRARY, RECOMMENDED, OTHER)}

        # Hover is throttled: remember the latest mouse position, look it up on the timer.
        self._pending_hover: QPointF | None = None
        self._hover_timer = QTimer(self, singleShot=True, interval=HOVER_INTERVAL_MS)
        self._hover_timer.timeout.connect(self._hover_now)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    # -- data -------------------------------------------------------------------------
    def _set_cloud(self, x, y, sizes, categories, names, listeners, your_plays) -> None:
        self._x = np.asarray(x, dtype=float)
        self._y = np.asarray(y, dtype=float)
        count = len(self._x)
        self._sizes = np.broadcast_to(np.asarray(sizes, dtype=float), (count,))
        self._categories = (np.zeros(count, dtype=int) if categories is None
                            else np.asarray(categories, dtype=int))
        self._names = names if isinstance(names, np.ndarray) else list(names)   # (160 000: no copy)
        self._listeners = np.zeros(count, dtype=np.int64) if listeners is None else np.asarray(listeners)
        self._plays = np.zeros(count, dtype=np.int64) if your_plays is None else np.asarray(your_plays)
        self._hover_index = None
        self._highlighted = None
        for mark in (self.hover_ring, self.hover_label, self.highlight_ring, self.highlight_label):
            mark.hide()
        self._draw_points()
        self._update_legend()
        self.reset_view()

    def count(self) -> int:
        return len(self._x)

    def set_owner(self, whose: str, whom: str) -> None:
        """Whose library the colours show: ("your", "you") or ("sam’s", "sam") — legend and hover say so."""
        self.whose, self.whom = whose, whom
        self._update_legend()
        if self._hover_index is not None:
            self.hover_label.setHtml(self._label_html(self.describe(self._hover_index)))

    def name(self, index: int) -> str:
        return self._names[index]

    def drawn(self) -> int:
        """How many points are on screen (the rest are still being handed to the plot)."""
        crowd = len(self._crowd) if self._density_rect is not None or self.detail.isVisible() else 0
        return sum(len(scatter.data) for scatter in self.scatters) + crowd

    def density_shown(self) -> bool:
        """Whether the crowd of other artists is drawn as a density image (a big cloud, zoomed out)."""
        return len(self._crowd) > 0 and self.density.isVisible()

    def _draw_points(self) -> None:
        # The person's artists are handed over first (they are what one looks for) but drawn on top
        # of the crowd (z by category). Each item holds points of one category, so it gets one brush
        # (per-point brushes cost pyqtgraph a Python call per point).
        brushes = self._brushes()
        big = len(self._x) > SCATTER_LIMIT
        self._crowd = np.flatnonzero(self._categories == OTHER) if big else np.empty(0, dtype=np.int64)
        self._density_rect = None
        self.density.hide()
        self.detail.clear()
        self.detail.hide()
        chunks = []
        for category in (IN_LIBRARY, RECOMMENDED) if big else (IN_LIBRARY, RECOMMENDED, OTHER):
            members = np.flatnonzero(self._categories == category)
            chunks += [(category, members[start:start + CHUNK]) for start in range(0, len(members), CHUNK)]
        while len(self.scatters) < len(chunks):
            scatter = pg.ScatterPlotItem(pxMode=True, symbol="o", pen=None)
            self.plot.getPlotItem().addItem(scatter)
            self.scatters.append(scatter)
        for scatter in self.scatters:
            scatter.clear()   # no old points may show beside new ones while the chunks come in
        for scatter, (category, _) in zip(self.scatters, chunks):
            scatter.setZValue(_DEPTH[category])
        self._pending_chunks = [(scatter, self._x[part], self._y[part], self._sizes[part], brushes[category])
                                for scatter, (category, part) in zip(self.scatters, chunks)]
        self._draw_next_chunk()
        if len(self._crowd):
            self._range_timer.start()

    # -- the crowd of a big cloud --------------------------------------------------------
    def _follow_view(self) -> None:
        """The view moved (and settled): the crowd's points when few are in view, else its density."""
        if not len(self._crowd):
            return
        vb = self.plot.getPlotItem().vb
        (left, right), (bottom, top) = vb.viewRange()
        x, y = self._x[self._crowd], self._y[self._crowd]
        inside = self._crowd[(x >= left) & (x <= right) & (y >= bottom) & (y <= top)]
        if len(inside) <= DETAIL_LIMIT:
            self.detail.setData(x=self._x[inside], y=self._y[inside], size=self._sizes[inside],
                                brush=self._brushes()[OTHER], pen=None)
            self.detail.show()
            self.density.hide()
            return
        self.detail.hide()
        self.density.show()
        cell_x, cell_y = self._cell_size(vb, right - left, top - bottom)
        counted = self._density_rect
        if (counted is None or not counted.contains(QRectF(left, bottom, right - left, top - bottom))
                or not 2 / 3 < cell_x / self._density_cell[0] < 3 / 2):
            self._count_density(left, right, bottom, top, cell_x, cell_y)

    @staticmethod
    def _cell_size(vb, width: float, height: float) -> tuple[float, float]:
        """View units per density cell: ``DENSITY_PX`` screen pixels."""
        pixels_x, pixels_y = max(vb.width(), 50.0), max(vb.height(), 50.0)
        return (width or 1.0) / pixels_x * DENSITY_PX, (height or 1.0) / pixels_y * DENSITY_PX

    def _count_density(self, left: float, right: float, bottom: float, top: float, cell_x: float,
                       cell_y: float) -> None:
        """Count the crowd per cell over the view and a margin round it (within the data), and show it."""
        x, y = self._x[self._crowd], self._y[self._crowd]
        finite = np.isfinite(x) & np.isfinite(y)
        x, y = x[finite], y[finite]
        margin_x, margin_y = (right - left) * DENSITY_MARGIN, (top - bottom) * DENSITY_MARGIN
        x0, x1 = max(left - margin_x, x.min(initial=left)), min(right + margin_x, x.max(initial=right))
        y0, y1 = max(bottom - margin_y, y.min(initial=bottom)), min(top + margin_y, y.max(initial=top))
        columns = int(min(DENSITY_MAX_CELLS, max(1, np.ceil((x1 - x0) / cell_x) + 1)))
        rows = int(min(DENSITY_MAX_CELLS, max(1, np.ceil((y1 - y0) / cell_y) + 1)))
        cell_x, cell_y = max((x1 - x0) / (columns - 1 or 1), cell_x), max((y1 - y0) / (rows - 1 or 1), cell_y)
        column = np.floor((x - x0) / cell_x + 0.5).astype(np.int64)
        row = np.floor((y - y0) / cell_y + 0.5).astype(np.int64)
        keep = (column >= 0) & (column < columns) & (row >= 0) & (row < rows)
        counts = np.bincount(column[keep] * rows + row[keep], minlength=columns * rows).reshape(columns, rows)
        colour = muted_colour(self.palette())
        image = np.zeros((columns, rows, 4), dtype=np.uint8)
        image[..., 0], image[..., 1], image[..., 2] = colour.red(), colour.green(), colour.blue()
        # One artist as faint as a lone point of the scatter view; crowded cells up to nearly opaque.
        shade = np.log1p(counts) / np.log1p(max(int(counts.max(initial=1)), 2))
        image[..., 3] = np.where(counts > 0, 255 * (0.35 + 0.65 * shade), 0).astype(np.uint8)
        self.density.setImage(image, autoLevels=False, levels=(0, 255))
        # Cell centres sit on the grid points: the image starts half a cell before x0, y0.
        self._density_rect = QRectF(x0 - cell_x / 2, y0 - cell_y / 2, columns * cell_x, rows * cell_y)
        self.density.setRect(self._density_rect)
        self._density_cell = (cell_x, cell_y)

    def _draw_next_chunk(self) -> None:
        if not self._pending_chunks:
            return
        scatter, x, y, sizes, brush = self._pending_chunks.pop(0)
        scatter.setData(x=x, y=y, size=sizes, brush=brush, pen=None)
        if self._pending_chunks:
            self._chunk_timer.start()

    def _brushes(self) -> list:
        """Brush per category, indexable by the category ints."""
        palette = self.palette()
        colours = series_colours(palette)
        return [pg.mkBrush(with_alpha(muted_colour(palette), 0.35)),   # OTHER
                pg.mkBrush(colours[0]),                                 # IN_LIBRARY
                pg.mkBrush(colours[1])]                                 # RECOMMENDED

    def _update_legend(self) -> None:
        self.legend.clear()
        brushes = self._brushes()
        for category in (IN_LIBRARY, RECOMMENDED, OTHER):
            found = int(np.count_nonzero(self._categories == category))
            if found:
                sample = self._legend_samples[category]
                sample.setBrush(brushes[category])
                sample.setPen(None)
                label = CATEGORY_NAMES[category].format(whose=self.whose, whom=self.whom)
                self.legend.addItem(sample, f"{label} ({found:,})")
        style_legend(self.legend, self.palette(), self.plot.font())

    # -- finding points -----------------------------------------------------------------
    def point_at(self, scene_pos: QPointF, radius_px: float | None = None) -> int | None:
        """The index of the point nearest to ``scene_pos`` within ``radius_px`` screen pixels, else None."""
        vb = self.plot.getPlotItem().vb
        if not len(self._x) or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        if radius_px is None:
            radius_px = self.fontMetrics().height() * 0.6
        here = vb.mapSceneToView(scene_pos)
        pixel_w, pixel_h = vb.viewPixelSize()
        # Distances in screen pixels (the axes may have different scales), vectorised; the
        # box test first keeps the exact distance to the few points near the cursor.
        dx = (self._x - here.x()) / pixel_w
        dy = (self._y - here.y()) / pixel_h
        near = np.flatnonzero((np.abs(dx) <= radius_px) & (np.abs(dy) <= radius_px))
        if not len(near):
            return None
        distance = dx[near] ** 2 + dy[near] ** 2
        best = int(np.argmin(distance))
        return int(near[best]) if distance[best] <= radius_px ** 2 else None

    def describe(self, index: int) -> str:
        """The hover text of a point (HTML)."""
        plays = int(self._plays[index])
        mine = (count_text(plays, f"of {self.whose} plays", f"of {self.whose} plays") if plays
                else f"not in {self.whose} library")
        return (f"<b>{_escape(self._names[index])}</b><br>"
                f"{count_text(int(self._listeners[index]), 'listener')}<br>{mine}")

    def hovered(self) -> int | None:
        return self._hover_index

    def hover_at(self, scene_pos: QPointF) -> int | None:
        """Show the hover label for the point under ``scene_pos`` (what the throttled mouse move does)."""
        index = self.point_at(scene_pos)
        self._hover_index = index
        self.hover_ring.setVisible(index is not None)
        self.hover_label.setVisible(index is not None)
        if index is None:
            return None
        position = QPointF(self._x[index], self._y[index])
        self.hover_ring.setData(pos=[position])
        self.hover_label.setHtml(self._label_html(self.describe(index)))
        self._place_label(self.hover_label, position)
        return index

    def _place_label(self, label: pg.TextItem, position: QPointF) -> None:
        # Open the label towards the middle of the view so it is not cut off at an edge. Anchors
        # a little beyond 0..1 (in label sizes, so zoom-proof) keep it clear of the ring.
        (left, right), (bottom, top) = self.plot.getPlotItem().vb.viewRange()
        anchor_x = 1.06 if position.x() > (left + right) / 2 else -0.06
        anchor_y = -0.15 if position.y() > (bottom + top) / 2 else 1.15
        label.setAnchor((anchor_x, anchor_y))
        label.setPos(position)

    def _label_html(self, body: str) -> str:
        colour = self.palette().color(QPalette.ColorRole.ToolTipText).name()
        return f"<div style='color:{colour}'>{body}</div>"

    # -- highlight --------------------------------------------------------------------------
    def highlight(self, index: int | None, zoom: bool = True) -> None:
        """Mark point ``index`` (None clears) and, with ``zoom``, centre the view on its neighbourhood."""
        self._highlighted = index
        self.highlight_ring.setVisible(index is not None)
        self.highlight_label.setVisible(index is not None)
        if index is None:
            return
        position = QPointF(self._x[index], self._y[index])
        self.highlight_ring.setData(pos=[position])
        self.highlight_label.setHtml(self._label_html(f"<b>{_escape(self._names[index])}</b>"))
        self.highlight_label.setPos(position)
        if zoom:
            # A window a tenth of the whole cloud wide: the point and its neighbours.
            span_x = np.ptp(self._x) * 0.1 or 1.0
            span_y = np.ptp(self._y) * 0.1 or 1.0
            self.plot.getPlotItem().vb.setRange(xRange=(position.x() - span_x / 2, position.x() + span_x / 2),
                                                yRange=(position.y() - span_y / 2, position.y() + span_y / 2),
                                                padding=0)

    def highlighted(self) -> int | None:
        return self._highlighted

    def reset_view(self) -> None:
        """Every point in view (from the data, not the items: those may still be filling)."""
        finite = np.isfinite(self._x) & np.isfinite(self._y)
        if not finite.any():
            return
        x, y = self._x[finite], self._y[finite]
        self.plot.getPlotItem().vb.setRange(xRange=(x.min(), x.max()), yRange=(y.min(), y.max()), padding=0.04)

    # -- events -------------------------------------------------------------------------------
    def _mouse_moved(self, scene_pos) -> None:
        self._pending_hover = QPointF(scene_pos)
        if not self._hover_timer.isActive():
            self._hover_timer.start()

    def _hover_now(self) -> None:
        if self._pending_hover is not None:
            self.hover_at(self._pending_hover)

    def _clicked(self, event) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            index = self.point_at(event.scenePos())
            if index is not None:
                screen = event.screenPos()
                self.point_menu_requested.emit(index, QPoint(round(screen.x()), round(screen.y())))
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        index = self.point_at(event.scenePos())
        if index is not None:
            self.point_clicked.emit(index)

    def leaveEvent(self, event) -> None:
        self._pending_hover = None
        self.hover_ring.hide()
        self.hover_label.hide()
        self._hover_index = None
        super().leaveEvent(event)

    def _styled_axes(self) -> tuple[str, ...]:
        return ("left", "bottom")

    def apply_palette(self) -> None:
        palette = self.palette()
        style_plot(self.plot, palette, axes=self._styled_axes())
        text = palette.color(QPalette.ColorRole.WindowText)
        self.hover_ring.setPen(pg.mkPen(text, width=1.5))
        self.hover_ring.setBrush(pg.mkBrush(None))
        self.highlight_ring.setPen(pg.mkPen(series_colours(palette)[3], width=3))
        self.highlight_ring.setBrush(pg.mkBrush(None))
        tip_fill = pg.mkBrush(with_alpha(palette.color(QPalette.ColorRole.ToolTipBase), 0.92))
        tip_border = pg.mkPen(with_alpha(palette.color(QPalette.ColorRole.ToolTipText), 0.4))
        self._tip_fill, self._tip_border = tip_fill, tip_border
        for label in (self.hover_label, self.highlight_label):
            label.fill, label.border = tip_fill, tip_border
            label.update()
        if len(self._x):
            self._draw_points()
            self._update_legend()
            if self._hover_index is not None:
                self.hover_label.setHtml(self._label_html(self.describe(self._hover_index)))
            if self._highlighted is not None:
                self.highlight(self._highlighted, zoom=False)


class ArtistMap(PointCloud):
    """The 2-D map of the artist embedding; axes are meaningless there, so they are hidden.

    Over the artists it can draw a person's centre of taste year by year (``set_path``) and
    where each person's taste sits today (``set_people``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        item = self.plot.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.setAspectLocked(True)   # distances on the map mean something in every direction
        self.path = pg.PlotDataItem(symbol="o", symbolSize=8)
        self.places = pg.ScatterPlotItem(pxMode=True, symbol="star", size=20)
        for mark in (self.path, self.places):
            mark.setZValue(5)
            item.addItem(mark, ignoreBounds=True)
        self._path: list[tuple[float, float, str]] = []
        self._places: list[tuple[float, float, str]] = []
        self._path_labels: list[pg.TextItem] = []
        self._place_labels: list[pg.TextItem] = []
        self.apply_palette()

    def set_path(self, points: list[tuple[float, float, str]]) -> None:
        """A person's centre of taste, oldest first: (x, y, label such as the year); [] removes it."""
        self._path = list(points)
        self.path.setData([p[0] for p in self._path], [p[1] for p in self._path])
        self.path.setVisible(bool(self._path))
        self._path_labels = self._labels(self._path_labels, self._path, anchor=(0.5, 1.3))

    def set_people(self, places: list[tuple[float, float, str]]) -> None:
        """Where each person's taste sits today: (x, y, name); [] removes them."""
        self._places = list(places)
        self.places.setData(pos=[(p[0], p[1]) for p in self._places])
        self.places.setVisible(bool(self._places))
        self._place_labels = self._labels(self._place_labels, self._places, anchor=(-0.15, 0.5))

    def path_points(self) -> list[tuple[float, float, str]]:
        return list(self._path)

    def people_places(self) -> list[tuple[float, float, str]]:
        return list(self._places)

    def _labels(self, old: list[pg.TextItem], points, anchor) -> list[pg.TextItem]:
        item = self.plot.getPlotItem()
        for label in old:
            item.removeItem(label)
        labels = []
        for x, y, text in points:
            label = pg.TextItem(anchor=anchor)
            label.setHtml(self._label_html(_escape(text)))
            label.fill, label.border = self._tip_fill, self._tip_border
            label.setPos(x, y)
            label.setZValue(6)
            item.addItem(label, ignoreBounds=True)
            labels.append(label)
        return labels

    def apply_palette(self) -> None:
        super().apply_palette()
        if not hasattr(self, "path"):
            return   # the base class styles the cloud first, before the marks exist
        colours = series_colours(self.palette())
        text = self.palette().color(QPalette.ColorRole.WindowText)
        self.path.setPen(pg.mkPen(colours[2], width=2.5))
        self.path.setSymbolBrush(pg.mkBrush(colours[2]))
        self.path.setSymbolPen(pg.mkPen(text, width=1))
        self.places.setBrush(pg.mkBrush(colours[4]))
        self.places.setPen(pg.mkPen(text, width=1))
        self.set_path(self._path)
        self.set_people(self._places)

    def set_points(self, x, y, size_values, categories, names, listeners, your_plays) -> None:
        """All artists at once: coordinates, a size value each (e.g. log listeners), a category
        (OTHER / IN_LIBRARY / RECOMMENDED), name, listener count and the person's plays."""
        self._set_cloud(x, y, scaled_sizes(size_values), categories, names, listeners, your_plays)

    def _styled_axes(self) -> tuple[str, ...]:
        return ()


class NormPlot(PointCloud):
    """Embedding norm against listener count (log x): do popular artists get longer vectors?"""

    POINT_PX = 5.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "listeners")
        item.setLabel("left", "embedding norm")
        item.showGrid(x=True, y=True, alpha=0.15)
        # The points are placed at log10(listeners) by us (a scatter item has no log mode);
        # the axis only labels the ticks as powers of ten.
        item.getAxis("bottom").setLogMode(True)
        self._norms = np.empty(0)
        self.apply_palette()

    def set_points(self, listeners, norms, categories, names, your_plays) -> None:
        listeners = np.asarray(listeners)
        self._norms = np.asarray(norms, dtype=float)
        x = np.log10(np.maximum(listeners, 1))
        self._set_cloud(x, self._norms, self.POINT_PX, categories, names, listeners, your_plays)

    def describe(self, index: int) -> str:
        return f"{super().describe(index)}<br>norm {self._norms[index]:.3f}"


def _escape(text: str) -> str:
    """Artist names go into HTML labels: shown as read (no junk characters), never read as markup."""
    return html.escape(display_name(text))
