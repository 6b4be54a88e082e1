"""Text helpers: font sizes relative to the system font (so text scales with the user's settings and
HiDPI), and core messages turned into sentences."""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def sentence(message: str) -> str:
    """A core message ("no listener named …", written to follow "musicrec: ") as a sentence."""
    message = message.strip()
    if message and not message.endswith((".", "!", "?")):
        message += "."
    return message[:1].upper() + message[1:]


def heading(text: str, factor: float = 1.6) -> QLabel:
    """A bold title label, ``factor`` times the normal text size."""
    label = QLabel(text)
    label.setFont(scaled_font(label, factor, bold=True))
    return label
