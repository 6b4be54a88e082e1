"""What every page is handed: the store, the job runner, the page computations, the model in use, the
settings, and signals.

Pages get an ``AppContext`` instead of the main window, so they depend only on
what they use, and tests can build a page around a context without a window.
Signals carry what a page wants done elsewhere: a notice or an error for the
banner, a line for the status bar, another page, the log.  The window connects
them once.  Long jobs go to ``runner`` (one at a time, with progress and
Cancel); a page's own short computations go to ``compute`` (``compute.py``).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from musicrec_gui.core.store import Store
from musicrec_gui.ui.compute import ComputeQueue
from musicrec_gui.ui.jobs import Job, JobFunction, JobRunner
from musicrec_gui.ui.model_state import ActiveModel
from musicrec_gui.ui.settings import Settings

STATUS_MS = 8000   # how long a passing status-bar line stays


class AppContext(QObject):
    notice = Signal(str)              # something happened: the banner and the status bar say so
    error = Signal(str)               # something went wrong: the banner says so
    status = Signal(str)              # a passing line for the status bar only
    page_requested = Signal(str)      # go to a sidebar page ("library", "train", "similar", …)
    similar_requested = Signal(str)   # show the artists similar to this one
    log_requested = Signal()          # open View → Log
    store_changed = Signal()          # an import or an undo changed the store

    def __init__(self, store: Store, runner: JobRunner, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.settings = settings
        self.compute = ComputeQueue(self)
        self.compute.failed.connect(self.error)
        self.models = ActiveModel(store, self)
        # Connected first, so the shared listening forgets old plays before any page re-reads them.
        self.store_changed.connect(self.models.store_changed)

    def start(self, name: str, fn: JobFunction, cancel_question: str | None = None) -> Job | None:
        """Run ``fn`` as a job, or say that another one is running and return None.

        The one way every page starts work: only one job runs at a time.  A job whose cancel
        would throw work away gives ``cancel_question``: Cancel asks it first.
        """
        if self.runner.busy:
            self.notice.emit(f"“{self.runner.current.name}” is still running: wait for it or cancel it first.")
            return None
        job = self.runner.start(name, fn)
        job.cancel_question = cancel_question
        return job
