"""The artist search field of the Similar page: completion as you type, and Enter takes the text as typed.

``ArtistSearchField`` turns Enter into its best match. Here Enter (with the
completion popup closed) hands over the typed text instead, so a name that
matches several artists ("beatles") can list them all and let the person
pick — as the article's "found more than one matching artist". Choosing
from the popup still gives that exact artist.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication

from musicrec_gui.ui.widgets.artist_search import ArtistSearchField


class ArtistQueryField(ArtistSearchField):
    text_entered = Signal(str)   # Enter with the popup closed: the text as typed

    def keyPressEvent(self, event) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and QApplication.activePopupWidget() is None:
            if self.text().strip():
                self.text_entered.emit(self.text().strip())
            return
        super().keyPressEvent(event)
