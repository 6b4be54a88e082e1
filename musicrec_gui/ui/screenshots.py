"""``musicrec-gui --screenshots DIR [--size 1200x780]``: render every page to PNG with whatever the store holds.

For looking at the app without a display (and for documentation). Written:
welcome.png, library.png, library-coverage.png, library-taste.png,
community.png, listenbrainz.png, import-report.png, train.png, years.png (and
year-in-review.png, the picture "Export PNG" writes, when the first person has
dated listens), and with a trained model (the active saved one is loaded at
start-up) artists.png, similar.png, for-you.png (the first artist picked, its
evidence counted), for-you-rediscover.png, for-you-then-and-now.png,
hidden-artists.png, compare.png (with two people or more), map.png and
train-saved-models.png (and train-learning-rate.png when the model was trained
after a learning-rate sweep) — or needs-model.png without one.  With data to
train on, train-running.png catches a short training run half-way (curves
growing, Stop enabled); that run is cancelled, so nothing is saved and the
model in use stays.

listenbrainz.png shows what the mirror named by ``MUSICREC_LISTENBRAINZ_MIRROR``
offers; without it nothing goes online and the dialog shows an example dump
(today's date, no size).
"""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from musicrec_gui.core import paths
from musicrec_gui.core.community import keep, listenbrainz
from musicrec_gui.core.community.mirror import MIRROR_ENV, Dump
from musicrec_gui.core.engine.events import EpochEvent
from musicrec_gui.core.names import normalize_name
from musicrec_gui.core.workflows import importing
from musicrec_gui.core.workflows.importing import CommunityOffer, ImportOutcome, history
from musicrec_gui.ui.dialogs.community import CommunityDialog, ListenBrainzDialog
from musicrec_gui.ui.dialogs.import_report import ImportReportDialog
from musicrec_gui.ui.importing import everyone_covered

# Artists most people know, for the Similar page picture: the first one the model has.
WELL_KNOWN = ("Metallica", "The Beatles", "Britney Spears", "Radiohead")
DEFAULT_SIZE = (1200, 780)
WAIT_S = 180
RUNNING_EPOCHS = 200   # the mid-training picture: a run long enough to be caught half-way
RUNNING_AT_EPOCH = 3


def parse_size(text: str) -> tuple[int, int]:
    """``"1200x780"`` → (1200, 780)."""
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        raise ValueError(f"a size is WIDTHxHEIGHT, such as 1200x780, not {text!r}") from None
    if min(size) < 200:
        raise ValueError(f"{text}: too small to show anything")
    return size


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _save(widget: QWidget, path: Path, written: list[Path]) -> None:
    _settle()
    widget.grab().save(str(path))
    written.append(path)


def _wait(window, done=None, timeout: float = WAIT_S) -> None:
    """Let jobs and page computations finish (or ``done()`` come true), so the pages show their results."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if done() if done is not None else not (window.runner.busy or window.context.compute.busy):
            break
        time.sleep(0.02)
    _settle()


def take_screenshots(window, folder: Path, size: tuple[int, int] = DEFAULT_SIZE) -> list[Path]:
    """Write the pictures (see the module docstring) into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    window.resize(*size)
    window.show()
    _wait(window)
    window.show_page("library")
    window.stack.setCurrentWidget(window.welcome)
    _save(window, folder / "welcome.png", written)
    window.stack.setCurrentWidget(window.library)
    _save(window, folder / "library.png", written)
    for tab, name in ((1, "library-coverage.png"), (2, "library-taste.png")):
        window.library.tabs.setCurrentIndex(tab)
        _save(window, folder / name, written)
    window.library.tabs.setCurrentIndex(0)
    _community_screenshots(window, folder, written)
    model = window.models.model
    if model is None:
        window.show_page("artists")
        _save(window, folder / "needs-model.png", written)
    outcome = history(window.store) or ImportOutcome([], title="No imports yet")
    dialog = ImportReportDialog(outcome, window)
    dialog.set_coverage(everyone_covered(window.store))
    dialog.show()
    _save(dialog, folder / "import-report.png", written)
    dialog.close()
    _years_screenshots(window, folder, written)
    if model is not None:
        _explore_screenshots(window, model, folder, written)
    window.show_page("train")
    _wait(window)
    _save(window, folder / "train.png", written)
    if model is not None and model.lr_finder:
        window.train.tabs.setCurrentWidget(window.train.lr_panel)
        _save(window, folder / "train-learning-rate.png", written)
    if model is not None:
        window.train.tabs.setCurrentWidget(window.train.models_panel)
        _save(window, folder / "train-saved-models.png", written)
    _train_running(window, folder, written)
    window.show_page("library")
    return written


