"""The Artists and Similar pages follow the person picked: "your plays", "you listen", and whose "not for me"."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from listener.listener_helpers import JAZZ, ROCK, TECHNO

from musicrec_gui.core import preferences

from .explore_helpers import give_back_true_references, page, settle  # noqa: F401
from .listener_window import listener_template, listener_window  # noqa: F401


def _header(table, key: str) -> str:
    columns = [c.key for c in table.model.columns]
    return table.model.headerData(columns.index(key), Qt.Orientation.Horizontal)


def _action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def test_the_artists_page_shows_the_picked_persons_plays(qtbot, listener_window):
    artists = page(listener_window, "artists")
    artists.min_listeners.setValue(1)
    settle(listener_window)
    assert not artists.person_picker.isHidden() and artists.person_picker.person() == "you"
    assert _header(artists.table, "your_plays") == "Your plays"
    played = artists.frame.dropna(subset=["your_plays"])
    assert set(played["artist"]) == {*ROCK, *JAZZ, "Folk Band 01"}
    artists.person_picker.set_person("friend")
    settle(listener_window)
    assert _header(artists.table, "your_plays") == "Plays by friend"
    played = artists.frame.dropna(subset=["your_plays"])
    assert set(played["artist"]) == {*TECHNO, *JAZZ[:2]}
    expected = listener_window.models.listening.plays_per_artist("friend")[played["index"].to_numpy()]
    assert np.array_equal(played["your_plays"].to_numpy(dtype=np.int64), expected)


def test_the_artists_menus_hide_for_the_picked_person(qtbot, listener_window):
    artists = page(listener_window, "artists")
    artists.person_picker.set_person("friend")
    settle(listener_window)
    name = artists.table.current_frame()["artist"].iloc[0]
    menu = artists.artist_menu(artists.table.model.row(0))
    assert {"Similar artists", "Not for friend", "Open on Last.fm"} <= {a.text() for a in menu.actions()}
    _action(menu, "Not for friend").trigger()
    settle(listener_window)
    assert [h.name for h in preferences.hidden_artists(listener_window.store, "friend")] == [name]
    assert preferences.hidden_artists(listener_window.store, "you") == []
    # The bars offer the same menu on a right click.
    bar = artists.chart.shown()[0][0]
    artists.chart.artist_menu_requested.emit(bar, QPoint(10, 10))
    assert artists.last_menu is not None and artists.last_menu.isVisible()
    labels = [a.text() for a in artists.last_menu.actions()]
    assert ("Show again to friend" if bar == name else "Not for friend") in labels
    artists.last_menu.close()


def test_the_similar_page_marks_what_the_picked_person_listens_to(qtbot, listener_window):
    similar = page(listener_window, "similar")
    similar.show_artist(JAZZ[0])
    settle(listener_window)
    frame = similar.table.current_frame()
    assert _header(similar.table, "yours") == "You listen"
    assert set(frame.loc[frame["yours"], "artist"]) == set(frame["artist"]) & {*ROCK, *JAZZ, "Folk Band 01"}
    similar.person_picker.set_person("friend")
    settle(listener_window)
    assert similar.current_artist() == JAZZ[0]
    frame = similar.table.current_frame()
    assert _header(similar.table, "yours") == "friend listens"
    assert set(frame.loc[frame["yours"], "artist"]) == set(frame["artist"]) & {*TECHNO, *JAZZ[:2]}
    assert "friend: 10 plays" in similar.title_text()
    menu = similar.artist_menu(similar.table.model.row(0))
    assert "Not for friend" in [a.text() for a in menu.actions()]


def test_the_menu_key_opens_the_menu_of_the_current_row(qtbot, listener_window):
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    artists = page(listener_window, "artists")
    view = artists.table.table
    view.setCurrentIndex(artists.table.model.index(3, 1))
    asked = []
    artists.table.row_menu_requested.connect(lambda row, where: asked.append(row["artist"]))
    # Qt places a keyboard context menu near the top left corner, over the first row.
    corner = QPoint(5, 5)
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, corner,
                                                              view.viewport().mapToGlobal(corner)))
    assert asked == [artists.table.current_frame()["artist"].iloc[3]]
    artists.last_menu.close()
