"""What a person can do with any artist shown anywhere: similar artists, "not for me", open it on the web.

Every list of artists (For you, Similar, Artists, Map, …) offers the same
context menu, built here once: ``ArtistActions.menu(name, index, person)``.
"Not for me" and "Show again" change the person's hidden artists in the store
(``core/preferences.py``) as a job, then tell the pages through
``ActiveModel.taste_changed`` so they recompute.  "Open on …" opens the browser
only when clicked; nothing is sent anywhere otherwise.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu, QWidget

from musicrec_gui.core import preferences
from musicrec_gui.ui.widgets.text import sentence


class ArtistActions(QObject):
    """Builds the artist context menu for one page; ``context`` is the page's ``AppContext``."""

    def __init__(self, context, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def menu(self, artist: str, index: int | None, person: str | None, parent: QWidget | None = None) -> QMenu:
        """The menu for ``artist`` (the model's ``index`` when known) as seen by ``person``."""
        menu = QMenu(parent)
        menu.addAction("Similar artists", lambda: self.context.similar_requested.emit(artist))
        listening = self.context.models.listening
        if person is not None and self._is_person(person):
            hidden = listening is not None and index is not None and bool(listening.hidden_mask(person)[index])
            if hidden:
                menu.addAction(f"Show again to {person}", lambda: self.set_hidden(person, artist, False))
            else:
                menu.addAction("Not for me" if person == self._first_person() else f"Not for {person}",
                               lambda: self.set_hidden(person, artist, True))
        if listening is not None and index is not None:
            menu.addSeparator()
            for link in listening.artist_links(index):
                menu.addAction(link.label, lambda url=link.url: QDesktopServices.openUrl(QUrl(url)))
        return menu

    def set_hidden(self, person: str, artist: str, hide: bool):
        """Hide ``artist`` from ``person`` (or show it again) as a job; the pages recompute after."""
        def change(token, report):
            if hide:
                preferences.hide(self.context.store, person, artist)
            else:
                preferences.unhide(self.context.store, person, artist)
        job = self.context.start(f"{'Hiding' if hide else 'Showing'} {artist}", change)
        if job is None:
            return None
        job.succeeded.connect(lambda _: self._changed(person, artist, hide))
        job.failed.connect(lambda failure: self.context.error.emit(sentence(str(failure.exception))))
        return job

    def _changed(self, person: str, artist: str, hide: bool) -> None:
        self.context.models.taste_changed()
        self.context.notice.emit(f"{artist} is hidden from {person}'s recommendations." if hide
                                 else f"{artist} can be recommended to {person} again.")

    def _is_person(self, name: str) -> bool:
        return name in self.context.store.people()

    def _first_person(self) -> str | None:
        people = self.context.store.people()
        return people[0] if people else None
