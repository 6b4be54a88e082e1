"""The For you page: what suits a listener, in three lanes, each artist with its reason and evidence.

* **Explore**: artists the listener never played, or played at most a few
  times (the "barely played" threshold, a setting).
* **Rediscover**: artists they played a lot before but not in the last N
  months (N adjustable): "you played them 212 times, last in March 2021".
* **Then and now**: recommendations from one period's listens only (a year,
  or dates) beside today's, so a person sees how their taste moved.

Pick any listener (the first person, "you", by default). Someone imported
after the model was trained is folded in: results at once, and a note that
retraining will refine them. Every lane keeps the discovery slider (popular
names … deep cuts) and the listener-count range (at least ``MIN_LISTENERS``
by default: an artist with one or two listeners is noise, not a deep cut).
Under the list, "Why this artist" gives the selected artist's reasons and the
co-listening evidence from the community data, which follows when counted
(``explore/evidence.py``; never holding up the list).  A right click offers
the artist menu (similar artists, "not for me", open on the web).  The list
goes to a CSV file, a JSPF/XSPF playlist or the clipboard.  Beside it,
"taste": the person's own artists as the model sees them, and as their play
counts say.  Every answer is computed off the GUI thread
(``ExplorePage.compute``), each lane when it is first shown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QCoreApplication, QDate, QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core import history, library, periods
from musicrec_gui.core.periods import Period, PeriodError
from musicrec_gui.core.playlists import write_playlist
from musicrec_gui.core.text import count_text, display_name
from musicrec_gui.core.workflows.listening import (
    DEFAULT_COUNT,
    EXPLORE,
    MIN_LISTENERS,
    REDISCOVER,
    REDISCOVER_MIN_PLAYS,
    NoListener,
    Profile,
    Rediscovery,
)
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.artist_actions import ArtistActions
from musicrec_gui.ui.dialogs.hidden_artists import HiddenArtistsDialog
from musicrec_gui.ui.explore.evidence import EvidenceFetcher
from musicrec_gui.ui.explore.why_panel import WhyPanel
from musicrec_gui.ui.pages.explore_page import ExplorePage
from musicrec_gui.ui.widgets.csv_export import write_csv
from musicrec_gui.ui.widgets.elided_label import ElidedLabel
from musicrec_gui.ui.widgets.results_table import ResultsTable, columns_of, row_search_keys
from musicrec_gui.ui.widgets.text import heading, secondary, sentence

TASTE_COUNT = 10
SLIDER_STEPS = 10   # the slider runs -10 … 10: popular … as the model ranks … deep cuts
PERIOD = "period"
LANES = (EXPLORE, REDISCOVER, PERIOD)          # the tabs, in order
THEN, NOW = "then", "now"                      # the two lists of the period lane
DATES = "dates"                                # the period picker's "between two dates"
FOLD_IN_NOTE = "This person was added after the model was trained; retraining will refine these results."
CHANGED_NOTE = "This listening changed since the model was trained; retraining will refine these results."
BECAUSE = ("because", "Because you listen to", "text")
COLUMNS = [("rank", "#", "int"), ("artist", "Artist", "text"), ("score", "Score", "float"),
           ("listeners", "Listeners", "int"), BECAUSE]
# Ranked as the model expects (the rank says it); the person's own plays say why they are here (their
# listener counts, less telling for artists the person knows, are under "Why this artist").
REDISCOVER_COLUMNS = [("rank", "#", "int"), ("artist", "Artist", "text"), ("plays", "Your plays", "int"),
                      ("last", "Last played", "text"), BECAUSE]
# Two lists side by side: each says which of its artists the other list has too.
THEN_COLUMNS = [("rank", "#", "int"), ("artist", "Artist", "text"), ("both", "Also today", "bool"), BECAUSE]
NOW_COLUMNS = [("rank", "#", "int"), ("artist", "Artist", "text"), ("both", "Also then", "bool"), BECAUSE]
TABLE_COLUMNS = {EXPLORE: COLUMNS, REDISCOVER: REDISCOVER_COLUMNS, THEN: THEN_COLUMNS, NOW: NOW_COLUMNS}
TASTE_MODEL_COLUMNS = [("artist", "Artist", "text"), ("score", "Predicted", "float")]
TASTE_PLAYS_COLUMNS = [("artist", "Artist", "text"), ("plays", "Plays", "int")]
PLAYLIST_FILTERS = {".jspf": "JSPF playlist (*.jspf)", ".xspf": "XSPF playlist (*.xspf)"}


@dataclass(frozen=True)
class _Shown:
    """One list as computed off the GUI thread: the table's frame, its search text, the picks."""

    frame: pd.DataFrame
    keys: pd.Series
    picks: list


