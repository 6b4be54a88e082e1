"""Shared set-up of the exploring page tests: a small store with a trained model, copied into each test's home.

Built once per session: the self-test's synthetic community data (four genres,
80 listeners) plus an artist named "=cmd" (for the CSV formula test) that
Rock listeners play, a rare one with a private-use character in its name
(two listeners: too few for reliable neighbours; HetRec has such names), and
"you" (a Rock fan, Spotify export). Training takes
well under a second on this data; each test gets a fresh copy of the folder.
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest

from musicrec_gui.core import importer
from musicrec_gui.core.store import Store
from musicrec_gui.selftest import write_fixture
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.settings import Settings

from .conftest import wait_idle

FORMULA_ARTIST = "=cmd"
FORMULA_ID = 1001
RARE_ARTIST = "Rare\ue216 Act"   # shown as "Rare Act"
RARE_ID = 1002

# PySide6 6.12.0 bug: ``SignalInstance.emit()`` returns True without taking a reference, so
# every emit from Python code (ours, pyqtgraph's) drops one reference to True; after some
# ten thousand emits the interpreter aborts ("bool_dealloc: deallocating True or False").
# Until the app guards against it globally, each test here gives back what it took.
_TRUE_RESERVE: list[bool] = []


@pytest.fixture(autouse=True)
def give_back_true_references():
    before = sys.getrefcount(True)
    yield
    _TRUE_RESERVE.extend([True] * max(0, before - sys.getrefcount(True)))


def _add_special_artists(community: Path) -> None:
    """An artist whose name a spreadsheet would run as a formula, played by a dozen Rock fans, and a
    rare one with a junk character in its name, played by two Techno fans."""
    with open(community / "artists.dat", "a", encoding="utf-8", newline="") as out:
        out.write(f"{FORMULA_ID}\t{FORMULA_ARTIST}\thttp://www.last.fm/music/x\t\r\n")
        out.write(f"{RARE_ID}\t{RARE_ARTIST}\thttp://www.last.fm/music/x\t\r\n")
    with open(community / "user_artists.dat", "a", encoding="utf-8", newline="") as out:
        for user in range(4, 52, 4):   # user % 4 == 0: the Rock listeners of the fixture
            out.write(f"{user}\t{FORMULA_ID}\t{200 + user}\r\n")
        for user in (2, 6):
            out.write(f"{user}\t{RARE_ID}\t{300 + user}\r\n")


def write_person_export(folder: Path, artists: list[str], plays: int = 120) -> Path:
    """A Spotify export (StreamingHistory JSON) cycling through ``artists``."""
    folder.mkdir(parents=True, exist_ok=True)
    start = 1_700_000_000
    rows = [{"endTime": time.strftime("%Y-%m-%d %H:%M", time.gmtime(start + i * 600)),
             "artistName": artists[i % len(artists)], "trackName": f"Song {i % 13}", "msPlayed": 200_000}
            for i in range(plays)]
    path = folder / "StreamingHistory_music_0.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def trained_template(tmp_path_factory):
    """A MUSICREC_HOME holding the imported fixture data and one trained, active model."""
    from musicrec_gui.core.engine import registry
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.dataset import dataset_from_store
    from musicrec_gui.core.engine.settings import preset
    from musicrec_gui.core.engine.trainer import train

    root = tmp_path_factory.mktemp("explore")
    home = root / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUSICREC_HOME", str(home))
        community, export = write_fixture(root / "fixture")
        _add_special_artists(community)
        store = Store.open()
        reports = importer.import_paths(store, [community, export])
        assert not [r.error for r in reports if r.error]
        trainer, result = train(dataset_from_store(store), preset("discover", dim=16, epochs=30, seed=1))
        registry.save(TrainedModel.from_training(trainer, result), name="explore tests")
        store.close()
    return home


@pytest.fixture
def explore_window(qtbot, musicrec_home, trained_template, tmp_path):
    """A main window over a copy of the trained home, with the saved model loaded."""
    shutil.copytree(trained_template, musicrec_home, dirs_exist_ok=True)
    win = MainWindow(Store.open(), Settings.at(tmp_path / "settings.ini"))
    qtbot.addWidget(win)
    win.resize(1200, 780)
    win.show()
    wait_idle(qtbot, win)   # the start-up job that loads the saved model
    assert win.models.model is not None
    yield win
    win.close()


def page(window, key: str):
    """The real page behind a model gate, put on screen (pages compute when shown), with its results in."""
    window.show_page(key)
    found = window.pages[key].ensure_page()
    settle(window)
    return found


def settle(window, timeout_s: float = 30.0) -> None:
    """Until the page computations are done and their results delivered."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    while (window.context.compute.busy or window.runner.busy) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    QApplication.processEvents()
