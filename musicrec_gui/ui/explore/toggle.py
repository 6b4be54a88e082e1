"""A row of exclusive buttons (Top | Bottom, Dot | Cosine): one choice, always visible."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget


class Toggle(QWidget):
    """``Toggle([("dot", "Dot product"), ("cosine", "Cosine")])``; ``changed(key)`` on a new choice."""

    changed = Signal(str)

    def __init__(self, choices: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)   # the buttons read as one control
        for key, text in choices:
            button = QPushButton(text, checkable=True)
            button.setAutoDefault(False)
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        self.buttons[choices[0][0]].setChecked(True)
        self.group.buttonToggled.connect(self._toggled)

    def _toggled(self, button, checked: bool) -> None:
        if checked:   # the button switched on; the one switched off says nothing
            self.changed.emit(next(key for key, b in self.buttons.items() if b is button))

    def value(self) -> str:
        return next(key for key, button in self.buttons.items() if button.isChecked())

    def set_value(self, key: str) -> None:
        self.buttons[key].setChecked(True)