@dataclass(frozen=True)
class _PeriodAnswer:
    then: _Shown | None
    now: _Shown | None
    then_profile: Profile | None
    problem: str = ""          # why there is no "then" list


@dataclass
class _List:
    """What a table shows: its picks by model index, and their evidence once counted."""

    table: ResultsTable
    profile: Profile | None = None
    picks: dict[int, object] = field(default_factory=dict)
    evidence: dict[int, tuple] | None = None


class ForYouPage(ExplorePage):
    name = "for_you"

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.profile: Profile | None = None
        self._first_person: str | None = None
        self._stale_lanes: set[str] = set(LANES)
        self._years: list[history.YearSummary] = []
        self._picked: str | None = None              # the list whose selected row "Why" explains
        self.actions = ArtistActions(context, self)
        self.last_menu: QMenu | None = None
        self.hidden_dialog: HiddenArtistsDialog | None = None
        self.evidence = EvidenceFetcher(self)
        self.evidence.state_changed.connect(self._evidence_state)

        self.listener = QComboBox(editable=True)
        self.listener.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.listener.setMinimumContentsLength(16)
        self._listener_names = QStringListModel(self)
        self._names_listed: list[str] = []   # the same names, to check one is there
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
        self.hidden_button = QPushButton("Hidden artists…")
        self.hidden_button.setToolTip("The artists this person marked “not for me”, to show again")
        self.hidden_button.clicked.connect(self.open_hidden_artists)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the list as text, for a spreadsheet or a message")
        self.copy_button.clicked.connect(self.copy)
        self.export_button = QPushButton("Export")
        export_menu = QMenu(self.export_button)
        export_menu.addAction("CSV file…", self.choose_export_file)
        export_menu.addAction("JSPF playlist…", lambda: self.choose_playlist_file(".jspf"))
        export_menu.addAction("XSPF playlist…", lambda: self.choose_playlist_file(".xspf"))
        self.export_button.setMenu(export_menu)
        self.export_button.setToolTip("Save the list as a CSV file, or as a playlist of these artists "
                                      "(JSPF or XSPF, with MusicBrainz identifiers where known)")
        top = QHBoxLayout()
        top.addWidget(heading("For you"))
        top.addStretch()
        top.addWidget(QLabel("Listener:"))
        top.addWidget(self.listener)
        top.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        top.addWidget(self.hidden_button)
        top.addWidget(self.copy_button)
        top.addWidget(self.export_button)

        self.discovery = QSlider(Qt.Orientation.Horizontal, minimum=-SLIDER_STEPS, maximum=SLIDER_STEPS, value=0)
        self.discovery.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.discovery.setTickInterval(SLIDER_STEPS)
        self.discovery.setTracking(False)   # re-rank when the handle is let go, not at every pixel
        self.discovery.setToolTip("Middle: as the model ranks. Left: favour well-known artists. "
                                  "Right: favour artists few people know.")
        self.discovery.setMinimumWidth(self.fontMetrics().averageCharWidth() * 16)
        self.discovery.valueChanged.connect(self.update_results)
        self.min_listeners = self._spin(MIN_LISTENERS, "Hide artists with fewer listeners than this:\n"
                                                       "with one or two, a score is mostly noise")
        self.max_listeners = self._spin(0, "Hide artists with more listeners than this (0: no limit)")
        self.max_listeners.setSpecialValueText("any")
        self.count = QSpinBox(minimum=5, maximum=1000, value=DEFAULT_COUNT, singleStep=5)
        self.count.setKeyboardTracking(False)
        self.count.setToolTip("How many artists to list")
        self.count.valueChanged.connect(self.update_results)
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

        self.lists: dict[str, _List] = {key: _List(self._list_table(key)) for key in TABLE_COLUMNS}
        self.table = self.lists[EXPLORE].table          # the Explore list
        self.rediscover_table = self.lists[REDISCOVER].table
        self.then_table, self.now_table = self.lists[THEN].table, self.lists[NOW].table
        self.table.filter_field.setPlaceholderText("Filter recommendations…")
        self.rediscover_table.filter_field.setPlaceholderText("Filter old favourites…")
        for table in (self.then_table, self.now_table):
            table.filter_field.hide()    # two short lists side by side: nothing to search

        settings = context.settings
        self.barely = QSpinBox(minimum=0, maximum=10_000, value=settings.get(options.EXPLORE_BARELY))
        self.barely.setKeyboardTracking(False)
        self.barely.setToolTip("0: only artists this person never played. More: also artists they "
                               "played a few times, as if they had barely heard them")
        self.barely.valueChanged.connect(lambda value: self._setting_changed(options.EXPLORE_BARELY, value))
        self.months = QSpinBox(minimum=1, maximum=600, value=settings.get(options.REDISCOVER_MONTHS))
        self.months.setKeyboardTracking(False)
        self.months.setToolTip("Counted back from this person's latest listen")
        self.months.valueChanged.connect(lambda value: self._setting_changed(options.REDISCOVER_MONTHS, value))
        explore_row = self._lane_row(QLabel("Artists played at most"), self.barely,
                                     QLabel("times (0: never played)"))
        rediscover_row = self._lane_row(QLabel(f"Artists played at least {REDISCOVER_MIN_PLAYS} times, "
                                               "but not in the last"), self.months, QLabel("months"))

        self.period = QComboBox()
        self.period.setToolTip("The period whose listening the left list is made of")
        self.period.setMinimumContentsLength(14)
        self.period.activated.connect(self._period_chosen)
        self.period_from = self._date_edit("From the first day of this date")
        self.period_to = self._date_edit("To the last day of this date (included)")
        self.period_from.dateChanged.connect(self._dates_changed)
        self.period_to.dateChanged.connect(self._dates_changed)
        self.period_summary = secondary(ElidedLabel())
        self.then_title = ElidedLabel()
        self.now_title = ElidedLabel("From all the listening today")
        self.period_to_label = QLabel("to")
        period_row = self._lane_row(QLabel("Taste in"), self.period, self.period_from, self.period_to_label,
                                    self.period_to)
        self._show_dates(False)
        then_box, now_box = QWidget(), QWidget()
        for box, title, table in ((then_box, self.then_title, self.then_table),
                                  (now_box, self.now_title, self.now_table)):
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(title)
            column.addWidget(table, 1)
        both = QSplitter(Qt.Orientation.Horizontal)
        both.addWidget(then_box)
        both.addWidget(now_box)
        both.setChildrenCollapsible(False)

        self.lanes = QTabWidget()
        self.lanes.setDocumentMode(True)
        self.lanes.addTab(self._lane_page(explore_row, self.table), "Explore")
        self.lanes.addTab(self._lane_page(rediscover_row, self.rediscover_table), "Rediscover")
        self.lanes.addTab(self._lane_page(period_row, self.period_summary, both), "Then and now")
        self.lanes.setTabToolTip(0, "Artists new to this person (or barely played)")
        self.lanes.setTabToolTip(1, "Old favourites this person has not played lately")
        self.lanes.setTabToolTip(2, "What one period's listening recommends, beside today's")
        self.lanes.currentChanged.connect(self._lane_shown)

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
        splitter.addWidget(self.lanes)
        splitter.addWidget(self.taste_box)
        splitter.setSizes([3000, 1000])   # in proportion: the list gets most of the width
        splitter.setChildrenCollapsible(False)
        self.why = WhyPanel()
        self.why.count_requested.connect(self.evidence.count_now)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.model_line)   # also the page's notes: fold-in, nobody to recommend for
        layout.addLayout(controls)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.why)

    # -- building -------------------------------------------------------------------------
    def _spin(self, value: int, tip: str) -> QSpinBox:
        spin = QSpinBox(minimum=0, maximum=1_000_000, value=value)
        spin.setKeyboardTracking(False)
        spin.setToolTip(tip)
        spin.valueChanged.connect(self.update_results)
        return spin

    def _date_edit(self, tip: str) -> QDateEdit:
        edit = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        edit.setToolTip(tip)
        edit.setKeyboardTracking(False)
        return edit

    def _lane_row(self, *widgets: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget)
        row.addStretch()
        return row

    def _lane_page(self, row: QHBoxLayout, *below: QWidget) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, self.fontMetrics().height() // 3, 0, 0)
        column.addLayout(row)
        for widget in below:
            column.addWidget(widget, 0 if isinstance(widget, ElidedLabel) else 1)
        return page

    def _list_table(self, key: str) -> ResultsTable:
        table = ResultsTable()
        table.row_activated.connect(lambda row: self.context.similar_requested.emit(row["artist"]))
        table.row_menu_requested.connect(self._row_menu)
        table.setToolTip("Double-click an artist to see similar ones; right-click for more")
        table.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._row_picked(key))
        return table

    def _small_table(self) -> ResultsTable:
        table = ResultsTable()
        table.filter_field.hide()
        table.count_label.hide()
        table.row_activated.connect(lambda row: self.context.similar_requested.emit(row["artist"]))
        return table

    # -- model and listeners ------------------------------------------------------------
    def model_changed(self) -> None:
        self.evidence.forget()

    def refresh(self) -> None:
        """The listeners to choose from (off the GUI thread), then the chosen one's recommendations."""
        listening = self.listening

        def listeners():
            # The list's model is made here: at 359 K listeners filling it took 67 ms, too long
            # for the GUI thread (a set of the names another 85 ms: the list is searched instead,
            # ~5 ms, the few times a name must be checked).
            names = listening.choice_names()
            return names, _string_list_model(names), listening.first_person()

        self.compute("listeners", listeners, lambda found: self._listeners_read(listening, *found))

    def _listeners_read(self, listening, names: list[str], model: QStringListModel, first: str | None) -> None:
        if listening is not self.listening:
            model.deleteLater()
            return
        self._first_person = first
        current = self.listener.currentText()
        self._use_listeners(model)
        self._names_listed = names
        self.show_listener(current if self._is_listed(current) else first or (names[0] if names else ""))

    def _is_listed(self, name: str) -> bool:
        return bool(name) and name in self._names_listed

    def _use_listeners(self, model: QStringListModel) -> None:
        old = self._listener_names
        model.setParent(self)
        self.listener.blockSignals(True)
        self.listener.setModel(model)
        self.listener.completer().setModel(model)
        self.listener.setCurrentIndex(-1)
        self.listener.blockSignals(False)
        self._listener_names = model
        old.deleteLater()

    def _typed_listener(self) -> None:
        text = self.listener.currentText().strip()
        if text and not self._is_listed(text):
            self.show_listener(text)

    def show_listener(self, name: str) -> None:
        """Recommend for ``name`` (a listener of the model or of the store)."""
        if self.listening is None:
            return
        self.listener.setCurrentText(name)
        listening, store = self.listening, self.context.store

        def profile():
            try:
                found = listening.profile(name) if name else None
            except NoListener as exc:
                return exc, []
            stored = library.find_listener(store, found.name) if found is not None else None
            return found, history.years(store, stored.name) if stored is not None else []

        self.compute("profile", profile, lambda found: self._profile_read(listening, *found))

    def _profile_read(self, listening, found, years: list[history.YearSummary]) -> None:
        if listening is not self.listening:
            return
        self.evidence.forget()
        if isinstance(found, NoListener):
            self.profile = None
            self.set_page_note(sentence(str(found)), "warning")
        elif found is None:
            self.profile = None
            self.set_page_note("Import a listening history to get recommendations.", "info")
        else:
            self.profile = found
            self.set_page_note(_fold_in_note(found), "info")
        self._fill_periods(years)
        self._show_taste()
        self.update_results()

    def person(self) -> str | None:
        """The listener shown, when they are a person of the library (whose choices can be changed)."""
        profile = self.profile
        return profile.name if profile is not None and profile.kind == "person" else None

    # -- results ------------------------------------------------------------------------
    def lane(self) -> str:
        return LANES[self.lanes.currentIndex()]

    def set_lane(self, lane: str) -> None:
        self.lanes.setCurrentIndex(LANES.index(lane))

    def update_results(self) -> None:
        """Recommend again with the controls as they are: the lane on screen now (off the GUI
        thread), the others when they are shown."""
        self._stale_lanes = set(LANES)
        self._lane_shown()

    def _lane_shown(self, *_args) -> None:
        lane = self.lane()
        self.taste_box.setVisible(lane != PERIOD)
        self._picked = None
        self._row_picked(THEN if lane == PERIOD else lane)
        if self.listening is None or lane not in self._stale_lanes:
            return
        self._stale_lanes.discard(lane)
        if self.profile is None:
            for key in TABLE_COLUMNS:
                self._show_list(key, None, None)
            self.period_summary.set_full_text("")
            return
        {EXPLORE: self._explore, REDISCOVER: self._rediscover, PERIOD: self._period}[lane]()

    def _ranking(self) -> dict:
        return {"n": self.count.value(), "discovery": self.discovery.value() / SLIDER_STEPS,
                "min_listeners": self.min_listeners.value(), "max_listeners": self.max_listeners.value() or None}

    def _explore(self) -> None:
        profile, listening, ranking, barely = self.profile, self.listening, self._ranking(), self.barely.value()
        self.compute(EXPLORE, lambda: _shown(listening.recommend(profile, barely=barely, **ranking), COLUMNS),
                     lambda found: self._show_list(EXPLORE, profile, found))

    def _rediscover(self) -> None:
        profile, listening, ranking, months = self.profile, self.listening, self._ranking(), self.months.value()
        self.compute(REDISCOVER, lambda: _shown(listening.rediscover(profile, months=months, **ranking),
                                                REDISCOVER_COLUMNS),
                     lambda found: self._show_list(REDISCOVER, profile, found))

    def _period(self) -> None:
        profile, listening, ranking, barely = self.profile, self.listening, self._ranking(), self.barely.value()
        try:
            period = self.chosen_period()
        except PeriodError as exc:
            self._show_period(profile, _PeriodAnswer(None, None, None, sentence(str(exc))))
            return
        if period is None:
            who = display_name(profile.name)
            self._show_period(profile, _PeriodAnswer(None, None, None, f"{who} has no dated listens, so there is "
                                                     "no period to look back on."))
            return

        def answer() -> _PeriodAnswer:
            now = listening.recommend(profile, barely=barely, **ranking)
            try:
                then_profile = listening.period_profile(profile.name, period)
            except NoListener as exc:
                return _PeriodAnswer(None, _shown(now, NOW_COLUMNS), None, sentence(str(exc)))
            then = listening.recommend(then_profile, barely=barely, **ranking)
            then_indices, now_indices = {r.index for r in then}, {r.index for r in now}
            return _PeriodAnswer(_shown(then, THEN_COLUMNS, now_indices), _shown(now, NOW_COLUMNS, then_indices),
                                 then_profile)

        self.compute(PERIOD, answer, lambda found: self._show_period(profile, found))

    def _show_period(self, profile: Profile, found: _PeriodAnswer) -> None:
        if profile is not self.profile:
            return
        self._show_list(THEN, found.then_profile, found.then)
        self._show_list(NOW, profile, found.now)
        label = self.period_label()
        self.then_title.set_full_text(f"From the listening in {label}" if label else "From one period's listening")
        if found.problem:
            self.period_summary.set_full_text(found.problem)
        elif found.then is not None:
            both = int(found.then.frame["both"].sum())
            shown = len(found.then.frame)
            self.period_summary.set_full_text(
                f"{both} of the {shown} artists recommended from {label} are recommended today too; "
                f"{shown - both} are not." if shown else f"Nothing to recommend from {label}.")

    def _show_list(self, key: str, profile: Profile | None, found: _Shown | None) -> None:
        if key in (EXPLORE, REDISCOVER) and profile is not self.profile:
            return
        shown = self.lists[key]
        columns = TABLE_COLUMNS[key]
        if found is None:
            found = _shown([], columns)
        shown.profile = profile
        shown.picks = {int(p.index): p for p in found.picks}
        shown.evidence = None
        shown.table.set_frame(found.frame, columns, found.keys)
        _fit_reasons(shown.table, columns)
        if key == self._picked:
            self._row_picked(key)
        if profile is not None and found.picks:
            listening = self.listening
            self.evidence.request(key, listening, profile, found.picks,
                                  lambda evidence: self._evidence_found(key, listening, found.picks, evidence))

    def _show_taste(self) -> None:
        profile, listening = self.profile, self.listening
        if profile is None:
            for table in (self.taste_model, self.taste_plays):
                table.set_frame(pd.DataFrame({"artist": []}), [])
            return
        self.compute("taste", lambda: listening.taste(profile, TASTE_COUNT),
                     lambda found: self._taste_read(profile, *found))

    def _taste_read(self, profile: Profile, by_model: pd.DataFrame, by_plays: pd.DataFrame) -> None:
        if profile is not self.profile:
            return
        self.taste_box.setTitle("Your taste" if profile.name == self._first_person
                                else f"Taste of {display_name(profile.name)}")
        self.taste_model.set_frame(by_model, TASTE_MODEL_COLUMNS)
        self.taste_plays.set_frame(by_plays, TASTE_PLAYS_COLUMNS)

    def _setting_changed(self, option, value: int) -> None:
        self.context.settings.set(option, value)
        self.update_results()

    def note_text(self) -> str:
        """The page's own note (fold-in, nobody to recommend for); "" when there is none."""
        return self._page_note[0]

    # -- periods -------------------------------------------------------------------------------
    def _fill_periods(self, years: list[history.YearSummary]) -> None:
        """The person's years (and "between dates"), keeping the choice when it is still there."""
        self._years = years
        previous = self.period.currentData()
        self.period.clear()
        for summary in reversed(years):
            self.period.addItem(f"{summary.year} ({count_text(summary.listens, 'listen')})", summary.year)
        if years:
            self.period.addItem("Between dates…", DATES)
            self.period_from.setDate(QDate(years[0].year, 1, 1))
            self.period_to.setDate(QDate(years[-1].year, 12, 31))
        self.period.setEnabled(bool(years))
        index = self.period.findData(previous) if previous is not None else -1
        self.period.setCurrentIndex(index if index >= 0 else self.period.findData(_default_year(years)))
        self._show_dates(self.period.currentData() == DATES)

    def _period_chosen(self, *_args) -> None:
        self._show_dates(self.period.currentData() == DATES)
        self._stale_lanes.add(PERIOD)
        self._lane_shown()

    def _dates_changed(self, *_args) -> None:
        if self.period.currentData() == DATES:
            self._period_chosen()

    def _show_dates(self, shown: bool) -> None:
        for widget in (self.period_from, self.period_to_label, self.period_to):
            widget.setVisible(shown)

    def set_period(self, value: int | str, first: str | None = None, last: str | None = None) -> None:
        """Choose a year (or ``DATES`` with ``first``/``last`` as YYYY-MM-DD) for Then and now."""
        index = self.period.findData(value)
        if index < 0:
            raise ValueError(f"no period {value!r} to choose")
        if first and last:
            for edit, text in ((self.period_from, first), (self.period_to, last)):
                edit.blockSignals(True)
                edit.setDate(QDate.fromString(text, "yyyy-MM-dd"))
                edit.blockSignals(False)
        self.period.setCurrentIndex(index)
        self._period_chosen()

    def chosen_period(self) -> Period | None:
        """The period picked (None when the listener has no dated listens)."""
        value = self.period.currentData()
        if value is None:
            return None
        if value == DATES:
            return periods.between(self.period_from.date().toString("yyyy-MM-dd"),
                                   self.period_to.date().toString("yyyy-MM-dd"))
        return periods.year(int(value))

    def period_label(self) -> str:
        try:
            period = self.chosen_period()
        except PeriodError:
            return ""
        return period.label if period is not None else ""

    # -- why this artist ---------------------------------------------------------------------
    def _row_picked(self, key: str) -> None:
        self._picked = key
        shown = self.lists[key]
        row = shown.table.table.currentIndex().row()
        if row < 0 or row >= len(shown.table.model.view):
            self.why.clear()
            return
        index = int(shown.table.model.row(row)["index"])
        pick = shown.picks.get(index)
        if pick is None:
            self.why.clear()
            return
        self.why.show_pick(pick.artist, pick.listeners, _reason(pick))
        if shown.evidence is not None:
            self.why.show_evidence([e.sentence() for e in shown.evidence.get(index, ())])
        else:
            self.why.show_state(self.evidence.state)

    def _evidence_found(self, key: str, listening, picks: list, evidence: list) -> None:
        shown = self.lists[key]
        if listening is not self.listening or [int(p.index) for p in picks] != list(shown.picks):
            return
        shown.evidence = {int(p.index): found for p, found in zip(picks, evidence)}
        if self._picked == key:
            self._row_picked(key)

    def _evidence_state(self, state: str) -> None:
        if self._picked is not None and self.lists[self._picked].evidence is None:
            self._row_picked(self._picked)

    def evidence_for(self, key: str, artist: str) -> list[str]:
        """The evidence sentences shown for ``artist`` of list ``key`` (tests)."""
        shown = self.lists[key]
        if shown.evidence is None:
            return []
        index = next(i for i, p in shown.picks.items() if p.artist == artist)
        return [e.sentence() for e in shown.evidence.get(index, ())]

    # -- the artist menu -------------------------------------------------------------------
    def _row_menu(self, row: dict, where) -> None:
        menu = self.artist_menu(row)
        menu.popup(where)

    def artist_menu(self, row: dict) -> QMenu:
        """The menu of a row: similar artists, not for me (for the listener shown), open on the web."""
        self.last_menu = self.actions.menu(row["artist"], int(row["index"]), self.person(), self)
        return self.last_menu

    def open_hidden_artists(self) -> HiddenArtistsDialog:
        if self.hidden_dialog is None:
            self.hidden_dialog = HiddenArtistsDialog(self.context, self)
        self.hidden_dialog.open_for(self.person() or self._first_person)
        return self.hidden_dialog

    # -- export ---------------------------------------------------------------------------
    def _export_key(self) -> str:
        lane = self.lane()
        return THEN if lane == PERIOD else lane

    def export_frame(self) -> pd.DataFrame:
        """The shown rows of the list on screen (Then and now: the period's list) under their column
        titles, as they go into a CSV file."""
        key = self._export_key()
        frame = self.lists[key].table.current_frame()
        return frame.rename(columns={k: header for k, header, _ in TABLE_COLUMNS[key]})

    def export_csv(self, path: str | Path) -> int:
        """Write the shown list to ``path`` (formulas in names neutralised); returns the rows written."""
        frame = self.export_frame()
        write_csv(path, frame)
        return len(frame)

    def _suggested_name(self, suffix: str) -> str:
        who = re.sub(r"[^\w.-]+", "-", self.listener.currentText()).strip("-") or "listener"
        lane = {EXPLORE: "recommendations", REDISCOVER: "rediscover", THEN: "then"}[self._export_key()]
        return str(Path.home() / f"{lane}-{who}{suffix}")

    def choose_export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export recommendations", self._suggested_name(".csv"),
                                              "CSV files (*.csv)")
        if not path:
            return
        try:
            rows = self.export_csv(path)
        except OSError as exc:
            self.context.error.emit(f"Could not write {path}: {exc.strerror or exc}")
            return
        self.context.notice.emit(f"Saved {rows:,} recommendations to {path}.")

    def playlist_title(self) -> str:
        who = display_name(self.listener.currentText())
        key = self._export_key()
        if key == THEN:
            return f"MusicRec: {who}'s taste in {self.period_label()}"
        return f"MusicRec: {'Rediscover' if key == REDISCOVER else 'Explore'} for {who}"

    def export_playlist(self, path: str | Path) -> None:
        """Write the shown list as a playlist of artists (JSPF or XSPF by the suffix), off the GUI thread."""
        shown = self.lists[self._export_key()]
        visible = shown.table.model.frame.iloc[shown.table.model.view]
        picks = [shown.picks[int(i)] for i in visible["index"]] if "index" in visible else []
        listening, title = self.listening, self.playlist_title()
        # One computation per file: a second export never makes the first one stale.
        self.compute(f"playlist:{path}", lambda: write_playlist(path, listening.playlist(title, picks)),
                     lambda written: self.context.notice.emit(
                         f"Saved a playlist of {count_text(len(picks), 'artist')} to {written}."),
                     lambda exc: self.context.error.emit(sentence(str(exc))))

    def choose_playlist_file(self, suffix: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export a playlist", self._suggested_name(suffix),
                                              PLAYLIST_FILTERS[suffix])
        if not path:
            return
        if not path.lower().endswith(suffix):
            path += suffix
        self.export_playlist(path)

    def copy(self) -> None:
        self.lists[self._export_key()].table.copy_to_clipboard()
        self.context.status.emit("Recommendations copied to the clipboard.")


