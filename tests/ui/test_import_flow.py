"""Getting data in through the window: drop → confirm → background import → report; cancel; mapping."""
from __future__ import annotations

from PySide6.QtWidgets import QPushButton
from shared_data import EXPORTS, HETREC, require_shared

from musicrec_gui.core import importer, library
from musicrec_gui.core.importer import PlannedSource
from musicrec_gui.core.store import Store
from musicrec_gui.ui import settings as options

from .conftest import PIPE_LISTENS, SLOW_LISTENS, drop_paths, slow_source, table_counts, text_source, wait_idle

SPOTIFY = EXPORTS / "spotify-account-data" / "StreamingHistory_music_3.json"
SPOTIFY_WIDER = EXPORTS / "spotify-account-data" / "StreamingHistory_music_2.json"   # some artists in HetRec


def confirm(qtbot, window):
    """Wait for planning to end; return the confirmation dialog."""
    wait_idle(qtbot, window)
    dialog = window.imports.confirm_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def rows(dialog) -> dict[str, tuple[str, str]]:
    """File name → (recognised as, imported as) in the confirmation dialog."""
    table = dialog.table
    return {table.item(r, 0).text().split("/")[-1]: (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}


def test_dropping_a_spotify_export_imports_it_and_reports_what_the_core_did(qtbot, window, tmp_path):
    path = require_shared(SPOTIFY)
    assert window.current_page() == "welcome"
    assert drop_paths(window.welcome, [path])   # a drop anywhere: here on the welcome page
    dialog = confirm(qtbot, window)
    assert rows(dialog) == {path.name: (rows(dialog)[path.name][0], "personal export")}
    assert "Spotify" in rows(dialog)[path.name][0]
    assert dialog.person_form.isVisible() and dialog.person() == "you"
    dialog.person_box.setCurrentText("alex")
    dialog.import_button.click()
    wait_idle(qtbot, window)

    reference = Store(tmp_path / "reference.sqlite3")
    expected = importer.import_paths(reference, [path], person="alex")[0]
    reference.close()
    report = window.imports.report_dialog
    assert report is not None and report.isVisible()
    row = report.tree.topLevelItem(0)
    assert row.text(2) == "alex"
    assert row.text(3) == f"{expected.rows_read:,}" and expected.rows_read == 150
    assert row.text(4) == f"{expected.added:,}"
    assert row.text(5) == f"{sum(expected.skipped.values()):,}"
    assert row.text(6) == f"{expected.malformed:,}"
    for reason, count in expected.skipped.items():
        assert f"Skipped {count:,}: {reason}" in report.details(0)
    assert "no community data yet" in report.match.text().lower()

    assert window.current_page() == "library"
    assert window.library.history.rowCount() == 1
    assert window.library.cards["listens"].value.text() == f"{expected.added:,}"
    assert window.settings.get(options.PERSON) == "alex"   # proposed next time


def test_community_data_and_an_export_together_show_the_coverage(qtbot, window):
    hetrec, spotify = require_shared(HETREC), require_shared(SPOTIFY_WIDER)
    assert drop_paths(window.sidebar.viewport(), [hetrec, spotify])
    dialog = confirm(qtbot, window)
    found = rows(dialog)
    assert found["user_artists.dat"][1] == "community dataset"
    assert found["artists.dat"][1].startswith("skipped")
    assert found[spotify.name][1] == "personal export"
    dialog.accept()
    wait_idle(qtbot, window)

    report = window.imports.report_dialog
    match = library.person_match(window.store, "you")
    assert 0 < match["matched_artists"] < match["artists"]
    text = report.match.text()
    assert f"{match['matched_artists']:,} of your {match['artists']:,} artists" in text
    assert f"({match['matched_artists'] / match['artists']:.0%})" in text
    assert report.low_share   # about a quarter: low
    # The community data was part of this import: no stale "add community data" (issue 13 item 11).
    assert "add community data" not in text and "may know more of yours" in text
    hetrec_row = next(report.tree.topLevelItem(i) for i in range(report.tree.topLevelItemCount())
                      if report.tree.topLevelItem(i).text(0).endswith("user_artists.dat"))
    assert hetrec_row.text(3) == "92,834" and hetrec_row.text(2) == "community"
    assert window.library.cards["community_listeners"].value.text() == "1,892"


def test_cancel_mid_import_leaves_the_store_unchanged(qtbot, window):
    importer.import_source(window.store, text_source("Earlier|song|1600000000\n"), PIPE_LISTENS)
    window.refresh()
    before = table_counts(window.store)

    job = window.imports.start_import([PlannedSource(slow_source(), SLOW_LISTENS)], "you")
    with qtbot.waitSignal(job.event, timeout=10_000):   # rows are being staged
        pass
    assert window.job_status.isVisible() and window.job_status.name.text()
    window.job_status.cancel_button.click()
    box = window.job_status.cancel_confirm   # throwing an import away is asked first
    assert box is not None and "rolled back" in box.text() and job.outcome is None
    box.cancel_button.click()
    wait_idle(qtbot, window)

    assert job.outcome == "cancelled"
    assert table_counts(window.store) == before
    assert "cancelled" in window.banner.text.text()
    assert window.imports.report_dialog is None
    assert not window.job_status.isVisible()


def test_an_unknown_table_is_imported_through_a_column_mapping(qtbot, window, tmp_path):
    table = tmp_path / "plays.csv"
    table.write_text("who;band;n\nu1;Radiohead;12\nu1;Björk;3\nu2;Radiohead;7\n", encoding="utf-8")
    assert drop_paths(window, [table])
    dialog = confirm(qtbot, window)
    assert rows(dialog)["plays.csv"][1] == "not recognised"
    assert not dialog.import_button.isEnabled()
    button = dialog.table.cellWidget(0, 2)
    assert isinstance(button, QPushButton)
    button.click()

    mapping = window.imports.mapping_dialog
    assert mapping is not None and mapping.isVisible()
    assert mapping.delimiter.currentData() == ";" and mapping.has_header.isChecked()
    assert mapping.preview.rowCount() == 3 and mapping.preview.columnCount() == 3
    assert mapping.preview.item(1, 1).text() == "Björk"
    mapping.delimiter.setCurrentIndex(mapping.delimiter.findData(","))   # re-split: one column
    assert mapping.preview.columnCount() == 1
    mapping.delimiter.setCurrentIndex(mapping.delimiter.findData(";"))
    ok = mapping.buttons.button(mapping.buttons.StandardButton.Ok)
    assert not ok.isEnabled()   # no artist column yet
    mapping.set_column("user", 0)
    mapping.set_column("artist", 1)
    mapping.set_column("count", 2)
    assert ok.isEnabled() and "community" in mapping.explanation.text()
    ok.click()

    assert rows(dialog)["plays.csv"] == ("Table (column mapping)", "community dataset")
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    wait_idle(qtbot, window)
    report = window.imports.report_dialog
    assert report.tree.topLevelItem(0).text(4) == "3"
    assert window.store.scalar("SELECT COUNT(*) FROM listeners WHERE kind = 'community'") == 2
    assert window.store.scalar("SELECT SUM(plays) FROM plays") == 22


def test_the_person_selected_on_the_library_page_is_who_new_exports_belong_to(qtbot, window, tmp_path):
    # Issue 13 item 5: the dialog defaulted to the last person imported, not the one on screen.
    for person in ("alex", "sam"):
        importer.import_source(window.store, text_source(f"Air|t|{1600000000 + len(person)}\n", f"{person}.txt"),
                               PIPE_LISTENS, person=person)
    window.settings.set(options.PERSON, "sam")   # the last import was sam's
    window.refresh()
    wait_idle(qtbot, window)
    window.library.person_box.setCurrentText("alex")
    path = require_shared(SPOTIFY)
    assert drop_paths(window, [path])
    dialog = confirm(qtbot, window)
    assert dialog.person() == "alex"
    dialog.reject()


def test_podcast_audiobook_and_loved_files_are_shown_as_skipped_and_not_counted(qtbot, window, tmp_path):
    # Issue 13 item 13: they were listed as personal exports, counted, and each left a 0-row import.
    folder = tmp_path / "export"
    folder.mkdir()
    names = ("StreamingHistory_music_3.json", "StreamingHistory_podcast_0.json", "StreamingHistory_audiobook_0.json")
    for name in names:
        (folder / name).write_bytes(require_shared(EXPORTS / "spotify-account-data" / name).read_bytes())
    (folder / "hearted.csv").write_bytes(require_shared(EXPORTS / "lastfm-ghan-csv" / "hearted.csv").read_bytes())
    assert drop_paths(window, [folder])
    dialog = confirm(qtbot, window)
    found = rows(dialog)
    assert found["StreamingHistory_music_3.json"][1] == "personal export"
    assert found["StreamingHistory_podcast_0.json"][1].startswith("skipped: podcast episodes, not music")
    assert found["StreamingHistory_audiobook_0.json"][1].startswith("skipped: audiobook chapters, not music")
    assert found["hearted.csv"][1].startswith("skipped: loved tracks, not plays")
    assert dialog.import_button.text() == "Import 1 file"
    assert "1 file to import" in dialog.summary.text() and "3 skipped" in dialog.summary.text()
    dialog.import_button.click()
    wait_idle(qtbot, window)
    sources = window.store.sources()
    assert [s.path.split("/")[-1] for s in sources] == ["StreamingHistory_music_3.json"]   # no empty entries
