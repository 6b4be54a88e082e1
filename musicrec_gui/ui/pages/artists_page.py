"""The Artists page: every artist ranked by the bias the model learned, as a table and as bars.

A bias is how much the model rates an artist for everyone, before personal
taste: a popularity-like score. Artists with very few listeners get noisy
biases, so a minimum-listeners filter (5 by default, as in the article) keeps
them out. Double-click an artist (or click a bar) to see similar artists.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QGroupBox, QHBoxLayout, QLabel, QScrollArea, QSpinBox, QSplitter, QVBoxLayout,
                               QWidget)

from musicrec_gui.core.workflows.listening import Listening
from musicrec_gui.ui.explore.toggle import Toggle
from musicrec_gui.ui.widgets.bias_chart import BiasBars
from musicrec_gui.ui.widgets.results_table import ResultsTable
from musicrec_gui.ui.widgets.text import heading

CHART_BARS = 30
DEFAULT_MIN_LISTENERS = 5


class ArtistsPage(QWidget):
    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = None
        self.listening: Listening | None = None
        self.your_plays = np.zeros(0, dtype=np.int64)

        intro = QLabel("Each artist's learned <b>bias</b>: how much the model rates an artist for everyone, "
                       "before personal taste — a popularity-like score.", wordWrap=True)
        self.min_listeners = QSpinBox(minimum=1, maximum=1_000_000, value=DEFAULT_MIN_LISTENERS)
        self.min_listeners.setKeyboardTracking(False)   # typing "50" must not rank for 5 first
        self.min_listeners.setToolTip("Leave out artists with fewer listeners: their biases rest on too little data")
        self.min_listeners.valueChanged.connect(self.refresh)
        self.end = Toggle([("top", "Highest"), ("bottom", "Lowest")])
        self.end.setToolTip("Show the highest biases first, or the lowest")
        self.end.changed.connect(self.refresh)
        controls = QHBoxLayout()
        controls.addWidget(heading("Artists"))
        controls.addStretch()
        controls.addWidget(QLabel("Minimum listeners:"))
        controls.addWidget(self.min_listeners)
        controls.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        controls.addWidget(self.end)

        self.table = ResultsTable()
        self.table.filter_field.setPlaceholderText("Filter artists…")
        self.table.row_activated.connect(lambda row: context.similar_requested.emit(row["artist"]))
        self.table.setToolTip("Double-click an artist to see similar ones")
        self.chart = BiasBars(top_n=CHART_BARS)
        self.chart.artist_clicked.connect(context.similar_requested)
        self.chart.setToolTip("Click a bar to see similar artists")
        # Thirty names need thirty lines: on a short screen the chart scrolls rather than
        # making the window taller than the screen.
        scroller = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroller.setWidget(self.chart)
        self.chart_box = QGroupBox()
        QVBoxLayout(self.chart_box).addWidget(scroller)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart_box)
        splitter.setSizes([3000, 2000])   # in proportion: the table a little wider than the chart
        splitter.setChildrenCollapsible(False)
        hint = QLabel("Double-click an artist, or click a bar, to see similar artists.", wordWrap=True)
        hint.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(hint)
        context.models.plays_changed.connect(self._store_changed)

    def set_model(self, model) -> None:
        self.model = model
        self.listening = self.context.models.listening
        self._read_your_plays()
        self.refresh()

    def _store_changed(self) -> None:
        # New plays of "you" change the "Your plays" column; the ranking itself is the model's.
        if self.listening is not None:
            self._read_your_plays()
            self.refresh()

    def _read_your_plays(self) -> None:
        self.person = self.listening.first_person()
        self.your_plays = self.listening.plays_per_artist(self.person)

    def ranking(self) -> pd.DataFrame:
        """Every artist with enough listeners, highest bias first, ranked 1, 2, …"""
        ranked = self.listening.biases(min_listeners=self.min_listeners.value())
        frame = pd.DataFrame({"rank": np.arange(1, len(ranked) + 1),
                              "artist": [r.artist for r in ranked],
                              "bias": [r.bias for r in ranked],
                              "listeners": [r.listeners for r in ranked],
                              "plays": [r.plays for r in ranked]})
        plays = self.your_plays[np.array([r.index for r in ranked], dtype=np.int64)]
        # Blank rather than 0 for artists the person never played: the few they did stand out.
        frame["your_plays"] = pd.array(np.where(plays > 0, plays, None), dtype="Int64")
        return frame

    def refresh(self) -> None:
        if self.model is None:
            return
        frame = self.ranking()
        end = self.end.value()
        shown = frame.iloc[::-1] if end == "bottom" else frame
        columns = [("rank", "Rank", "int"), ("artist", "Artist", "text"), ("bias", "Learned bias", "float"),
                   ("listeners", "Listeners", "int"), ("plays", "Total plays", "int")]
        if self.person is not None:
            columns.append(("your_plays", "Your plays", "int"))
        self.table.set_frame(shown, columns)
        self.chart.set_biases(frame["artist"].tolist(), frame["bias"].to_numpy(), end=end)
        which = "Highest" if end == "top" else "Lowest"
        self.chart_box.setTitle(f"{which} {min(CHART_BARS, len(frame))} biases")
