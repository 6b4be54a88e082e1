"""The job runner: results, events, stale events, errors, cancel, busy, shutdown."""
from __future__ import annotations

import threading
import time

import pytest

from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.jobs import Progress
from musicrec_gui.ui.jobs import JobBusy, JobRunner, running_threads
from musicrec_gui.ui.log import log_buffer
from musicrec_gui.ui.widgets.job_status import eta_text


@pytest.fixture
def runner():
    r = JobRunner()
    yield r
    r.shutdown()


def test_result_and_events_arrive_on_the_gui_thread(qtbot, runner):
    seen_threads = []

    def work(token, report):
        seen_threads.append(threading.current_thread())
        for i in range(3):
            report(("tick", i))
        return 42

    job = runner.start("Counting", work)
    events, results = [], []
    job.event.connect(lambda e: events.append((e, threading.current_thread())))
    job.succeeded.connect(results.append)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert results == [42] and job.outcome == "succeeded"
    assert [e for e, _ in events] == [("tick", 0), ("tick", 1), ("tick", 2)]
    assert all(t is threading.main_thread() for _, t in events)
    assert seen_threads[0] is not threading.main_thread()
    assert not runner.busy


def test_events_after_a_cancel_are_dropped_and_cancel_is_a_normal_outcome(qtbot, runner):
    first_seen = threading.Event()

    def work(token, report):
        report("before")
        first_seen.wait(5)
        report("after the cancel")   # stale: must not reach the GUI
        token.check()

    job = runner.start("Waiting", work)
    events, failures = [], []
    job.event.connect(events.append)
    runner.failed.connect(failures.append)
    with qtbot.waitSignal(job.event, timeout=5000):
        pass
    runner.cancel()
    first_seen.set()
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert events == ["before"]
    assert job.outcome == "cancelled" and not failures


def test_an_exception_becomes_a_failure_with_a_logged_traceback(qtbot, runner):
    log_buffer()   # the window attaches it at start-up

    def broken(token, report):
        raise ValueError("bad value 1234")

    job = runner.start("Breaking", broken)
    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        pass
    failure = blocker.args[0]
    assert job.outcome == "failed"
    assert "ValueError" in failure.message and "bad value 1234" in failure.message
    assert "Traceback" in failure.details
    assert "bad value 1234" in log_buffer().text() and "Traceback" in log_buffer().text()

    job = runner.start("Refusing", lambda token, report: (_ for _ in ()).throw(MusicRecError("no data yet")))
    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        pass
    assert blocker.args[0].message == "Refusing failed: no data yet"


def test_one_job_at_a_time(qtbot, runner):
    release = threading.Event()
    job = runner.start("First", lambda token, report: release.wait(5))
    with pytest.raises(JobBusy):
        runner.start("Second", lambda token, report: None)
    release.set()
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    second = runner.start("Second", lambda token, report: "ok")
    with qtbot.waitSignal(second.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == ["ok"]


def test_progress_is_throttled_but_the_last_event_gets_through(qtbot, runner):
    def chatty(token, report):
        for i in range(1, 2001):
            report(Progress("Working", i, 2000))

    job = runner.start("Chatty", chatty)
    progress = []
    runner.progress.connect(progress.append)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert 1 <= len(progress) < 200
    assert progress[-1].fraction == 1


def test_shutdown_stops_the_job_and_waits_for_its_thread(qtbot):
    runner = JobRunner()
    started = threading.Event()

    def endless(token, report):
        started.set()
        while True:
            token.check()
            time.sleep(0.01)

    runner.start("Endless", endless)
    assert started.wait(5)
    runner.shutdown()
    assert not running_threads()
    with pytest.raises(RuntimeError):
        runner.start("Too late", lambda token, report: None)


def test_eta_text():
    assert eta_text(0.5, 0.5) == ""           # too early to say
    assert eta_text(10, 0.5) == "about 10 s left"
    assert eta_text(60, 0.25) == "about 3 min left"
    assert eta_text(10, None) == ""
