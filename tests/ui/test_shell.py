"""The window shell: pages and shortcuts, About, the log view, errors, closing during a job, screenshots."""
from __future__ import annotations

import time

import pandas as pd
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QApplication

from musicrec_gui import __version__
from musicrec_gui.core import importer
from musicrec_gui.core.importer import PlannedSource
from musicrec_gui.ui import jobs
from musicrec_gui.ui.main_window import PAGES
from musicrec_gui.ui.screenshots import take_screenshots

from .conftest import PIPE_LISTENS, SLOW_LISTENS, slow_source, table_counts, text_source, wait_idle


def test_sidebar_entries_have_ctrl_number_shortcuts(qtbot, window):
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == \
        ["Library", "Train", "Artists", "Similar", "For you", "Map", "Your years", "Compare"]
    for number, (key, _, _) in enumerate(PAGES, start=1):
        action = window.page_actions[key]
        assert action.shortcut() == QKeySequence(f"Ctrl+{number}")
        action.trigger()
        assert window.current_page() == ("welcome" if key == "library" else key)
    assert window.import_action.shortcut() == QKeySequence("Ctrl+O")
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")


def test_model_pages_send_you_to_train_first(qtbot, window):
    for key in ("artists", "similar", "for_you", "map"):
        window.show_page(key)
        gate = window.pages[key]
        page = getattr(gate, "placeholder", gate)   # model pages sit behind a ModelGate
        assert gate.currentWidget() is page
        assert "Train a model first" in page.message.text()
        page.train_button.click()
        assert window.current_page() == "train"


def test_about_lists_versions_data_folder_and_credits(qtbot, window, musicrec_home):
    window.open_about()
    text = window.about_dialog.text.text()
    torch = pytest.importorskip("torch")
    for needle in (__version__, "Qt", "PySide6", torch.__version__, pd.__version__, str(musicrec_home),
                   "GroupLens", "HetRec 2011", "Celma", "Non-commercial"):
        assert needle in text, needle
    assert window.about_dialog.isVisible()


def test_a_failing_job_shows_a_banner_and_its_traceback_in_the_log(qtbot, window):
    def broken(token, report):
        raise KeyError("no such column 'artist'")

    window.runner.start("Testing", broken)
    wait_idle(qtbot, window)
    assert window.banner.isVisible()
    assert "KeyError" in window.banner.text.text() and "View → Log" in window.banner.text.text()
    window.banner.log_button.click()
    log = window.log_dialog
    assert log.isVisible()
    qtbot.waitUntil(lambda: "Traceback" in log.view.toPlainText())
    assert "no such column" in log.view.toPlainText()


def test_closing_during_an_import_stops_it_and_waits_for_the_thread(qtbot, window):
    before = table_counts(window.store)
    job = window.imports.start_import([PlannedSource(slow_source(), SLOW_LISTENS)], "you")
    with qtbot.waitSignal(job.event, timeout=10_000):   # it is running
        pass
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 5          # stopped at the next chunk, not after 20 s
    assert not jobs.running_threads()
    assert table_counts(window.store) == before    # the transaction was rolled back


def test_screenshots_render_the_main_pages(qtbot, window, tmp_path):
    importer.import_source(window.store, text_source("Air|t|1609459200\nMoby|t|1612137600\n"), PIPE_LISTENS)
    window.refresh()
    written = take_screenshots(window, tmp_path / "shots", (900, 600))
    assert [p.name for p in written] == ["welcome.png", "library.png", "library-coverage.png", "library-taste.png",
                                         "community.png", "listenbrainz.png", "needs-model.png", "import-report.png",
                                         "years.png", "year-in-review.png", "train.png", "train-running.png"]
    assert all(p.stat().st_size > 5000 for p in written)
    assert QImage(str(tmp_path / "shots" / "train.png")).size() == QSize(900, 600)
    # The mid-training picture was taken while the run went on; the run was then cancelled (nothing saved).
    assert window.models.model is None and not window.runner.busy



def test_a_message_does_not_move_the_page_under_the_mouse(qtbot, window):
    # Issue 13 item 8: banners pushed the page down ~50 px (clicks landed on the wrong control) and
    # squeezed tables. Now the strip floats over the bottom of the page area.
    importer.import_source(window.store, text_source("Air|t|1609459200\n"), PIPE_LISTENS)
    window.refresh()
    wait_idle(qtbot, window)
    page = window.library
    before = (window.stack.geometry(), page.history.geometry(), page.mapTo(window, page.rect().topLeft()))
    window.show_notice("Model “x” saved and in use.")
    window.banner.show_error("Something failed: " + "a long explanation " * 12)
    QApplication.processEvents()
    assert window.banner.isVisible()
    assert (window.stack.geometry(), page.history.geometry(), page.mapTo(window, page.rect().topLeft())) == before
    banner = window.banner.geometry()
    assert banner.bottom() <= window.stack.geometry().bottom() and banner.height() < window.stack.height() / 3
    assert "a long explanation" in window.banner.message()


def test_looking_for_a_graphics_card_leaves_no_stale_status(qtbot, window):
    # Issue 13 item 11: "Looking for a graphics card: done" stayed in the status bar, and the probe
    # ran as a job that blocked imports meanwhile.
    importer.import_source(window.store, text_source("Air|t|1609459200\n"), PIPE_LISTENS)
    window.refresh()
    window.show_page("train")
    assert not window.runner.busy
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.train.form.devices()[-1] == "cpu", timeout=120_000)
    assert "graphics card" not in window.statusBar().currentMessage()
    assert not window.job_status.isVisible()
