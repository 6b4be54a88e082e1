"""The Train settings' choice of community data: all datasets by default, some on request, stored in the
settings, and recorded in the saved model (shown with its record)."""
from __future__ import annotations

import listenbrainz_dump as dumps
import pytest

from musicrec_gui.core import importer, library
from musicrec_gui.core.community.listenbrainz import apply_keep
from musicrec_gui.core.engine import registry
from musicrec_gui.core.engine.settings import PRESETS, Settings
from musicrec_gui.selftest import write_fixture
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.main_window import MainWindow

from .conftest import wait_idle

LISTENBRAINZ_USERS = 40


@pytest.fixture
def two_datasets(store, tmp_path):
    """HetRec-shaped synthetic community data, ListenBrainz statistics, and "you"."""
    community, export = write_fixture(tmp_path / "fixture")
    jsonl = dumps.write_jsonl(tmp_path / "artists_all_time.jsonl",
                              dumps.Spec(users=LISTENBRAINZ_USERS, mean_artists_per_user=20))
    importer.import_paths(store, [community, export])
    reports = importer.import_planned(store, apply_keep(importer.plan_import([jsonl]), "all"))
    assert not [r.error for r in reports if r.error]
    keys = [data.dataset for data in library.community_datasets(store)]
    assert len(keys) == 2
    return keys


@pytest.fixture
def page(qtbot, two_datasets, store, settings):
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    window.show()
    window.show_page("train")
    wait_idle(qtbot, window)
    page = window.train
    page.form.set_settings(PRESETS["discover"].replace(dim=8, epochs=3), "custom")
    yield page
    window.close()


def _train(qtbot, page):
    job = page.train()
    assert job is not None
    wait_idle(qtbot, page.window(), 60_000)
    assert job.outcome == "succeeded"
    return registry.load(registry.active_id())


def test_every_dataset_is_offered_and_ticked_and_the_model_records_them_all(qtbot, page, two_datasets):
    choice = page.form.community
    assert list(choice.boxes) == two_datasets and all(box.isChecked() for box in choice.boxes.values())
    assert page.form.settings().community == ()   # all, including any imported later
    assert "ListenBrainz" in " ".join(box.text() for box in choice.boxes.values())
    model = _train(qtbot, page)
    assert model.settings.community == tuple(two_datasets)   # spelled out: exactly what it learned from
    assert "Learned from the community data:" in page.run_panel.summary.note.text()


def test_a_model_of_one_dataset_learns_from_its_listeners_only_and_says_so(qtbot, page, two_datasets):
    hetrec, listenbrainz = two_datasets
    choice = page.form.community
    choice.boxes[listenbrainz].setChecked(False)
    assert page.form.settings().community == (hetrec,)
    assert not choice.boxes[hetrec].isEnabled()          # the last one cannot be unticked
    assert '"community": ["' + hetrec in page.window().settings.get(options.TRAIN_SETTINGS)   # remembered
    model = _train(qtbot, page)
    assert model.settings.community == (hetrec,)
    assert list(model.listener_kinds).count("community") == 80   # HetRec's listeners, none of ListenBrainz's
    note = page.run_panel.summary.note.text()
    assert "Learned from the community data:" in note and "ListenBrainz" not in note

    # The saved model's record says the same after choosing it again (as after a restart).
    page.run_panel.summary.note.setText("")
    page._shown_model = None
    page._model_changed(page.context.models.model)
    page._show_record()
    assert "ListenBrainz" not in page.run_panel.summary.note.text()
    assert "Learned from the community data:" in page.run_panel.summary.note.text()


def test_the_choice_survives_a_restart_of_the_form(qtbot, two_datasets, store, settings):
    hetrec, _ = two_datasets
    settings.set(options.TRAIN_SETTINGS, Settings(community=(hetrec,)).to_json())
    settings.set(options.TRAIN_PRESET, "custom")
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    window.show()
    window.show_page("train")
    wait_idle(qtbot, window)
    try:
        boxes = window.train.form.community.boxes
        assert boxes[hetrec].isChecked() and not all(box.isChecked() for box in boxes.values())
        assert window.train.form.settings().community == (hetrec,)
    finally:
        window.close()
