"""The Your years page (years, a year in review, its PNG export) and the Compare page (two people)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from musicrec_gui.core import history, preferences
from musicrec_gui.core.workflows.comparing import compare
from musicrec_gui.ui.pages import compare_page, years_page

from .explore_helpers import explore_window, give_back_true_references, page, settle, trained_template  # noqa: F401
from .listener_window import listener_template, listener_window  # noqa: F401


def _years_page(window):
    window.show_page("years")
    settle(window)
    return window.years


def test_the_years_page_computes_only_when_shown(qtbot, listener_window):
    assert not [label for label in listener_window.context.compute.submitted if label.startswith("years.")]
    years = _years_page(listener_window)
    assert listener_window.context.compute.submitted["years.years"] == 1
    assert years.years


def test_the_years_match_the_history(qtbot, listener_window):
    years = _years_page(listener_window)
    expected = history.years(listener_window.store, "you")
    assert [y.year for y in expected] == [2019, 2023]
    frame = years.table.current_frame()
    assert frame["year"].tolist() == [str(y.year) for y in reversed(expected)]           # newest first
    assert frame["listens"].tolist() == [y.listens for y in reversed(expected)]
    assert frame["new"].tolist() == [y.new_artists for y in reversed(expected)]
    assert frame["top"].tolist() == [y.top_artist.artist for y in reversed(expected)]
    assert [years.year.itemData(i) for i in range(years.year.count())] == [2023, 2019]

    # The latest year is in review first; picking a row shows that year.
    review = years.review
    assert review is not None and review.year == 2023 and years.view.title.text() == "2023 for you"
    years.table.table.setCurrentIndex(years.table.model.index(1, 0))
    settle(listener_window)
    expected_review = history.year_in_review(listener_window.store, "you", 2019)
    assert years.review == expected_review
    view = years.view
    assert view.title.text() == "2019 for you"
    assert view.stats["listens"].value.text() == f"{expected_review.listens:,}"
    assert view.stats["new"].value.text() == f"{expected_review.new_artists:,}"
    assert view.top_artists.items() == [(a.artist, a.plays) for a in expected_review.top_artists]
    assert [m[:2] for m in view.months.months()] == [(m.month, m.listens) for m in expected_review.months]
    assert sum(map(sum, view.clock.clock())) == expected_review.listens
    assert view.clock.summary().startswith("Busiest: ")


def test_another_person_has_their_own_years(qtbot, listener_window):
    years = _years_page(listener_window)
    years.person_picker.set_person("friend")
    settle(listener_window)
    assert years.table.current_frame()["year"].tolist() == ["2023"]
    assert years.review.person == "friend" and years.view.title.text() == "2023 for friend"


def test_the_year_in_review_exports_as_a_png_picture(qtbot, listener_window, tmp_path):
    years = _years_page(listener_window)
    path = tmp_path / "2023.png"
    years.export_png(path)
    settle(listener_window)
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 600 and image.height() > 600
    assert str(path) in listener_window.banner.text.text()
    # The picture does not depend on the window's size.
    listener_window.resize(900, 600)
    years.export_png(tmp_path / "small.png")
    settle(listener_window)
    assert QImage(str(tmp_path / "small.png")).size() == image.size()


def test_an_empty_library_says_what_to_do(qtbot, window):
    years = _years_page(window)
    assert years.note.text() == years_page.NOBODY and years.review is None
    assert not years.export_button.isEnabled() and years.view.isHidden()


def test_compare_shows_similarity_both_love_and_cross_recommendations(qtbot, listener_window):
    compare_view = page(listener_window, "compare")
    assert compare_view.people() == ("you", "friend")
    expected = compare(listener_window.models.listening, "you", "friend", n=compare_page.COUNT)
    assert compare_view.similarity.text() == f"{expected.similarity:+.2f}"
    assert compare_view.sentence.text() == expected.sentence
    both = compare_view.tables[compare_page.BOTH].current_frame()
    assert list(both.itertuples(index=False, name=None)) == [(s.artist, s.plays_a, s.plays_b)
                                                             for s in expected.both_love]
    for_you = compare_view.tables[compare_page.FOR_A].current_frame()
    assert for_you["artist"].tolist() == [p.artist for p in expected.for_a]
    assert for_you["because"].tolist() == [", ".join(p.because) for p in expected.for_a]
    assert compare_view.titles[compare_page.FOR_A].full_text() == "For you, from friend's favourites"
    assert compare_view.titles[compare_page.FOR_B].full_text() == "For friend, from your favourites"
    headers = [compare_view.tables[compare_page.FOR_B].model.headerData(i, Qt.Orientation.Horizontal)
               for i in range(compare_view.tables[compare_page.FOR_B].model.columnCount())]
    assert headers == ["#", "Artist", "Your plays", "Because friend listens to"]

    compare_view.swap()
    settle(listener_window)
    assert compare_view.people() == ("friend", "you")
    assert compare_view.similarity.text() == f"{expected.similarity:+.2f}"        # symmetric
    assert compare_view.tables[compare_page.FOR_B].current_frame()["artist"].tolist() == \
        [p.artist for p in expected.for_a]


def test_compare_menus_hide_for_the_person_the_list_is_for(qtbot, listener_window):
    compare_view = page(listener_window, "compare")
    table = compare_view.tables[compare_page.FOR_B]            # friend receives
    menu = compare_view.artist_menu(compare_page.FOR_B, table.model.row(0))
    labels = [a.text() for a in menu.actions() if a.text()]
    assert "Not for friend" in labels and any(label.startswith("Open on") for label in labels)
    menu = compare_view.artist_menu(compare_page.BOTH, compare_view.tables[compare_page.BOTH].model.row(0))
    assert not [a for a in menu.actions() if a.text().startswith("Not for")]
    assert any(a.text().startswith("Open on") for a in menu.actions())
    compare_view.map_button.click()
    assert listener_window.current_page() == "map"


def test_compare_asks_for_two_people(qtbot, explore_window):
    compare_view = page(explore_window, "compare")
    assert compare_view.empty.isVisible() and not compare_view.splitter.isVisible()
    assert "two people" in compare_view.empty.text()


@pytest.mark.parametrize("size", [(1200, 780), (900, 600)])
def test_the_new_pages_fit_the_window(qtbot, listener_window, size):
    listener_window.resize(*size)
    for key in ("for_you", "years", "compare"):
        listener_window.show_page(key)
        settle(listener_window)
        assert listener_window.width() == size[0], f"{key} forces the window wider"
        assert listener_window.height() == size[1], f"{key} forces the window taller"
    # The year in review fits its part of the page: one column when narrow, nothing to scroll sideways.
    years = listener_window.years
    assert years.view.columns == (2 if size[0] >= 1200 else 1)
    assert not years.scroller.horizontalScrollBar().isVisible()


def test_the_screenshots_show_the_new_views(qtbot, listener_window, tmp_path):
    from musicrec_gui.ui.screenshots import take_screenshots

    written = {p.name: p for p in take_screenshots(listener_window, tmp_path / "shots", (900, 600))}
    for name in ("years.png", "year-in-review.png", "for-you.png", "for-you-rediscover.png",
                 "for-you-then-and-now.png", "hidden-artists.png", "compare.png"):
        assert name in written and not QImage(str(written[name])).isNull(), name
    assert QImage(str(written["compare.png"])).size() == QImage(str(written["for-you.png"])).size()
    assert preferences.hidden_artists(listener_window.store, "you") == []   # the pictures change nothing


def test_the_exported_picture_is_two_columns_with_no_empty_space(qtbot, listener_window):
    from musicrec_gui.ui.widgets.year_review import YearReviewView, review_image

    review = history.year_in_review(listener_window.store, "you", 2019)
    image = review_image(review, True)
    one_column, two_columns = YearReviewView(), YearReviewView()
    qtbot.addWidget(one_column)
    qtbot.addWidget(two_columns)
    for view, columns in ((one_column, 1), (two_columns, 2)):
        view.set_review(review)
        view._arrange(columns)
        view.layout().activate()
    assert image.height() == two_columns.sizeHint().height() < one_column.sizeHint().height()


def test_names_are_shown_as_plain_text(qtbot, listener_window, tmp_path):
    from listener.listener_helpers import FRIEND, write_spotify

    from musicrec_gui.core import importer

    hostile = "<b>Bold</b> & co"
    export = write_spotify(tmp_path / "h" / "StreamingHistory_music_0.json", FRIEND)
    assert not [r.error for r in importer.import_paths(listener_window.store, [export], person=hostile) if r.error]
    listener_window.context.store_changed.emit()
    compare_view = page(listener_window, "compare")
    compare_view.set_people("you", hostile)
    settle(listener_window)
    assert compare_view.sentence.textFormat() == Qt.TextFormat.PlainText
    assert compare_view.sentence.text().startswith(f"you and {hostile} have")
    assert compare_view.titles[compare_page.FOR_A].full_text() == f"For you, from {hostile}'s favourites"
    years = _years_page(listener_window)
    years.person_picker.set_person(hostile)
    settle(listener_window)
    assert years.view.title.text() == f"2023 for {hostile}"
    assert years.view.title.textFormat() == Qt.TextFormat.PlainText
