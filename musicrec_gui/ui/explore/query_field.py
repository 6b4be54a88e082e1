"""The artist search field of the Similar page: completion as you type, and Enter takes the text as typed.

``ArtistSearchField`` turns Enter (no popup row chosen) into its best match.
Here Enter hands over the typed text instead, so a name that matches several
artists ("beatles") can list them all and let the person pick — as the
article's "found more than one matching artist".  Choosing a row of the popup
(Down, then Enter, or a click) still gives that exact artist.
"""
from __future__ import annotations

from PySide6.QtCore import Signal

from musicrec_gui.ui.widgets.artist_search import ArtistSearchField


class ArtistQueryField(ArtistSearchField):
    text_entered = Signal(str)   # Enter with no popup row chosen: the text as typed

    def enter_typed(self) -> None:
        if self.text().strip():
            self.text_entered.emit(self.text().strip())
