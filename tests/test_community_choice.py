"""Choosing which community data a model learns from (all by default), recorded in the saved model."""
from __future__ import annotations

import json

import pytest
from shared_data import EXPORTS, HETREC, require_shared

from musicrec_gui.cli import main as cli_main
from musicrec_gui.core import importer, library
from musicrec_gui.core.engine import registry
from musicrec_gui.core.engine.settings import Settings, preset
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.store import Store
from musicrec_gui.core.workflows import training

SAMPLE_360K = EXPORTS / "lastfm-360k" / "usersha1-artmbid-artname-plays.tsv"


@pytest.fixture
def two_datasets(musicrec_home):
    store = Store.open()
    importer.import_paths(store, [require_shared(HETREC), require_shared(SAMPLE_360K)])
    return store


def test_the_library_lists_its_community_datasets(two_datasets):
    listed = library.community_datasets(two_datasets)
    assert [d.dataset for d in listed] == ["hetrec-lastfm-2k", "lastfm-360k"]
    assert listed[0].listeners == 1892 and listed[0].label.startswith("HetRec")


def test_training_on_one_dataset_leaves_the_others_listeners_out_and_says_so(two_datasets, capsys):
    settings = preset("discover", dim=4, epochs=2, threads=1)
    everything = training.load_dataset(two_datasets, settings)
    hetrec_only = training.load_dataset(two_datasets, settings.replace(community=("hetrec-lastfm-2k",)))
    assert hetrec_only.n_listeners == everything.n_listeners - 2       # the 360K sample holds two listeners
    assert not any(name.startswith("lastfm-360k:") for name in hetrec_only.listener_names)
    with pytest.raises(MusicRecError, match="no community data 'nope'"):
        training.load_dataset(two_datasets, settings.replace(community=("nope",)))
    assert cli_main(["train", "--dim", "4", "--epochs", "2", "--threads", "1", "--community", "hetrec-lastfm-2k",
                     "--json"]) == 0
    model = registry.load(json.loads(capsys.readouterr().out)["model"])
    assert model.settings.community == ("hetrec-lastfm-2k",)
    assert Settings.from_json(model.settings.to_json()) == model.settings
