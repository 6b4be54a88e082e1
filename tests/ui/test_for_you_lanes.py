"""The For you page of issue 14: the Explore and Rediscover lanes, taste in a period, "not for me" and the hidden
artists list, reasons with evidence (counted in the background), and playlists."""
from __future__ import annotations

import json
import threading
import time
import xml.etree.ElementTree as ET

import numpy as np
from listener.listener_helpers import FOLK, JAZZ, ROCK, ROCK_PLAYS

from musicrec_gui.core import playlists, preferences
from musicrec_gui.core.periods import between, year
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.explore import evidence as fetching
from musicrec_gui.ui.explore.why_panel import STATE_TEXT
from musicrec_gui.ui.pages import for_you_page as for_you_module

from .explore_helpers import give_back_true_references, page, settle  # noqa: F401
from .listener_window import listener_template, listener_window  # noqa: F401


def _artists(table) -> list[str]:
    return table.current_frame()["artist"].tolist()


def _action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def test_the_explore_lane_takes_the_barely_played_threshold_from_a_setting(qtbot, listener_window):
    for_you = page(listener_window, "for_you")
    assert for_you.lane() == "explore" and for_you.barely.value() == 0
    for_you.count.setValue(200)
    settle(listener_window)
    assert FOLK not in _artists(for_you.table)                  # played twice: not new
    for_you.barely.setValue(2)
    settle(listener_window)
    shown = _artists(for_you.table)
    assert FOLK in shown and not set(shown) & {*ROCK, *JAZZ}     # barely played in, played a lot still out
    assert listener_window.settings.get(options.EXPLORE_BARELY) == 2   # remembered for next time


def test_the_rediscover_lane_lists_old_favourites_with_when_and_how_much(qtbot, listener_window):
    for_you = page(listener_window, "for_you")
    for_you.set_lane("rediscover")
    settle(listener_window)
    frame = for_you.rediscover_table.current_frame()
    assert set(frame["artist"]) == set(ROCK)                     # 2019's favourites, none played since
    assert (frame["plays"] == ROCK_PLAYS).all() and (frame["last"] == "2019-12").all()
    listening = listener_window.models.listening
    expected = listening.rediscover(listening.profile("you"), months=12, min_listeners=for_you.min_listeners.value())
    assert frame["artist"].tolist() == [r.artist for r in expected]
    # The reason in words, under the list, for the artist picked.
    for_you.rediscover_table.table.setCurrentIndex(for_you.rediscover_table.model.index(0, 1))
    assert for_you.why.reason.full_text().startswith(f"You played them {ROCK_PLAYS} times, last in December 2019")
    # Sixty months back from the latest listen (June 2023) reaches before 2019: nothing qualifies.
    for_you.months.setValue(60)
    settle(listener_window)
    assert for_you.rediscover_table.current_frame().empty
    assert listener_window.settings.get(options.REDISCOVER_MONTHS) == 60


def test_both_lanes_keep_the_discovery_slider_and_the_listener_count_range(qtbot, listener_window):
    for_you = page(listener_window, "for_you")
    for_you.set_lane("rediscover")
    settle(listener_window)
    listeners = listener_window.models.model.artist_listeners
    everyone = for_you.rediscover_table.model.frame
    cut = int(np.median(listeners[everyone["index"]]))
    for_you.max_listeners.setValue(cut)
    settle(listener_window)
    fewer = for_you.rediscover_table.model.frame
    assert 0 < len(fewer) < len(everyone) and (listeners[fewer["index"]] <= cut).all()
    for_you.set_lane("explore")
    settle(listener_window)
    assert (for_you.table.current_frame()["listeners"] <= cut).all()   # the other lane follows when shown


def test_taste_in_a_period_beside_today(qtbot, listener_window):
    for_you = page(listener_window, "for_you")
    periods_offered = [for_you.period.itemData(i) for i in range(for_you.period.count())]
    assert periods_offered == [2023, 2019, for_you_module.DATES]
    for_you.set_lane("period")
    for_you.set_period(2019)
    settle(listener_window)
    listening = listener_window.models.listening
    ranking = {"n": for_you.count.value(), "min_listeners": for_you.min_listeners.value()}
    then = [r.artist for r in listening.recommend(listening.period_profile("you", year(2019)), **ranking)]
    now = [r.artist for r in listening.recommend(listening.profile("you"), **ranking)]
    assert _artists(for_you.then_table) == then and _artists(for_you.now_table) == now
    assert then != now
    marks = for_you.then_table.current_frame()
    assert marks["both"].tolist() == [name in now for name in then]
    assert for_you.then_title.full_text() == "From the listening in 2019"
    assert for_you.period_summary.full_text().startswith(f"{sum(name in now for name in then)} of the {len(then)}")
    assert not for_you.taste_box.isVisible()        # the two lists take the width

    # A date range works the same way.
    for_you.set_period(for_you_module.DATES, "2023-02-01", "2023-02-28")
    settle(listener_window)
    february = listening.period_profile("you", between("2023-02-01", "2023-02-28"))
    assert _artists(for_you.then_table) == [r.artist for r in listening.recommend(february, **ranking)]
    # Dates that end before they begin are explained, not raised.
    for_you.set_period(for_you_module.DATES, "2023-02-01", "2022-02-28")
    settle(listener_window)
    assert "ends before it starts" in for_you.period_summary.full_text()
    assert for_you.then_table.current_frame().empty


