"""The Library page's community coverage and "what counts as taste": leaving an import, a period or an
artist out of a person's taste, counting it again, and the recommendations following at once."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QDate

from musicrec_gui.core import importer, library, preferences
from musicrec_gui.core.workflows.listening import Listening
from musicrec_gui.selftest import write_fixture

from .conftest import PIPE_LISTENS, text_source, wait_idle
from .explore_helpers import explore_window, give_back_true_references, trained_template  # noqa: F401

JAN_2021 = 1609459200   # 2021-01-01T00:00:00Z
YEAR = 365 * 86400


def test_the_library_shows_how_much_of_the_person_each_community_dataset_knows(qtbot, window, tmp_path):
    community, export = write_fixture(tmp_path / "fixture")
    importer.import_paths(window.store, [community, export])
    importer.import_source(window.store, text_source("Unknown Act|t|1700000000\n" * 50), PIPE_LISTENS)
    window.refresh()
    wait_idle(qtbot, window)
    page = window.library
    expected = library.coverage(window.store, "you")
    assert [(label, round(a, 4), round(p, 4)) for _, label, a, p in page.coverage.rows()] == \
        [(c.label, round(c.artist_share, 4), round(c.play_share, 4)) for c in expected]
    assert page.coverage.rows()[0][1] == library.ALL_COMMUNITY
    assert 0 < page.coverage.rows()[0][3] < 1          # "Unknown Act" is unknown to the community data
    page.tabs.setCurrentIndex(1)
    assert not page.coverage.grab().toImage().isNull()


def test_leaving_an_artist_out_changes_the_recommendations_at_once_and_counting_it_again_restores_them(
        qtbot, explore_window):
    window = explore_window
    page = window.library
    window.show_page("library")
    wait_idle(qtbot, window)
    listening: Listening = window.models.listening
    before = listening.profile("you")
    assert not before.folded_in
    picks_before = [r.artist for r in listening.recommend(before, n=10)]
    played = window.models.model.artist_names[before.artists]
    artist = str(played[np.argmax(before.plays)])   # their most played artist

    with qtbot.waitSignal(window.models.plays_changed, timeout=10_000):
        page.exclude(preferences.artist_exclusion(artist))
    wait_idle(qtbot, window)
    assert page.taste.rows() == [(f"Artist: {artist}", int(before.plays.max()))]
    assert "1 left out" in page.tabs.tabText(2)
    after = listening.profile("you")
    assert after.folded_in and artist not in window.models.model.artist_names[after.artists]
    assert [r.artist for r in listening.recommend(after, n=10)] != picks_before
    assert artist in window.banner.message() and "no longer counts" in window.banner.message()

    with qtbot.waitSignal(window.models.plays_changed, timeout=10_000):
        page.taste.include_button(0).click()
    wait_idle(qtbot, window)
    assert page.taste.rows() == []
    again = listening.profile("you")
    assert not again.folded_in and [r.artist for r in listening.recommend(again, n=10)] == picks_before


def test_an_import_is_left_out_from_the_history_menu_and_counted_again(qtbot, window):
    first = importer.import_source(window.store, text_source("Air|t|1609459200\nMoby|t|1609462800\n"),
                                   PIPE_LISTENS)
    second = importer.import_source(window.store, text_source("Raffi|t|1609466400\n" * 3, "kid.txt"), PIPE_LISTENS)
    window.refresh()
    wait_idle(qtbot, window)
    page = window.library
    menu = page.source_menu(page._source(second.source_id))
    actions = {action.text(): action for action in menu.actions()}
    assert "Leave it out of your taste" in actions and "Undo this import…" in actions
    actions["Leave it out of your taste"].trigger()
    wait_idle(qtbot, window)
    assert page.taste.rows() == [(f"Import #{second.source_id} (kid.txt)", 3)]
    listeners = {page.history.item(r, 0).data(0x0100): page.history.item(r, 3).text()
                 for r in range(page.history.rowCount())}
    assert listeners[second.source_id].endswith("left out of taste") and listeners[first.source_id] == "you"
    stored = library.find_listener(window.store, "you")
    assert {norm for _, norm, _ in preferences.effective_plays(window.store, stored.id)} == {"air", "moby"}

    menu = page.source_menu(page._source(second.source_id))
    again = next(a for a in menu.actions() if a.text() == "Count it in your taste again")
    again.trigger()
    wait_idle(qtbot, window)
    assert page.taste.rows() == [] and not page.history.item(0, 3).text().endswith("left out of taste")


def test_a_period_and_an_artist_are_left_out_through_their_dialogs(qtbot, window):
    rows = [("Air", JAN_2021 + d * 86400) for d in range(5)] + [("Moby", JAN_2021 + YEAR + d * 86400)
                                                                for d in range(3)]
    importer.import_source(window.store, text_source("".join(f"{a}|t|{t}\n" for a, t in rows)), PIPE_LISTENS)
    window.refresh()
    wait_idle(qtbot, window)
    page = window.library
    dialog = page.ask_period()
    dialog.start.setDate(QDate(2021, 1, 1))
    dialog.end.setDate(QDate(2021, 12, 31))
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    wait_idle(qtbot, window)
    assert page.taste.rows() == [("Listens from 2021-01-01 to 2021-12-31", 5)]

    dialog = page.ask_artist()
    wait_idle(qtbot, window)   # the person's artists are read off the GUI thread
    assert not dialog.ok_button.isEnabled()
    assert dialog.search.matches("mo") == ["Moby"]
    dialog.search.choose("Moby")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    wait_idle(qtbot, window)
    assert page.taste.rows() == [("Listens from 2021-01-01 to 2021-12-31", 5), ("Artist: Moby", 3)]
    backwards = page.ask_period()
    backwards.start.setDate(QDate(2022, 1, 2))
    backwards.end.setDate(QDate(2022, 1, 1))
    assert not backwards.ok_button.isEnabled() and backwards.problem.isVisible()
    backwards.reject()
