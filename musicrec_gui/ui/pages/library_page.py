"""The Library page: what the store holds, a person's top artists and months, the import history,
how much of the person's music the community data knows, and what counts as their taste.

It reads the store off the GUI thread, through the page computations
(``context.compute``), since counting a big store takes a while, and asks the
window, through signals, to import or undo: those jobs run elsewhere.  Leaving
listening out of a person's taste (an import from the history's context menu,
a period, an artist) and counting it again are small jobs started here; after
each, ``context.models.taste_changed()`` makes the recommendations follow at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTableWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core import library, preferences
from musicrec_gui.core.library import Coverage
from musicrec_gui.core.preferences import SOURCE, Exclusion
from musicrec_gui.core.store import SourceRow, Store
from musicrec_gui.core.text import count_text, display_name
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.dialogs.import_report import short_path
from musicrec_gui.ui.icons import set_icon
from musicrec_gui.ui.jobs import Job
from musicrec_gui.ui.widgets.artist_search import SearchIndex
from musicrec_gui.ui.widgets.bar_list import BarList
from musicrec_gui.ui.widgets.coverage_chart import CoverageChart
from musicrec_gui.ui.widgets.month_chart import MonthChart
from musicrec_gui.ui.widgets.sortable_item import SortableItem
from musicrec_gui.ui.widgets.taste_panel import ArtistDialog, PeriodDialog, TastePanel, exclusion_text
from musicrec_gui.ui.widgets.text import heading, scaled_font, secondary, sentence, tip_text

HISTORY_COLUMNS = ("Date", "File", "Format", "Listener", "Added", "Skipped", "")
UNDO_COLUMN = len(HISTORY_COLUMNS) - 1
ARTIST_CHOICES = 100_000   # a person's artists offered when leaving one out (most played first)
LEFT_OUT = " · left out of taste"
# key, caption, a few words under it, the full story on hover.  "listens" and "plays" differ:
# a listen is one timed play from a personal export; plays also count the totals community
# datasets give per listener and artist.
CARDS = (("people", "people", "your histories", "People whose own listening histories are imported"),
         ("community_listeners", "community listeners", "from datasets",
          "Listeners from community datasets such as HetRec"),
         ("artists", "artists", "", "Different artists in the library"),
         ("listens", "listens", "yours, timed",
          "Single plays with a time, from personal exports: what the month chart counts"),
         ("plays", "plays", "all counts",
          "Every play count added up: your listens plus the totals community datasets give per "
          "listener and artist. Training learns from these."))


@dataclass(frozen=True)
class _Snapshot:
    counts: dict[str, int]
    people: list[str]
    sources: list[SourceRow]


@dataclass(frozen=True)
class _PersonView:
    top: list[tuple[str, int]]
    months: list[tuple[str, int]]
    undated: int
    coverage: list[Coverage]
    exclusions: list[Exclusion]


def _snapshot(store: Store) -> _Snapshot:
    people = store.people()
    counts = {"people": len(people), "community_listeners": library.community_listener_count(store),
              "artists": store.scalar("SELECT COUNT(*) FROM artists"),
              "listens": store.scalar("SELECT COUNT(*) FROM listens"),
              "plays": store.scalar("SELECT COALESCE(SUM(plays), 0) FROM plays")}
    return _Snapshot(counts, people, store.sources())


def _person_view(store: Store, person: str) -> _PersonView:
    return _PersonView(library.top_artists(store, person, limit=15), library.listens_per_month(store, person),
                       library.undated_listens(store, person), library.coverage(store, person),
                       preferences.exclusions(store, person))


def _artist_index(store: Store, person: str) -> SearchIndex:
    """The person's artists, most played first, to find one by typing."""
    played = library.top_artists(store, person, limit=ARTIST_CHOICES)
    return SearchIndex.build([name for name, _ in played], [plays for _, plays in played])


