"""A search field for artist names with a completion popup: accent- and case-insensitive, substring, popular first.

Tens of thousands of names: the search keys are computed once, in a
``SearchIndex`` (names kept in popularity order), which pages build off the
GUI thread (``SearchIndex.build`` touches no Qt) and hand over with
``set_index``; each keystroke is a plain scan over the keys that stops at
``limit`` matches, so common queries stop early and rare ones scan 20 000
short strings in a few milliseconds.  The completer is given the matches
ready-made (unfiltered popup mode); it does no filtering of its own.

The popup shows names as people read them (``core.text.display_name``: no
missing-glyph boxes) but hands back the name as stored.  No row is selected
when the popup opens: Enter takes what was typed, Down selects the first match.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from musicrec_gui.core.text import display_name
from musicrec_gui.ui.widgets.search_key import search_key

DEFAULT_LIMIT = 50


@dataclass
class SearchIndex:
    """Names (most popular first), their search keys, and where each key first occurs."""

    names: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    exact: dict[str, int] = field(default_factory=dict)   # key -> most popular name with exactly that key

    @classmethod
    def build(cls, names, popularity=None) -> SearchIndex:
        """The index of ``names``; with ``popularity`` (e.g. listeners) popular names come first."""
        names = [str(name) for name in names]
        order = range(len(names))
        if popularity is not None:
            popularity = list(popularity)
            order = sorted(order, key=lambda i: -popularity[i])   # stable: ties keep the given order
        ordered = [names[i] for i in order]
        keys = [search_key(name) for name in ordered]
        exact: dict[str, int] = {}
        for index, key in enumerate(keys):
            exact.setdefault(key, index)
        return cls(ordered, keys, exact)

    def matches(self, text: str, limit: int = DEFAULT_LIMIT) -> list[str]:
        """Names whose key contains the key of ``text``: an exact match first, then by popularity."""
        needle = search_key(text)
        if not needle or limit <= 0:
            return []
        exact = self.exact.get(needle)
        found = [] if exact is None else [exact]
        for index, key in enumerate(self.keys):
            if needle in key and index != exact:
                found.append(index)
                if len(found) >= limit:
                    break
        return [self.names[i] for i in found]


class ArtistSearchField(QLineEdit):
    """Type part of a name; pick from the popup or press Enter; ``artist_chosen(name)`` follows."""

    artist_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, limit: int = DEFAULT_LIMIT) -> None:
        super().__init__(parent)
        self.limit = limit
        self.index = SearchIndex()
        self._shown: list[str] = []   # the stored names behind the popup's rows
        self.setPlaceholderText("Search artists…")
        self.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        # The matches are ours; the completer only shows them. setWidget (not setCompleter):
        # the line edit must not re-filter the list by prefix behind our back.
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setWidget(self)
        self._completer.setMaxVisibleItems(12)
        self._completer.activated[QModelIndex].connect(self._activated)
        self.textEdited.connect(self._update_popup)
        self.returnPressed.connect(self._enter)

    def set_artists(self, names: list[str], popularity: list[int] | None = None) -> None:
        """Build the index here (on the GUI thread): for small lists; big ones use ``set_index``."""
        self.set_index(SearchIndex.build(names, popularity))

    def set_index(self, index: SearchIndex) -> None:
        self.index = index

    def matches(self, text: str, limit: int | None = None) -> list[str]:
        return self.index.matches(text, self.limit if limit is None else limit)

    def choose(self, name: str) -> None:
        """Put ``name`` in the field (as people read it) and announce it (as stored)."""
        self.setText(display_name(name))
        self._completer.popup().hide()
        self.artist_chosen.emit(name)

    def popup_names(self) -> list[str]:
        """The stored names of the popup's rows, in order."""
        return list(self._shown)

    def _activated(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self._shown):
            self.choose(self._shown[index.row()])

    def _update_popup(self, text: str) -> None:
        self._shown = self.matches(text)
        self._model.setStringList([display_name(name) for name in self._shown])
        if self._shown:
            self._completer.complete()   # shows (or refreshes) the popup under the field, nothing selected
            self._completer.popup().setCurrentIndex(QModelIndex())
        else:
            self._completer.popup().hide()

    def _enter(self) -> None:
        # Enter with a row selected in the popup is the completer's (it activates that row).
        popup = self._completer.popup()
        if popup.isVisible() and popup.currentIndex().isValid():
            return
        popup.hide()
        self.enter_typed()

    def enter_typed(self) -> None:
        """Enter on the typed text (no row chosen): take its best match."""
        found = self.matches(self.text(), limit=1)
        if found:
            self.choose(found[0])

    def keyPressEvent(self, event) -> None:
        # Down arrow with the popup closed opens it, as in other search fields.
        if event.key() == Qt.Key.Key_Down and not self._completer.popup().isVisible() and self.text():
            self._update_popup(self.text())
            return
        super().keyPressEvent(event)