def test_not_for_me_from_the_list_and_unhide_from_the_hidden_artists_list(qtbot, listener_window):
    for_you = page(listener_window, "for_you")
    first = _artists(for_you.table)[0]
    view = for_you.table.table
    view.customContextMenuRequested.emit(view.visualRect(view.model().index(0, 1)).center())   # a right click
    menu = for_you.last_menu
    assert menu is not None and menu.isVisible()
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels[:2] == ["Similar artists", "Not for me"]
    assert {"Open on MusicBrainz", "Open on Last.fm"} <= set(labels)
    menu.close()
    _action(menu, "Not for me").trigger()
    settle(listener_window)
    assert first not in _artists(for_you.table)                       # gone at once, no retraining
    assert [h.name for h in preferences.hidden_artists(listener_window.store, "you")] == [first]
    assert len(_artists(for_you.table)) == for_you.count.value()      # the list fills up from further down

    dialog = for_you.open_hidden_artists()
    settle(listener_window)
    assert dialog.isVisible() and dialog.person.person() == "you" and dialog.hidden_names() == [first]
    assert not dialog.unhide_button.isEnabled()
    dialog.list.item(0).setSelected(True)
    assert dialog.unhide_button.isEnabled()
    dialog.unhide_button.click()
    settle(listener_window)
    assert preferences.hidden_artists(listener_window.store, "you") == []
    assert dialog.hidden_names() == [] and "Nothing is hidden" in dialog.empty.text()
    assert _artists(for_you.table)[0] == first                        # back where it was
    dialog.close()


def test_a_hidden_artist_is_per_person(qtbot, listener_window):
    for_you = page(listener_window, "for_you")
    first = _artists(for_you.table)[0]
    for_you.artist_menu(for_you.table.model.row(0))
    _action(for_you.last_menu, "Not for me").trigger()
    settle(listener_window)
    for_you.count.setValue(200)
    for_you.show_listener("friend")
    settle(listener_window)
    assert first in _artists(for_you.table)                          # friend still gets it
    menu = for_you.artist_menu(for_you.table.current_frame().iloc[0].to_dict() | {
        "index": int(for_you.table.model.row(0)["index"])})
    assert "Not for friend" in [a.text() for a in menu.actions()]
    dialog = for_you.open_hidden_artists()
    settle(listener_window)
    assert dialog.person.person() == "friend" and dialog.hidden_names() == []
    dialog.person.set_person("you")
    settle(listener_window)
    assert dialog.hidden_names() == [first]
    dialog.close()


def test_evidence_is_counted_in_the_background_and_shown_for_the_picked_artist(qtbot, listener_window):
    listening = listener_window.models.listening
    assert not listening.evidence_ready()
    started, states = [], []
    listener_window.runner.started.connect(lambda job: started.append(job.name))
    listener_window.show_page("for_you")
    for_you = listener_window.pages["for_you"].ensure_page()
    for_you.evidence.state_changed.connect(lambda state: states.append((state, len(_artists(for_you.table)))))
    settle(listener_window)
    # The list was on screen while the co-listening was counted, as a job with progress and Cancel.
    assert started == [fetching.JOB_NAME]
    assert states[0] == (fetching.COUNTING, for_you.count.value())
    assert listening.evidence_ready()

    for_you.table.table.setCurrentIndex(for_you.table.model.index(0, 1))
    row = for_you.table.model.row(0)
    pick = for_you.lists["explore"].picks[row["index"]]
    expected = [e.sentence() for e in listening.evidence(listening.profile("you"), [pick])[0]]
    assert expected and for_you.why.evidence_text() == expected
    assert "% of" in expected[0] and "also play" in expected[0]
    assert for_you.why.headline.full_text().startswith(pick.artist)
    assert for_you.why.reason.full_text() == f"Because you listen to {', '.join(pick.because)}."

    # Once counted, new lists get their evidence without another job.
    for_you.discovery.setValue(for_you.discovery.maximum())
    settle(listener_window)
    assert started == [fetching.JOB_NAME]
    for_you.table.table.setCurrentIndex(for_you.table.model.index(0, 1))
    assert for_you.why.evidence_text() and "% of" in for_you.why.evidence_text()[0]


