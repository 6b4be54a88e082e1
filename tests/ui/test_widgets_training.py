"""The training widgets: live curves (throttled repaint), the LR finder plot, the embedding-size chart."""
from __future__ import annotations

import math
import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from musicrec_gui.ui.widgets.dim_chart import DimSearchChart
from musicrec_gui.ui.widgets.lr_plot import LrFinderPlot, rate_text
from musicrec_gui.ui.widgets.training_plot import REPAINT_INTERVAL_MS, GrowableSeries, TrainingCurves


def count_calls(monkeypatch, obj, name: str) -> list:
    """Replace obj.name by a wrapper that records each call; returns the record."""
    calls = []
    original = getattr(obj, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(obj, name, wrapper)
    return calls


# -- TrainingCurves ---------------------------------------------------------------------

def test_growable_series_keeps_every_point():
    series = GrowableSeries(capacity=2)
    for i in range(1000):
        series.append(i / 10, i * 2)
    assert series.size == 1000
    assert series.x[-1] == pytest.approx(99.9) and series.y[-1] == 1998
    series.clear()
    assert len(series.x) == 0


def test_batch_points_are_drawn_on_a_timer_not_per_point(qtbot, monkeypatch):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    calls = count_calls(monkeypatch, curves.batch_curve, "setData")
    for i in range(10_000):
        curves.add_batch(i / 1000, 1.0 / (1 + i))
    assert calls == []   # nothing drawn while the loop holds the event loop
    qtbot.waitUntil(lambda: curves.point_counts()["batch"] == 10_000, timeout=2000)
    assert len(calls) == 1


def test_repaints_stay_under_twenty_a_second_while_points_stream_in(qtbot, monkeypatch):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    calls = count_calls(monkeypatch, curves.batch_curve, "setData")
    started = time.monotonic()
    for i in range(10_000):
        curves.add_batch(i / 1000, 1.0)
        if i % 50 == 0:
            QApplication.processEvents()   # a training thread's signals arrive between batches
            time.sleep(0.001)
    elapsed_ms = (time.monotonic() - started) * 1000
    qtbot.waitUntil(lambda: curves.point_counts()["batch"] == 10_000, timeout=2000)
    assert len(calls) <= elapsed_ms / REPAINT_INTERVAL_MS + 2
    assert len(calls) < 100


def test_epoch_points_and_the_metric_axis(qtbot):
    curves = TrainingCurves(metric="Recall@20")
    qtbot.addWidget(curves)
    curves.add_epoch(1, 0.9, 0.95, 0.05)
    curves.add_epoch(2, 0.7, None, 0.08)   # no validation loss this epoch
    curves.add_epoch(3, 0.6, 0.8)
    curves.flush()
    assert curves.point_counts() == {"batch": 0, "train": 3, "val_loss": 2, "val_metric": 2}
    # Recall sits on its own right-hand axis, starting at 0.
    assert curves.metric_curve.getViewBox() is curves.metric_view
    assert curves.plot_item.getAxis("right").isVisible()
    low, high = curves.metric_view.viewRange()[1]
    assert low == 0 and high >= 0.08
    curves.clear()
    assert curves.point_counts() == {"batch": 0, "train": 0, "val_loss": 0, "val_metric": 0}


def test_curves_follow_a_dark_palette(qtbot):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Base, Qt.GlobalColor.black)
    dark.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.white)
    curves.setPalette(dark)
    assert curves.canvas.backgroundBrush().color().name() == "#000000"
    assert curves.plot_item.getAxis("left").textPen().color().name() == "#ffffff"


# -- LrFinderPlot -------------------------------------------------------------------------

@pytest.fixture
def lr_plot(qtbot):
    plot = LrFinderPlot()
    qtbot.addWidget(plot)
    plot.resize(700, 400)
    plot.show()
    qtbot.waitExposed(plot)
    lrs = np.logspace(-6, 0, 61)
    loss = 1 - 0.3 / (1 + np.exp(-(np.log10(lrs) + 3) * 3))
    plot.set_curve(lrs, loss + 0.01, loss, suggestion=1e-3, warning=None)
    QApplication.processEvents()
    return plot


def test_lr_plot_is_log_x_and_marks_the_suggestion(lr_plot):
    assert lr_plot.plot.getPlotItem().getAxis("bottom").logMode
    assert lr_plot.suggestion_line.isVisible()
    assert lr_plot.suggestion_line.value() == pytest.approx(-3.0)   # view x is log10(rate)
    assert "1.0e-3" in lr_plot.suggestion_line.label.toPlainText()
    assert lr_plot.warning.isHidden()
    assert lr_plot.chosen_rate() is None


