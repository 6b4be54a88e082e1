"""One runner for every long core job: it runs ``fn(token, report)`` off the GUI thread.

Usage (on the GUI thread)::

    job = runner.start("Importing", lambda token, report: importer.import_planned(
        store, planned, person, token, report))
    job.event.connect(...)        # the core's events (Progress, epoch events, …)
    job.succeeded.connect(...)    # fn's return value
    job.failed.connect(...)       # a JobFailure (already logged and shown by the window)
    job.cancelled.connect(...)    # Cancelled is a normal outcome
    job.finished.connect(...)     # always, last

Connecting right after ``start`` is safe: everything reaches the GUI thread
through queued signals, delivered only once control is back in the event loop.

Jobs run one at a time on a single long-lived worker thread (a QObject moved
to a QThread).  Keeping one thread means one extra SQLite connection for the
whole session (``Store.connection()`` is per thread), and nothing to garbage
collect while it runs.  Every run has an id: events of a run that is no longer
current (cancelled, finished, shut down) are dropped.  Progress events are
throttled at the source to about 20 per second.
"""
from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, Signal, Slot

from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.jobs import Cancelled, Progress, StopToken

_log = logging.getLogger(__name__)

JobFunction = Callable[[StopToken, Callable[[object], None]], object]

# Every worker thread still running, so tests can check that none is left behind.
_THREADS: set[QThread] = set()


def running_threads() -> list[QThread]:
    return [thread for thread in _THREADS if thread.isRunning()]


def track_thread(thread: QThread) -> None:
    """Count ``thread`` among the app's worker threads (``running_threads``) until ``finish_thread``."""
    _THREADS.add(thread)


def start_thread(name: str, worker: QObject) -> QThread:
    """A started, counted thread named ``name`` whose event loop runs ``worker``'s slots; the worker
    is deleted when the thread finishes (``finish_thread``)."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.finished.connect(worker.deleteLater)
    track_thread(thread)
    thread.start()
    return thread


def finish_thread(thread: QThread) -> None:
    """End ``thread``'s event loop, wait for it, and stop counting it."""
    thread.quit()
    thread.wait()
    _THREADS.discard(thread)


class JobBusy(RuntimeError):
    """``start`` was called while another job is running."""


@dataclass(frozen=True)
class JobFailure:
    """A job that raised: a one-line message for the user, the traceback for the log."""

    job: str
    message: str
    details: str
    exception: BaseException


class Job(QObject):
    """The GUI-side handle of one run."""

    event = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, run_id: int, name: str, parent: QObject) -> None:
        super().__init__(parent)
        self.run_id = run_id
        self.name = name
        self.token = StopToken()
        self.outcome: str | None = None   # "succeeded" | "failed" | "cancelled" once finished
        # Set by the page that started it: Cancel asks this first (the cancel would throw work away),
        # and offers ``stop`` instead when the job can end early and keep what it has (training).
        self.cancel_question: str | None = None
        self.stop: Callable[[], None] | None = None
        self.result_text: str | None = None   # the status bar's last word on it, when "done" would mislead
        # What to tell the person when it fails, when the exception's own text would not help (None: as usual).
        self.failure_text: Callable[[BaseException], str | None] | None = None

    def cancel(self) -> None:
        self.token.stop()


