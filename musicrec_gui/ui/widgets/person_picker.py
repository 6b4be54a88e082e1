"""Whose listening a page shows: a list of the people in the library (the first one by default)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from musicrec_gui.core.store import Store
from musicrec_gui.core.text import display_name


class PersonPicker(QComboBox):
    """The people of the store; ``person_changed(name)`` when another one is chosen."""

    person_changed = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setToolTip("Whose listening this page shows")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.currentIndexChanged.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        """Read the people again (after an import or an undo), keeping the choice when it is still there."""
        current = self.person()
        people = self.store.people()
        self.blockSignals(True)
        self.clear()
        for name in people:
            self.addItem(display_name(name), name)
        self.setCurrentIndex(max(0, people.index(current)) if current in people else 0)
        self.blockSignals(False)
        self.setVisible(len(people) > 1)          # one person: nothing to choose
        if self.person() != current:
            self._changed()

    def person(self) -> str | None:
        """The chosen person's name (None in a library without people)."""
        return self.currentData()

    def set_person(self, name: str) -> None:
        index = self.findData(name)
        if index >= 0:
            self.setCurrentIndex(index)

    def _changed(self, *_args) -> None:
        name = self.person()
        if name is not None:
            self.person_changed.emit(name)