def _string_list_model(names: list[str]) -> QStringListModel:
    """A model of ``names`` made on this (worker) thread and handed to the GUI thread, which adopts it."""
    model = QStringListModel(names)
    model.moveToThread(QCoreApplication.instance().thread())
    return model


def _shown(picks: list, columns: list, elsewhere: set[int] | None = None) -> _Shown:
    """The table frame of ``picks`` (with the model index, not shown, for the artist menu)."""
    rows = {"rank": np.arange(1, len(picks) + 1, dtype=np.int64), "artist": [p.artist for p in picks],
            "score": [p.score for p in picks], "listeners": [p.listeners for p in picks],
            "because": [", ".join(p.because) for p in picks],
            "plays": [getattr(p, "plays", 0) for p in picks],
            "last": [_month(p.last_played) if isinstance(p, Rediscovery) else "" for p in picks],
            "both": [int(p.index) in (elsewhere or ()) for p in picks],
            "index": np.array([p.index for p in picks], dtype=np.int64)}
    keys = [c[0] for c in columns]
    frame = pd.DataFrame({k: rows[k] for k in keys + ["index"]}, columns=keys + ["index"])
    return _Shown(frame, row_search_keys(frame, columns_of(columns)), list(picks))


def _month(moment: int) -> str:
    """"2021-03": sorts as it reads."""
    return periods.day_label(moment)[:7]


