"""Page computations off the GUI thread: compute on a worker, deliver to the GUI thread if still wanted.

The job runner (``jobs.py``) runs one long, cancellable, reported job at a
time: an import, a training run.  Pages also have short computations that are
still too slow for the GUI thread — a PCA of every artist vector, a fold-in,
recommendations with their reasons, a search index over 18 000 names — and
they must not wait for a training run to end.  ``ComputeQueue`` runs those:

    context.compute.submit(key, lambda: listening.recommend(...), on_result)

``fn`` runs on one long-lived worker thread (one extra SQLite connection for
the session, and no two computations reading a ``Listening``'s caches at
once); ``on_result(value)`` runs on the GUI thread.  Every submission gets a
run id, and a newer submission under the same ``key`` makes the older one
stale: a stale one that has not started is skipped, and a stale result is
dropped, so a page only ever shows the answer to its latest question.  ``fn``
must not touch widgets; it gets its inputs as arguments or closures.
"""
from __future__ import annotations

import logging
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Hashable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from musicrec_gui.ui.jobs import finish_thread, start_thread

_log = logging.getLogger(__name__)
_SKIPPED = object()


class _Worker(QObject):
    done = Signal(int, str, object)   # run id, "ok" | "failed" | "skipped", value or (exception, traceback)

    def __init__(self, is_current: Callable[[int], bool]) -> None:
        super().__init__()
        self._is_current = is_current

    @Slot(object)
    def run(self, task: tuple[int, Callable[[], object]]) -> None:
        run_id, fn = task
        if not self._is_current(run_id):
            self.done.emit(run_id, "skipped", None)
            return
        try:
            value = fn()
        except Exception as exc:   # travels back to the page; nothing escapes the thread
            self.done.emit(run_id, "failed", (exc, traceback.format_exc()))
        else:
            self.done.emit(run_id, "ok", value)


class ComputeQueue(QObject):
    """See the module docstring.  ``idle`` is emitted when the last pending computation was delivered."""

    failed = Signal(str)   # a computation raised and its page gave no handler: a one-line message
    idle = Signal()
    _dispatch = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._lock = threading.Lock()
        self._latest: dict[Hashable, int] = {}   # key -> its newest run id (the worker reads it too)
        self._pending: dict[int, tuple[Hashable, Callable, Callable | None]] = {}
        self._last_id = 0
        self._closed = False
        self.submitted: Counter[str] = Counter()   # label -> submissions (tests: what computed, and when)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def submit(self, key: Hashable, fn: Callable[[], object], on_result: Callable[[object], None],
               on_error: Callable[[BaseException], None] | None = None, label: str = "") -> int:
        """Run ``fn()`` off the GUI thread; ``on_result(value)`` follows on the GUI thread unless a
        newer submission under ``key`` came first.  Returns the run id."""
        if self._closed:
            return 0
        self._ensure_thread()
        self._last_id += 1
        run_id = self._last_id
        with self._lock:
            self._latest[key] = run_id
        self._pending[run_id] = (key, on_result, on_error)
        self.submitted[label or str(key)] += 1
        self._dispatch.emit((run_id, fn))
        return run_id

    def forget(self, key: Hashable) -> None:
        """Drop whatever is pending under ``key`` (its result will not be delivered)."""
        with self._lock:
            self._latest.pop(key, None)

    def is_current(self, run_id: int) -> bool:
        with self._lock:
            return any(latest == run_id for latest in self._latest.values())

    def shutdown(self) -> None:
        """Refuse new work, drop what is pending and wait for the worker thread (the window closes)."""
        self._closed = True
        with self._lock:
            self._latest.clear()
        self._pending.clear()
        if self._thread is not None:
            finish_thread(self._thread)
            self._thread = None
            self._worker = None

    # -- GUI-thread side ------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        self._worker = _Worker(self.is_current)
        self._dispatch.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._thread = start_thread("musicrec-compute", self._worker)

    @Slot(int, str, object)
    def _on_done(self, run_id: int, outcome: str, payload: object) -> None:
        entry = self._pending.pop(run_id, None)
        if entry is not None and self.is_current(run_id):
            key, on_result, on_error = entry
            with self._lock:
                del self._latest[key]
            if outcome == "ok":
                on_result(payload)
            elif outcome == "failed":
                exc, details = payload
                _log.error("a page computation failed\n%s", details)
                if on_error is not None:
                    on_error(exc)
                else:
                    self.failed.emit(f"Something went wrong ({type(exc).__name__}: {exc}). "
                                     "Details are in View → Log.")
        if not self._pending:
            self.idle.emit()
