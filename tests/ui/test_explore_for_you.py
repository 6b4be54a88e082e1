"""The For you page: reasons, discovery, listener-count filter, fold-in, CSV and clipboard, taste."""
from __future__ import annotations

import csv

from PySide6.QtGui import QGuiApplication

from musicrec_gui.core import importer

from .explore_helpers import (FORMULA_ARTIST, explore_window, give_back_true_references, page,  # noqa: F401
                              trained_template, write_person_export)


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
    popular = for_you.table.current_frame()["artist"].tolist()
    popular_listeners = listeners().mean()
    for_you.discovery.setValue(for_you.discovery.maximum())
    deep = for_you.table.current_frame()["artist"].tolist()
    assert popular != middle != deep
    assert listeners().mean() < popular_listeners   # deep cuts: artists fewer people play


def test_the_listener_count_filter_hides_artists(qtbot, explore_window):
    for_you = page(explore_window, "for_you")
    for_you.min_listeners.setValue(14)
    frame = for_you.table.current_frame()
    assert len(frame) > 0 and (frame["listeners"] >= 14).all()
    for_you.max_listeners.setValue(15)
    frame = for_you.table.current_frame()
    assert len(frame) > 0 and frame["listeners"].between(14, 15).all()
    for_you.min_listeners.setValue(0)
    for_you.max_listeners.setValue(0)   # "any"
    assert len(for_you.table.current_frame()) == 20


def test_csv_export_neutralises_formulas(qtbot, explore_window, tmp_path):
    for_you = page(explore_window, "for_you")
    for_you.count.setValue(200)   # every artist "you" have not played, "=cmd" among them
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
    assert for_you.profile.folded_in
    assert "added after the model was trained" in for_you.note_text()
    assert "retraining will refine" in for_you.note_text()
    frame = for_you.table.current_frame()
    assert len(frame) == 20 and not set(frame["artist"]) & set(jazz)
    assert sum(name.startswith("Jazz Band") for name in frame["artist"].head(10)) >= 6
    assert frame["because"].head(5).str.contains("Jazz Band").all()
    assert for_you.taste_box.title() == "Taste of alice"

    for_you.show_listener("you")
    assert for_you.note_text() == ""


def test_a_community_listener_can_be_picked_and_an_unknown_name_is_explained(qtbot, explore_window):
    for_you = page(explore_window, "for_you")
    model = explore_window.models.model
    someone = str(model.listener_names[4])
    assert model.listener_kinds[4] == "community"
    for_you.show_listener(someone)
    assert len(for_you.table.current_frame()) == 20 and not for_you.profile.folded_in
    for_you.show_listener("nobody")
    assert "No listener named" in for_you.note_text()
    assert len(for_you.table.current_frame()) == 0


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
