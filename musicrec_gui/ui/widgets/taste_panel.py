"""What counts as a person's taste: the listening they left out, and the ways to leave some out.

A person can leave out of their taste a whole import (a child's Spotify file:
from the import history's context menu), a period (a house-sitter's month),
or an artist ("I played it for my kid").  The listens stay in the store and in
the charts; only the taste — training and the recommendations — leaves them
out (``core/preferences``).  ``TastePanel`` lists what is left out, with how
many listens each leaves out and "Count again"; the page does the changes (as
jobs) and refills it.  ``PeriodDialog`` and ``ArtistDialog`` ask for a period
and an artist.
"""
from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core.periods import Period, between
from musicrec_gui.core.preferences import ARTIST, PERIOD, SOURCE, Exclusion
from musicrec_gui.core.text import display_name
from musicrec_gui.ui.dialogs.import_report import short_path
from musicrec_gui.ui.widgets.artist_search import ArtistSearchField, SearchIndex
from musicrec_gui.ui.widgets.text import secondary, tip_text

COLUMNS = ("Left out of the taste", "Listens", "Since", "")
KIND_WORDS = {SOURCE: "Import", PERIOD: "Period", ARTIST: "Artist"}


def exclusion_text(exclusion: Exclusion) -> str:
    """What is left out, as a person reads it: "Import #3 (StreamingHistory… .json)", "Artist: Raffi"."""
    if exclusion.kind == SOURCE:
        label = f" ({short_path(exclusion.source_label)})" if exclusion.source_label else ""
        return display_name(f"Import #{exclusion.source_id}{label}")
    if exclusion.kind == PERIOD:
        return exclusion.describe().replace("listens from", "Listens from", 1)
    return display_name(f"Artist: {exclusion.artist}")


class TastePanel(QWidget):
    """The person's exclusions; ``include_requested(Exclusion)``, ``period_requested()``, ``artist_requested()``."""

    include_requested = Signal(object)
    period_requested = Signal()
    artist_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.exclusions: list[Exclusion] = []
        self.explanation = QLabel(wordWrap=True)
        secondary(self.explanation)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.period_button = QPushButton("Leave out a period…")
        self.period_button.setToolTip("Keep the listens of some days, months or years out of the taste "
                                      "(someone else used the account)")
        self.period_button.clicked.connect(self.period_requested)
        self.artist_button = QPushButton("Leave out an artist…")
        self.artist_button.setToolTip("Keep an artist's plays out of the taste (\"I played it for my kid\")")
        self.artist_button.clicked.connect(self.artist_requested)
        hint = QLabel("A whole import: right-click it in the import history.", wordWrap=True)
        secondary(hint)
        buttons = QHBoxLayout()
        buttons.addWidget(self.period_button)
        buttons.addWidget(self.artist_button)
        buttons.addWidget(hint, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.set_exclusions(None, [])

    def set_exclusions(self, person: str | None, exclusions: list[Exclusion]) -> None:
        self.exclusions = list(exclusions)
        who = "your" if person is None else f"{display_name(person)}’s"
        self.explanation.setText(
            f"Listening left out of {who} taste stays in the library and the charts; recommendations leave it "
            "out at once, and so does the next training." if exclusions else
            f"Nothing is left out of {who} taste: every listen counts. Leave out listening that is not "
            f"{'yours' if person is None else 'theirs'} — an import, a period or an artist.")
        for button in (self.period_button, self.artist_button):
            button.setEnabled(person is not None)
        self.table.setRowCount(len(exclusions))
        for row, exclusion in enumerate(exclusions):
            text = exclusion_text(exclusion)
            what = QTableWidgetItem(text)
            what.setToolTip(tip_text(display_name(exclusion.source_label) if exclusion.kind == SOURCE else text))
            listens = QTableWidgetItem(f"{exclusion.listens:,}")
            listens.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            listens.setToolTip("Listens this leaves out of the taste")
            since = QTableWidgetItem(exclusion.created_at[:10])
            for column, item in enumerate((what, listens, since)):
                self.table.setItem(row, column, item)
            button = QToolButton(autoRaise=True)
            button.setText("Count again")
            button.setToolTip(tip_text(f"Count {text} in the taste again"))
            button.clicked.connect(lambda _=False, e=exclusion: self.include_requested.emit(e))
            self.table.setCellWidget(row, len(COLUMNS) - 1, button)

    def rows(self) -> list[tuple[str, int]]:
        """(what, listens) as listed."""
        return [(exclusion_text(e), e.listens) for e in self.exclusions]

    def include_button(self, row: int) -> QToolButton:
        return self.table.cellWidget(row, len(COLUMNS) - 1)


class PeriodDialog(QDialog):
    """Two dates, both days included; ``period()`` after ``accepted``."""

    def __init__(self, person: str, first: QDate | None = None, last: QDate | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Leave out a period")
        today = QDate.currentDate()
        self.start = QDateEdit(first or today.addMonths(-1), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.end = QDateEdit(last or today, calendarPopup=True, displayFormat="yyyy-MM-dd")
        intro = QLabel(f"Listens of {display_name(person)} from the first day to the last (both included, UTC) "
                       "stop counting in the taste. They stay in the library and the charts.", wordWrap=True)
        form = QFormLayout()
        form.addRow("From:", self.start)
        form.addRow("To:", self.end)
        self.problem = QLabel(wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Leave out", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self._check()

    def period(self) -> Period:
        return between(self.start.date().toString("yyyy-MM-dd"), self.end.date().toString("yyyy-MM-dd"))

    def _check(self, *_args) -> None:
        backwards = self.end.date() < self.start.date()
        self.problem.setText("The last day comes before the first." if backwards else "")
        self.problem.setVisible(backwards)
        self.ok_button.setEnabled(not backwards)


class ArtistDialog(QDialog):
    """One of the person's artists, found by typing; ``artist()`` after ``accepted``."""

    def __init__(self, person: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Leave out an artist")
        intro = QLabel(f"{display_name(person)}’s plays of the artist stop counting in the taste (they stay in the "
                       "library and the charts). Recommendations may still suggest the artist; “Not for me” on "
                       "any list hides it.", wordWrap=True)
        self.search = ArtistSearchField()
        self.search.setPlaceholderText("Type an artist they played…")
        self.search.artist_chosen.connect(self._chosen)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Leave out", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._artist: str | None = None
        self.search.textEdited.connect(lambda _text: self._chosen(None))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def set_artists(self, index: SearchIndex) -> None:
        """The person's artists, most played first (built off the GUI thread)."""
        self.search.set_index(index)

    def artist(self) -> str | None:
        return self._artist

    def _chosen(self, name: str | None) -> None:
        self._artist = name
        self.ok_button.setEnabled(name is not None)
