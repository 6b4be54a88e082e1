"""The Compare page: two people of the library side by side (``workflows/comparing.compare``).

How alike their tastes are (a number and a sentence), the artists both love,
and what each would probably like from the other's favourites, with the
reasons from their own listening.  Each person's place on the map is on the
Map page ("Show on the map").  A right click on an artist offers the artist
menu; "not for me" there is for the person the list is meant for.  Computed
off the GUI thread when the page is shown.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QMenu, QPushButton, QSplitter, QVBoxLayout, QWidget

from musicrec_gui.core import library
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.text import display_name
from musicrec_gui.core.workflows.comparing import Comparison, compare
from musicrec_gui.ui.artist_actions import ArtistActions
from musicrec_gui.ui.pages.explore_page import ExplorePage
from musicrec_gui.ui.widgets.elided_label import ElidedLabel
from musicrec_gui.ui.widgets.person_picker import PersonPicker
from musicrec_gui.ui.widgets.results_table import ResultsTable
from musicrec_gui.ui.widgets.text import heading, scaled_font, secondary, sentence

COUNT = 20
BOTH, FOR_A, FOR_B = "both", "for_a", "for_b"
NEEDS_TWO = ("Comparing needs two people in the library. Import a friend's listening history with "
             "“belongs to” set to their name.")


@dataclass(frozen=True)
class _Answer:
    comparison: Comparison
    frames: dict[str, pd.DataFrame]
    first_person: str | None       # "you": the library's first person


@dataclass(frozen=True)
class _Words:
    """How the page names one person: "you" for the library's first person, else by name."""

    name: str
    possessive: str                # "your", "friend's"
    listens: str                   # "you listen to", "friend listens to"

    @classmethod
    def of(cls, name: str, first_person: str | None) -> _Words:
        if name == first_person:
            return cls("you", "your", "you listen to")
        shown = display_name(name)
        return cls(shown, f"{shown}'s", f"{shown} listens to")


def _frames(comparison: Comparison, names: np.ndarray) -> dict[str, pd.DataFrame]:
    """The three tables, each row with the model's artist index (−1 when unknown) for the menu."""
    first = {}
    for number, name in enumerate(names.tolist()):
        first.setdefault(name, number)
    both = comparison.both_love
    frames = {BOTH: pd.DataFrame({"artist": [s.artist for s in both], "plays_a": [s.plays_a for s in both],
                                  "plays_b": [s.plays_b for s in both],
                                  "index": np.array([first.get(s.artist, -1) for s in both], dtype=np.int64)})}
    for key, picks in ((FOR_A, comparison.for_a), (FOR_B, comparison.for_b)):
        frames[key] = pd.DataFrame({"rank": np.arange(1, len(picks) + 1, dtype=np.int64),
                                    "artist": [p.artist for p in picks],
                                    "giver_plays": [p.giver_plays for p in picks],
                                    "because": [", ".join(p.because) for p in picks],
                                    "index": np.array([p.index for p in picks], dtype=np.int64)})
    return frames


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plays_header(words: _Words) -> str:
    return _capital(words.possessive) + " plays"


def _fit_reasons(table: ResultsTable) -> None:
    """The artist as wide as its names, the reasons (last) take the rest, cut with the whole on hover."""
    header = table.table.horizontalHeader()
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
    table.table.resizeColumnToContents(1)
    header.setSectionResizeMode(header.count() - 1, QHeaderView.ResizeMode.Stretch)


