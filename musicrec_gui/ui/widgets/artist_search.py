"""A search field for artist names with a completion popup: accent- and case-insensitive, substring, popular first.

Tens of thousands of names: the search keys are computed once in
``set_artists`` (names kept in popularity order), and each keystroke is a
plain scan over the keys that stops at ``limit`` matches, so common queries
stop early and rare ones scan 20 000 short strings in a few milliseconds.
The completer is given the matches ready-made (unfiltered popup mode); it
does no filtering of its own.
"""
from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from musicrec_gui.ui.widgets.search_key import search_key

DEFAULT_LIMIT = 50


class ArtistSearchField(QLineEdit):
    """Type part of a name; pick from the popup or press Enter; ``artist_chosen(name)`` follows."""

    artist_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, limit: int = DEFAULT_LIMIT) -> None:
        super().__init__(parent)
        self.limit = limit
        self._names: list[str] = []   # most popular first
        self._keys: list[str] = []    # search_key of each name, same order
        self._exact: dict[str, int] = {}   # key -> most popular name with exactly that key
        self.setPlaceholderText("Search artists…")
        self.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        # The matches are ours; the completer only shows them. setWidget (not setCompleter):
        # the line edit must not re-filter the list by prefix behind our back.
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setWidget(self)
        self._completer.setMaxVisibleItems(12)
        self._completer.activated[str].connect(self.choose)
        self.textEdited.connect(self._update_popup)
        self.returnPressed.connect(self._enter)

    def set_artists(self, names: list[str], popularity: list[int] | None = None) -> None:
        """The names to search; with ``popularity`` (e.g. listeners) the popular ones are offered first."""
        order = range(len(names))
        if popularity is not None:
            order = sorted(order, key=lambda i: -popularity[i])   # stable: ties keep the given order
        self._names = [names[i] for i in order]
        self._keys = [search_key(name) for name in self._names]
        self._exact = {}
        for index, key in enumerate(self._keys):
            self._exact.setdefault(key, index)

    def matches(self, text: str, limit: int | None = None) -> list[str]:
        """Names whose key contains the key of ``text``: an exact match first, then by popularity."""
        limit = self.limit if limit is None else limit
        needle = search_key(text)
        if not needle or limit <= 0:
            return []
        exact = self._exact.get(needle)
        found = [] if exact is None else [exact]
        for index, key in enumerate(self._keys):
            if needle in key and index != exact:
                found.append(index)
                if len(found) >= limit:
                    break
        return [self._names[i] for i in found]

    def choose(self, name: str) -> None:
        """Put ``name`` in the field and announce it."""
        self.setText(name)
        self._completer.popup().hide()
        self.artist_chosen.emit(name)

    def _update_popup(self, text: str) -> None:
        found = self.matches(text)
        self._model.setStringList(found)
        if found:
            self._completer.complete()   # shows (or refreshes) the popup under the field
            self._completer.popup().setCurrentIndex(self._model.index(0, 0))
        else:
            self._completer.popup().hide()

    def _enter(self) -> None:
        # Enter with the popup open is the completer's: it chooses the current row itself
        # (the line edit sees the key first, so without this the choice came twice).
        if self._completer.popup().isVisible():
            return
        # Enter with the popup closed: take the best match of what is typed.
        found = self.matches(self.text(), limit=1)
        if found:
            self.choose(found[0])

    def keyPressEvent(self, event) -> None:
        # Down arrow with the popup closed opens it, as in other search fields.
        if event.key() == Qt.Key.Key_Down and not self._completer.popup().isVisible() and self.text():
            self._update_popup(self.text())
            return
        super().keyPressEvent(event)
