"""How long the window stays unresponsive at start-up, on "Use this model", and while a person types,
scrolls, sorts and pans (not a test; prints figures).

A 10 ms timer on the GUI thread (``ui/gap_meter.py``) records the gaps between
its ticks while the main window starts over a store with a trained model,
while each page is shown for the first time, while the person works on the
pages — typing in the search fields (Similar, Map) and the table filters
(Artists, For you) one key every ~80 ms as a person types, scrolling and
sorting the Artists table (every artist: 160 000 rows at Last.fm-360K size),
switching the bias chart, panning and zooming the map — and while the model in
use is loaded again through the Train page's "Use this model" (on the Train
page, where the button is, and with each exploring page on screen).  A gap is
how long the event loop was blocked: the target is at most 100 ms everywhere.
Also printed: the time from ``show()`` to the window's first paint.

Usage: MUSICREC_HOME=/folder/with/a/trained/model python bench/responsiveness.py [--runs 3] [--switches 5]
(the folder needs imported data and an active model: ``musicrec import …`` then ``musicrec train``; a
360K-size one: ``bench/synthetic.py`` ``write_lastfm360k(path, 1.0)``, imported and trained with the CLI).
Runs offscreen unless QT_QPA_PLATFORM says otherwise.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from musicrec_gui.core import runtime  # noqa: E402

runtime.configure()

from PySide6.QtCore import QEvent, QObject, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from musicrec_gui.core.engine import registry  # noqa: E402
from musicrec_gui.core.store import Store  # noqa: E402
from musicrec_gui.ui.gap_meter import GapMeter  # noqa: E402
from musicrec_gui.ui.gc_on_gui_thread import GuiThreadCollector  # noqa: E402
from musicrec_gui.ui.main_window import MainWindow  # noqa: E402
from musicrec_gui.ui.settings import Settings  # noqa: E402

PAGES = ("library", "train", "artists", "similar", "for_you", "map")
SWITCH_PAGES = ("train", "similar", "for_you", "map", "artists")
SETTLE_S = 0.3    # how long to keep watching after everything went quiet
LIMIT_S = 600.0   # a 360K-size model takes a while to load on a busy machine
KEY_MS = 80       # a fast typist: one key every 80 ms
# Building the window happens before it is on screen: nobody sees a frozen window then, only a
# later one (start-up time, bench/startup.py); it is printed apart from the gaps of a window on screen.
BUILD = "build the window (not yet shown)"
FRAME_MS = 16     # pan and scroll steps: one per screen refresh
TYPED = "artist 01"   # matches many names of a synthetic 360K file, then fewer and fewer


class FirstPaint(QObject):
    """Notes the time of the window's first paint."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and self.at is None:
            self.at = time.perf_counter()
        return False


def busy(window: MainWindow) -> bool:
    """A job, a page computation, or map points still being handed to the plot."""
    drawing = any(page is not None and page.map.drawn() < page.map.count()
                  for page in [window.pages["map"].page] if page is not None)
    return window.runner.busy or window.context.compute.busy or drawing


def wait_quiet(app: QApplication, window: MainWindow) -> None:
    """Run the event loop until no job or page computation is left, then a little longer."""
    deadline = time.perf_counter() + LIMIT_S
    quiet_since = None
    while time.perf_counter() < deadline:
        app.processEvents()
        if busy(window):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.perf_counter()
        elif time.perf_counter() - quiet_since > SETTLE_S:
            return
        time.sleep(0.002)
    raise SystemExit("the window did not settle within two minutes")


def pause(app: QApplication, ms: int) -> None:
    """Run the event loop for ``ms`` (as the time between a person's keys or a screen's frames)."""
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def type_into(app: QApplication, field, text: str) -> None:
    """Key by key, as a person types, then clear it again."""
    field.setFocus()
    field.clear()
    for char in text:
        QTest.keyClick(field, char)
        pause(app, KEY_MS)
    for _ in text:
        QTest.keyClick(field, Qt.Key.Key_Backspace)
        pause(app, KEY_MS)


def pan_and_zoom(app: QApplication, view) -> None:
    """Drag the map across in small steps (a pan), zoom in and out with the wheel's steps."""
    box = view.plot.getPlotItem().vb
    (left, right), _ = box.viewRange()
    step = (right - left) / 60
    for direction in (1, -1):
        for _ in range(40):
            box.translateBy(x=direction * step, y=direction * step / 2)
            pause(app, FRAME_MS)
    for factor in [0.8] * 12 + [1.25] * 12:
        box.scaleBy((factor, factor))
        pause(app, FRAME_MS * 3)
    view.reset_view()


