"""The community evidence behind a page's picks, fetched without ever holding up the list.

"38 % of Radiohead's listeners also play Sigur Rós" needs the co-listening
index (``core/evidence.py``).  Once it is built for the store as it is, the
evidence for a whole list is a quick sparse product: a page computation.  The
first time it means reading every play (seconds on HetRec, half a minute at
17 M plays), so it runs as a job, with progress and Cancel in the status bar;
the lists are on screen meanwhile and the evidence follows when it is ready.
A job already running (training, an import) is waited for; a person who
cancels the count is not asked again until they press "Count evidence".
"""
from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

COUNTING = "counting"      # the job that builds the index runs
WAITING = "waiting"        # another job runs; the count starts when it ends
DECLINED = "declined"      # the person cancelled the count
FAILED = "failed"
JOB_NAME = "Counting co-listening"
_NOT_READY = object()


class EvidenceFetcher(QObject):
    """``request(what, listening, profile, picks, on_result)``: ``on_result(evidence)`` later on the
    GUI thread (one tuple of ``CoListening`` per pick), unless a newer request for ``what`` came.

    ``state_changed(state)`` tells the page what is happening meanwhile (``COUNTING`` …, or "")."""

    state_changed = Signal(str)

    def __init__(self, page) -> None:
        super().__init__(page)
        self.page = page
        self.context = page.context
        self.state = ""
        self._wanted: dict[str, tuple] = {}       # what -> the latest request
        self._declined: weakref.WeakSet = weakref.WeakSet()   # the listenings whose count was cancelled
        self._building = None                     # the listening whose index a job builds
        self.context.runner.finished.connect(self._job_ended)

    def request(self, what: str, listening, profile, picks: list, on_result: Callable[[list], None]) -> None:
        self._wanted[what] = (listening, profile, list(picks), on_result)
        if not picks:
            on_result([])
            return

        def evidence():
            if not listening.evidence_ready():
                return _NOT_READY
            return listening.evidence(profile, picks)

        self.page.compute(f"evidence.{what}", evidence, lambda found: self._answered(what, listening, found))

    def forget(self) -> None:
        """Nothing asked is wanted any more (the listener or the model changed)."""
        self._wanted.clear()

    def count_now(self) -> None:
        """The person asks for the count (after cancelling it once)."""
        self._declined.clear()
        self._ask_again()

    # -- inside -----------------------------------------------------------------------------
    def _answered(self, what: str, listening, found) -> None:
        wanted = self._wanted.get(what)
        if wanted is None or wanted[0] is not listening:
            return
        if found is _NOT_READY:
            self._build(listening)
            return
        self._set_state("")
        wanted[3](found)

    def _build(self, listening) -> None:
        if self._building is listening:
            return                                    # its job runs; its end asks again
        if listening is not self.context.models.listening:
            return                                    # a model no longer in use: not worth a count
        if listening in self._declined:
            self._set_state(DECLINED)
            return
        if self.context.runner.busy:
            self._set_state(WAITING)                  # ``_job_ended`` asks again
            return
        job = self.context.start(JOB_NAME, lambda token, report: listening.co_listening_index(token, report))
        if job is None:
            self._set_state(WAITING)
            return
        self._building = listening
        self._set_state(COUNTING)
        job.succeeded.connect(lambda _index: self._ask_again())
        job.cancelled.connect(lambda: self._declined.add(listening))
        job.cancelled.connect(lambda: self._set_state(DECLINED))
        job.failed.connect(lambda _failure: self._set_state(FAILED))

    def _job_ended(self, job) -> None:
        if job.name == JOB_NAME:
            self._building = None
        elif self.state == WAITING:
            self._ask_again()

    def _ask_again(self) -> None:
        for what, (listening, profile, picks, on_result) in list(self._wanted.items()):
            self.request(what, listening, profile, picks, on_result)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)
