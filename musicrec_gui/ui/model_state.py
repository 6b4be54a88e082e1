"""Which trained model the pages show: one holder, one shared ``Listening``, one signal.

The Train page puts a freshly trained (or chosen) model here; the Artists,
Similar, For you and Map pages listen to ``changed`` and ask ``listening`` —
one per model — about listeners.  At start-up the window loads the active saved
model in the background, so the last model is there again after a restart.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from musicrec_gui.core.store import Store
from musicrec_gui.core.workflows.listening import Listening


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

    def set_model(self, model, model_id: str | None = None) -> None:
        self.model = model
        self.model_id = model_id
        self.listening = Listening(model, self.store) if model is not None else None
        self.changed.emit(model)

    def store_changed(self) -> None:
        if self.listening is not None:
            self.listening.forget()
            self.plays_changed.emit()


class ModelGate(QStackedWidget):
    """Shows ``placeholder`` until a model exists, then the real page (built on first use).

    ``factory()`` builds the page; the page must offer ``set_model(model)``.
    """

    def __init__(self, placeholder: QWidget, factory, models: ActiveModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self.factory = factory
        self.page: QWidget | None = None
        self.addWidget(placeholder)
        models.changed.connect(self._model_changed)
        if models.model is not None:
            self._model_changed(models.model)

    def _model_changed(self, model) -> None:
        if model is None:
            self.setCurrentWidget(self.placeholder)
            return
        if self.page is None:
            self.page = self.factory()
            self.addWidget(self.page)
        self.page.set_model(model)
        self.setCurrentWidget(self.page)
