"""The For you page: reasons, discovery, listener-count filter, fold-in, CSV and clipboard, taste."""
from __future__ import annotations

import csv

from PySide6.QtGui import QGuiApplication

from musicrec_gui.core import importer
from musicrec_gui.core.workflows.listening import MIN_LISTENERS

from .explore_helpers import (  # noqa: F401
    FORMULA_ARTIST,
    explore_window,
    give_back_true_references,
    page,
    settle,
    trained_template,
    write_person_export,
)


def test_you_get_unplayed_artists_with_reasons(qtbot, explore_window):
    for_you = page(explore_window, "for_you")
    explore_window.show_page("for_you")
    assert for_you.listener.currentText() == "you"
    frame = for_you.table.current_frame()
    assert len(frame) == 20
    assert list(frame.columns) == ["rank", "artist", "score", "listeners", "because"]
    played = set(for_you.profile.artists.tolist())
    model = explore_window.models.model
    names = model.artist_names[sorted(played)]
    assert not set(names) & set(frame["artist"])
    # A Rock fan is recommended Rock bands, because of the Rock bands they play.
    assert sum(name.startswith("Rock Band") for name in frame["artist"].head(10)) >= 6
    assert frame["because"].head(5).str.contains("Rock Band").all()
    assert for_you.note_text() == ""
    assert model.listener_names[for_you.profile.row] == "you"


def test_the_taste_panel_shows_model_and_plays_views(qtbot, explore_window):
    for_you = page(explore_window, "for_you")
    by_model = for_you.taste_model.current_frame()
    by_plays = for_you.taste_plays.current_frame()
    assert for_you.taste_box.title() == "Your taste"
    assert len(by_plays) == 8 and by_plays["artist"].str.startswith("Rock Band").all()
    assert by_plays["plays"].sum() == 200 and by_plays["plays"].is_monotonic_decreasing
    assert set(by_model["artist"]) == set(by_plays["artist"])
    assert by_model["score"].is_monotonic_decreasing


def test_the_discovery_slider_changes_the_results(qtbot, explore_window):
    for_you = page(explore_window, "for_you")
    listeners = lambda: for_you.table.current_frame()["listeners"].to_numpy()   # noqa: E731
    middle = for_you.table.current_frame()["artist"].tolist()
    for_you.discovery.setValue(for_you.discovery.minimum())
    settle(explore_window)
    popular = for_you.table.current_frame()["artist"].tolist()
    popular_listeners = listeners().mean()
    for_you.discovery.setValue(for_you.discovery.maximum())
    settle(explore_window)
    deep = for_you.table.current_frame()["artist"].tolist()
    assert popular != middle != deep
    assert listeners().mean() < popular_listeners   # deep cuts: artists fewer people play


def test_the_listener_count_filter_hides_artists(qtbot, explore_window):
    for_you = page(explore_window, "for_you")
    for_you.min_listeners.setValue(14)
    settle(explore_window)
    frame = for_you.table.current_frame()
    assert len(frame) > 0 and (frame["listeners"] >= 14).all()
    for_you.max_listeners.setValue(15)
    settle(explore_window)
    frame = for_you.table.current_frame()
    assert len(frame) > 0 and frame["listeners"].between(14, 15).all()
    for_you.min_listeners.setValue(0)
    settle(explore_window)
    for_you.max_listeners.setValue(0)   # "any"
    settle(explore_window)
    assert len(for_you.table.current_frame()) == 20


