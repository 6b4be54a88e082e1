"""The Similar page: completion, candidates for an ambiguous name, dot vs cosine, pivots, back and forward."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from musicrec_gui.core.engine import explore

from .explore_helpers import explore_window, give_back_true_references, page, trained_template  # noqa: F401


def test_it_starts_on_your_most_played_artist(qtbot, explore_window):
    similar = page(explore_window, "similar")
    start = similar.current_artist()
    assert start.startswith("Rock Band")
    results = similar.results()
    assert len(results) == 20 and start not in results
    frame = similar.table.current_frame()
    assert list(frame.columns) == ["rank", "artist", "score", "listeners", "yours"]
    # "You" play eight Rock bands; the ✓ column marks exactly those.
    assert frame.loc[frame["yours"], "artist"].str.startswith("Rock Band").all()


def test_typing_completes_names_accent_and_case_insensitively(qtbot, explore_window):
    similar = page(explore_window, "similar")
    explore_window.show_page("similar")
    similar.search.clear()
    qtbot.keyClicks(similar.search, "JAZZ band 1")
    assert similar.search.matches("JAZZ band 1")[:3] and \
        all(name.startswith("Jazz Band 1") for name in similar.search.matches("JAZZ band 1"))
    assert similar.search.matches("fólk BAND 02") == ["Folk Band 02"]
    similar.search.choose("Folk Band 02")
    assert similar.current_artist() == "Folk Band 02"


def test_a_name_matching_several_artists_lists_them_to_pick_from(qtbot, explore_window):
    similar = page(explore_window, "similar")
    explore_window.show_page("similar")
    similar.search.setFocus()
    similar.search.setText("techno band 0")
    QApplication.processEvents()
    assert QApplication.activePopupWidget() is None
    qtbot.keyClick(similar.search, Qt.Key.Key_Return)   # Enter takes the text as typed
    assert similar.candidates_box.isVisible()
    assert "more than one" in similar.candidates_box.title()
    names = [similar.candidates.item(i).text() for i in range(similar.candidates.count())]
    assert len(names) == 9 and all(name.startswith("Techno Band 0") for name in names)
    similar.candidates.itemClicked.emit(similar.candidates.item(3))
    assert similar.current_artist() == names[3]
    assert not similar.candidates_box.isVisible()
    assert len(similar.results()) == 20


def test_an_unknown_name_says_so(qtbot, explore_window):
    similar = page(explore_window, "similar")
    before = similar.current_artist()
    similar.show_artist("Nobody At All")
    assert "No artist matches" in similar.title.text()
    assert similar.current_artist() == before   # the trail is unchanged


def test_dot_and_cosine_give_different_orders(qtbot, explore_window):
    similar = page(explore_window, "similar")
    similar.show_artist("Rock Band 03")
    dot = similar.results()
    assert similar.table.model.columns[2].header == "Dot product"
    assert "popular" in similar.metric_note.text()
    similar.metric.set_value("cosine")
    cosine = similar.results()
    assert similar.table.model.columns[2].header == "Cosine"
    assert "niche" in similar.metric_note.text()
    assert dot != cosine
    # Same as the engine's answers.
    model = explore_window.models.model
    assert cosine == [r.artist for r in explore.similar_artists(model, "Rock Band 03", 20, "cosine").results]
    assert dot == [r.artist for r in explore.similar_artists(model, "Rock Band 03", 20, "dot").results]
    # Rock bands are each other's neighbours either way.
    assert sum(name.startswith("Rock Band") for name in cosine[:10]) >= 6


def test_the_number_of_results_is_adjustable(qtbot, explore_window):
    similar = page(explore_window, "similar")
    similar.count.setValue(5)
    assert len(similar.results()) == 5
    similar.count.setValue(50)
    assert len(similar.results()) == 50


def test_pivot_back_and_forward(qtbot, explore_window):
    similar = page(explore_window, "similar")
    explore_window.show_page("similar")
    similar.show_artist("Jazz Band 01")
    first_result = similar.table.model.row(0)["artist"]
    similar.table.row_activated.emit(similar.table.model.row(0))   # double-click on a result
    assert similar.current_artist() == first_result
    assert similar.back_button.isEnabled() and not similar.forward_button.isEnabled()

    # Shortcuts need the window active and the focus inside the page.
    explore_window.activateWindow()
    qtbot.waitActive(explore_window)
    similar.table.table.setFocus()
    qtbot.keyClick(similar.table.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert similar.current_artist() == "Jazz Band 01"
    assert similar.search.text() == "Jazz Band 01"
    assert similar.forward_button.isEnabled()
    qtbot.keyClick(similar.table.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert similar.current_artist() == first_result
    similar.back_button.click()
    assert similar.current_artist() == "Jazz Band 01"
    similar.forward_button.click()
    assert similar.current_artist() == first_result
