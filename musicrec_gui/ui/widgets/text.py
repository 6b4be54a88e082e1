"""Font helpers: sizes relative to the system font, so text scales with the user's settings and HiDPI."""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def heading(text: str, factor: float = 1.6) -> QLabel:
    """A bold title label, ``factor`` times the normal text size."""
    label = QLabel(text)
    label.setFont(scaled_font(label, factor, bold=True))
    return label