def test_csv_export_neutralises_formulas(qtbot, explore_window, tmp_path):
    for_you = page(explore_window, "for_you")
    for_you.count.setValue(200)   # every artist "you" have not played, "=cmd" among them
    settle(explore_window)
    assert FORMULA_ARTIST in for_you.table.current_frame()["artist"].tolist()
    path = tmp_path / "recommendations.csv"
    rows = for_you.export_csv(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["#", "Artist", "Score", "Listeners", "Because you listen to"]
    assert len(table) == rows + 1 == len(for_you.table.current_frame()) + 1
    artists = [row[1] for row in table[1:]]
    assert "'" + FORMULA_ARTIST in artists and FORMULA_ARTIST not in artists
    assert not any(cell.startswith(("=", "+", "@")) for row in table for cell in row if not _number(cell))


def test_csv_export_writes_what_the_filter_shows(qtbot, explore_window, tmp_path):
    for_you = page(explore_window, "for_you")
    for_you.table.filter_field.setText("rock")
    settle(explore_window)
    path = tmp_path / "rock.csv"
    for_you.export_csv(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all("rock" in (row["Artist"] + row["Because you listen to"]).lower() for row in rows)


def test_copy_puts_the_list_on_the_clipboard(qtbot, explore_window):
    for_you = page(explore_window, "for_you")
    for_you.copy_button.click()
    text = QGuiApplication.clipboard().text()
    lines = text.splitlines()
    assert lines[0].split("\t") == ["#", "Artist", "Score", "Listeners", "Because you listen to"]
    assert len(lines) == 21


def test_copy_neutralises_formulas_like_the_csv_export(qtbot, explore_window):
    # Issue 10 item 11: the clipboard got "=cmd" as it is; a spreadsheet would run it.
    for_you = page(explore_window, "for_you")
    for_you.count.setValue(200)
    settle(explore_window)
    assert FORMULA_ARTIST in for_you.table.current_frame()["artist"].tolist()
    for_you.copy_button.click()
    rows = [line.split("\t") for line in QGuiApplication.clipboard().text().splitlines()]
    artists = [row[1] for row in rows[1:]]
    assert "'" + FORMULA_ARTIST in artists and FORMULA_ARTIST not in artists
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    scores = [row[2] for row in rows[1:]]
    assert all(_number(score) for score in scores)   # numbers stay numbers


def test_deep_cuts_need_enough_listeners_by_default(qtbot, explore_window):
    # Issue 13 item 6: "Deep cuts" filled with one-listener artists.
    for_you = page(explore_window, "for_you")
    assert for_you.min_listeners.value() == MIN_LISTENERS
    for_you.discovery.setValue(for_you.discovery.maximum())
    settle(explore_window)
    frame = for_you.table.current_frame()
    assert len(frame) == 20 and (frame["listeners"] >= MIN_LISTENERS).all()


def test_a_person_imported_after_training_is_folded_in(qtbot, explore_window, tmp_path):
    jazz = [f"Jazz Band {n:02d}" for n in range(1, 9)]
    export = write_person_export(tmp_path / "alice", jazz)
    reports = importer.import_paths(explore_window.store, [export], person="alice")
    assert not [r.error for r in reports if r.error]
    explore_window.context.store_changed.emit()   # what the import flow says after an import

    for_you = page(explore_window, "for_you")
    names = [for_you.listener.itemText(i) for i in range(for_you.listener.count())]
    assert names[:2] == ["you", "alice"]   # people first, the newcomer among them
    for_you.show_listener("alice")
    settle(explore_window)
    assert for_you.profile.folded_in
    assert "added after the model was trained" in for_you.note_text()
    assert "retraining will refine" in for_you.note_text()
    frame = for_you.table.current_frame()
    assert len(frame) == 20 and not set(frame["artist"]) & set(jazz)
    assert sum(name.startswith("Jazz Band") for name in frame["artist"].head(10)) >= 6
    assert frame["because"].head(5).str.contains("Jazz Band").all()
    assert for_you.taste_box.title() == "Taste of alice"

    for_you.show_listener("you")
    settle(explore_window)
    assert for_you.note_text() == ""
    # The page says that the model predates the library (issue 10 item 10), on a line that is always
    # there (nothing moves), with the details on hover.
    assert "the library changed since; train again" in for_you.model_line_text()
    assert "alice added after training" in for_you.model_line.label.toolTip()


def test_a_community_listener_can_be_picked_and_an_unknown_name_is_explained(qtbot, explore_window):
    for_you = page(explore_window, "for_you")
    model = explore_window.models.model
    someone = str(model.listener_names[4])
    assert model.listener_kinds[4] == "community"
    for_you.show_listener(someone)
    settle(explore_window)
    assert len(for_you.table.current_frame()) == 20 and not for_you.profile.folded_in
    for_you.show_listener("nobody")
    settle(explore_window)
    assert "No listener named" in for_you.note_text()
    assert len(for_you.table.current_frame()) == 0


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
