"""Saving without pickle, checksums, and the registry of saved models."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from engine_helpers import synthetic_frames

from musicrec_gui.core.engine import registry
from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.engine.dataset import build_dataset
from musicrec_gui.core.engine.lr_finder import find_lr
from musicrec_gui.core.engine.persist import load_model, save_model
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.trainer import Trainer
from musicrec_gui.core.errors import ModelFileError


@pytest.fixture(scope="module")
def bundle():
    frames = synthetic_frames(n_listeners=20, n_artists=16, per_listener=6)
    frames[1].loc[0, "name"] = "Björk ✓ 東京"                         # non-ASCII names survive
    data = build_dataset(*frames, valid_share=0.2, seed=1)
    trainer = Trainer(data, Settings(dim=4, epochs=5, gravity=1.0, threads=1))
    curve = find_lr(trainer, steps=15)
    result = trainer.fit()
    return TrainedModel.from_training(trainer, result, lr_finder=curve.to_dict(),
                                      evaluation={"rmse": 1.0, "recall_at_20": 0.5})


def test_round_trip(bundle, tmp_path):
    folder = save_model(bundle, tmp_path / "m")
    loaded = load_model(folder)
    assert loaded.settings == bundle.settings
    for name in ("listener_emb", "artist_emb", "artist_bias", "listener_bias", "played_indptr",
                 "played_artists", "played_values", "artist_ids", "artist_listeners"):
        assert np.array_equal(getattr(loaded, name), getattr(bundle, name)), name
    assert loaded.artist_names.tolist() == bundle.artist_names.tolist()
    assert loaded.artist_names[0] == "Björk ✓ 東京"
    assert loaded.mu == bundle.mu and loaded.weight_total == bundle.weight_total
    assert loaded.training["epochs_run"] == bundle.training["epochs_run"]
    assert loaded.lr_finder["lrs"] == list(bundle.lr_finder["lrs"])
    assert loaded.evaluation == {"rmse": 1.0, "recall_at_20": 0.5}
    # only plain arrays inside: readable without pickle
    with np.load(folder / "model.npz", allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)


def test_tampered_arrays_are_refused(bundle, tmp_path):
    folder = save_model(bundle, tmp_path / "m")
    with np.load(folder / "model.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["artist_bias"] = arrays["artist_bias"] + 1.0
    np.savez(folder / "model.npz", **arrays)
    with pytest.raises(ModelFileError, match="checksum"):
        load_model(folder)


def test_tampered_or_incompatible_description_is_refused(bundle, tmp_path):
    folder = save_model(bundle, tmp_path / "m")
    meta = json.loads((folder / "model.json").read_text())
    meta["mu"] = 123.0
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="checksum"):
        load_model(folder)
    meta["version"] = 99
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="version"):
        load_model(folder)
    (folder / "model.json").write_text("{not json")
    with pytest.raises(ModelFileError, match="unreadable"):
        load_model(folder)
    with pytest.raises(ModelFileError, match="no saved model"):
        load_model(tmp_path / "nothing")


def test_pickled_arrays_are_never_loaded(bundle, tmp_path):
    folder = save_model(bundle, tmp_path / "m")
    # swap a member for an object array (which would need pickle) and fix the checksum up
    with np.load(folder / "model.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["artist_bias"] = np.array([object()] * len(arrays["artist_bias"]), dtype=object)
    np.savez(folder / "model.npz", **arrays)
    meta = json.loads((folder / "model.json").read_text())
    from musicrec_gui.core.engine.persist import _checksum

    meta["checksum"] = _checksum(folder / "model.npz", meta)
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError):
        load_model(folder)
    assert zipfile.is_zipfile(folder / "model.npz")


def test_registry_list_choose_delete(bundle):
    first = registry.save(bundle, name="first")
    second = registry.save(bundle, name="second", activate=False)
    models = registry.list_models()
    assert {m.id for m in models} == {first.id, second.id}
    assert registry.active_id() == first.id and [m.active for m in models if m.id == first.id] == [True]
    assert registry.load().name == "first"
    registry.set_active(second.id)
    assert registry.load().name == "second"
    registry.delete(second.id)
    assert registry.active_id() is None
    assert registry.load().name == "first"            # no active one: the newest
    with pytest.raises(ModelFileError):
        registry.set_active("../etc")
    with pytest.raises(ModelFileError):
        registry.load("missing-model")
    registry.delete(first.id)
    with pytest.raises(ModelFileError, match="no trained model"):
        registry.load()
