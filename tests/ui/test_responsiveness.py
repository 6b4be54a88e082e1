"""The window stays responsive: nothing computes for a page before it is shown, and the heavy work runs off
the GUI thread (issue 13 item 3).

A 10 ms timer records how long the event loop was blocked at start-up with a trained model and at "Use this
model"; the gaps are printed (run with ``-s`` to see them), never asserted: timings depend on the machine.
What is asserted is what makes them small: which computations ran, and where.
"""
from __future__ import annotations

import threading

from musicrec_gui.core.store import Store
from musicrec_gui.ui.gap_meter import GapMeter
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.settings import Settings

from .conftest import wait_idle
from .explore_helpers import give_back_true_references, settle, trained_template  # noqa: F401

EXPLORE = ("artists", "similar", "for_you", "map", "compare")


def _computed(window) -> set[str]:
    """The pages that have asked for a computation so far."""
    return {label.split(".")[0] for label in window.context.compute.submitted}


def test_pages_compute_only_when_shown_and_off_the_gui_thread(qtbot, musicrec_home, trained_template, tmp_path):
    import shutil

    shutil.copytree(trained_template, musicrec_home, dirs_exist_ok=True)
    meter = GapMeter()
    meter.start()
    meter.phase("start-up with a trained model")
    window = MainWindow(Store.open(), Settings.at(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    window.resize(1200, 780)
    window.show()
    try:
        wait_idle(qtbot, window)
        assert window.models.model is not None and window.current_page() == "library"
        # The model is loaded: the exploring pages are built ahead, one per idle turn, so that a first
        # visit only draws them; yet none computed anything, as nobody has looked at them.
        qtbot.waitUntil(lambda: all(window.pages[key].page is not None for key in EXPLORE))
        assert not _computed(window) & set(EXPLORE)

        # Where the computations run: record the thread of every function handed to the queue.
        threads: list[str] = []
        submit = window.context.compute.submit

        def spying(key, fn, *args, **kwargs):
            return submit(key, lambda: (threads.append(threading.current_thread().name), fn())[1], *args, **kwargs)

        window.context.compute.submit = spying
        for key in EXPLORE:
            meter.phase(f"first visit: {key}")
            window.show_page(key)
            settle(window)
            assert _computed(window) & set(EXPLORE) == set(EXPLORE[:EXPLORE.index(key) + 1])
        assert threads and threading.main_thread().name not in threads

        meter.phase("Use this model (on the Train page)")
        window.show_page("train")
        before = dict(window.context.compute.submitted)
        job = window.train.use_model(window.models.model_id)
        assert job is not None
        wait_idle(qtbot, window)
        after = dict(window.context.compute.submitted)
        # The exploring pages are hidden: a new model costs them nothing until they are shown again.
        assert {label for label in after if after[label] != before.get(label)} <= {"train.devices"}
        meter.phase("back to Similar")
        window.show_page("similar")
        settle(window)
        assert window.context.compute.submitted["similar.setup"] > before.get("similar.setup", 0)
        meter.stop()
        print("\n" + meter.report())
        print(f"worst gap overall: {meter.worst_ms:.0f} ms (bench/responsiveness.py measures the same on "
              "real data)")
    finally:
        window.close()