def test_a_cancelled_count_waits_for_the_person(qtbot, listener_window, monkeypatch):
    listening = listener_window.models.listening
    count = listening.co_listening_index

    def slow_count(token, report):   # as slow as 17 M plays: runs until cancelled
        while not token.stopped:
            time.sleep(0.01)
        token.check()

    monkeypatch.setattr(listening, "co_listening_index", slow_count)
    listener_window.show_page("for_you")
    for_you = listener_window.pages["for_you"].ensure_page()
    qtbot.waitUntil(lambda: for_you.evidence.state == fetching.COUNTING)
    qtbot.waitUntil(lambda: len(_artists(for_you.table)) == for_you.count.value())   # the list does not wait
    for_you.table.table.setCurrentIndex(for_you.table.model.index(0, 1))
    assert for_you.why.evidence_text() == [STATE_TEXT[fetching.COUNTING]]
    listener_window.runner.cancel()
    settle(listener_window)
    assert for_you.evidence.state == fetching.DECLINED
    assert for_you.why.evidence_text() == [STATE_TEXT[fetching.DECLINED]]
    assert not for_you.why.count_button.isHidden()
    for_you.count.setValue(25)                  # a new list does not start it again
    settle(listener_window)
    assert not listening.evidence_ready() and not listener_window.runner.busy
    monkeypatch.setattr(listening, "co_listening_index", count)
    for_you.why.count_button.click()
    settle(listener_window)
    assert listening.evidence_ready()
    for_you.table.table.setCurrentIndex(for_you.table.model.index(1, 1))
    assert for_you.why.evidence_text() and "% of" in for_you.why.evidence_text()[0]
    assert for_you.why.count_button.isHidden()


def test_the_count_waits_for_a_running_job(qtbot, listener_window):
    release = threading.Event()
    listener_window.runner.start("Busy", lambda token, report: release.wait(30))
    listener_window.show_page("for_you")
    for_you = listener_window.pages["for_you"].ensure_page()
    qtbot.waitUntil(lambda: for_you.evidence.state == fetching.WAITING)
    assert len(_artists(for_you.table)) == for_you.count.value()
    release.set()
    settle(listener_window)
    assert listener_window.models.listening.evidence_ready()
    for_you.table.table.setCurrentIndex(for_you.table.model.index(0, 1))
    assert "% of" in for_you.why.evidence_text()[0]


def test_no_count_for_a_model_no_longer_in_use(qtbot, listener_window):
    from musicrec_gui.core.engine import registry

    release = threading.Event()
    started = []
    listener_window.runner.start("Busy", lambda token, report: release.wait(30))
    listener_window.runner.started.connect(lambda job: started.append(job.name))
    listener_window.show_page("for_you")
    for_you = listener_window.pages["for_you"].ensure_page()
    qtbot.waitUntil(lambda: for_you.evidence.state == fetching.WAITING)
    listener_window.show_page("library")
    listener_window.models.set_model(registry.load(None))     # another model comes while For you is hidden
    release.set()
    settle(listener_window)
    assert started == []                                         # the old model's evidence is not counted
    listener_window.show_page("for_you")
    settle(listener_window)
    assert started == [fetching.JOB_NAME] and listener_window.models.listening.evidence_ready()


def test_the_list_exports_as_jspf_and_xspf_playlists(qtbot, listener_window, tmp_path):
    for_you = page(listener_window, "for_you")
    for_you.table.filter_field.setText("rock")          # what the filter shows is what goes out
    shown = _artists(for_you.table)
    assert shown
    for_you.export_playlist(tmp_path / "for-you.jspf")
    for_you.export_playlist(tmp_path / "for-you.xspf")
    settle(listener_window)
    data = json.loads((tmp_path / "for-you.jspf").read_text(encoding="utf-8"))["playlist"]
    assert data["title"] == "MusicRec: Explore for you"
    assert [t["creator"] for t in data["track"]] == shown
    assert all(t["annotation"].startswith("because you listen to") for t in data["track"])
    root = ET.parse(tmp_path / "for-you.xspf").getroot()
    ns = {"x": playlists.XSPF_NAMESPACE}
    assert root.tag == f"{{{playlists.XSPF_NAMESPACE}}}playlist" and root.get("version") == "1"
    assert [c.text for c in root.findall("x:trackList/x:track/x:creator", ns)] == shown
    assert "playlist of" in listener_window.banner.text.text()

    for_you.set_lane("rediscover")
    settle(listener_window)
    for_you.export_playlist(tmp_path / "old.jspf")
    settle(listener_window)
    tracks = json.loads((tmp_path / "old.jspf").read_text(encoding="utf-8"))["playlist"]["track"]
    assert {t["creator"] for t in tracks} == set(ROCK)
    assert all(t["annotation"].startswith(f"you played them {ROCK_PLAYS} times") for t in tracks)


def test_a_playlist_that_cannot_be_written_says_why(qtbot, listener_window, tmp_path):
    for_you = page(listener_window, "for_you")
    for_you.export_playlist(tmp_path / "missing-folder" / "list.jspf")
    settle(listener_window)
    assert "cannot write there" in listener_window.banner.text.text()
