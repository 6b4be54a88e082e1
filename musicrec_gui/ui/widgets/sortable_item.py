"""A table cell that sorts by a key (numbers as numbers, dates as dates) rather than by its text."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem


class SortableItem(QTableWidgetItem):
    """``text`` shown, ``key`` (default: the text) compared; ``number`` right-aligns it."""

    def __init__(self, text: str, key=None, number: bool = False) -> None:
        super().__init__(text)
        self.key = text if key is None else key
        if number:
            self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other) -> bool:
        if isinstance(other, SortableItem):
            return self.key < other.key
        return super().__lt__(other)
