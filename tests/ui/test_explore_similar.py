"""The Similar page: completion, candidates for an ambiguous name, "did you mean", dot vs cosine, evidence,
pivots, back and forward."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from musicrec_gui.core.engine import explore
from musicrec_gui.core.workflows.listening import MIN_LISTENERS

from .explore_helpers import RARE_ARTIST, explore_window, give_back_true_references, page, settle, trained_template  # noqa: F401


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
    similar.search.clear()
    qtbot.keyClicks(similar.search, "JAZZ band 1")
    assert similar.search.matches("JAZZ band 1")[:3] and \
        all(name.startswith("Jazz Band 1") for name in similar.search.matches("JAZZ band 1"))
    assert similar.search.matches("fólk BAND 02") == ["Folk Band 02"]
    similar.search.choose("Folk Band 02")
    settle(explore_window)
    assert similar.current_artist() == "Folk Band 02"


def test_the_popup_selects_nothing_until_down_is_pressed(qtbot, explore_window):
    # Issue 13 item 7: with the first match highlighted, Down+Enter picked the second one.
    similar = page(explore_window, "similar")
    explore_window.activateWindow()
    qtbot.waitActive(explore_window)
    similar.search.setFocus()
    similar.search.clear()
    qtbot.keyClicks(similar.search, "rock band 1")
    popup = similar.search._completer.popup()
    assert popup.isVisible()
    assert not popup.currentIndex().isValid()
    first = similar.search.popup_names()[0]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert popup.currentIndex().row() == 0
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    settle(explore_window)
    assert similar.current_artist() == first


def test_names_show_without_junk_characters_but_stay_themselves(qtbot, explore_window):
    # Issue 13 item 7: a private-use character showed as a missing-glyph box.
    similar = page(explore_window, "similar")
    similar.min_listeners.setValue(1)
    similar.search.clear()
    qtbot.keyClicks(similar.search, "rare act")
    assert similar.search.popup_names() == [RARE_ARTIST]   # the stored name, to look it up by
    assert similar.search._completer.model().stringList() == ["Rare Act"]   # what the popup shows
    similar.search.choose(RARE_ARTIST)
    settle(explore_window)
    assert similar.current_artist() == RARE_ARTIST
    assert similar.search.text() == "Rare Act"
    assert "\ue216" not in similar.title_text() and "Rare Act" in similar.title_text()


def test_a_name_matching_several_artists_lists_them_to_pick_from(qtbot, explore_window):
    similar = page(explore_window, "similar")
    similar.search.setFocus()
    similar.search.setText("techno band 0")
    QApplication.processEvents()
    assert QApplication.activePopupWidget() is None
    qtbot.keyClick(similar.search, Qt.Key.Key_Return)   # Enter takes the text as typed
    settle(explore_window)
    assert similar.candidates_box.isVisible()
    assert "more than one" in similar.candidates_box.title()
    names = similar.candidate_names()
    assert len(names) == 9 and all(name.startswith("Techno Band 0") for name in names)
    similar.candidates.itemClicked.emit(similar.candidates.item(3))
    settle(explore_window)
    assert similar.current_artist() == names[3]
    assert not similar.candidates_box.isVisible()
    assert len(similar.results()) == 20


def test_an_unknown_name_says_so_and_offers_close_spellings(qtbot, explore_window):
    similar = page(explore_window, "similar")
    before = similar.current_artist()
    similar.show_artist("Nobody At All")
    settle(explore_window)
    assert "No artist matches" in similar.title_text()
    assert similar.current_artist() == before   # the trail is unchanged
    similar.show_artist("Jaz Bnd 07")   # a misspelling
    settle(explore_window)
    assert "No artist matches" in similar.title_text()
    assert "Did you mean" in similar.candidates_box.title()
    assert similar.candidate_names()[0] == "Jazz Band 07"
    similar.candidates.itemClicked.emit(similar.candidates.item(0))
    settle(explore_window)
    assert similar.current_artist() == "Jazz Band 07"


def test_dot_and_cosine_give_different_orders(qtbot, explore_window):
    similar = page(explore_window, "similar")
    similar.min_listeners.setValue(1)   # the engine's answers below use every artist
    similar.show_artist("Rock Band 03")
    settle(explore_window)
    dot = similar.results()
    assert similar.table.model.columns[2].header == "Dot product"
    assert "popular" in similar.metric_note.full_text()
    similar.metric.set_value("cosine")
    settle(explore_window)
    cosine = similar.results()
    assert similar.table.model.columns[2].header == "Cosine"
    assert "niche" in similar.metric_note.full_text()
    assert dot != cosine
    # Same as the engine's answers.
    model = explore_window.models.model
    assert cosine == [r.artist for r in explore.similar_artists(model, "Rock Band 03", 20, "cosine").results]
    assert dot == [r.artist for r in explore.similar_artists(model, "Rock Band 03", 20, "dot").results]
    # Rock bands are each other's neighbours either way.
    assert sum(name.startswith("Rock Band") for name in cosine[:10]) >= 6


def test_results_need_enough_listeners_and_a_rare_artist_gets_a_warning(qtbot, explore_window):
    # Issue 13 item 6: neighbours of a 2-listener artist are one person's library.
    similar = page(explore_window, "similar")
    assert similar.min_listeners.value() == MIN_LISTENERS
    similar.show_artist("Rock Band 03")
    settle(explore_window)
    frame = similar.table.current_frame()
    assert (frame["listeners"] >= MIN_LISTENERS).all()
    assert "Only" not in similar.title_text()
    similar.show_artist(RARE_ARTIST)
    settle(explore_window)
    assert "Only 2 listeners" in similar.title_text()
    assert RARE_ARTIST not in similar.results()
    # The person can lower the minimum: the rare artist then shows up among Rock neighbours.
    similar.min_listeners.setValue(1)
    similar.count.setValue(200)
    similar.show_artist("Rock Band 03")
    settle(explore_window)
    assert RARE_ARTIST in similar.results()


def test_the_number_of_results_is_adjustable(qtbot, explore_window):
    similar = page(explore_window, "similar")
    similar.count.setValue(5)
    settle(explore_window)
    assert len(similar.results()) == 5
    similar.count.setValue(50)
    settle(explore_window)
    assert len(similar.results()) == 50


def test_pivot_back_and_forward(qtbot, explore_window):
    similar = page(explore_window, "similar")
    similar.show_artist("Jazz Band 01")
    settle(explore_window)
    first_result = similar.table.model.row(0)["artist"]
    similar.table.row_activated.emit(similar.table.model.row(0))   # double-click on a result
    settle(explore_window)
    assert similar.current_artist() == first_result
    assert similar.back_button.isEnabled() and not similar.forward_button.isEnabled()

    # Shortcuts need the window active and the focus inside the page.
    explore_window.activateWindow()
    qtbot.waitActive(explore_window)
    similar.table.table.setFocus()
    qtbot.keyClick(similar.table.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    settle(explore_window)
    assert similar.current_artist() == "Jazz Band 01"
    assert similar.search.text() == "Jazz Band 01"
    assert similar.forward_button.isEnabled()
    qtbot.keyClick(similar.table.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    settle(explore_window)
    assert similar.current_artist() == first_result
    similar.back_button.click()
    settle(explore_window)
    assert similar.current_artist() == "Jazz Band 01"
    similar.forward_button.click()
    settle(explore_window)
    assert similar.current_artist() == first_result
