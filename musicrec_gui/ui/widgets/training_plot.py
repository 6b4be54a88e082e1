"""Live training curves: batch loss, epoch train/validation loss and validation recall on a right axis.

Training reports a loss per batch (thousands of events); redrawing a plot per
event would starve the GUI. So points go into growable numpy buffers and a
timer hands them to the curves at most 20 times a second, only when something
changed. The curves are created once and only ever get new data.
"""
from __future__ import annotations

import PySide6.QtWidgets  # noqa: F401  (pyqtgraph must bind to PySide6)
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from musicrec_gui.ui.widgets.plot_style import PaletteAwareChart, series_colours, style_plot, with_alpha

REPAINT_INTERVAL_MS = 50   # at most 20 repaints a second


class GrowableSeries:
    """x/y values in numpy arrays that double when full, so an append is O(1) amortised."""

    def __init__(self, capacity: int = 256) -> None:
        self._data = np.empty((2, capacity))
        self.size = 0

    def append(self, x: float, y: float) -> None:
        if self.size == self._data.shape[1]:
            grown = np.empty((2, 2 * self.size))
            grown[:, :self.size] = self._data
            self._data = grown
        self._data[:, self.size] = (x, y)
        self.size += 1

    def clear(self) -> None:
        self.size = 0

    # Views, not copies: appends only write past ``size``, so a view handed to a curve stays valid.
    @property
    def x(self) -> np.ndarray:
        return self._data[0, :self.size]

    @property
    def y(self) -> np.ndarray:
        return self._data[1, :self.size]


class TrainingCurves(PaletteAwareChart):
    """The training page's plot. ``add_batch`` / ``add_epoch`` are cheap; drawing happens on a timer.

    x is the epoch (fractional for batches); the left axis is the loss, the
    right axis the validation metric (``metric``, e.g. "Recall@20").
    """

    def __init__(self, metric: str = "Recall@20", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metric_name = metric   # not "self.metric": that would hide QPaintDevice.metric()
        # A legend row above the plot rather than inside it: every corner of a training plot
        # eventually holds a curve.
        self.canvas = pg.GraphicsLayoutWidget()
        self.legend = pg.LegendItem(colCount=2)
        self.canvas.addItem(self.legend, row=0, col=0)
        self.plot_item = item = self.canvas.addPlot(row=1, col=0, enableMenu=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setLabel("bottom", "epoch")
        item.setLabel("left", "loss")
        item.showGrid(x=True, y=True, alpha=0.15)

        # The metric lives in its own ViewBox with its own y range, sharing the x axis (the
        # standard pyqtgraph two-axis pattern); it has to follow the main view's geometry.
        self.metric_view = pg.ViewBox()
        item.showAxis("right")
        item.scene().addItem(self.metric_view)
        item.getAxis("right").linkToView(self.metric_view)
        self.metric_view.setXLink(item)
        self.metric_view.enableAutoRange(y=False)   # 0..max, set on flush
        item.vb.sigResized.connect(self._sync_views)

        self.batch_curve = item.plot()
        # Thousands of batch points: draw only what the screen can show.
        self.batch_curve.setDownsampling(auto=True, method="peak")
        self.batch_curve.setClipToView(True)
        self.train_curve = item.plot(symbol="o", symbolSize=7)
        self.val_curve = item.plot(symbol="s", symbolSize=7)
        self.metric_curve = pg.PlotDataItem(symbol="t", symbolSize=8)
        self.metric_view.addItem(self.metric_curve)
        for curve, name in ((self.batch_curve, "train loss (batch)"), (self.train_curve, "train loss (epoch)"),
                            (self.val_curve, "validation loss"), (self.metric_curve, f"validation {metric}")):
            self.legend.addItem(curve, name)

        self._series = {"batch": GrowableSeries(4096), "train": GrowableSeries(),
                        "val_loss": GrowableSeries(), "val_metric": GrowableSeries()}
        self._curves = {"batch": self.batch_curve, "train": self.train_curve,
                        "val_loss": self.val_curve, "val_metric": self.metric_curve}
        self._dirty: set[str] = set()
        self._timer = QTimer(self, singleShot=True, interval=REPAINT_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.apply_palette()

    # -- feeding ----------------------------------------------------------------------
    def add_batch(self, epoch: float, loss: float) -> None:
        """One batch's loss at fractional ``epoch`` (e.g. 2.25 = a quarter into the third epoch)."""
        self._add("batch", epoch, loss)

    def add_epoch(self, epoch: float, train_loss: float | None, val_loss: float | None = None,
                  val_recall: float | None = None) -> None:
        """The end-of-epoch numbers; a value left as None adds no point to its curve."""
        for key, value in (("train", train_loss), ("val_loss", val_loss), ("val_metric", val_recall)):
            if value is not None:
                self._add(key, epoch, value)

    def clear(self) -> None:
        """Empty all curves now (a new training run)."""
        for series in self._series.values():
            series.clear()
        self._dirty = set(self._series)
        self.flush()

    def flush(self) -> None:
        """Hand the buffered points to the curves now (the timer calls this)."""
        self._timer.stop()
        for key in self._dirty:
            series = self._series[key]
            self._curves[key].setData(series.x, series.y)
        if "val_metric" in self._dirty:
            # The metric axis starts at 0 so its scale reads honestly next to the loss.
            top = float(self._series["val_metric"].y.max(initial=0.0))
            self.metric_view.setYRange(0.0, top * 1.1 or 1.0, padding=0)
        self._dirty.clear()

    def point_counts(self) -> dict[str, int]:
        """How many points each curve shows: keys batch, train, val_loss, val_metric."""
        counts = {}
        for key, curve in self._curves.items():
            x, _ = curve.getOriginalDataset()
            counts[key] = 0 if x is None else len(x)
        return counts

    def _add(self, key: str, x: float, y: float) -> None:
        self._series[key].append(x, y)
        self._dirty.add(key)
        if not self._timer.isActive():
            self._timer.start()   # later events within the interval ride on this repaint

    # -- looks ------------------------------------------------------------------------
    def _sync_views(self) -> None:
        main = self.plot_item.vb
        self.metric_view.setGeometry(main.sceneBoundingRect())
        self.metric_view.linkedViewChanged(main, self.metric_view.XAxis)

    def apply_palette(self) -> None:
        palette = self.palette()
        style_plot(self.canvas, palette, axes=("left", "bottom", "right"), item=self.plot_item,
                   legend=self.legend)
        loss, val, metric = series_colours(palette)[:3]
        self.batch_curve.setPen(pg.mkPen(with_alpha(loss, 0.35), width=1))
        self.train_curve.setPen(pg.mkPen(loss, width=2))
        self.train_curve.setSymbolBrush(loss)
        self.train_curve.setSymbolPen(pg.mkPen(loss))
        self.val_curve.setPen(pg.mkPen(val, width=2))
        self.val_curve.setSymbolBrush(val)
        self.val_curve.setSymbolPen(pg.mkPen(val))
        self.metric_curve.setPen(pg.mkPen(metric, width=2, style=Qt.PenStyle.DashLine))
        self.metric_curve.setSymbolBrush(metric)
        self.metric_curve.setSymbolPen(pg.mkPen(metric))
        # The right axis label takes the metric's colour, tying the axis to its curve.
        self.plot_item.getAxis("right").setLabel(self.metric_name, color=metric.name())
