"""Text helpers: font sizes relative to the system font (so text scales with the user's settings and
HiDPI), secondary text that stays readable, and core messages turned into sentences."""
from __future__ import annotations

import textwrap

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtWidgets import QApplication, QLabel, QWidget

MIN_CONTRAST = 4.5          # WCAG AA for normal text
TIP_WIDTH = 60              # characters per tooltip line: Qt does not wrap plain tooltips
_SECONDARY = "musicrecSecondary"


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


def tip_text(text: str, width: int = TIP_WIDTH) -> str:
    """A tooltip wrapped to ``width`` characters a line (its own line breaks kept): an unwrapped
    sentence becomes a strip across the screen that covers what it explains."""
    if GuiQt.mightBeRichText(text):
        return text
    return "\n".join(textwrap.fill(line, width) if len(line) > width else line for line in text.split("\n"))


def wrap_tooltips(root: QWidget) -> None:
    """``tip_text`` for every tooltip under ``root`` (call it once a page or window is built)."""
    for widget in [root, *root.findChildren(QWidget)]:
        tip = widget.toolTip()
        if tip and max(len(line) for line in tip.split("\n")) > TIP_WIDTH:
            widget.setToolTip(tip_text(tip))


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 … 21)."""
    def luminance(colour: QColor) -> float:
        channels = []
        for value in (colour.redF(), colour.greenF(), colour.blueF()):
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def secondary_colour(palette: QPalette) -> QColor:
    """Text softer than the normal text but still readable on the window background (≥ 4.5:1).

    The palette's disabled text colour is often too light for reading (and a disabled label
    shows no tooltip), so secondary text is the normal text blended towards the background
    only as far as the contrast allows.
    """
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    background = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Window)
    for share in (0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.0):
        mixed = QColor.fromRgbF(*(t + (b - t) * share for t, b in zip(text.getRgbF()[:3], background.getRgbF()[:3])))
        if contrast(mixed, background) >= MIN_CONTRAST:
            return mixed
    return text


def secondary(widget: QWidget) -> QWidget:
    """Show ``widget``'s text as secondary text (hints, notes, counts); returns it."""
    widget.setProperty(_SECONDARY, True)
    _apply_secondary(widget)
    return widget


def normal_text(widget: QWidget) -> QWidget:
    """Undo ``secondary``: the widget's text in the normal colour again."""
    widget.setProperty(_SECONDARY, False)
    widget.setPalette(QPalette())   # no roles set: inherit the parent's palette again
    return widget


def restyle_secondary(root: QObject) -> None:
    """Recolour the secondary text under ``root`` (after the system switched light/dark)."""
    for target in [root, *root.findChildren(QWidget)]:
        if target.property(_SECONDARY):
            _apply_secondary(target)


def _apply_secondary(widget: QWidget) -> None:
    # From the application's palette: the widget's own already holds the secondary colour.
    colour = secondary_colour(QApplication.palette(widget))
    palette = widget.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.WindowText, colour)
        palette.setColor(group, QPalette.ColorRole.Text, colour)
    widget.setPalette(palette)
