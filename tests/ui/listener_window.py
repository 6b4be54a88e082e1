"""A window over the listener-in-control store: two people whose listening has known dates.

The store is ``tests/listener/listener_helpers.build_home`` (the self-test's
community data; "you" played Rock Band 01–06 in 2019, Jazz Band 01–06 and
Folk Band 01 (twice) in 2023; "friend" played Techno and two Jazz bands in
2023), trained once per session and copied into each test's home.
"""
from __future__ import annotations

import shutil

import pytest
from listener.listener_helpers import build_home

from musicrec_gui.core.store import Store
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.settings import Settings

from .conftest import wait_idle


@pytest.fixture(scope="session")
def listener_template(tmp_path_factory):
    return build_home(tmp_path_factory.mktemp("listener-ui"))


@pytest.fixture
def listener_window(qtbot, musicrec_home, listener_template, tmp_path):
    shutil.copytree(listener_template, musicrec_home, dirs_exist_ok=True)
    win = MainWindow(Store.open(), Settings.at(tmp_path / "settings.ini"))
    qtbot.addWidget(win)
    win.resize(1200, 780)
    win.show()
    wait_idle(qtbot, win)
    assert win.models.model is not None
    yield win
    win.close()
