"""The Similar page: artists whose embeddings lie closest to one you pick, by dot product or cosine.

Type to search (completion as you type); a name that fits several artists
lists them to pick from. Double-click a result to go on from there; Back and
Forward (Alt+Left / Alt+Right, or the mouse's side buttons) walk the trail.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QListWidget, QSpinBox, QToolButton, QVBoxLayout,
                               QWidget)

from musicrec_gui.core.engine import explore
from musicrec_gui.core.workflows.listening import DEFAULT_COUNT, Listening
from musicrec_gui.ui.explore.query_field import ArtistQueryField
from musicrec_gui.ui.explore.toggle import Toggle
from musicrec_gui.ui.widgets.history import NavigationHistory
from musicrec_gui.ui.widgets.results_table import ResultsTable
from musicrec_gui.ui.widgets.text import heading

METRIC_NOTES = {
    "dot": "Dot product favours popular artists: their longer vectors give larger scores.",
    "cosine": "Cosine ignores how popular an artist is, so it also finds niche artists with a similar audience.",
}
START_MIN_LISTENERS = 20


class SimilarPage(QWidget):
    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = None
        self.listening: Listening | None = None
        self.your_plays = np.zeros(0, dtype=np.int64)
        self.history: NavigationHistory[str] = NavigationHistory()
        self.result: explore.SimilarResult | None = None

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
        top = QHBoxLayout()
        top.addWidget(heading("Similar artists"))
        top.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        top.addWidget(self.back_button)
        top.addWidget(self.forward_button)
        top.addWidget(self.search, 1)
        top.addWidget(self.metric)
        top.addWidget(QLabel("Results:"))
        top.addWidget(self.count)
        self.metric_note = QLabel(METRIC_NOTES["dot"], wordWrap=True)
        self.metric_note.setEnabled(False)   # secondary text

        # Shown only when a name fits several artists.
        self.candidates = QListWidget()
        self.candidates.setFlow(QListWidget.Flow.LeftToRight)
        self.candidates.setWrapping(True)
        self.candidates.setSpacing(self.fontMetrics().averageCharWidth() // 2)
        self.candidates.itemActivated.connect(lambda item: self.show_artist(item.text()))
        self.candidates.itemClicked.connect(lambda item: self.show_artist(item.text()))
        self.candidates.setMaximumHeight(self.fontMetrics().height() * 4)   # a few lines; more names scroll
        self.candidates_box = QGroupBox()
        QVBoxLayout(self.candidates_box).addWidget(self.candidates)
        self.candidates_box.hide()

        self.title = QLabel(wordWrap=True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.table = ResultsTable()
        self.table.filter_field.hide()   # a short list: the search field above is the way in
        self.table.row_activated.connect(lambda row: self.show_artist(row["artist"]))
        self.table.setToolTip("Double-click an artist to see the artists similar to it")
        hint = QLabel("Double-click a result to go on from there; Alt+Left goes back.", wordWrap=True)
        hint.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.metric_note)
        layout.addWidget(self.candidates_box)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        for keys, slot in (("Alt+Left", self.go_back), ("Alt+Right", self.go_forward)):
            shortcut = QShortcut(QKeySequence(keys), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        context.models.plays_changed.connect(self._store_changed)
        self._update_buttons()

    # -- model -----------------------------------------------------------------------
    def set_model(self, model) -> None:
        previous = self.history.current()
        self.model = model
        self.listening = self.context.models.listening
        self.your_plays = self.listening.plays_per_artist(self.listening.first_person())
        self.search.set_artists(list(model.artist_names), model.artist_listeners.tolist())
        self.history.clear()   # names of the old model may not exist in this one
        start = previous if previous and explore.find_artists(model, previous).size == 1 else self.default_artist()
        if start:
            self.show_artist(start)
        else:
            self._show_message("Type an artist's name above.")

    def default_artist(self) -> str | None:
        """Where to start: the person's most played well-known artist, else the highest bias."""
        if self.your_plays.any():
            # An artist with a handful of listeners has noisy neighbours: prefer a known one.
            known = np.where(self.model.artist_listeners >= START_MIN_LISTENERS, self.your_plays, 0)
            plays = known if known.any() else self.your_plays
            return str(self.model.artist_names[int(np.argmax(plays))])
        top = self.listening.biases(1)
        return top[0].artist if top else None

    def _store_changed(self) -> None:
        if self.listening is not None:
            self.your_plays = self.listening.plays_per_artist(self.listening.first_person())
            self._redo()

    # -- showing ------------------------------------------------------------------------
    def show_artist(self, name: str, remember: bool = True) -> None:
        """Similar artists for ``name``; several matches list candidates, none says so."""
        if self.model is None or not name.strip():
            return
        result = self.listening.similar(name, n=self.count.value(), metric=self.metric.value())
        self.result = result
        if result.candidates:
            self._show_candidates(name, result.candidates)
            return
        self.candidates_box.hide()
        if result.query is None:
            self._show_message(f"No artist matches “{html.escape(name)}”.")
            return
        if remember:
            self.history.push(result.query)
        self.search.setText(result.query)
        self._show_results(result)
        self._update_buttons()

    def current_artist(self) -> str | None:
        return self.history.current()

    def results(self) -> list[str]:
        """The names listed, in order."""
        return self.table.current_frame()["artist"].tolist() if self.table.model.columns else []

    def _show_results(self, result: explore.SimilarResult) -> None:
        model = self.model
        index = int(explore.find_artists(model, result.query)[0])
        plays = int(self.your_plays[index])
        mine = f", you: {plays:,} plays" if plays else ""
        self.title.setText(f"Artists similar to <b>{html.escape(result.query)}</b> "
                           f"({int(model.artist_listeners[index]):,} listeners{mine})")
        names = [r.artist for r in result.results]
        frame = pd.DataFrame({"rank": np.arange(1, len(names) + 1), "artist": names,
                              "score": [r.score for r in result.results],
                              "listeners": [r.listeners for r in result.results],
                              "yours": self.your_plays[[r.index for r in result.results]] > 0})
        header = "Cosine" if result.metric == "cosine" else "Dot product"
        self.table.set_frame(frame, [("rank", "#", "int"), ("artist", "Artist", "text"), ("score", header, "float"),
                                     ("listeners", "Listeners", "int"), ("yours", "You listen", "bool")])

    def _show_candidates(self, typed: str, names: tuple[str, ...]) -> None:
        self.candidates_box.setTitle(f"Found more than one artist matching “{typed}” — pick one:")
        self.candidates.clear()
        self.candidates.addItems(list(names))
        self.candidates_box.show()
        self.candidates.setFocus()
        self.candidates.setCurrentRow(0)

    def _show_message(self, text: str) -> None:
        self.title.setText(text)
        self.table.set_frame(pd.DataFrame({"artist": []}), [])

    def _metric_changed(self, metric: str) -> None:
        self.metric_note.setText(METRIC_NOTES[metric])
        self._redo()

    def _redo(self) -> None:
        """Show the current artist again (new metric, count or store)."""
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
