"""The For you page: artists a listener has not played yet, best first, each with its reason.

Pick any listener (the first person, "you", by default). Someone imported
after the model was trained is folded in: results at once, and a note that
retraining will refine them. The discovery slider trades popular names for
deep cuts; a listener-count range hides artists that are too obscure or too
famous. The list goes to a CSV file or the clipboard. Beside it, "taste": the
person's own artists as the model sees them, and as their play counts say.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (QComboBox, QCompleter, QFileDialog, QFrame, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSlider, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from musicrec_gui.core.workflows.listening import DEFAULT_COUNT, Listening, NoListener, Profile
from musicrec_gui.ui.widgets.csv_export import write_csv
from musicrec_gui.ui.widgets.results_table import ResultsTable
from musicrec_gui.ui.widgets.text import heading, sentence

TASTE_COUNT = 10
SLIDER_STEPS = 10   # the slider runs -10 … 10: popular … as the model ranks … deep cuts
FOLD_IN_NOTE = "This person was added after the model was trained; retraining will refine these results."
CHANGED_NOTE = "This listening changed since the model was trained; retraining will refine these results."
COLUMNS = [("rank", "#", "int"), ("artist", "Artist", "text"), ("score", "Score", "float"),
           ("listeners", "Listeners", "int"), ("because", "Because you listen to", "text")]


class ForYouPage(QWidget):
    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = None
        self.listening: Listening | None = None
        self.profile: Profile | None = None

        self.listener = QComboBox(editable=True)
        self.listener.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.listener.setMinimumContentsLength(22)
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
        self.discovery.valueChanged.connect(self.refresh)
        self.min_listeners = self._spin(0, "Hide artists with fewer listeners than this")
        self.max_listeners = self._spin(0, "Hide artists with more listeners than this (0: no limit)")
        self.max_listeners.setSpecialValueText("any")
        self.count = QSpinBox(minimum=5, maximum=1000, value=DEFAULT_COUNT, singleStep=5)
        self.count.setKeyboardTracking(False)
        self.count.setToolTip("How many artists to list")
        self.count.valueChanged.connect(self.refresh)
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

        # A note in a tinted strip: fold-in, or why there is nothing to show.
        self.note = QLabel(wordWrap=True)
        self.note_frame = QFrame()
        self.note_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.note_frame.setAutoFillBackground(True)
        self.note_frame.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        QVBoxLayout(self.note_frame).addWidget(self.note)
        self.note_frame.hide()

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
            label.setEnabled(False)
            taste.addWidget(label)
            taste.addWidget(table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.taste_box)
        splitter.setSizes([3000, 1200])   # in proportion: the list gets most of the width
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(controls)
        layout.addWidget(self.note_frame)
        layout.addWidget(splitter, 1)
        context.models.plays_changed.connect(self._store_changed)

    def _spin(self, value: int, tip: str) -> QSpinBox:
        spin = QSpinBox(minimum=0, maximum=1_000_000, value=value)
        spin.setKeyboardTracking(False)
        spin.setToolTip(tip)
        spin.valueChanged.connect(self.refresh)
        return spin

    def _small_table(self) -> ResultsTable:
        table = ResultsTable()
        table.filter_field.hide()
        table.count_label.hide()
        table.row_activated.connect(lambda row: self.context.similar_requested.emit(row["artist"]))
        return table

    # -- model and listeners ------------------------------------------------------------
    def set_model(self, model) -> None:
        self.model = model
        self.listening = self.context.models.listening
        current = self.listener.currentText()
        self._fill_listeners()
        names = self._names()
        self.show_listener(current if current in names else self.listening.first_person() or
                           (names[0] if names else ""))

    def _store_changed(self) -> None:
        # Someone imported (or an import undone): new people to fold in, new plays.
        if self.listening is None:
            return
        current = self.listener.currentText()
        self._fill_listeners()
        self.show_listener(current if current in self._names() else self.listening.first_person() or "")

    def _fill_listeners(self) -> None:
        choices = self.listening.choices()
        self.listener.blockSignals(True)
        self.listener.clear()
        self.listener.addItems([c.name for c in choices])
        for row, choice in enumerate(choices):
            what = "a person" if choice.kind == "person" else "a community listener"
            later = "" if choice.in_model else ", added after training"
            self.listener.setItemData(row, f"{choice.name}: {what}{later}", Qt.ItemDataRole.ToolTipRole)
        self.listener.blockSignals(False)

    def _typed_listener(self) -> None:
        text = self.listener.currentText().strip()
        if text and text not in self._names():
            self.show_listener(text)

    def _names(self) -> list[str]:
        return [self.listener.itemText(i) for i in range(self.listener.count())]

    def show_listener(self, name: str) -> None:
        """Recommend for ``name`` (a listener of the model or of the store)."""
        if self.listening is None:
            return
        self.listener.setCurrentText(name)
        try:
            self.profile = self.listening.profile(name) if name else None
        except NoListener as exc:
            self.profile = None
            self._show_note(sentence(str(exc)))
        else:
            if self.profile is None:
                self._show_note("Import a listening history to get recommendations.")
        self.refresh()

    # -- results ------------------------------------------------------------------------
    def recommendations(self) -> pd.DataFrame:
        """The list as shown: rank, artist, score, listeners, because."""
        found = self.listening.recommend(self.profile, n=self.count.value(),
                                         discovery=self.discovery.value() / SLIDER_STEPS,
                                         min_listeners=self.min_listeners.value(),
                                         max_listeners=self.max_listeners.value() or None)
        return pd.DataFrame({"rank": np.arange(1, len(found) + 1, dtype=np.int64),
                             "artist": [r.artist for r in found], "score": [r.score for r in found],
                             "listeners": [r.listeners for r in found],
                             "because": [", ".join(r.because) for r in found]}, columns=[c[0] for c in COLUMNS])

    def refresh(self) -> None:
        if self.profile is None:
            self.table.set_frame(pd.DataFrame(columns=[c[0] for c in COLUMNS]), COLUMNS)
            for table in (self.taste_model, self.taste_plays):
                table.set_frame(pd.DataFrame({"artist": []}), [])
            return
        profile = self.profile
        if profile.folded_in:
            unmatched = (f" {profile.unmatched:,} of their artists are not in the model yet."
                         if profile.unmatched else "")
            self._show_note((CHANGED_NOTE if profile.in_model else FOLD_IN_NOTE) + unmatched)
        else:
            self.note_frame.hide()
        self.table.set_frame(self.recommendations(), COLUMNS)
        self._fit_reasons()
        by_model, by_plays = self.listening.taste(profile, TASTE_COUNT)
        self.taste_box.setTitle("Your taste" if profile.name == self.listening.first_person()
                                else f"Taste of {profile.name}")
        self.taste_model.set_frame(by_model, [("artist", "Artist", "text"), ("score", "Predicted", "float")])
        self.taste_plays.set_frame(by_plays, [("artist", "Artist", "text"), ("plays", "Plays", "int")])

    def _fit_reasons(self) -> None:
        # The reasons are the longest text: they take the spare width (cut off with the full
        # text on hover), so the artist names keep theirs.
        header = self.table.table.horizontalHeader()
        artist, because = 1, len(COLUMNS) - 1
        header.setSectionResizeMode(artist, QHeaderView.ResizeMode.Interactive)
        self.table.table.resizeColumnToContents(artist)
        header.setSectionResizeMode(because, QHeaderView.ResizeMode.Stretch)

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note_frame.show()

    def note_text(self) -> str:
        return self.note.text() if self.note_frame.isVisibleTo(self) else ""

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