class ComparePage(ExplorePage):
    name = "compare"

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.comparison: Comparison | None = None
        self.actions = ArtistActions(context, self)
        self.last_menu: QMenu | None = None

        self.first = PersonPicker(context.store)
        self.second = PersonPicker(context.store)
        self.first.setToolTip("One person")
        self.second.setToolTip("The other person")
        for picker in (self.first, self.second):
            picker.person_changed.connect(lambda _name: self.compare_chosen())
        self.swap_button = QPushButton("Swap")
        self.swap_button.setToolTip("Swap the two people")
        self.swap_button.clicked.connect(self.swap)
        self.map_button = QPushButton("Show on the map")
        self.map_button.setToolTip("Each person's place among the artists is on the Map page (pick the person there)")
        self.map_button.clicked.connect(self._show_map)
        self.and_label = QLabel("and")
        top = QHBoxLayout()
        top.addWidget(heading("Compare"))
        top.addStretch()
        top.addWidget(self.first)
        top.addWidget(self.and_label)
        top.addWidget(self.second)
        top.addWidget(self.swap_button)
        top.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        top.addWidget(self.map_button)

        self.similarity = QLabel("–")
        self.similarity.setFont(scaled_font(self.similarity, 2.0, bold=True))
        self.similarity.setToolTip("Taste similarity: the correlation of the two people's personal scores over "
                                   "all artists, from −1 (opposite) through 0 (unrelated) to +1 (the same)")
        self.sentence = QLabel(wordWrap=True)
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)   # two lines: nothing moves
        self.sentence.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        summary = QHBoxLayout()
        summary.addWidget(self.similarity)
        summary.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        summary.addWidget(self.sentence, 1)

        self.tables: dict[str, ResultsTable] = {}
        self.titles: dict[str, ElidedLabel] = {}
        boxes = {}
        for key in (BOTH, FOR_A, FOR_B):
            table = ResultsTable()
            table.filter_field.hide()
            table.row_activated.connect(lambda row: context.similar_requested.emit(row["artist"]))
            table.row_menu_requested.connect(lambda row, where, k=key: self.artist_menu(k, row).popup(where))
            table.setToolTip("Double-click an artist to see similar ones; right-click for more")
            title = ElidedLabel()
            title.setFont(scaled_font(title, 1.0, bold=True))
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(title)
            column.addWidget(table, 1)
            self.tables[key], self.titles[key], boxes[key] = table, title, box
        crossing = QSplitter(Qt.Orientation.Vertical)
        crossing.addWidget(boxes[FOR_A])
        crossing.addWidget(boxes[FOR_B])
        crossing.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(boxes[BOTH])
        self.splitter.addWidget(crossing)
        self.splitter.setSizes([1000, 1800])
        self.splitter.setChildrenCollapsible(False)
        self.empty = secondary(QLabel(NEEDS_TWO, wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.model_line)
        layout.addLayout(summary)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty, 1)
        self.empty.hide()

    # -- who -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """The people again (after an import or undo), then the comparison."""
        for picker in (self.first, self.second):
            picker.blockSignals(True)
            picker.reload()
            picker.blockSignals(False)
        people = self.context.store.people()
        if len(people) >= 2 and self.first.person() == self.second.person():
            self.second.blockSignals(True)
            self.second.set_person(next(p for p in people if p != self.first.person()))
            self.second.blockSignals(False)
        self.compare_chosen()

    def people(self) -> tuple[str | None, str | None]:
        return self.first.person(), self.second.person()

    def set_people(self, a: str, b: str) -> None:
        for picker, name in ((self.first, a), (self.second, b)):
            picker.blockSignals(True)
            picker.set_person(name)
            picker.blockSignals(False)
        self.compare_chosen()

    def swap(self) -> None:
        a, b = self.people()
        if a is not None and b is not None:
            self.set_people(b, a)

    def _enough_people(self) -> bool:
        return self.first.count() >= 2

    # -- comparing -----------------------------------------------------------------------------
    def compare_chosen(self) -> None:
        """Compare the two people picked (off the GUI thread)."""
        if self.listening is None:
            return
        enough = self._enough_people()
        for widget in (self.first, self.second, self.and_label, self.swap_button, self.map_button):
            widget.setVisible(enough)
        self.splitter.setVisible(enough)
        self.empty.setVisible(not enough)
        if not enough:
            self._clear("")
            return
        a, b = self.people()
        if a == b:
            self._clear("Pick two different people to compare.")
            return
        listening, store = self.listening, self.context.store

        def answer():
            try:
                comparison = compare(listening, a, b, n=COUNT)
            except MusicRecError as exc:
                return exc
            first = library.find_listener(store, None)
            return _Answer(comparison, _frames(comparison, listening.model.artist_names),
                           first.name if first is not None else None)

        self.compute("compare", answer, lambda found: self._show(listening, a, b, found))

    def _clear(self, text: str) -> None:
        self.comparison = None
        self.similarity.setText("–")
        self.sentence.setText(text)
        for key, table in self.tables.items():
            table.set_frame(pd.DataFrame({"artist": []}), [])
            self.titles[key].set_full_text("")

    def _show(self, listening, a: str, b: str, found) -> None:
        if listening is not self.listening or (a, b) != self.people():
            return
        if isinstance(found, MusicRecError):
            self._clear(sentence(str(found)))
            return
        comparison = found.comparison
        self.comparison = comparison
        self.similarity.setText(f"{comparison.similarity:+.2f}")
        self.sentence.setText(display_name(comparison.sentence))
        words_a, words_b = _Words.of(a, found.first_person), _Words.of(b, found.first_person)
        self.titles[BOTH].set_full_text("Both love (plays by each)")
        self.titles[FOR_A].set_full_text(f"For {words_a.name}, from {words_b.possessive} favourites")
        self.titles[FOR_B].set_full_text(f"For {words_b.name}, from {words_a.possessive} favourites")
        self.tables[BOTH].set_frame(found.frames[BOTH], [("artist", "Artist", "text"),
                                                         ("plays_a", _capital(words_a.name), "int"),
                                                         ("plays_b", _capital(words_b.name), "int")])
        for key, giver, receiver in ((FOR_A, words_b, words_a), (FOR_B, words_a, words_b)):
            self.tables[key].set_frame(found.frames[key], [
                ("rank", "#", "int"), ("artist", "Artist", "text"), ("giver_plays", _plays_header(giver), "int"),
                ("because", f"Because {receiver.listens}", "text")])
            _fit_reasons(self.tables[key])

    # -- the artist menu -------------------------------------------------------------------------
    def artist_menu(self, key: str, row: dict) -> QMenu:
        """The menu of an artist; "not for me" for the person the list is for (none for "both love")."""
        a, b = self.people()
        person = {FOR_A: a, FOR_B: b}.get(key)
        index = int(row.get("index", -1))
        self.last_menu = self.actions.menu(row["artist"], index if index >= 0 else None, person, self)
        return self.last_menu

    def _show_map(self) -> None:
        self.context.page_requested.emit("map")
        self.context.status.emit("Pick a person on the map to see where their taste sits among the artists.")
