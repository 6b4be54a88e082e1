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
    """Shows ``placeholder`` until a model exists, then the real page.

    The page is built the first time it is shown with a model (``factory()``), and
    ``set_model(model)`` is handed on only while it is on screen or when it comes on
    screen: a page nobody looks at costs nothing when a model loads.
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

    def _hand_over(self) -> None:
        model = self.models.model
        if self.page is None:
            self.page = self.factory()
            self.addWidget(self.page)
        if model is not self._given:
            self._given = model
            self.page.set_model(model)
        self.setCurrentWidget(self.page)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.models.model is not None:
            self._hand_over()
