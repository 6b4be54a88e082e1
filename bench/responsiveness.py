"""How long the window stays unresponsive at start-up and on "Use this model" (not a test; prints figures).

A 10 ms timer on the GUI thread (``ui/gap_meter.py``) records the gaps between
its ticks while the main window starts over a store with a trained model,
while each page is shown for the first time, and while the model in use is
loaded again through the Train page's "Use this model" — on the Train page
(where the button is), and with each exploring page on screen.  A gap is how long the
event loop was blocked: the target is at most 100 ms everywhere.  Also printed:
the time from ``show()`` to the window's first paint.

Usage: MUSICREC_HOME=/folder/with/a/trained/model python bench/responsiveness.py [--runs 3]
(the folder needs imported data and an active model: ``musicrec import …`` then ``musicrec train``).
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

from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from musicrec_gui.core.engine import registry  # noqa: E402
from musicrec_gui.core.store import Store  # noqa: E402
from musicrec_gui.ui.gap_meter import GapMeter  # noqa: E402
from musicrec_gui.ui.gc_on_gui_thread import GuiThreadCollector  # noqa: E402
from musicrec_gui.ui.main_window import MainWindow  # noqa: E402
from musicrec_gui.ui.settings import Settings  # noqa: E402

PAGES = ("library", "train", "artists", "similar", "for_you", "map")
SETTLE_S = 0.3    # how long to keep watching after everything went quiet
LIMIT_S = 120.0


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


def one_run(app: QApplication, collector: GuiThreadCollector, model_id: str) -> tuple[GapMeter, float]:
    meter = GapMeter()
    paint = FirstPaint()
    with tempfile.TemporaryDirectory() as folder:
        meter.start()
        meter.phase("build the window")
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
        # "Use this model" is pressed on the Train page; a model can also arrive while an exploring page
        # is on screen (a training run ends): then that page recomputes at once.
        for key in ("train", "similar", "for_you", "map", "artists"):
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
    args = parser.parse_args()
    model_id = registry.active_id()
    if model_id is None:
        raise SystemExit("no active model in MUSICREC_HOME: import data and run `musicrec train` first")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    collector = GuiThreadCollector(parent=app)
    store = Store.open()
    print(f"store {os.environ.get('MUSICREC_HOME', '(default)')}: model {model_id}, "
          f"{store.scalar('SELECT COUNT(*) FROM artists'):,} artists, "
          f"{store.scalar('SELECT COUNT(*) FROM listeners'):,} listeners; platform {app.platformName()}")
    worst: dict[str, list[float]] = {}
    paints = []
    for run in range(1, args.runs + 1):
        meter, first_paint = one_run(app, collector, model_id)
        paints.append(first_paint)
        print(f"\nrun {run}: first paint {first_paint:.0f} ms after show()")
        print(meter.report())
        for phase in meter.phases:
            if phase.gaps_ms:
                worst.setdefault(phase.name, []).append(phase.worst_ms)
    print(f"\nmedian over {args.runs} runs: first paint {statistics.median(paints):.0f} ms after show()")
    for name, values in worst.items():
        print(f"  {name:<34} worst gap {statistics.median(values):7.1f} ms")
    print(f"  {'overall worst gap':<34} {max(max(v) for v in worst.values()):7.1f} ms (target ≤ 100 ms)")


if __name__ == "__main__":
    main()
