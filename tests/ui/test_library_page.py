"""The Library page: counts, charts, the import history and Undo; and the core queries behind it."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from musicrec_gui.core import importer, library

from .conftest import PIPE_LISTENS, table_counts, text_source, wait_idle

JAN_2021 = 1609459200   # 2021-01-01T00:00:00Z
DAY = 86400


def listens(*rows: tuple[str, int | None]) -> str:
    return "".join(f"{artist}|t|{'' if when is None else when}\n" for artist, when in rows)


def test_top_artists_and_listens_per_month(store):
    text = listens(("Air", JAN_2021), ("Air", JAN_2021 + DAY), ("Björk", JAN_2021 + 70 * DAY),
                   ("Air", JAN_2021 + 100 * DAY))
    importer.import_source(store, text_source(text), PIPE_LISTENS, person="sam")
    assert library.top_artists(store, "sam") == [("Air", 3), ("Björk", 1)]
    assert library.top_artists(store, "sam", limit=1) == [("Air", 3)]
    # March 2021 had no listens: it is there, with 0.
    assert library.listens_per_month(store, "sam") == [("2021-01", 2), ("2021-02", 0), ("2021-03", 1),
                                                       ("2021-04", 1)]
    assert library.undated_listens(store, "sam") == 0
    assert library.top_artists(store, "nobody") == [] and library.listens_per_month(store, "nobody") == []


def test_the_page_shows_counts_charts_and_history(qtbot, window):
    importer.import_source(window.store, text_source(listens(("Air", JAN_2021), ("Air", JAN_2021 + 40 * DAY),
                                                             ("Moby", JAN_2021))), PIPE_LISTENS)
    window.refresh()
    wait_idle(qtbot, window)
    page = window.library
    assert window.current_page() == "library"
    assert page.cards["people"].value.text() == "1" and page.cards["listens"].value.text() == "3"
    assert page.top_artists.items() == [("Air", 2), ("Moby", 1)]
    assert page.months.months() == [("2021-01", 2), ("2021-02", 1)]
    assert page.history.rowCount() == 1
    assert [page.history.item(0, c).text() for c in (1, 2, 3, 4, 5)] == ["plays.txt", "Test listens", "you",
                                                                          "3", "0"]
    page.filter.setText("nothing like this")
    assert page.history.isRowHidden(0)
    page.filter.setText("test list")
    assert not page.history.isRowHidden(0)


def test_undo_from_the_library_page_asks_first_then_runs_in_the_background(qtbot, window):
    first = importer.import_source(window.store, text_source(listens(("Air", JAN_2021))), PIPE_LISTENS)
    after_first = table_counts(window.store)
    second = importer.import_source(window.store, text_source(listens(("Moby", JAN_2021 + DAY)), "b.txt"),
                                    PIPE_LISTENS)
    window.refresh()
    wait_idle(qtbot, window)
    page = window.library
    assert page.history.rowCount() == 2

    page.undo_button(second.source_id).click()
    box = page.undo_confirm
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.store.scalar("SELECT COUNT(*) FROM sources") == 2 and not window.runner.busy

    page.undo_button(second.source_id).click()
    page.undo_confirm.button(QMessageBox.StandardButton.Yes).click()
    wait_idle(qtbot, window)
    assert table_counts(window.store) == after_first
    assert page.history.rowCount() == 1 and page.undo_button(second.source_id) is None

    page.undo_button(first.source_id).click()
    page.undo_confirm.button(QMessageBox.StandardButton.Yes).click()
    wait_idle(qtbot, window)
    assert window.store.scalar("SELECT COUNT(*) FROM sources") == 0
    assert window.current_page() == "welcome"   # empty again


def test_double_clicking_an_import_shows_its_report(qtbot, window):
    done = importer.import_source(window.store, text_source(listens(("Air", JAN_2021), ("Air", None))),
                                  PIPE_LISTENS)
    window.refresh()
    wait_idle(qtbot, window)
    window.library.history.cellDoubleClicked.emit(0, 1)
    report = window.imports.report_dialog
    assert report is not None and report.isVisible()
    assert report.tree.topLevelItem(0).text(4) == f"{done.added:,}"
    assert "1 listen with unknown time is not shown" in window.library.undated.text()


def test_month_bars_are_labelled_with_their_year_and_never_crowded(qtbot):
    # Issue 13 item 12: bars were labelled at month boundaries with no year.
    from musicrec_gui.ui.widgets.month_chart import MonthChart, month_ticks

    months = [f"{year}-{month:02d}" for year in (2020, 2021, 2022) for month in range(1, 13)]
    assert month_ticks(months, 40)[:2] == [(0.0, "Jan 2020"), (1.0, "Feb 2020")]
    every_quarter = month_ticks(months, 12)
    assert [label for _, label in every_quarter][:2] == ["Jan 2020", "Apr 2020"] and len(every_quarter) <= 12
    assert [label for _, label in month_ticks(months, 3)] == ["2020", "2021", "2022"]
    chart = MonthChart()
    qtbot.addWidget(chart)
    chart.resize(500, 300)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_months([(month, 10) for month in months])
    labels = chart.tick_labels()
    room = chart.fontMetrics().horizontalAdvance("Sep 2020")
    assert labels and len(labels) * room < chart.plot.width()   # they fit side by side
    assert all(label[-4:].isdigit() for label in labels)        # every label carries its year
