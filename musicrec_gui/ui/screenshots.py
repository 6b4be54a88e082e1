"""``musicrec-gui --screenshots DIR``: render the main pages to PNG with whatever the store holds.

For looking at the app without a display (and for documentation). With a
trained model (the active saved one is loaded at start-up) the exploring
pages are rendered too: artists.png, similar.png, for-you.png and map.png.
"""
from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from musicrec_gui.core.names import normalize_name
from musicrec_gui.core.workflows.importing import ImportOutcome, history
from musicrec_gui.ui.dialogs.import_report import ImportReportDialog

# Artists most people know, for the Similar page picture: the first one the model has.
WELL_KNOWN = ("Metallica", "The Beatles", "Britney Spears", "Radiohead")
MODEL_WAIT_S = 120


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _save(widget: QWidget, path: Path, written: list[Path]) -> None:
    _settle()
    widget.grab().save(str(path))
    written.append(path)


def _wait_for_jobs(window, timeout: float = MODEL_WAIT_S) -> None:
    """Let the start-up job (loading the saved model) finish, so the pages show the model."""
    deadline = time.monotonic() + timeout
    while window.runner.busy and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    _settle()


def take_screenshots(window, folder: Path) -> list[Path]:
    """Write welcome.png, library.png, import-report.png, and either needs-model.png (no model yet)
    or artists.png, similar.png, for-you.png and map.png into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    window.resize(1200, 780)
    window.show()
    _wait_for_jobs(window)
    window.show_page("library")
    window.stack.setCurrentWidget(window.welcome)
    _save(window, folder / "welcome.png", written)
    window.stack.setCurrentWidget(window.library)
    _save(window, folder / "library.png", written)
    model = window.models.model
    if model is None:
        window.show_page("artists")
        _save(window, folder / "needs-model.png", written)
    outcome = history(window.store) or ImportOutcome([], title="No imports yet")
    dialog = ImportReportDialog(outcome, window)
    dialog.show()
    _save(dialog, folder / "import-report.png", written)
    dialog.close()
    if model is not None:
        _explore_screenshots(window, model, folder, written)
    _save(window.train.shown(), folder / "train.png", written)
    window.show_page("library")
    return written


def _explore_screenshots(window, model, folder: Path, written: list[Path]) -> None:
    window.show_page("artists")
    _save(window, folder / "artists.png", written)
    similar = window.pages["similar"].page
    known = {normalize_name(str(name)) for name in model.artist_names}
    artist = next((name for name in WELL_KNOWN if normalize_name(name) in known), None)
    window.show_page("similar")
    if artist:
        similar.show_artist(artist)
    _save(window, folder / "similar.png", written)
    window.show_page("for_you")
    _save(window, folder / "for-you.png", written)
    window.show_page("map")
    _settle()
    if artist:
        window.pages["map"].page.find(artist)
        window.pages["map"].page.reset_view()   # the whole map, with the artist marked
    _save(window, folder / "map.png", written)
