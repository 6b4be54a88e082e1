"""The Artists page: every artist ranked by the bias the model learned, as a table and as bars.

A bias is how much the model rates an artist for everyone, before personal
taste: a popularity-like score. Artists with very few listeners get noisy
biases, so a minimum-listeners filter (``MIN_LISTENERS``, 5 as in the article)
keeps them out. Double-click an artist (or click a bar) to see similar artists;
a right click (on a row or a bar) offers the artist menu: similar artists, "not
for me" for the person picked, open on the web.  "Your plays" follow the person
picked.  The ranking is computed off the GUI thread when the page is shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core.text import display_name
from musicrec_gui.core.workflows.listening import MIN_LISTENERS
from musicrec_gui.ui.artist_actions import ArtistActions
from musicrec_gui.ui.explore.toggle import Toggle
from musicrec_gui.ui.pages.explore_page import ExplorePage
from musicrec_gui.ui.widgets.bias_chart import BiasBars
from musicrec_gui.ui.widgets.person_picker import PersonPicker
from musicrec_gui.ui.widgets.results_table import ResultsTable, columns_of, row_search_keys
from musicrec_gui.ui.widgets.text import heading, secondary

CHART_BARS = 30
COLUMNS = [("rank", "Rank", "int"), ("artist", "Artist", "text"), ("bias", "Bias", "float"),
           ("listeners", "Listeners", "int"), ("plays", "Plays", "int")]
YOUR_PLAYS = "your_plays"


class ArtistsPage(ExplorePage):
    name = "artists"

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.person: str | None = None
        self._first_person: str | None = None
        self.frame = pd.DataFrame()
        self._keys = pd.Series(dtype=object)
        self.actions = ArtistActions(context, self)
        self.last_menu: QMenu | None = None

        intro = QLabel("Each artist's learned <b>bias</b>: how much the model rates an artist for everyone, "
                       "before personal taste — a popularity-like score.", wordWrap=True)
        self.min_listeners = QSpinBox(minimum=1, maximum=1_000_000, value=MIN_LISTENERS)
        self.min_listeners.setKeyboardTracking(False)   # typing "50" must not rank for 5 first
        self.min_listeners.setToolTip("Leave out artists with fewer listeners: their biases rest on too little data")
        self.min_listeners.valueChanged.connect(self.invalidate)
        self.end = Toggle([("top", "Highest"), ("bottom", "Lowest")])
        self.end.setToolTip("Show the highest biases first, or the lowest")
        self.end.changed.connect(lambda _end: self._show_end())
        self.person_picker = PersonPicker(context.store)
        self.person_picker.setToolTip("Whose plays the table shows, and whose “not for me” the menu changes")
        self.person_picker.person_changed.connect(lambda _name: self.invalidate())
        context.store_changed.connect(self.person_picker.reload)
        controls = QHBoxLayout()
        controls.addWidget(heading("Artists"))
        controls.addStretch()
        controls.addWidget(self.person_picker)
        controls.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        controls.addWidget(QLabel("Minimum listeners:"))
        controls.addWidget(self.min_listeners)
        controls.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        controls.addWidget(self.end)

        self.table = ResultsTable()
        self.table.filter_field.setPlaceholderText("Filter artists…")
        self.table.row_activated.connect(lambda row: context.similar_requested.emit(row["artist"]))
        self.table.row_menu_requested.connect(lambda row, where: self.artist_menu(row).popup(where))
        self.table.setToolTip("Double-click an artist to see similar ones; right-click for more")
        self.chart = BiasBars(top_n=CHART_BARS)
        self.chart.artist_clicked.connect(context.similar_requested)
        self.chart.artist_menu_requested.connect(self._bar_menu)
        self.chart.setToolTip("Click a bar to see similar artists; right-click for more")
        # Thirty names need thirty lines: on a short screen the chart scrolls rather than
        # making the window taller than the screen.
        scroller = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroller.setWidget(self.chart)
        self.chart_box = QGroupBox()
        QVBoxLayout(self.chart_box).addWidget(scroller)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart_box)
        splitter.setSizes([7000, 3000])   # in proportion: names need the width more than the bars
        splitter.setChildrenCollapsible(False)
        hint = QLabel("Double-click an artist, or click a bar, to see similar artists.", wordWrap=True)
        secondary(hint)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.model_line)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(hint)

    def refresh(self) -> None:
        """Rank every artist with enough listeners (off the GUI thread), then show table and bars."""
        listening, minimum, picked = self.listening, self.min_listeners.value(), self.person_picker.person()

        def ranked():
            first = listening.first_person()
            person = picked or first
            frame = ranking(listening, person, minimum)
            columns = columns_of(self._columns(person, first))
            return person, first, frame, row_search_keys(frame, columns)

        self.compute("ranking", ranked, lambda found: self._show(listening, *found))

    def _show(self, listening, person, first, frame: pd.DataFrame, keys: pd.Series) -> None:
        if listening is not self.listening:
            return
        self.person, self._first_person, self.frame, self._keys = person, first, frame, keys
        self._show_end()

    @staticmethod
    def _columns(person: str | None, first: str | None) -> list:
        if person is None:
            return COLUMNS
        header = "Your plays" if person == first else f"Plays by {display_name(person)}"
        return COLUMNS + [(YOUR_PLAYS, header, "int")]

    def _show_end(self) -> None:
        if "artist" not in self.frame:
            return   # nothing ranked yet
        frame, keys, end = self.frame, self._keys, self.end.value()
        if end == "bottom":
            frame, keys = frame.iloc[::-1], keys.iloc[::-1]
        self.table.set_frame(frame, self._columns(self.person, self._first_person), keys)
        self.chart.set_biases(self.frame["artist"].tolist(), self.frame["bias"].to_numpy(), end=end)
        which = "Highest" if end == "top" else "Lowest"
        self.chart_box.setTitle(f"{which} {min(CHART_BARS, len(self.frame))} biases")

    # -- the artist menu ------------------------------------------------------------------
    def artist_menu(self, row: dict) -> QMenu:
        """The menu of an artist of the ranking, for the person picked."""
        self.last_menu = self.actions.menu(row["artist"], int(row["index"]), self.person, self)
        return self.last_menu

    def _bar_menu(self, name: str, where: QPoint) -> None:
        rows = self.frame.index[self.frame["artist"] == name]
        if len(rows):
            self.artist_menu({"artist": name, "index": int(self.frame.at[rows[0], "index"])}).popup(where)


def ranking(listening, person: str | None, min_listeners: int) -> pd.DataFrame:
    """Every artist with at least ``min_listeners`` listeners, highest bias first, with the person's plays."""
    frame = listening.bias_table(min_listeners)
    plays = listening.plays_per_artist(person)[frame["index"].to_numpy()]
    # Blank rather than 0 for artists the person never played: the few they did stand out.
    frame["your_plays"] = pd.array(np.where(plays > 0, plays, None), dtype="Int64")
    return frame
