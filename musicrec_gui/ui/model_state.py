"""Which trained model the pages show: one holder, one signal.

The Train page puts a freshly trained (or chosen) model here; the Artists,
Similar, For you and Map pages listen to ``changed``.  At start-up the window
loads the active saved model in the background, so the last model is there
again after a restart, without retraining.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget


class ActiveModel(QObject):
    """Holds the ``TrainedModel`` in use (or ``None``) and its registry id."""

    changed = Signal(object)   # the TrainedModel, or None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = None
        self.model_id: str | None = None

    def set_model(self, model, model_id: str | None = None) -> None:
        self.model = model
        self.model_id = model_id
        self.changed.emit(model)


def load_active_model(token, report):
    """Job body: the active saved model and its id, or ``(None, None)`` when there is none."""
    from musicrec_gui.core.engine import registry

    model_id = registry.active_id()
    if model_id is None:
        return None, None
    return registry.load(model_id), model_id


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
