"""The artist menu every list offers: similar artists, "not for me" and back, links that open only on click."""
from __future__ import annotations

from musicrec_gui.core import importer, preferences
from musicrec_gui.ui.artist_actions import ArtistActions
from musicrec_gui.ui.widgets.person_picker import PersonPicker

from .explore_helpers import (  # noqa: F401
    explore_window,
    give_back_true_references,
    page,
    settle,
    trained_template,
    write_person_export,
)


def _action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def test_not_for_me_hides_an_artist_and_show_again_brings_it_back(qtbot, explore_window, monkeypatch):
    for_you = page(explore_window, "for_you")
    first = for_you.table.current_frame()["artist"].iloc[0]
    index = int(explore_window.models.listening.similar(first).results[0].index)   # any index works for links
    actions = ArtistActions(explore_window.context)
    menu = actions.menu(first, None, "you")
    assert [a.text() for a in menu.actions() if a.text()] == ["Similar artists", "Not for me"]
    _action(menu, "Not for me").trigger()
    settle(explore_window)
    assert [h.name for h in preferences.hidden_artists(explore_window.store, "you")] == [first]
    settle(explore_window)
    assert first not in for_you.table.current_frame()["artist"].tolist()
    assert "hidden" in explore_window.banner.text.text()

    opened = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", lambda url: opened.append(url.toString()))
    hidden_index = int(next(i for i, name in enumerate(explore_window.models.model.artist_names) if name == first))
    menu = actions.menu(first, hidden_index, "you")
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels[:2] == ["Similar artists", "Show again to you"] and any("Last.fm" in t for t in labels)
    assert opened == []                                   # nothing is opened until a link is clicked
    next(a for a in menu.actions() if "Last.fm" in a.text()).trigger()
    assert opened and "last.fm" in opened[0]
    _action(menu, "Show again to you").trigger()
    settle(explore_window)
    assert preferences.hidden_artists(explore_window.store, "you") == []
    assert first in for_you.table.current_frame()["artist"].tolist()
    assert index >= 0


def test_a_right_click_on_a_row_asks_for_the_menu_of_that_row(qtbot, explore_window):
    for_you = page(explore_window, "for_you")
    asked = []
    for_you.table.row_menu_requested.connect(lambda row, where: asked.append(row["artist"]))
    view = for_you.table.table
    view.customContextMenuRequested.emit(view.visualRect(view.model().index(0, 1)).center())
    assert asked == [for_you.table.current_frame()["artist"].iloc[0]]


def test_the_person_picker_lists_people_and_shows_only_when_there_is_a_choice(qtbot, explore_window, tmp_path):
    picker = PersonPicker(explore_window.store)
    qtbot.addWidget(picker)
    assert picker.person() == "you" and picker.count() == 1 and picker.isHidden()
    export = write_person_export(tmp_path / "alice", ["Jazz Band 01", "Jazz Band 02"])
    importer.import_paths(explore_window.store, [export], person="alice")
    seen = []
    picker.person_changed.connect(seen.append)
    picker.reload()
    assert picker.count() == 2 and not picker.isHidden() and picker.person() == "you" and seen == []
    picker.set_person("alice")
    assert seen == ["alice"] and picker.person() == "alice"
