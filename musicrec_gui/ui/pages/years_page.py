"""The Your years page: a person's listening year by year, and any year in review.

Left, one row per year: listens, artists, artists discovered that year (first
listen), hours where the export says, and the top artist.  Right, the year
picked in review: top and new artists, month by month with each month's top
artists, the listening clock (hour × weekday) and top tracks — exported as a
PNG picture on request.  Everything is read from the store's dated listens
(``core/history.py``) off the GUI thread, when the page is shown; history
shows all listening, excluded listening included (exclusions only keep
listening out of the taste).  No model is needed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core import history, library
from musicrec_gui.core.history import YearInReview, YearSummary
from musicrec_gui.core.text import display_name
from musicrec_gui.ui.widgets.note_line import NoteLine
from musicrec_gui.ui.widgets.person_picker import PersonPicker
from musicrec_gui.ui.widgets.results_table import ResultsTable
from musicrec_gui.ui.widgets.text import heading
from musicrec_gui.ui.widgets.year_review import YearReviewView, review_image

# The review beside it gives the picked year's other numbers (artists, hours).
COLUMNS = [("year", "Year", "text"), ("listens", "Listens", "int"), ("new", "New artists", "int"),
           ("top", "Top artist", "text")]
NOBODY = "Import your listening history to see your years."


def years_frame(years: list[YearSummary]) -> pd.DataFrame:
    """The years table: one row per year, newest first."""
    rows = list(reversed(years))
    return pd.DataFrame({"year": [str(y.year) for y in rows], "listens": [y.listens for y in rows],
                         "new": [y.new_artists for y in rows], "top": [y.top_artist.artist for y in rows]},
                        columns=[c[0] for c in COLUMNS])


class YearsPage(QWidget):
    name = "years"

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.stale = True
        self.person: str | None = None
        self.first_person = True
        self.years: list[YearSummary] = []
        self.review: YearInReview | None = None

        self.person_picker = PersonPicker(context.store)
        self.person_picker.person_changed.connect(lambda _name: self.refresh())
        self.year = QComboBox()
        self.year.setToolTip("The year in review")
        self.year.activated.connect(lambda _index: self.show_year(self.year.currentData()))
        self.export_button = QPushButton("Export PNG…")
        self.export_button.setToolTip("Save this year in review as a picture")
        self.export_button.clicked.connect(self.choose_png_file)
        self.export_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(heading("Your years"))
        top.addStretch()
        top.addWidget(self.person_picker)
        top.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        top.addWidget(QLabel("Year:"))
        top.addWidget(self.year)
        top.addWidget(self.export_button)
        self.note = NoteLine()

        self.table = ResultsTable()
        self.table.filter_field.hide()
        self.table.setToolTip("Pick a year to see it in review")
        self.table.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._row_picked())
        self.view = YearReviewView()
        self.scroller = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        self.scroller.setWidget(self.view)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.scroller)
        splitter.setSizes([1300, 2000])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        context.store_changed.connect(self._store_changed)

    # -- when to read -----------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def _store_changed(self) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()

    def _compute(self, what: str, fn, on_result, on_error=None) -> None:
        self.context.compute.submit((self, what), fn, on_result, on_error, label=f"{self.name}.{what}")

    # -- the years -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the person's years (off the GUI thread), then show the year picked."""
        self.stale = False
        self.person_picker.blockSignals(True)    # the people as they are now (it is this call that reads on)
        self.person_picker.reload()
        self.person_picker.blockSignals(False)
        person, store = self.person_picker.person(), self.context.store
        if person is None:
            self._years_read(None, [], True)
            return

        def years():
            first = library.find_listener(store, None)
            return history.years(store, person), first is not None and first.name == person

        self._compute("years", years, lambda found: self._years_read(person, *found))

    def _years_read(self, person: str | None, years: list[YearSummary], first_person: bool) -> None:
        if person != self.person_picker.person():
            return
        self.person, self.years, self.first_person = person, years, first_person
        previous = self.year.currentData()
        self.year.clear()
        for summary in reversed(years):
            self.year.addItem(str(summary.year), summary.year)
        self.table.set_frame(years_frame(years), COLUMNS)
        header = self.table.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)   # the year is short…
        self.table.table.resizeColumnToContents(0)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)   # …the top artist not
        if not years:
            self._show_review(None)
            self.note.set_note(NOBODY if person is None else
                               f"{display_name(person)} has no dated listens: the years need an export "
                               "with the time of each play.", "info")
            return
        self.note.set_note("", "")
        known = [y.year for y in years]
        self.show_year(previous if previous in known else known[-1])

    def _row_picked(self) -> None:
        row = self.table.table.currentIndex().row()
        if 0 <= row < len(self.table.model.view):
            year = int(self.table.model.row(row)["year"])
            if year != self.year.currentData():
                self.show_year(year)

    def show_year(self, year: int | None) -> None:
        """The year ``year`` in review (read off the GUI thread)."""
        if year is None or self.person is None:
            return
        index = self.year.findData(year)
        if index >= 0:
            self.year.setCurrentIndex(index)
        person, store = self.person, self.context.store
        self._compute("review", lambda: history.year_in_review(store, person, year),
                      lambda review: self._review_read(person, review))

    def _review_read(self, person: str, review: YearInReview) -> None:
        if person != self.person or review.year != self.year.currentData():
            return
        self._show_review(review)

    def _show_review(self, review: YearInReview | None) -> None:
        self.review = review
        self.view.setVisible(review is not None)
        self.export_button.setEnabled(review is not None)
        self.view.set_review(review, self.first_person)

    # -- export ------------------------------------------------------------------------------------
    def export_png(self, path: str | Path) -> None:
        """Save the year in review as a PNG picture (drawn here, written off the GUI thread)."""
        review = self.review
        if review is None:
            return
        image = review_image(review, self.first_person, self.palette())

        def save() -> str:
            if not image.save(str(path), "PNG"):
                raise OSError(f"Could not write {path}: check that the folder exists and can be written to.")
            return str(path)

        self._compute(f"export:{path}", save, lambda written: self.context.notice.emit(
            f"Saved {review.year} in review to {written}."), lambda exc: self.context.error.emit(str(exc)))

    def choose_png_file(self) -> None:
        review = self.review
        if review is None:
            return
        who = re.sub(r"[^\w.-]+", "-", review.person).strip("-") or "listener"
        suggested = str(Path.home() / f"{review.year}-in-review-{who}.png")
        path, _ = QFileDialog.getSaveFileName(self, "Export the year in review", suggested, "PNG pictures (*.png)")
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        self.export_png(path)