class _Throttle:
    """Lets a Progress event through at most every ``interval`` seconds (the last one always)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.last = 0.0

    def allow(self, event: object) -> bool:
        if not isinstance(event, Progress) or (event.fraction or 0) >= 1:
            return True
        now = time.monotonic()
        if now - self.last < self.interval:
            return False
        self.last = now
        return True


class _Worker(QObject):
    """Lives on the worker thread: runs one job and reports back by signals only."""

    event = Signal(int, object)
    done = Signal(int, str, object)

    @Slot(object)
    def run(self, task: tuple[int, JobFunction, StopToken]) -> None:
        run_id, fn, token = task
        throttle = _Throttle()

        def report(event: object) -> None:
            if throttle.allow(event):
                self.event.emit(run_id, event)

        try:
            token.check()   # stopped before it began (window closing)
            value = fn(token, report)
        except Cancelled:
            self.done.emit(run_id, "cancelled", None)
        except Exception as exc:   # every error travels back to the GUI; nothing escapes the thread
            self.done.emit(run_id, "failed", (exc, traceback.format_exc()))
        else:
            self.done.emit(run_id, "succeeded", value)


class JobRunner(QObject):
    """Runs core jobs one at a time on a worker thread; see the module docstring."""

    started = Signal(object)     # Job
    progress = Signal(object)    # Progress of the current job
    failed = Signal(object)      # JobFailure of any job
    finished = Signal(object)    # Job, after its own signals
    _dispatch = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._job: Job | None = None
        self._last_id = 0
        self._closed = False

    @property
    def current(self) -> Job | None:
        return self._job

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(self, name: str, fn: JobFunction) -> Job:
        """Run ``fn(token, report)`` on the worker thread; returns the job's handle."""
        if self._closed:
            raise RuntimeError("the job runner was shut down")
        if self._job is not None:
            raise JobBusy(f"{self._job.name} is still running")
        self._ensure_thread()
        self._last_id += 1
        job = Job(self._last_id, name, self)
        self._job = job
        _log.info("%s: started", name)
        self.started.emit(job)
        self._dispatch.emit((job.run_id, fn, job.token))
        return job

    def cancel(self) -> None:
        """Ask the current job to stop (it ends with ``cancelled`` at its next check)."""
        if self._job is not None:
            _log.info("%s: cancel requested", self._job.name)
            self._job.cancel()

    def shutdown(self) -> None:
        """Stop the current job, wait for the worker thread to end, refuse new jobs.

        Blocks the GUI thread until the job reaches its next stop-token check
        (core jobs check every chunk or batch).  Called when the window closes.
        """
        self._closed = True
        job, self._job = self._job, None   # its late signals are now stale
        if job is not None:
            _log.info("%s: stopping because the window closes", job.name)
            job.cancel()
        if self._thread is not None:
            finish_thread(self._thread)
            self._thread = None
            self._worker = None

    # -- GUI-thread side of the worker's signals ---------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        self._worker = _Worker()
        self._dispatch.connect(self._worker.run)
        self._worker.event.connect(self._on_event)
        self._worker.done.connect(self._on_done)
        self._thread = start_thread("musicrec-jobs", self._worker)

    def _is_current(self, run_id: int) -> bool:
        return self._job is not None and self._job.run_id == run_id

    @Slot(int, object)
    def _on_event(self, run_id: int, event: object) -> None:
        if not self._is_current(run_id) or self._job.token.stopped:
            return   # stale: from a run that was cancelled or has ended
        if isinstance(event, Progress):
            self.progress.emit(event)
        self._job.event.emit(event)

    @Slot(int, str, object)
    def _on_done(self, run_id: int, outcome: str, payload: object) -> None:
        if not self._is_current(run_id):
            return
        job, self._job = self._job, None   # free before the signals, so a handler may start the next job
        job.outcome = outcome
        if outcome == "succeeded":
            if job.token.stopped:
                _log.info("%s: finished before the cancel took effect", job.name)
            _log.info("%s: done", job.name)
            job.succeeded.emit(payload)
        elif outcome == "cancelled":
            _log.info("%s: cancelled", job.name)
            job.cancelled.emit()
        else:
            exc, details = payload
            message = (job.failure_text(exc) if job.failure_text else None) or _message(job.name, exc)
            failure = JobFailure(job.name, message, details, exc)
            _log.error("%s\n%s", failure.message, details)
            job.failed.emit(failure)
            self.failed.emit(failure)
        job.finished.emit()
        self.finished.emit(job)
        job.deleteLater()


def _message(name: str, exc: BaseException) -> str:
    if isinstance(exc, MusicRecError):
        return f"{name} failed: {exc}"
    return f"{name} failed unexpectedly ({type(exc).__name__}: {exc}). Details are in View → Log."