def _community_screenshots(window, folder: Path, written: list[Path]) -> None:
    """Add community data, and the ListenBrainz offer (the mirror's, or an example: see the docstring)."""
    dialog = CommunityDialog(window.imports.hetrec_url(), window)
    dialog.show()
    _save(dialog, folder / "community.png", written)
    dialog.close()
    if os.environ.get(MIRROR_ENV):
        offer = importing.newest_listenbrainz()
    else:
        today = dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        stamp = today.strftime("%Y%m%d-%H%M%S")
        dump = Dump(folder=f"listenbrainz-dump-0-{stamp}-full", created=today, size=None,
                    url=f"https://example.invalid/listenbrainz-statistics-dump-{stamp}.tar.zst")
        offer = CommunityOffer(dump, listenbrainz.LICENCE, {key: keep.estimate(key) for key in keep.KEEP_CHOICES})
    offer_dialog = ListenBrainzDialog(offer, str(paths.data_dir() / "downloads" / "listenbrainz"), window)
    offer_dialog.show()
    _save(offer_dialog, folder / "listenbrainz.png", written)
    offer_dialog.close()


def _explore_screenshots(window, model, folder: Path, written: list[Path]) -> None:
    window.show_page("artists")
    _wait(window)
    _save(window, folder / "artists.png", written)
    known = {normalize_name(str(name)) for name in model.artist_names}
    artist = next((name for name in WELL_KNOWN if normalize_name(name) in known), None)
    window.show_page("similar")
    _wait(window)
    if artist:
        window.pages["similar"].ensure_page().show_artist(artist)
        _wait(window)
    _save(window, folder / "similar.png", written)
    _for_you_screenshots(window, folder, written)
    if len(window.store.people()) >= 2:
        window.show_page("compare")
        _wait(window)
        _save(window, folder / "compare.png", written)
    window.show_page("map")
    map_page = window.pages["map"].ensure_page()
    _wait(window)
    _wait(window, lambda: map_page.map.drawn() == map_page.map.count())   # points come in chunks
    if artist:
        map_page.find(artist)
        map_page.reset_view()   # the whole map, with the artist marked
    _save(window, folder / "map.png", written)


def _for_you_screenshots(window, folder: Path, written: list[Path]) -> None:
    """The three lanes, the first artist of each picked (its reasons and evidence under the list)."""
    window.show_page("for_you")
    page = window.pages["for_you"].ensure_page()
    _wait(window)
    for lane, name in (("explore", "for-you.png"), ("rediscover", "for-you-rediscover.png"),
                       ("period", "for-you-then-and-now.png")):
        page.set_lane(lane)
        _wait(window)
        table = page.then_table if lane == "period" else page.lists[lane].table
        if table.model.rowCount():
            table.table.selectRow(0)
            table.table.setCurrentIndex(table.model.index(0, 1))
        _wait(window)
        _save(window, folder / name, written)
    page.set_lane("explore")
    dialog = page.open_hidden_artists()
    _wait(window)
    _save(dialog, folder / "hidden-artists.png", written)
    dialog.close()


def _years_screenshots(window, folder: Path, written: list[Path]) -> None:
    window.show_page("years")
    page = window.years
    _wait(window)
    _save(window, folder / "years.png", written)
    if page.review is not None:
        page.export_png(folder / "year-in-review.png")
        _wait(window)
        written.append(folder / "year-in-review.png")
        window.banner.hide()   # "Saved …": the pictures after this one are of the pages


def _train_running(window, folder: Path, written: list[Path]) -> None:
    """A training run caught half-way; then cancelled, so nothing is saved."""
    page = window.train
    if not page.train_button.isEnabled():
        return   # nothing to train on, or a job is running
    settings = page.form.settings()
    job = page.train(settings.replace(epochs=max(settings.epochs, RUNNING_EPOCHS)))
    if job is None:
        return
    epochs_seen: list[int] = []
    job.event.connect(lambda event: epochs_seen.append(event.epoch) if isinstance(event, EpochEvent) else None)
    _wait(window, lambda: len(epochs_seen) >= RUNNING_AT_EPOCH or job.outcome is not None)
    time.sleep(0.1)   # let the curves' repaint timer fire
    _settle()
    _save(window, folder / "train-running.png", written)
    if job.outcome is None:
        window.runner.cancel()
    _wait(window, lambda: not window.runner.busy)
