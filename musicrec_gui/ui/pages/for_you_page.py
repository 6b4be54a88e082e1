"""The For you page: artists a listener has not played yet, best first, each with its reason.

Pick any listener (the first person, "you", by default). Someone imported
after the model was trained is folded in: results at once, and a note that
retraining will refine them. The discovery slider trades popular names for
deep cuts; a listener-count range hides artists that are too obscure (at
least ``MIN_LISTENERS`` by default: an artist with one or two listeners is
noise, not a deep cut) or too famous. The list goes to a CSV file or the
clipboard. Beside it, "taste": the person's own artists as the model sees
them, and as their play counts say.  Every answer is computed off the GUI
thread (``ExplorePage.compute``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (QComboBox, QCompleter, QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSlider, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from musicrec_gui.core.text import count_text, display_name
from musicrec_gui.core.workflows.listening import DEFAULT_COUNT, MIN_LISTENERS, ListenerChoice, NoListener, Profile
from musicrec_gui.ui.pages.explore_page import ExplorePage
from musicrec_gui.ui.widgets.csv_export import write_csv
from musicrec_gui.ui.widgets.results_table import ResultsTable, columns_of, row_search_keys
from musicrec_gui.ui.widgets.text import heading, secondary, sentence

TASTE_COUNT = 10
SLIDER_STEPS = 10   # the slider runs -10 … 10: popular … as the model ranks … deep cuts
FOLD_IN_NOTE = "This person was added after the model was trained; retraining will refine these results."
CHANGED_NOTE = "This listening changed since the model was trained; retraining will refine these results."
COLUMNS = [("rank", "#", "int"), ("artist", "Artist", "text"), ("score", "Score", "float"),
           ("listeners", "Listeners", "int"), ("because", "Because you listen to", "text")]
TASTE_MODEL_COLUMNS = [("artist", "Artist", "text"), ("score", "Predicted", "float")]
TASTE_PLAYS_COLUMNS = [("artist", "Artist", "text"), ("plays", "Plays", "int")]


@dataclass(frozen=True)
class _Results:
    frame: pd.DataFrame
    keys: pd.Series          # the table's search text, built off the GUI thread
    by_model: pd.DataFrame
    by_plays: pd.DataFrame


class ForYouPage(ExplorePage):
    name = "for_you"

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.profile: Profile | None = None
        self._first_person: str | None = None

        self.listener = QComboBox(editable=True)
        self.listener.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.listener.setMinimumContentsLength(22)
        self._listener_names = QStringListModel(self)
        self.listener.setModel(self._listener_names)
        self.listener.setToolTip("Whose recommendations: a person or any community listener (type to search)")
        # Community data brings thousands of listeners: type part of a name to find one.
        completer = QCompleter(self.listener.model(), self.listener)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.listener.setCompleter(completer)
        self.listener.textActivated.connect(self.show_listener)
        # A name that is in no list (typed in full) still gets an answer: "no listener named …".
        self.listener.lineEdit().returnPressed.connect(self._typed_listener)
        top = QHBoxLayout()
        top.addWidget(heading("For you"))
        top.addStretch()
        top.addWidget(QLabel("Listener:"))
        top.addWidget(self.listener)

        self.discovery = QSlider(Qt.Orientation.Horizontal, minimum=-SLIDER_STEPS, maximum=SLIDER_STEPS, value=0)
        self.discovery.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.discovery.setTickInterval(SLIDER_STEPS)
        self.discovery.setTracking(False)   # re-rank when the handle is let go, not at every pixel
        self.discovery.setToolTip("Middle: as the model ranks. Left: favour well-known artists. "
                                  "Right: favour artists few people know.")
        self.discovery.setMinimumWidth(self.fontMetrics().averageCharWidth() * 24)
        self.discovery.valueChanged.connect(self.update_results)
        self.min_listeners = self._spin(MIN_LISTENERS, "Hide artists with fewer listeners than this:\n"
                                                       "with one or two, a score is mostly noise")
        self.max_listeners = self._spin(0, "Hide artists with more listeners than this (0: no limit)")
        self.max_listeners.setSpecialValueText("any")
        self.count = QSpinBox(minimum=5, maximum=1000, value=DEFAULT_COUNT, singleStep=5)
        self.count.setKeyboardTracking(False)
        self.count.setToolTip("How many artists to list")
        self.count.valueChanged.connect(self.update_results)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the list as text, for a spreadsheet or a message")
        self.copy_button.clicked.connect(self.copy)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self.choose_export_file)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Popular"))
        controls.addWidget(self.discovery)
        controls.addWidget(QLabel("Deep cuts"))
        controls.addSpacing(self.fontMetrics().averageCharWidth() * 3)
        controls.addWidget(QLabel("Listeners from"))
        controls.addWidget(self.min_listeners)
        controls.addWidget(QLabel("to"))
        controls.addWidget(self.max_listeners)
        controls.addSpacing(self.fontMetrics().averageCharWidth() * 3)
        controls.addWidget(QLabel("Show"))
        controls.addWidget(self.count)
        controls.addStretch()
        top.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        top.addWidget(self.copy_button)
        top.addWidget(self.export_button)

        self.table = ResultsTable()
        self.table.filter_field.setPlaceholderText("Filter recommendations…")
        self.table.row_activated.connect(lambda row: context.similar_requested.emit(row["artist"]))
        self.table.setToolTip("Double-click an artist to see similar ones")
        self.taste_model = self._small_table()
        self.taste_plays = self._small_table()
        self.taste_box = QGroupBox("Taste")
        taste = QVBoxLayout(self.taste_box)
        self.taste_model_label = QLabel("As the model sees it (highest predicted of the artists played)")
        self.taste_model_label.setWordWrap(True)
        self.taste_plays_label = QLabel("By plays")
        for label, table in ((self.taste_model_label, self.taste_model), (self.taste_plays_label, self.taste_plays)):
            secondary(label)
            taste.addWidget(label)
            taste.addWidget(table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.taste_box)
        splitter.setSizes([3000, 1200])   # in proportion: the list gets most of the width
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.model_line)   # also the page's notes: fold-in, nobody to recommend for
        layout.addLayout(controls)
        layout.addWidget(splitter, 1)

    def _spin(self, value: int, tip: str) -> QSpinBox:
        spin = QSpinBox(minimum=0, maximum=1_000_000, value=value)
        spin.setKeyboardTracking(False)
        spin.setToolTip(tip)
        spin.valueChanged.connect(self.update_results)
        return spin

    def _small_table(self) -> ResultsTable:
        table = ResultsTable()
        table.filter_field.hide()
        table.count_label.hide()
        table.row_activated.connect(lambda row: self.context.similar_requested.emit(row["artist"]))
        return table

    # -- model and listeners ------------------------------------------------------------
    def refresh(self) -> None:
        """The listeners to choose from (off the GUI thread), then the chosen one's recommendations."""
        listening = self.listening
        self.compute("listeners", lambda: (listening.choices(), listening.first_person()),
                     lambda found: self._listeners_read(listening, *found))

    def _listeners_read(self, listening, choices: list[ListenerChoice], first: str | None) -> None:
        if listening is not self.listening:
            return
        self._first_person = first
        current = self.listener.currentText()
        self._fill_listeners(choices)
        names = self._names()
        self.show_listener(current if current in names else first or (names[0] if names else ""))

    def _fill_listeners(self, choices: list[ListenerChoice]) -> None:
        # One string list for the whole set (community data can bring hundreds of thousands of
        # listeners): a single call, not an item per listener.
        self.listener.blockSignals(True)
        self._listener_names.setStringList([c.name for c in choices])
        self.listener.blockSignals(False)

    def _typed_listener(self) -> None:
        text = self.listener.currentText().strip()
        if text and text not in self._names():
            self.show_listener(text)

    def _names(self) -> list[str]:
        return self._listener_names.stringList()

    def show_listener(self, name: str) -> None:
        """Recommend for ``name`` (a listener of the model or of the store)."""
        if self.listening is None:
            return
        self.listener.setCurrentText(name)
        listening = self.listening

        def profile():
            try:
                return listening.profile(name) if name else None
            except NoListener as exc:
                return exc

        self.compute("profile", profile, lambda found: self._profile_read(listening, found))

    def _profile_read(self, listening, found) -> None:
        if listening is not self.listening:
            return
        if isinstance(found, NoListener):
            self.profile = None
            self.set_page_note(sentence(str(found)), "warning")
        elif found is None:
            self.profile = None
            self.set_page_note("Import a listening history to get recommendations.", "info")
        else:
            self.profile = found
            self.set_page_note(_fold_in_note(found), "info")
        self.update_results()

    # -- results ------------------------------------------------------------------------
    def update_results(self) -> None:
        """Recommend again with the controls as they are (off the GUI thread)."""
        if self.listening is None:
            return
        profile, listening = self.profile, self.listening
        if profile is None:
            self.table.set_frame(pd.DataFrame(columns=[c[0] for c in COLUMNS]), COLUMNS)
            for table in (self.taste_model, self.taste_plays):
                table.set_frame(pd.DataFrame({"artist": []}), [])
            return
        n, discovery = self.count.value(), self.discovery.value() / SLIDER_STEPS
        minimum, maximum = self.min_listeners.value(), self.max_listeners.value() or None

        def results() -> _Results:
            found = listening.recommend(profile, n=n, discovery=discovery, min_listeners=minimum,
                                        max_listeners=maximum)
            frame = pd.DataFrame({"rank": np.arange(1, len(found) + 1, dtype=np.int64),
                                  "artist": [r.artist for r in found], "score": [r.score for r in found],
                                  "listeners": [r.listeners for r in found],
                                  "because": [", ".join(r.because) for r in found]}, columns=[c[0] for c in COLUMNS])
            by_model, by_plays = listening.taste(profile, TASTE_COUNT)
            return _Results(frame, row_search_keys(frame, columns_of(COLUMNS)), by_model, by_plays)

        self.compute("results", results, lambda found: self._show_results(profile, found))

    def _show_results(self, profile: Profile, found: _Results) -> None:
        if profile is not self.profile:
            return
        self.table.set_frame(found.frame, COLUMNS, found.keys)
        self._fit_reasons()
        self.taste_box.setTitle("Your taste" if profile.name == self._first_person
                                else f"Taste of {display_name(profile.name)}")
        self.taste_model.set_frame(found.by_model, TASTE_MODEL_COLUMNS)
        self.taste_plays.set_frame(found.by_plays, TASTE_PLAYS_COLUMNS)

    def _fit_reasons(self) -> None:
        # The reasons are the longest text: they take the spare width (cut off with the full
        # text on hover), so the artist names keep theirs.
        header = self.table.table.horizontalHeader()
        artist, because = 1, len(COLUMNS) - 1
        header.setSectionResizeMode(artist, QHeaderView.ResizeMode.Interactive)
        self.table.table.resizeColumnToContents(artist)
        header.setSectionResizeMode(because, QHeaderView.ResizeMode.Stretch)

    def note_text(self) -> str:
        """The page's own note (fold-in, nobody to recommend for); "" when there is none."""
        return self._page_note[0]

    # -- export ---------------------------------------------------------------------------
    def export_frame(self) -> pd.DataFrame:
        """The shown rows under their column titles, as they go into a CSV file."""
        frame = self.table.current_frame()
        return frame.rename(columns={key: header for key, header, _ in COLUMNS})

    def export_csv(self, path: str | Path) -> int:
        """Write the shown list to ``path`` (formulas in names neutralised); returns the rows written."""
        frame = self.export_frame()
        write_csv(path, frame)
        return len(frame)

    def choose_export_file(self) -> None:
        who = re.sub(r"[^\w.-]+", "-", self.listener.currentText()).strip("-") or "listener"
        suggested = str(Path.home() / f"recommendations-{who}.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Export recommendations", suggested, "CSV files (*.csv)")
        if not path:
            return
        try:
            rows = self.export_csv(path)
        except OSError as exc:
            self.context.error.emit(f"Could not write {path}: {exc.strerror or exc}")
            return
        self.context.notice.emit(f"Saved {rows:,} recommendations to {path}.")

    def copy(self) -> None:
        self.table.copy_to_clipboard()
        self.context.status.emit("Recommendations copied to the clipboard.")


def _fold_in_note(profile: Profile) -> str:
    """Why these results are folded in, or "" when the model was trained on this listening."""
    if not profile.folded_in:
        return ""
    unmatched = (f" {count_text(profile.unmatched, 'of their artists is', 'of their artists are')} not in the "
                 "model yet." if profile.unmatched else "")
    return (CHANGED_NOTE if profile.in_model else FOLD_IN_NOTE) + unmatched