def test_lr_plot_labels_decades_only_and_names_its_curves(lr_plot):
    # Issue 13 item 12: minor ticks of the log axis were labelled and ran into each other; nothing
    # said which curve was raw and which smoothed; the chosen-rate label sat on the curve.
    major, minor = lr_plot.plot.getAxis("bottom")._tickLevels
    assert [label for _, label in major] == ["1e-6", "1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1"]
    assert minor and all(label == "" for _, label in minor)
    assert [label.text for _, label in lr_plot.legend.items] == ["loss of each step", "smoothed"]
    lr_plot.set_chosen(1e-2)
    for line in (lr_plot.suggestion_line, lr_plot.chosen_line):
        assert line.label.orthoPos > 0.9   # in the empty band above the starting loss
    # …on either side of their lines, so close rates do not put one label over the other.
    assert lr_plot.suggestion_line.label.anchors[0][0] == 1 and lr_plot.chosen_line.label.anchors[0][0] == 0


def test_lr_plot_click_picks_the_nearest_tried_rate(qtbot, lr_plot):
    lrs = np.logspace(-6, 0, 61)
    vb = lr_plot.plot.getPlotItem().vb
    scene_pos = vb.mapViewToScene(QPointF(math.log10(lrs[20]) + 0.02, 0.9))   # a little off the tried rate

    class FakeClick:   # what pyqtgraph's scene hands the click handler
        def button(self):
            return Qt.MouseButton.LeftButton

        def scenePos(self):
            return scene_pos

    with qtbot.waitSignal(lr_plot.rate_chosen) as signal:
        lr_plot._clicked(FakeClick())
    assert signal.args[0] == pytest.approx(lrs[20])
    assert lr_plot.chosen_rate() == pytest.approx(lrs[20])
    assert lr_plot.chosen_line.isVisible()
    assert lr_plot.chosen_line.value() == pytest.approx(math.log10(lrs[20]))
    assert rate_text(lrs[20]) in lr_plot.chosen_line.label.toPlainText()


def test_lr_plot_real_mouse_click(qtbot, lr_plot):
    lrs = np.logspace(-6, 0, 61)
    vb = lr_plot.plot.getPlotItem().vb
    scene_pos = vb.mapViewToScene(QPointF(math.log10(lrs[40]), 0.85))
    widget_pos = lr_plot.plot.mapFromScene(scene_pos)
    with qtbot.waitSignal(lr_plot.rate_chosen) as signal:
        qtbot.mouseClick(lr_plot.plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_pos)
    assert signal.args[0] == pytest.approx(lrs[40])


def test_lr_plot_dragging_the_chosen_line_snaps(qtbot, lr_plot):
    lrs = np.logspace(-6, 0, 61)
    lr_plot.set_chosen(1e-4)
    lr_plot.chosen_line.setValue(math.log10(lrs[50]) - 0.03)
    with qtbot.waitSignal(lr_plot.rate_chosen) as signal:
        lr_plot.chosen_line.sigPositionChangeFinished.emit(lr_plot.chosen_line)
    assert signal.args[0] == pytest.approx(lrs[50])


def test_lr_plot_warning_overlay_and_no_suggestion(qtbot, lr_plot):
    lrs = np.logspace(-6, 0, 10)
    lr_plot.set_curve(lrs, np.ones(10), np.ones(10), suggestion=None, warning="Too flat to trust")
    assert not lr_plot.warning.isHidden()
    assert lr_plot.warning_text.text() == "Too flat to trust"
    assert not lr_plot.suggestion_line.isVisible()


def test_rate_text():
    assert rate_text(0.0032) == "3.2e-3"
    assert rate_text(1e-5) == "1.0e-5"


# -- DimSearchChart -------------------------------------------------------------------------

def test_dim_chart_fills_in_and_marks_the_best(qtbot):
    chart = DimSearchChart(metric="Recall@20")
    qtbot.addWidget(chart)
    chart.set_sizes([16, 32, 64])
    assert len(chart.pending_bars.opts["x"]) == 3 and len(chart.done_bars.opts["x"]) == 0
    chart.set_result(32, 0.12)
    chart.set_result(16, 0.10)
    assert list(chart.done_bars.opts["x"]) == [0, 1]
    assert list(chart.done_bars.opts["height"]) == [0.10, 0.12]
    assert list(chart.pending_bars.opts["x"]) == [2]
    chart.set_best(32)
    highlight = chart.palette().color(QPalette.ColorRole.Highlight)
    brushes = chart.done_bars.opts["brushes"]
    assert brushes[1].color().rgb() == highlight.rgb()      # the best bar
    assert brushes[0].color().alpha() < 255                 # the others are lighter
    assert chart.plot.getPlotItem().getAxis("left").labelText == "Recall@20"
    chart.set_result(128, 0.11)   # a size nobody announced gets its own slot
    assert chart.results() == {16: 0.10, 32: 0.12, 128: 0.11}
    assert chart.best() == 32
