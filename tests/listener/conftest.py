"""Fixtures of the listener-in-control tests: one trained store per session, copied per test."""
from __future__ import annotations

import pytest
from listener_helpers import build_home, copy_home


@pytest.fixture(scope="session")
def trained_home(tmp_path_factory):
    return build_home(tmp_path_factory.mktemp("listener"))


@pytest.fixture
def store(musicrec_home, trained_home):
    from musicrec_gui.core.store import Store

    copy_home(trained_home, musicrec_home)
    opened = Store.open()
    yield opened
    opened.close()


@pytest.fixture
def listening(store):
    from musicrec_gui.core.engine import registry
    from musicrec_gui.core.workflows.listening import Listening

    return Listening(registry.load(None), store)
