"""Run Python's garbage collector on the GUI thread only.

Left automatic, the collector runs on whichever thread happens to allocate —
also the job thread — and may destroy Qt objects there while the GUI thread is
destroying others: the two can deadlock inside Qt.  So automatic collection is
switched off and a timer on the GUI thread collects instead (the pattern
pyqtgraph documents for the same problem).

A full collection walks every tracked object: with Qt, pyqtgraph, pandas and
the window built that is ~110 000 objects and ~50 ms on the GUI thread, every
few seconds while pages compute.  Nearly all of them live as long as the app,
so once the window is up ``freeze_startup_objects`` moves them out of the
collector's sight (``gc.freeze``): later collections walk only what was made
since.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    """Create once, on the GUI thread, after the QApplication exists."""

    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                break

    def freeze_startup_objects(self) -> None:
        """Call once the window is built and shown: what exists now is never collected again (it is
        not garbage, and what refcounting frees is still freed).  The app calls it once more when
        the event loop has ended, so the interpreter's final collection has nothing to walk."""
        gc.freeze()

    def stop(self) -> None:
        """Back to automatic collection, after collecting what is garbage now, here: left to the
        next automatic collection, it could run inside a Qt object's destructor (a Python
        callback there allocates), and destroying Qt objects from there deadlocked in Qt."""
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        gc.enable()