def work_on_pages(app: QApplication, window: MainWindow, meter: GapMeter) -> None:
    """What a person does on the exploring pages; each is a phase of its own."""
    artists = window.pages["artists"].ensure_page()
    if artists is not None:
        window.show_page("artists")
        wait_quiet(app, window)
        meter.phase("type: Artists filter")
        type_into(app, artists.table.filter_field, TYPED)
        wait_quiet(app, window)
        meter.phase("scroll: Artists table")
        bar = artists.table.table.verticalScrollBar()
        for value in range(0, bar.maximum() + 1, max(1, bar.maximum() // 60)):
            bar.setValue(value)
            pause(app, FRAME_MS)
        meter.phase("sort: Artists table")
        for column, order in ((1, Qt.SortOrder.AscendingOrder), (3, Qt.SortOrder.DescendingOrder),
                              (1, Qt.SortOrder.DescendingOrder), (0, Qt.SortOrder.AscendingOrder)):
            artists.table.table.sortByColumn(column, order)   # as a click on the column's header
            wait_quiet(app, window)
        meter.phase("switch: bias chart")
        for end in ("bottom", "top", "bottom", "top"):
            artists.end.set_value(end)
            pause(app, 200)
    similar = window.pages["similar"].ensure_page()
    if similar is not None:
        window.show_page("similar")
        wait_quiet(app, window)
        meter.phase("type: Similar search")
        type_into(app, similar.search, TYPED)
        wait_quiet(app, window)
    for_you = window.pages["for_you"].ensure_page()
    if for_you is not None:
        window.show_page("for_you")
        wait_quiet(app, window)
        meter.phase("type: For you filter")
        type_into(app, for_you.table.filter_field, TYPED)
        wait_quiet(app, window)
    map_page = window.pages["map"].ensure_page()
    if map_page is not None:
        window.show_page("map")
        wait_quiet(app, window)
        meter.phase("type: Map search")
        type_into(app, map_page.search, TYPED)
        wait_quiet(app, window)
        meter.phase("pan and zoom: Map")
        pan_and_zoom(app, map_page.map)
        wait_quiet(app, window)


def one_run(app: QApplication, collector: GuiThreadCollector, model_id: str,
            switches: int) -> tuple[GapMeter, float]:
    meter = GapMeter()
    paint = FirstPaint()
    with tempfile.TemporaryDirectory() as folder:
        meter.start()
        meter.phase(BUILD)
        window = MainWindow(Store.open(), Settings.at(Path(folder) / "settings.ini"))
        window.installEventFilter(paint)
        window.resize(1200, 780)
        meter.phase("show, load the saved model")
        shown = time.perf_counter()
        window.show()
        collector.freeze_startup_objects()   # as run_app does once the window is up
        wait_quiet(app, window)
        for key in PAGES:
            meter.phase(f"first visit: {key}")
            window.show_page(key)
            wait_quiet(app, window)
        work_on_pages(app, window, meter)
        # "Use this model" is pressed on the Train page; a model can also arrive while an exploring page
        # is on screen (a training run ends): then that page recomputes at once.
        for key in SWITCH_PAGES[:switches]:
            meter.phase(f"Use this model (on {key})")
            window.show_page(key)
            window.train.use_model(model_id)
            wait_quiet(app, window)
        meter.stop()
        window.close()
    first_paint = (paint.at - shown) * 1000.0 if paint.at else float("nan")
    return meter, first_paint


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--switches", type=int, default=len(SWITCH_PAGES),
                        help="how many times to load the model again (each on another page)")
    args = parser.parse_args()
    model_id = registry.active_id()
    if model_id is None:
        raise SystemExit("no active model in MUSICREC_HOME: import data and run `musicrec train` first")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    collector = GuiThreadCollector(parent=app)
    store = Store.open()
    shapes = next(info for info in registry.list_models() if info.id == model_id)
    print(f"store {os.environ.get('MUSICREC_HOME', '(default)')}: "
          f"{store.scalar('SELECT COUNT(*) FROM artists'):,} artists, "
          f"{store.scalar('SELECT COUNT(*) FROM listeners'):,} listeners, "
          f"{store.scalar('SELECT COUNT(*) FROM plays'):,} listener-artist pairs; model {model_id} "
          f"({shapes.n_listeners:,} listeners × {shapes.n_artists:,} artists); platform {app.platformName()}")
    print(f"runtime: {runtime.describe()}")
    worst: dict[str, list[float]] = {}
    paints = []
    on_screen: list[float] = []   # each run's worst gap once the window is shown
    for run in range(1, args.runs + 1):
        meter, first_paint = one_run(app, collector, model_id, args.switches)
        paints.append(first_paint)
        print(f"\nrun {run}: first paint {first_paint:.0f} ms after show()")
        print(meter.report())
        for phase in meter.phases:
            if phase.gaps_ms:
                worst.setdefault(phase.name, []).append(phase.worst_ms)
        on_screen.append(max(phase.worst_ms for phase in meter.phases if phase.gaps_ms and phase.name != BUILD))
    print(f"\nover {args.runs} runs: first paint {statistics.median(paints):.0f} ms after show() (median)")
    print(f"  {'phase':<34} {'worst gap: median':>18} {'max':>8}")
    for name, values in worst.items():
        print(f"  {name:<34} {statistics.median(values):15.1f} ms {max(values):5.1f} ms")
    print(f"  window on screen, worst gap of a run: median {statistics.median(on_screen):.1f} ms, "
          f"max {max(on_screen):.1f} ms (target ≤ 100 ms)")


if __name__ == "__main__":
    main()
