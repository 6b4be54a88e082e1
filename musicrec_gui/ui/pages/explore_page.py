"""What the Artists, Similar, For you and Map pages share: lazy, off-thread computing and the model line.

A page is told about a new model (``set_model``) or new plays
(``plays_changed``) at any time, but computes only when it is on screen:
``invalidate()`` marks it stale, and a stale page refreshes when it is shown.
``compute(what, fn, on_result)`` runs ``fn`` on the page-computation thread
(``ui/compute.py``); only the answer to the page's latest question under
``what`` is delivered.

The model line under the page title names the model in use and says when the
library changed after it was trained (imports or undos since): results then
fold in the current plays, and training again brings in what is new.  It has a
fixed height, so notes never move the controls below.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from musicrec_gui.core.workflows import freshness
from musicrec_gui.core.workflows.listening import Listening
from musicrec_gui.ui.training.models_panel import local_time
from musicrec_gui.ui.widgets.note_line import NoteLine
from musicrec_gui.ui.widgets.results_table import ResultsTable


class ExplorePage(QWidget):
    """Subclasses build their widgets, put ``self.model_line`` under their title, and implement
    ``refresh()`` (called on the GUI thread when the page is shown and stale)."""

    name = "explore"   # labels this page's computations (tests count them)

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = None
        self.listening: Listening | None = None
        self.stale = False
        self.model_line = NoteLine()
        self._page_note = ("", "")
        self._freshness: freshness.Freshness | None = None
        context.models.plays_changed.connect(self.invalidate)

    def set_model(self, model) -> None:
        self.model = model
        self.listening = self.context.models.listening
        for table in self.findChildren(ResultsTable):   # big text sorts go to the page computations
            table.set_background(self.context.compute)
        self.model_changed()
        self.invalidate()

    def model_changed(self) -> None:
        """A new model arrived (GUI thread, cheap): reset what belonged to the old one."""

    def refresh(self) -> None:
        raise NotImplementedError

    def invalidate(self) -> None:
        """Results are out of date: recompute now if on screen, else when next shown."""
        if self.model is None:
            return
        self.stale = True
        if self.isVisible():
            self._refresh_stale()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self._refresh_stale()

    def _refresh_stale(self) -> None:
        self.stale = False
        self._check_freshness()
        self.refresh()

    # -- computing ----------------------------------------------------------------------
    def compute(self, what: str, fn: Callable[[], object], on_result: Callable[[object], None],
                on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run ``fn`` off the GUI thread; ``on_result(value)`` on the GUI thread if still wanted."""
        self.context.compute.submit((self, what), fn, on_result, on_error, label=f"{self.name}.{what}")

    # -- the model line ------------------------------------------------------------------
    def set_page_note(self, text: str, level: str = "info") -> None:
        """A note of the page's own (it takes the model line's place until cleared with "")."""
        self._page_note = (text, level)
        self._show_line()

    def _check_freshness(self) -> None:
        listening, model = self.listening, self.model
        self._freshness = None
        self._show_line()
        self.compute("freshness", lambda: freshness.check(listening),
                     lambda found: self._freshness_found(model, found))

    def _freshness_found(self, model, found: freshness.Freshness) -> None:
        if model is self.model:
            self._freshness = found
            self._show_line()

    def _show_line(self) -> None:
        text, level = getattr(self, "_page_note", ("", ""))
        if text:
            self.model_line.set_note(text, level)
            return
        found, model = getattr(self, "_freshness", None), self.model
        if model is None:
            self.model_line.set_note("", "")
        elif found is not None and found.stale:
            self.model_line.set_note(f"{_model_text(model)} — {found.sentence()}", "warning", tip=found.details())
        else:
            self.model_line.set_note(_model_text(model), "")

    def model_line_text(self) -> str:
        return self.model_line.text()


def _model_text(model) -> str:
    name = model.name or "Model"
    when = local_time(model.created) if model.created else ""
    return f"Model: {name}" + (f", trained {when}" if when else "")