def _reason(pick) -> str:
    """A pick's reason in words."""
    parts = [pick.note] if isinstance(pick, Rediscovery) else []
    if pick.because:
        parts.append(f"because you listen to {', '.join(pick.because)}")
    return sentence("; ".join(parts)) if parts else ""


def _default_year(years: list[history.YearSummary]) -> int | None:
    """The year to look back on first: the busiest one before the latest (the latest when it is the only one)."""
    if not years:
        return None
    earlier = years[:-1] or years
    return max(earlier, key=lambda y: (y.listens, y.year)).year


def _fit_reasons(table: ResultsTable, columns: list) -> None:
    # The reasons are the longest text: they take the spare width (cut off with the full text on
    # hover), so the artist names keep theirs.  Two lists side by side are too narrow for that:
    # there the names and the reasons share the width.
    header = table.table.horizontalHeader()
    artist, because = 1, len(columns) - 1
    if columns in (THEN_COLUMNS, NOW_COLUMNS):
        header.setSectionResizeMode(artist, QHeaderView.ResizeMode.Stretch)
    else:
        header.setSectionResizeMode(artist, QHeaderView.ResizeMode.Interactive)
        table.table.resizeColumnToContents(artist)
    header.setSectionResizeMode(because, QHeaderView.ResizeMode.Stretch)


def _fold_in_note(profile: Profile) -> str:
    """Why these results are folded in, or "" when the model was trained on this listening."""
    if not profile.folded_in:
        return ""
    unmatched = (f" {count_text(profile.unmatched, 'of their artists is', 'of their artists are')} not in the "
                 "model yet." if profile.unmatched else "")
    return (CHANGED_NOTE if profile.in_model else FOLD_IN_NOTE) + unmatched
