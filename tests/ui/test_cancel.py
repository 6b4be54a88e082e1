"""Only the job's own Cancel cancels it, and a cancel that would throw work away asks first (issue 13 item 2)."""
from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import Qt

from .conftest import wait_idle


def _slow(token, report):
    while True:
        token.check()
        time.sleep(0.01)


def _start(window, question: str | None = None, stoppable: bool = False):
    stopped = []
    job = window.context.start("Slow work", _slow, cancel_question=question)
    if stoppable:
        job.stop = lambda: (stopped.append(True), job.cancel())
    return job, stopped


def _focus(qtbot, window, widget) -> None:
    window.activateWindow()
    qtbot.waitActive(window)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_escape_in_a_search_field_does_not_cancel_the_running_job(qtbot, window):
    # The issue: Esc in the Similar search box cancelled a nearly finished training.
    job, _ = _start(window, "Cancel? The work so far is lost.")
    field = window.library.filter
    window.show_page("library")
    _focus(qtbot, window, field)
    qtbot.keyClicks(field, "abc")
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    qtbot.wait(100)
    assert job.outcome is None and not job.token.stopped
    assert window.job_status.cancel_confirm is None
    window.runner.cancel()
    wait_idle(qtbot, window)


def test_escape_on_the_cancel_button_asks_and_keep_running_keeps_it(qtbot, window):
    job, _ = _start(window, "Cancel? The work so far is lost.")
    button = window.job_status.cancel_button
    qtbot.waitUntil(button.isVisible)
    _focus(qtbot, window, button)
    qtbot.keyClick(button, Qt.Key.Key_Escape)   # Esc on the button is the button
    box = window.job_status.cancel_confirm   # opened without blocking: the event loop runs on
    assert box is not None and box.isVisible()
    assert "work so far is lost" in box.text()
    assert job.outcome is None   # nothing happens before the answer
    box.keep_button.click()
    qtbot.wait(100)
    assert job.outcome is None and not job.token.stopped
    button.click()
    window.job_status.cancel_confirm.cancel_button.click()
    wait_idle(qtbot, window)
    assert job.outcome == "cancelled"


def test_a_job_that_can_stop_offers_stop_and_keep(qtbot, window):
    # Training: "Stop and keep" keeps the best weights so far instead of throwing the run away.
    job, stopped = _start(window, "Cancel training? The run so far is thrown away.", stoppable=True)
    window.job_status.cancel_button.click()
    box = window.job_status.cancel_confirm
    assert box.stop_button is not None and box.stop_button.text() == "Stop and keep"
    box.stop_button.click()
    wait_idle(qtbot, window)
    assert stopped == [True]


def test_a_job_that_loses_nothing_cancels_at_once(qtbot, window):
    job, _ = _start(window)   # no question: e.g. loading a saved model
    window.job_status.cancel_button.click()
    assert window.job_status.cancel_confirm is None
    wait_idle(qtbot, window)
    assert job.outcome == "cancelled"


def test_the_question_closes_when_the_job_ends_first(qtbot, window):
    job, _ = _start(window, "Cancel? The work so far is lost.")
    window.job_status.cancel_button.click()
    box = window.job_status.cancel_confirm
    assert box.isVisible()
    window.runner.cancel()   # it ends by other means
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not shiboken6.isValid(box) or not box.isVisible())   # closed (and deleted)
    assert window.job_status.cancel_confirm is None


def test_training_asks_before_a_cancel_throws_the_run_away(qtbot, window):
    from PySide6.QtGui import QShortcut

    from musicrec_gui.core import importer

    from .conftest import PIPE_LISTENS, text_source

    # No window-wide Esc shortcut is left: Esc belongs to the widget with the focus.
    assert not [s for s in window.findChildren(QShortcut) if s.key().toString() == "Esc"]
    importer.import_source(window.store, text_source("".join(f"A{i % 7}|t|{1600000000 + i}\n" for i in range(60))),
                           PIPE_LISTENS)
    window.context.store_changed.emit()
    window.show_page("train")
    wait_idle(qtbot, window)
    job = window.train.train()
    assert job is not None
    assert "thrown away" in job.cancel_question and job.stop is not None
    window.runner.cancel()
    wait_idle(qtbot, window)