class StatCard(QFrame):
    """A big number with a caption under it, and a short note on what it counts."""

    def __init__(self, caption: str, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("0", alignment=Qt.AlignmentFlag.AlignCenter)
        self.value.setFont(scaled_font(self.value, 1.5, bold=True))
        self.caption = QLabel(caption, alignment=Qt.AlignmentFlag.AlignCenter)
        self.note = secondary(QLabel(note, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True))
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.note)

    def set_value(self, value: int) -> None:
        self.value.setText(f"{value:,}")


class LibraryPage(QWidget):
    import_requested = Signal()
    community_requested = Signal()
    undo_confirmed = Signal(int)        # source id, after the user said yes
    report_requested = Signal(int)      # source id (double-click on a history row)

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.store = context.store
        self.undo_confirm: QMessageBox | None = None
        self.sources: list[SourceRow] = []
        self.exclusions: list[Exclusion] = []      # the shown person's
        self.history_menu: QMenu | None = None
        self.period_dialog: PeriodDialog | None = None
        self.artist_dialog: ArtistDialog | None = None

        self.person_box = QComboBox()
        self.person_box.setToolTip("Whose top artists and months to show")
        self.person_box.currentTextChanged.connect(self._show_person)
        self.person_label = QLabel("Person:")
        import_button = QPushButton("Import…")
        set_icon(import_button, "import")
        import_button.clicked.connect(self.import_requested)
        community_button = QPushButton("Add community data…")
        set_icon(community_button, "community")
        community_button.clicked.connect(self.community_requested)
        top = QHBoxLayout()
        top.addWidget(heading("Library"))
        top.addStretch()
        top.addWidget(self.person_label)
        top.addWidget(self.person_box)
        top.addWidget(import_button)
        top.addWidget(community_button)

        self.cards = {key: StatCard(caption, note) for key, caption, note, _ in CARDS}
        cards = QHBoxLayout()
        for (_, _, _, tip), card in zip(CARDS, self.cards.values()):
            card.setToolTip(tip)
            cards.addWidget(card)

        self.top_artists = BarList()
        self.top_box = QGroupBox("Top artists")
        QVBoxLayout(self.top_box).addWidget(self.top_artists)
        self.months = MonthChart()
        self.undated = QLabel()
        secondary(self.undated)
        self.months_box = QGroupBox("Listening per month")
        months_layout = QVBoxLayout(self.months_box)
        months_layout.addWidget(self.months)
        months_layout.addWidget(self.undated)
        charts = QWidget()
        charts_layout = QHBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.top_box, 1)
        charts_layout.addWidget(self.months_box, 1)

        self.filter = QLineEdit(placeholderText="Filter imports…", clearButtonEnabled=True)
        self.filter.setAcceptDrops(False)   # file drops belong to the window
        self.filter.textChanged.connect(self._apply_filter)
        self.history = QTableWidget(0, len(HISTORY_COLUMNS))
        self.history.setHorizontalHeaderLabels(HISTORY_COLUMNS)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.history.verticalHeader().hide()
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # File and format share the spare width (both cut, with the full text on hover), so neither
        # shrinks to nothing in a narrow window.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history.setTextElideMode(Qt.TextElideMode.ElideMiddle)   # the end of a path tells files apart
        self.history.setWordWrap(False)
        self.history.setSortingEnabled(True)
        self.history.cellDoubleClicked.connect(self._row_activated)
        self.history.setToolTip("Double-click an import to see its report; right-click for more")
        self.history.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.history.customContextMenuRequested.connect(self._history_menu)
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.filter)
        history_layout.addWidget(self.history)

        self.coverage = CoverageChart()
        self.coverage_note = QLabel("Recommendations can only reach artists the community data knows: the more "
                                    "of someone's music a dataset knows, the better it serves them. A dataset "
                                    "from today (ListenBrainz) knows far more of today's music than one from "
                                    "2011.", wordWrap=True)
        secondary(self.coverage_note)
        coverage_box = QWidget()
        coverage_layout = QVBoxLayout(coverage_box)
        coverage_layout.addWidget(self.coverage_note)
        coverage_layout.addWidget(self.coverage, 1)

        self.taste = TastePanel()
        self.taste.include_requested.connect(lambda exclusion: self.include(exclusion))
        self.taste.period_requested.connect(self.ask_period)
        self.taste.artist_requested.connect(self.ask_artist)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(history_box, "Import history")
        self.tabs.addTab(coverage_box, "Community coverage")
        self.tabs.addTab(self.taste, "What counts as taste")
        self.tabs.setTabToolTip(1, "How much of the person's music each community dataset knows")
        self.tabs.setTabToolTip(2, "Listening left out of the person's taste, and how to leave some out")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(charts)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self.history.setMinimumHeight(self.fontMetrics().height() * 8)
        splitter.setChildrenCollapsible(False)

        layout = QGridLayout(self)
        layout.addLayout(top, 0, 0)
        layout.addLayout(cards, 1, 0)
        layout.addWidget(splitter, 2, 0)
        layout.setRowStretch(2, 1)

    # -- filling ---------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read everything from the store (after an import or undo), off the GUI thread."""
        store = self.store
        self.context.compute.submit((self, "library"), lambda: _snapshot(store), self._show_snapshot,
                                    label="library.snapshot")

    def _show_snapshot(self, snapshot: _Snapshot) -> None:
        for key, card in self.cards.items():
            card.set_value(snapshot.counts[key])
        people = snapshot.people
        current = self.person_box.currentText() or self.context.settings.get(options.PERSON)
        self.person_box.blockSignals(True)
        self.person_box.clear()
        self.person_box.addItems(people)
        if current in people:
            self.person_box.setCurrentText(current)
        self.person_box.blockSignals(False)
        self.person_box.setVisible(len(people) > 1)
        self.person_label.setVisible(len(people) > 1)
        self._show_person(self.person_box.currentText())
        self.sources = snapshot.sources
        self._fill_history(snapshot.sources)

    def person(self) -> str | None:
        """The person whose top artists and months are shown (the import dialog's default too)."""
        return self.person_box.currentText() or None

    def _show_person(self, person: str) -> None:
        if not person:
            self.top_box.setTitle("Top artists")
            self.months_box.setTitle("Listening per month")
            self.top_artists.empty_text = "Import your own listening history to see your top artists"
            self.top_artists.set_items([])
            self.months.set_months([])
            self.undated.clear()
            self.coverage.empty_text = "Import your own listening history to see how much of it the " \
                                       "community data knows"
            self.coverage.set_coverage({})
            self.exclusions = []
            self.taste.set_exclusions(None, [])
            self._mark_left_out()
            return
        store = self.store
        self.context.compute.submit((self, "person"), lambda: _person_view(store, person),
                                    lambda view: self._show_person_view(person, view), label="library.person")

    def _show_person_view(self, person: str, view: _PersonView) -> None:
        if person != self.person_box.currentText():
            return
        who = display_name(person)
        self.top_box.setTitle(f"Top artists — {who}")
        self.months_box.setTitle(f"Listening per month — {who}")
        self.top_artists.empty_text = "No plays yet"
        self.top_artists.set_items(view.top)
        self.months.set_months(view.months)
        self.undated.setText(f"{count_text(view.undated, 'listen')} with unknown time "
                             f"{'is' if view.undated == 1 else 'are'} not shown." if view.undated else "")
        self.undated.setVisible(bool(view.undated))
        self.coverage.empty_text = ("No community data yet: add some (Add community data…) so recommendations "
                                    "can reach beyond the artists in this history")
        self.coverage.set_coverage({person: view.coverage}, whose={person: self._whose(person)})
        self.exclusions = view.exclusions
        self.taste.set_exclusions(person, view.exclusions)
        left_out = len(view.exclusions)
        self.tabs.setTabText(2, f"What counts as taste ({left_out} left out)" if left_out else "What counts as taste")
        self._mark_left_out()

    def _whose(self, person: str) -> str:
        return "your" if person == library.DEFAULT_PERSON else f"{display_name(person)}’s"

    def _mark_left_out(self) -> None:
        """The history says which imports are left out of the shown person's taste."""
        left_out = {e.source_id for e in self.exclusions if e.kind == SOURCE}
        for row in range(self.history.rowCount()):
            item = self.history.item(row, 3)
            if item is None:
                continue
            source_id = item.data(Qt.ItemDataRole.UserRole)
            text = item.text().removesuffix(LEFT_OUT)
            item.setText(text + LEFT_OUT if source_id in left_out else text)

    def _fill_history(self, sources: list[SourceRow]) -> None:
        table = self.history
        table.setSortingEnabled(False)   # rows must not move while they are filled
        table.setRowCount(0)
        table.setRowCount(len(sources))
        for row, source in enumerate(sources):
            skipped = sum(source.skipped.values()) + source.malformed
            when = _local_time(source.imported_at)
            listener = display_name(source.listener) if source.listener else (
                "community" if source.role == "community" else "")
            shown_path = display_name(short_path(source.path))
            cells = [
                SortableItem(when, (source.imported_at, source.id)),
                SortableItem(shown_path, shown_path.lower()),
                SortableItem(source.format_label, source.format_label.lower()),
                SortableItem(listener, listener.lower()),
                SortableItem(f"{source.added:,}", source.added),
                SortableItem(f"{skipped:,}", skipped),
            ]
            cells[1].setToolTip(tip_text(display_name(source.path)))
            cells[2].setToolTip(tip_text(source.format_label))
            for column, item in enumerate(cells):
                item.setData(Qt.ItemDataRole.UserRole, source.id)
                if column >= 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
            table.setItem(row, UNDO_COLUMN, SortableItem("", source.id))
            table.setCellWidget(row, UNDO_COLUMN, self._undo_button(source))
        table.setSortingEnabled(True)
        table.sortItems(0, Qt.SortOrder.DescendingOrder)   # newest first
        self._mark_left_out()
        self._apply_filter(self.filter.text())

    def _undo_button(self, source: SourceRow) -> QToolButton:
        button = QToolButton(autoRaise=True)
        set_icon(button, "undo")
        button.setText("Undo")
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setToolTip(tip_text(f"Remove everything this import added ({display_name(PurePath(source.path).name)})"))
        button.setProperty("source_id", source.id)
        button.clicked.connect(lambda: self.ask_undo(source))
        return button

    def undo_button(self, source_id: int) -> QToolButton | None:
        """The Undo button of an import (for keyboard users and tests)."""
        for row in range(self.history.rowCount()):
            button = self.history.cellWidget(row, UNDO_COLUMN)
            if button is not None and button.property("source_id") == source_id:
                return button
        return None

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.history.rowCount()):
            haystack = " ".join(self.history.item(row, column).text().lower() for column in range(1, 4))
            self.history.setRowHidden(row, bool(needle) and needle not in haystack)

    def _row_activated(self, row: int, column: int) -> None:
        item = self.history.item(row, 0)
        if item is not None:
            self.report_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    def _source(self, source_id: int) -> SourceRow | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def _history_menu(self, position: QPoint) -> None:
        item = self.history.itemAt(position)
        if item is None:
            return
        source = self._source(item.data(Qt.ItemDataRole.UserRole))
        if source is None:
            return
        self.history_menu = self.source_menu(source)
        self.history_menu.popup(self.history.viewport().mapToGlobal(position))

    def source_menu(self, source: SourceRow) -> QMenu:
        """An import's menu: its report, leaving it out of (or counting it in) its person's taste, undo."""
        menu = QMenu(self)
        menu.addAction("Show the import report", lambda: self.report_requested.emit(source.id))
        if source.role == "personal" and source.listener:
            who = self._whose(source.listener)
            excluded = next((e for e in self.exclusions if e.kind == SOURCE and e.source_id == source.id), None)
            if excluded is not None:
                menu.addAction(f"Count it in {who} taste again",
                               lambda: self.include(excluded, source.listener))
            else:
                menu.addAction(f"Leave it out of {who} taste",
                               lambda: self.exclude(preferences.source_exclusion(source.id), source.listener))
        menu.addSeparator()
        menu.addAction("Undo this import…", lambda: self.ask_undo(source))
        return menu

    # -- what counts as taste ----------------------------------------------------------
    def exclude(self, exclusion: Exclusion, person: str | None = None) -> Job | None:
        """Leave ``exclusion`` out of ``person``'s taste (the shown person by default), as a job."""
        return self._taste_job(
            "Leaving listening out of the taste", person, lambda store, who: preferences.exclude(store, who, exclusion),
            lambda stored, whose: f"{exclusion_text(stored)} no longer counts in {whose} taste "
                                  f"({count_text(stored.listens, 'listen')} left out); recommendations follow.")

    def include(self, exclusion: Exclusion, person: str | None = None) -> Job | None:
        """Count ``exclusion`` in ``person``'s taste again, as a job."""
        return self._taste_job(
            "Counting listening in the taste again", person,
            lambda store, who: preferences.include(store, who, exclusion),
            lambda _removed, whose: f"{exclusion_text(exclusion)} counts in {whose} taste again.")

    def _taste_job(self, title: str, person: str | None, change, done_text) -> Job | None:
        """Run ``change(store, person)`` as a job; on success say ``done_text(result, whose)``."""
        person = person or self.person()
        if person is None:
            return None
        store = self.store
        job = self.context.start(title, lambda token, report: change(store, person))
        if job is not None:
            job.succeeded.connect(lambda result: self._taste_changed(done_text(result, self._whose(person))))
            job.failed.connect(lambda failure: self.context.error.emit(sentence(str(failure.exception))))
        return job

    def _taste_changed(self, text: str) -> None:
        self.context.models.taste_changed()
        self.context.notice.emit(text)
        self._show_person(self.person_box.currentText())

    def ask_period(self) -> PeriodDialog | None:
        person = self.person()
        if person is None:
            return None
        dialog = PeriodDialog(person, parent=self)
        dialog.accepted.connect(lambda: self._period_chosen(dialog, person))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.period_dialog = dialog
        dialog.open()
        return dialog

    def _period_chosen(self, dialog: PeriodDialog, person: str) -> None:
        self.period_dialog = None
        self.exclude(preferences.period_exclusion(dialog.period()), person)

    def ask_artist(self) -> ArtistDialog | None:
        person = self.person()
        if person is None:
            return None
        dialog = ArtistDialog(person, parent=self)
        dialog.accepted.connect(lambda: self._artist_chosen(dialog, person))
        dialog.finished.connect(lambda _result: self._forget_artist_dialog(dialog))
        self.artist_dialog = dialog
        store = self.store
        self.context.compute.submit((self, "artists"), lambda: _artist_index(store, person),
                                    lambda index: dialog.set_artists(index) if self.artist_dialog is dialog else None,
                                    label="library.artists")
        dialog.open()
        return dialog

    def _forget_artist_dialog(self, dialog: ArtistDialog) -> None:
        if self.artist_dialog is dialog:
            self.artist_dialog = None
        dialog.deleteLater()

    def _artist_chosen(self, dialog: ArtistDialog, person: str) -> None:
        if dialog.artist():
            self.exclude(preferences.artist_exclusion(dialog.artist()), person)

    # -- undo ------------------------------------------------------------------
    def ask_undo(self, source: SourceRow) -> None:
        """Ask before undoing (non-modal); ``undo_confirmed`` follows a yes."""
        box = QMessageBox(QMessageBox.Icon.Question, "Undo import",
                          f"Remove everything “{PurePath(source.path).name}” added "
                          f"({source.added:,} rows, imported {_local_time(source.imported_at)})?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)   # the file name is the file's: never markup
        box.setInformativeText("Other imports are not affected. You can import the file again later.")
        box.button(QMessageBox.StandardButton.Yes).setText("Undo import")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: self._undo_answered(box, source.id))
        self.undo_confirm = box
        box.open()

    def _undo_answered(self, box: QMessageBox, source_id: int) -> None:
        self.undo_confirm = None
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if yes:
            self.undo_confirmed.emit(source_id)


def _local_time(stamp: str) -> str:
    """The store's UTC ``2026-11-24T05:01:59Z`` as local ``2026-11-24 06:01``."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp
