"""A one-line label that cuts long text with "…" (at the end, or in the middle where the end matters)
and shows the whole text on hover.  Always plain text: names from files are never read as HTML."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from musicrec_gui.ui.widgets.text import tip_text


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.mode = mode
        self._full = ""
        self._tip = ""
        self.set_full_text(text)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str, tip: str = "") -> None:
        """Show ``text`` (cut to the width); ``tip`` is the hover text (the full text when cut)."""
        self._full = text
        self._tip = tip
        self._elide()

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 6, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 2, super().sizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, self.mode, width) if width else self._full
        super().setText(shown)
        tips = [self._full] if shown != self._full else []
        if self._tip:
            tips.append(self._tip)
        self.setToolTip(tip_text("\n\n".join(tips)))
