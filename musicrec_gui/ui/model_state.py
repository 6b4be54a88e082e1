"""Which trained model the pages show: one holder, one shared ``Listening``, one signal.

The Train page puts a freshly trained (or chosen) model here; the Artists,
Similar, For you and Map pages listen to ``changed`` and ask ``listening`` —
one per model — about listeners.  At start-up the window loads the active saved
model in the background, so the last model is there again after a restart.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from musicrec_gui.core.store import Store
from musicrec_gui.core.workflows.listening import Listening
from musicrec_gui.ui.widgets.artist_search import SearchIndex
from musicrec_gui.ui.widgets.text import wrap_tooltips


class ActiveModel(QObject):
    """Holds the ``TrainedModel`` in use (or ``None``), its registry id and its ``Listening``."""

    changed = Signal(object)       # the TrainedModel, or None
    plays_changed = Signal()       # the store changed: listeners' plays were re-read

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = None
        self.model_id: str | None = None
        self.listening: Listening | None = None
        self._index: tuple[object, SearchIndex] | None = None   # (model, its artist search index)
        self._index_lock = threading.Lock()

    def set_model(self, model, model_id: str | None = None, listening: Listening | None = None) -> None:
        """Use ``model``; ``listening`` is its ``Listening`` when a job built it already (``with_listening``)."""
        self.model = model
        self.model_id = model_id
        self.listening = listening or (Listening(model, self.store) if model is not None else None)
        self.changed.emit(model)

    def search_index(self, model) -> SearchIndex:
        """``model``'s artist search index, built once for the pages that search it (Similar, Map).

        Building it reduces every artist name (160 000 at Last.fm-360K size) to a search key: call
        this off the GUI thread."""
        with self._index_lock:
            if self._index is not None and self._index[0] is model:
                return self._index[1]
        index = SearchIndex.build(model.artist_names, model.artist_listeners)
        with self._index_lock:
            self._index = (model, index)
        return index

    def store_changed(self) -> None:
        if self.listening is not None:
            self.listening.forget()
            self.plays_changed.emit()

    def taste_changed(self) -> None:
        """A person hid or excluded something: the pages ask again (``Listening`` reads those choices
        from the store at every question, so there is nothing to forget)."""
        if self.listening is not None:
            self.plays_changed.emit()


def with_listening(loaded: tuple, store: Store) -> tuple:
    """``(model, model_id)`` → ``(model, model_id, listening)`` for ``ActiveModel.set_model``: run it in
    the loading job, so building the ``Listening`` (indexes over every artist) stays off the GUI thread."""
    model, model_id = loaded
    return model, model_id, Listening(model, store) if model is not None else None


class ModelGate(QStackedWidget):
    """Shows ``placeholder`` until a model exists, then the real page.

    The page is built the first time it is shown with a model (``factory()``), or earlier
    through ``build_page`` while the app is idle.  ``set_model(model)`` is handed on only while
    it is on screen or when it comes on screen: a page nobody looks at computes nothing when a
    model loads.
    """

    def __init__(self, placeholder: QWidget, factory, models: ActiveModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self.factory = factory
        self.models = models
        self.page: QWidget | None = None
        self._given = None            # the model the page was last handed
        self.addWidget(placeholder)
        models.changed.connect(self._model_changed)

    def _model_changed(self, model) -> None:
        if model is None:
            self.setCurrentWidget(self.placeholder)
            self._given = None
        elif self.isVisible():
            self._hand_over()

    def ensure_page(self) -> QWidget | None:
        """The page, built and given the model in use now (None while there is no model)."""
        if self.models.model is not None:
            self._hand_over()
        return self.page

    def build_page(self) -> None:
        """Build the page if it is not built yet, without handing it a model (the window does this
        while idle, so that a first visit only draws the page: building one took up to 80 ms)."""
        if self.page is None:
            self.page = self.factory()
            wrap_tooltips(self.page)
            self.addWidget(self.page)

    def _hand_over(self) -> None:
        model = self.models.model
        self.build_page()
        if model is not self._given:
            self._given = model
            self.page.set_model(model)
        self.setCurrentWidget(self.page)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.models.model is not None:
            self._hand_over()
