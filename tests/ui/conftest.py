"""UI test set-up: a window over a fresh store and settings file, and a check that no thread outlives a test."""
from __future__ import annotations

import io
import threading
import time

import pandas as pd
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QUrl, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from musicrec_gui.core.formats.base import LISTEN_COLUMNS, Chunk, Format, Source
from musicrec_gui.core.store import Store
from musicrec_gui.ui import jobs
from musicrec_gui.ui.gc_on_gui_thread import GuiThreadCollector
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.settings import Settings

JOB_TIMEOUT_MS = 30_000


@pytest.fixture(scope="session", autouse=True)
def gc_on_gui_thread(qapp):
    """As in the app: the garbage collector runs on the GUI thread only (see gc_on_gui_thread)."""
    collector = GuiThreadCollector(parent=qapp)   # as in the app; never destroyed inside a teardown
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Fail a test that leaves a job thread (or any other thread) running."""
    before = set(threading.enumerate())
    yield
    assert not jobs.running_threads(), "a job thread is still running after the test"
    # Python lists a Qt thread that ran Python code as a "dummy" thread forever; those are
    # covered by running_threads() above, so only real Python threads are checked here.
    left = [t for t in threading.enumerate()
            if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread)]
    assert not left, f"threads left running: {left}"


@pytest.fixture
def settings(tmp_path):
    return Settings.at(tmp_path / "settings.ini")


@pytest.fixture
def store(musicrec_home):
    return Store.open()


@pytest.fixture
def window(qtbot, store, settings):
    win = MainWindow(store, settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()   # stops any job and waits for its thread


def wait_idle(qtbot, window, timeout: int = JOB_TIMEOUT_MS) -> None:
    """Until no job runs and no page computation is pending (their results are on screen)."""
    qtbot.waitUntil(lambda: not window.runner.busy and not window.context.compute.busy, timeout=timeout)


def drop_paths(widget, paths) -> bool:
    """Drag ``paths`` over ``widget`` and drop them, as a file manager would; returns whether it was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def table_counts(store: Store) -> dict[str, int]:
    conn = store.connection()
    return {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("listeners", "artists", "sources", "listens", "counts", "plays")}


# -- a tiny in-test format, so flows can be tested whatever the real parsers do ------

def _pipe_listens(source: Source, delay: float = 0.0):
    """'artist|track|unix time' lines, one chunk per line, ``delay`` seconds per chunk."""
    lines = source.open().read().decode().splitlines()
    for number, line in enumerate(lines, start=1):
        artist, track, when = line.split("|")
        frame = pd.DataFrame({"listener": [None], "artist": [artist], "artist_mbid": [None], "track": [track],
                              "album": [None], "played_at": pd.array([int(when) if when else None], dtype="Int64"),
                              "ms_played": pd.array([None], dtype="Int64")})[LISTEN_COLUMNS]
        yield Chunk(frame, rows_read=1, position=number)
        time.sleep(delay)


PIPE_LISTENS = Format("test_pipe", "Test listens", "personal", "listens", lambda s: False, _pipe_listens)
# 400 chunks of 50 ms: a 20 s import that a stop token ends within one chunk.
SLOW_LISTENS = Format("test_slow", "Slow test listens", "personal", "listens", lambda s: False,
                      lambda source: _pipe_listens(source, delay=0.05))


def text_source(text: str, name: str = "plays.txt") -> Source:
    data = text.encode()
    return Source(name, len(data), lambda: io.BytesIO(data))


def slow_source() -> Source:
    return text_source("".join(f"Artist {i}|Track {i}|{1_600_000_000 + i * 60}\n" for i in range(400)),
                       "slow.txt")
