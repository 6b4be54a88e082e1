"""A search field for artist names with a completion popup: accent- and case-insensitive, substring, popular first.

Hundreds of thousands of names: the search keys are computed once, in a
``SearchIndex`` (names kept in popularity order), which pages build off the
GUI thread (``SearchIndex.build`` touches no Qt) and hand over with
``set_index``.  The keys are kept in blocks of ``BLOCK_KEYS``, each block's
keys joined into one string, so finding a typed key in a block is one C-speed
``str.find`` per match rather than a Python step per name.  A keystroke never
scans everything at once: the field searches block by block, at most
``STEP_BUDGET_S`` per turn of the event loop, and the popup fills as matches
come (popular names first; common queries are done after the first block).
The completer is given the matches ready-made (unfiltered popup mode); it
does no filtering of its own.

The popup shows names as people read them (``core.text.display_name``: no
missing-glyph boxes) but hands back the name as stored.  No row is selected
when the popup opens: Enter takes what was typed, Down selects the first match.
"""
from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QModelIndex, QStringListModel, QTimer, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from musicrec_gui.core.text import display_name
from musicrec_gui.ui.widgets.search_key import search_key, search_keys

DEFAULT_LIMIT = 50
BLOCK_KEYS = 4096          # keys per block: one block is searched in well under a millisecond
STEP_BUDGET_S = 0.006      # search time per turn of the event loop while typing
_SEPARATOR = "\x00"        # joins a block's keys; no key holds it, so no match spans two names


@dataclass(frozen=True)
class _Block:
    first: int            # index of its first key
    text: str             # its keys joined by _SEPARATOR
    starts: list[int]     # where each key starts in ``text``


@dataclass
class SearchIndex:
    """Names (most popular first), their search keys, and where each key first occurs."""

    names: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    exact: dict[str, int] = field(default_factory=dict)   # key -> most popular name with exactly that key
    blocks: list[_Block] = field(default_factory=list)

    @classmethod
    def build(cls, names, popularity=None) -> SearchIndex:
        """The index of ``names``; with ``popularity`` (e.g. listeners) popular names come first.

        Sorted as an array and keyed in blocks (``search_keys``): it runs beside the GUI thread,
        and a Python call per name kept the interpreter busy ~0.6 s for 160 000 names."""
        names = np.asarray(names, dtype=object)
        if popularity is not None:   # stable: ties keep the given order
            names = names[np.argsort(-np.asarray(popularity, dtype=np.float64), kind="stable")]
        ordered = [name if isinstance(name, str) else str(name) for name in names.tolist()]
        keys = search_keys(ordered)
        exact = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))   # the first (most popular) wins
        return cls(ordered, keys, exact, _blocks(keys))

    def search(self, text: str) -> Iterator[list[int]]:
        """The indices of the names matching ``text``, one list per step (one block), best first:
        the exact match, then the others by popularity.  Stop iterating to stop searching."""
        needle = search_key(text)
        if not needle:
            return
        exact = self.exact.get(needle)
        if exact is not None:
            yield [exact]
        for block in self.blocks:
            found = []
            position = block.text.find(needle)
            while position >= 0:
                row = bisect_right(block.starts, position) - 1
                index = block.first + row
                if index != exact:
                    found.append(index)
                following = row + 1
                if following >= len(block.starts):
                    break
                position = block.text.find(needle, block.starts[following])
            yield found

    def matches(self, text: str, limit: int = DEFAULT_LIMIT) -> list[str]:
        """Names whose key contains the key of ``text``: an exact match first, then by popularity."""
        if limit <= 0:
            return []
        found: list[int] = []
        for step in self.search(text):
            found.extend(step)
            if len(found) >= limit:
                break
        return [self.names[i] for i in found[:limit]]


def _blocks(keys: list[str]) -> list[_Block]:
    blocks = []
    for first in range(0, len(keys), BLOCK_KEYS):
        part = keys[first:first + BLOCK_KEYS]
        ends = np.cumsum(np.fromiter(map(len, part), dtype=np.int64, count=len(part)) + 1)
        blocks.append(_Block(first, _SEPARATOR.join(part), [0, *(ends[:-1]).tolist()]))
    return blocks


class ArtistSearchField(QLineEdit):
    """Type part of a name; pick from the popup or press Enter; ``artist_chosen(name)`` follows."""

    artist_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, limit: int = DEFAULT_LIMIT) -> None:
        super().__init__(parent)
        self.limit = limit
        self.index = SearchIndex()
        self._shown: list[str] = []   # the stored names behind the popup's rows
        self._search: Iterator[list[int]] | None = None   # the search still going on for the typed text
        self._found: list[int] = []
        self._step_timer = QTimer(self, singleShot=True, interval=0)
        self._step_timer.timeout.connect(self._continue_search)
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
        self._stop_search()

    def matches(self, text: str, limit: int | None = None) -> list[str]:
        return self.index.matches(text, self.limit if limit is None else limit)

    def choose(self, name: str) -> None:
        """Put ``name`` in the field (as people read it) and announce it (as stored)."""
        self._stop_search()
        self.setText(display_name(name))
        self._completer.popup().hide()
        self.artist_chosen.emit(name)

    def popup_names(self) -> list[str]:
        """The stored names of the popup's rows, in order."""
        return list(self._shown)

    def searching(self) -> bool:
        """Whether the popup is still being filled for the typed text."""
        return self._search is not None

    def _activated(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self._shown):
            self.choose(self._shown[index.row()])

    def _update_popup(self, text: str) -> None:
        """A new text: search it from the start, a bounded step now and the rest on later turns."""
        self._search = self.index.search(text)
        self._found = []
        self._continue_search(first=True)

    def _continue_search(self, first: bool = False) -> None:
        if self._search is None:
            return
        before = len(self._found)
        deadline = time.perf_counter() + STEP_BUDGET_S
        done = False
        while len(self._found) < self.limit:
            step = next(self._search, None)
            if step is None:
                done = True
                break
            self._found.extend(step)
            if time.perf_counter() >= deadline:
                break
        if done or len(self._found) >= self.limit:
            self._search = None
        else:
            self._step_timer.start()
        if first or len(self._found) != before:
            self._show(self._found[:self.limit])

    def _stop_search(self) -> None:
        self._search = None
        self._step_timer.stop()

    def _show(self, found: list[int]) -> None:
        self._shown = [self.index.names[i] for i in found]
        popup = self._completer.popup()
        selected = popup.currentIndex().row() if popup.isVisible() else -1
        self._model.setStringList([display_name(name) for name in self._shown])
        if self._shown:
            self._completer.complete()   # shows (or resizes) the popup under the field
            # Rows that came in later keep a row the person already moved to; otherwise none is selected.
            popup.setCurrentIndex(self._model.index(selected) if 0 <= selected < len(self._shown)
                                  else QModelIndex())
        else:
            popup.hide()

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
