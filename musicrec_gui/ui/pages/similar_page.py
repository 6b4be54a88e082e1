"""The Similar page: artists whose embeddings lie closest to one you pick, by dot product or cosine.

Type to search (completion as you type); a name that fits several artists
lists them to pick from, a name that fits none offers the closest spellings
("did you mean"). Double-click a result to go on from there; Back and Forward
(Alt+Left / Alt+Right, or the mouse's side buttons) walk the trail.

Evidence: every result shows its listener count, results need at least
``MIN_LISTENERS`` listeners unless the person lowers the minimum, and an artist
with fewer listeners than that gets a warning that its neighbours rest on very
little (with two listeners they are mostly one person's library).

"You listen" follows the person picked (the first one by default), and a
right click on a result offers the artist menu: similar artists, "not for me"
for that person, open on the web.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core.engine import explore
from musicrec_gui.core.suggest import did_you_mean
from musicrec_gui.core.text import count_text, display_name
from musicrec_gui.core.workflows.listening import DEFAULT_COUNT, MIN_LISTENERS
from musicrec_gui.ui.artist_actions import ArtistActions
from musicrec_gui.ui.explore.query_field import ArtistQueryField
from musicrec_gui.ui.explore.toggle import Toggle
from musicrec_gui.ui.pages.explore_page import ExplorePage
from musicrec_gui.ui.widgets.artist_search import SearchIndex
from musicrec_gui.ui.widgets.elided_label import ElidedLabel
from musicrec_gui.ui.widgets.history import NavigationHistory
from musicrec_gui.ui.widgets.person_picker import PersonPicker
from musicrec_gui.ui.widgets.results_table import ResultsTable
from musicrec_gui.ui.widgets.text import heading, secondary

METRIC_NOTES = {
    "dot": "Dot product favours popular artists: their longer vectors give larger scores.",
    "cosine": "Cosine ignores how popular an artist is, so it also finds niche artists with a similar audience.",
}
START_MIN_LISTENERS = 20
COLUMNS = [("rank", "#", "int"), ("artist", "Artist", "text"), ("score", "Score", "float"),
           ("listeners", "Listeners", "int"), ("yours", "You listen", "bool")]


@dataclass(frozen=True)
class _Setup:
    """What the page needs once per model and store state, computed off the GUI thread."""

    index: SearchIndex
    your_plays: np.ndarray
    start: str | None           # the artist to show first
    person: str | None          # whose plays ``your_plays`` are
    first_person: str | None


@dataclass(frozen=True)
class _Answer:
    typed: str
    result: explore.SimilarResult
    listeners: int = 0          # of the query artist
    your_plays: int = 0         # the person's plays of it
    suggestions: tuple[str, ...] = ()


class SimilarPage(ExplorePage):
    name = "similar"

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.your_plays = np.zeros(0, dtype=np.int64)
        self.history: NavigationHistory[str] = NavigationHistory()
        self.result: explore.SimilarResult | None = None
        self._ready = False   # the search index and the person's plays are in
        self._asked = 0       # show_artist calls so far
        self.person: str | None = None          # whose plays "You listen" shows
        self._first_person: str | None = None
        self.actions = ArtistActions(context, self)
        self.last_menu: QMenu | None = None

        self.back_button = QToolButton(arrowType=Qt.ArrowType.LeftArrow, autoRaise=True)
        self.back_button.setToolTip("Back (Alt+Left)")
        self.back_button.clicked.connect(self.go_back)
        self.forward_button = QToolButton(arrowType=Qt.ArrowType.RightArrow, autoRaise=True)
        self.forward_button.setToolTip("Forward (Alt+Right)")
        self.forward_button.clicked.connect(self.go_forward)
        self.search = ArtistQueryField()
        self.search.setPlaceholderText("Artist name…")
        self.search.artist_chosen.connect(self.show_artist)
        self.search.text_entered.connect(self.show_artist)
        self.metric = Toggle([("dot", "Dot product"), ("cosine", "Cosine")])
        self.metric.changed.connect(self._metric_changed)
        self.count = QSpinBox(minimum=5, maximum=500, value=DEFAULT_COUNT, singleStep=5)
        self.count.setKeyboardTracking(False)
        self.count.setToolTip("How many similar artists to list")
        self.count.valueChanged.connect(self._redo)
        self.min_listeners = QSpinBox(minimum=1, maximum=1_000_000, value=MIN_LISTENERS)
        self.min_listeners.setKeyboardTracking(False)
        self.min_listeners.setToolTip("List only artists with at least this many listeners:\n"
                                      "with fewer, a result rests on one or two people's libraries")
        self.min_listeners.valueChanged.connect(self._redo)
        self.person_picker = PersonPicker(context.store)
        self.person_picker.setToolTip("Whose plays “You listen” shows, and whose “not for me” the menu changes")
        self.person_picker.person_changed.connect(lambda _name: self._person_changed())
        context.store_changed.connect(self.person_picker.reload)
        top = QHBoxLayout()
        top.addWidget(heading("Similar artists"))
        top.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        top.addWidget(self.back_button)
        top.addWidget(self.forward_button)
        top.addWidget(self.search, 1)
        top.addWidget(self.metric)
        self.metric_note = secondary(ElidedLabel(METRIC_NOTES["dot"]))   # one line: cut, whole on hover
        controls = QHBoxLayout()
        controls.addWidget(self.metric_note, 1)
        controls.addWidget(self.person_picker)
        controls.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        controls.addWidget(QLabel("Min. listeners:"))
        controls.addWidget(self.min_listeners)
        controls.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        controls.addWidget(QLabel("Results:"))
        controls.addWidget(self.count)

        # Shown only when a name fits several artists, or none (then: the closest spellings).
        self.candidates = QListWidget()
        self.candidates.setFlow(QListWidget.Flow.LeftToRight)
        self.candidates.setWrapping(True)
        self.candidates.setSpacing(self.fontMetrics().averageCharWidth() // 2)
        self.candidates.itemActivated.connect(self._candidate_chosen)
        self.candidates.itemClicked.connect(self._candidate_chosen)
        self.candidates.setMaximumHeight(self.fontMetrics().height() * 4)   # a few lines; more names scroll
        self.candidates_box = QGroupBox()
        QVBoxLayout(self.candidates_box).addWidget(self.candidates)
        self.candidates_box.hide()

        self.title = QLabel(wordWrap=True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)   # a warning line does not move the table
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.table = ResultsTable()
        self.table.filter_field.hide()   # a short list: the search field above is the way in
        self.table.row_activated.connect(lambda row: self.show_artist(row["artist"]))
        self.table.row_menu_requested.connect(lambda row, where: self.artist_menu(row).popup(where))
        self.table.setToolTip("Double-click an artist to see the artists similar to it; right-click for more")
        hint = secondary(QLabel("Double-click a result to go on from there; Alt+Left goes back.", wordWrap=True))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.model_line)
        layout.addLayout(controls)
        layout.addWidget(self.candidates_box)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        for keys, slot in (("Alt+Left", self.go_back), ("Alt+Right", self.go_forward)):
            shortcut = QShortcut(QKeySequence(keys), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._update_buttons()

    # -- model -----------------------------------------------------------------------
    def model_changed(self) -> None:
        self._ready = False
        self.search.set_index(SearchIndex())

    def refresh(self) -> None:
        """Read the person's plays and build the search index (off the GUI thread), then show the artist."""
        model, listening, models = self.model, self.listening, self.context.models
        new_model = not self._ready
        previous = self.history.current()
        asked = self._asked
        picked = self.person_picker.person()

        def setup() -> _Setup:
            first = listening.first_person()
            person = picked or first
            your_plays = listening.plays_per_artist(person)
            start = previous if previous and explore.find_artists(model, previous).size == 1 else None
            return _Setup(models.search_index(model), your_plays,
                          start or _default_artist(model, listening, your_plays), person, first)

        self.compute("setup", setup, lambda found: self._set_up(model, found, new_model, asked))

    def _set_up(self, model, setup: _Setup, new_model: bool, asked: int) -> None:
        if model is not self.model:
            return
        self.your_plays = setup.your_plays
        self.person, self._first_person = setup.person, setup.first_person
        self.search.set_index(setup.index)
        self._ready = True
        if not new_model and self.history.current():
            self._redo()   # new plays: the same artist, with the ✓ marks as they are now
            return
        self.history.clear()   # names of the old model may not exist in this one
        self._update_buttons()
        if self._asked != asked:
            return   # someone asked for an artist meanwhile ("similar to …" from another page)
        if setup.start:
            self.show_artist(setup.start)
        else:
            self._show_message("Type an artist's name above.")

    # -- showing ------------------------------------------------------------------------
    def show_artist(self, name: str, remember: bool = True) -> None:
        """Similar artists for ``name``; several matches list candidates, none offers close spellings."""
        if self.model is None or not name.strip():
            return
        self._asked += 1
        model, listening = self.model, self.listening
        n, metric, minimum = self.count.value(), self.metric.value(), self.min_listeners.value()
        your_plays = self.your_plays

        def answer() -> _Answer:
            result = listening.similar(name, n=n, metric=metric, min_listeners=minimum)
            if result.query is None and not result.candidates:
                return _Answer(name, result, suggestions=tuple(
                    did_you_mean(name, model.artist_names, model.artist_listeners)))
            if result.query is None:
                return _Answer(name, result)
            index = int(explore.find_artists(model, result.query)[0])
            plays = int(your_plays[index]) if index < len(your_plays) else 0
            return _Answer(name, result, int(model.artist_listeners[index]), plays)

        self.compute("similar", answer, lambda found: self._answered(model, found, remember))

    def _answered(self, model, answer: _Answer, remember: bool) -> None:
        if model is not self.model:
            return
        result = answer.result
        self.result = result
        if result.candidates:
            self._show_candidates(f"Found more than one artist matching “{answer.typed}” — pick one:",
                                  result.candidates)
            return
        if result.query is None:
            if answer.suggestions:
                self._show_candidates(f"No artist matches “{answer.typed}”. Did you mean:", answer.suggestions)
            else:
                self.candidates_box.hide()
            self.title.setText(f"No artist matches “{html.escape(display_name(answer.typed))}”.")
            return
        self.candidates_box.hide()
        if remember:
            self.history.push(result.query)
        self.search.setText(display_name(result.query))
        self._show_results(answer)
        self._update_buttons()

    def current_artist(self) -> str | None:
        return self.history.current()

    def results(self) -> list[str]:
        """The names listed, in order."""
        return self.table.current_frame()["artist"].tolist() if self.table.model.columns else []

    def title_text(self) -> str:
        return self.title.text()

    def _show_results(self, answer: _Answer) -> None:
        result = answer.result
        query = html.escape(display_name(result.query))
        yours = self._is_first_person()
        who = "you" if yours else html.escape(display_name(self.person or ""))
        mine = f", {who}: {count_text(answer.your_plays, 'play')}" if answer.your_plays else ""
        text = f"Artists similar to <b>{query}</b> ({count_text(answer.listeners, 'listener')}{mine})"
        if answer.listeners < MIN_LISTENERS:
            text += (f"<br>⚠ Only {count_text(answer.listeners, 'listener')}: these neighbours rest on very "
                     "little data and may mostly reflect one person's library.")
        self.title.setText(text)
        frame = pd.DataFrame({"rank": np.arange(1, len(result.results) + 1),
                              "artist": [r.artist for r in result.results],
                              "score": [r.score for r in result.results],
                              "listeners": [r.listeners for r in result.results],
                              "yours": [bool(self.your_plays[r.index]) if r.index < len(self.your_plays) else False
                                        for r in result.results],
                              "index": np.array([r.index for r in result.results], dtype=np.int64)})
        columns = list(COLUMNS)
        columns[2] = ("score", "Cosine" if result.metric == "cosine" else "Dot product", "float")
        if not yours and self.person:
            columns[4] = ("yours", f"{display_name(self.person)} listens", "bool")
        self.table.set_frame(frame, columns)

    def _is_first_person(self) -> bool:
        return self.person is None or self.person == self._first_person

    # -- the person and the artist menu ----------------------------------------------------
    def _person_changed(self) -> None:
        """Another person picked: read their plays (off the GUI thread), then show the same artist again."""
        if self.listening is None or not self._ready:
            return
        listening, model, person = self.listening, self.model, self.person_picker.person()

        def plays() -> np.ndarray:
            return listening.plays_per_artist(person)

        self.compute("person", plays, lambda found: self._person_read(model, person, found))

    def _person_read(self, model, person: str | None, plays: np.ndarray) -> None:
        if model is not self.model:
            return
        self.person, self.your_plays = person, plays
        self._redo()

    def artist_menu(self, row: dict) -> QMenu:
        """The menu of a result, for the person picked."""
        self.last_menu = self.actions.menu(row["artist"], int(row["index"]), self.person, self)
        return self.last_menu

    def _show_candidates(self, title: str, names: tuple[str, ...]) -> None:
        self.candidates_box.setTitle(title)
        self.candidates.clear()
        for name in names:
            item = QListWidgetItem(display_name(name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.candidates.addItem(item)
        self.candidates_box.show()
        self.candidates.setFocus()

    def candidate_names(self) -> list[str]:
        return [self.candidates.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.candidates.count())]

    def _candidate_chosen(self, item: QListWidgetItem) -> None:
        self.show_artist(item.data(Qt.ItemDataRole.UserRole))

    def _show_message(self, text: str) -> None:
        self.title.setText(text)
        self.table.set_frame(pd.DataFrame({"artist": []}), [])

    def _metric_changed(self, metric: str) -> None:
        self.metric_note.set_full_text(METRIC_NOTES[metric])
        self._redo()

    def _redo(self) -> None:
        """Show the current artist again (new metric, count or minimum)."""
        current = self.history.current()
        if current:
            self.show_artist(current, remember=False)

    # -- back and forward ---------------------------------------------------------------------
    def go_back(self) -> None:
        name = self.history.back()
        if name:
            self.show_artist(name, remember=False)
        self._update_buttons()

    def go_forward(self) -> None:
        name = self.history.forward()
        if name:
            self.show_artist(name, remember=False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.back_button.setEnabled(self.history.can_back())
        self.forward_button.setEnabled(self.history.can_forward())

    def mousePressEvent(self, event) -> None:
        # The mouse's side buttons, as in a web browser.
        if event.button() == Qt.MouseButton.BackButton:
            self.go_back()
        elif event.button() == Qt.MouseButton.ForwardButton:
            self.go_forward()
        else:
            super().mousePressEvent(event)


def _default_artist(model, listening, your_plays: np.ndarray) -> str | None:
    """Where to start: the person's most played well-known artist, else the highest bias."""
    if your_plays.any():
        # An artist with a handful of listeners has noisy neighbours: prefer a known one.
        known = np.where(model.artist_listeners >= START_MIN_LISTENERS, your_plays, 0)
        plays = known if known.any() else your_plays
        return str(model.artist_names[int(np.argmax(plays))])
    top = listening.biases(1)
    return top[0].artist if top else None
