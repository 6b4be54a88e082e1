"""The Library page: what the store holds, a person's top artists and months, the import history.

It only reads the store — off the GUI thread, through the page computations
(``context.compute``), since counting a big store takes a while — and asks the
window, through signals, to import or undo: the jobs run elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QSplitter, QTableWidget, QToolButton, QVBoxLayout, QWidget)

from musicrec_gui.core import library
from musicrec_gui.core.store import SourceRow, Store
from musicrec_gui.core.text import count_text, display_name
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.dialogs.import_report import short_path
from musicrec_gui.ui.icons import set_icon
from musicrec_gui.ui.widgets.bar_list import BarList
from musicrec_gui.ui.widgets.month_chart import MonthChart
from musicrec_gui.ui.widgets.sortable_item import SortableItem
from musicrec_gui.ui.widgets.text import heading, scaled_font, secondary, tip_text

HISTORY_COLUMNS = ("Date", "File", "Format", "Listener", "Added", "Skipped", "")
UNDO_COLUMN = len(HISTORY_COLUMNS) - 1
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


def _snapshot(store: Store) -> _Snapshot:
    people = store.people()
    counts = {"people": len(people), "community_listeners": library.community_listener_count(store),
              "artists": store.scalar("SELECT COUNT(*) FROM artists"),
              "listens": store.scalar("SELECT COUNT(*) FROM listens"),
              "plays": store.scalar("SELECT COALESCE(SUM(plays), 0) FROM plays")}
    return _Snapshot(counts, people, store.sources())


def _person_view(store: Store, person: str) -> _PersonView:
    return _PersonView(library.top_artists(store, person, limit=15), library.listens_per_month(store, person),
                       library.undated_listens(store, person))


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
        self.history.setToolTip("Double-click an import to see its report")
        history_box = QGroupBox("Import history")
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.filter)
        history_layout.addWidget(self.history)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(charts)
        splitter.addWidget(history_box)
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
