"""A model's map (t-SNE coordinates) kept beside the saved model: saved, loaded, and refused when wrong."""
from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from engine_helpers import synthetic_frames

from musicrec_gui.core.engine import registry
from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.engine.dataset import build_dataset
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.trainer import Trainer
from musicrec_gui.core.errors import ModelFileError


@pytest.fixture(scope="module")
def model() -> TrainedModel:
    data = build_dataset(*synthetic_frames(n_listeners=20, n_artists=16, per_listener=6), valid_share=0.2, seed=1)
    trainer = Trainer(data, Settings(dim=4, epochs=1, threads=1))
    return TrainedModel.from_training(trainer, trainer.fit())


@pytest.fixture
def saved(musicrec_home, model):
    return model, registry.save(model, name="mapped").id


def test_a_saved_map_comes_back_and_survives_listing_and_loading(saved):
    model, model_id = saved
    assert registry.load_map(model_id, model.n_artists) is None        # none yet
    coords = np.random.default_rng(1).normal(size=(model.n_artists, 2))
    registry.save_map(model_id, coords)
    back = registry.load_map(model_id, model.n_artists)
    assert back.shape == (model.n_artists, 2) and np.allclose(back, coords, atol=1e-5)
    # The sidecar is not part of the model: listing and loading the model still work.
    assert [info.id for info in registry.list_models()] == [model_id]
    assert registry.load(model_id).n_artists == model.n_artists
    assert not list((registry._folder(model_id, None)).glob(".saving-*"))


def _write(path, **arrays) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize("damage", ["shape", "dtype", "nan", "members", "pickle", "garbage", "huge"])
def test_a_wrong_or_damaged_map_is_refused_with_a_reason(saved, damage):
    model, model_id = saved
    path = registry._folder(model_id, None) / registry.MAP_FILE
    n = model.n_artists
    if damage == "shape":
        _write(path, coordinates=np.zeros((n + 1, 2), np.float32))
    elif damage == "dtype":
        _write(path, coordinates=np.zeros((n, 2), np.int32))
    elif damage == "nan":
        _write(path, coordinates=np.full((n, 2), np.nan, np.float32))
    elif damage == "members":
        _write(path, coordinates=np.zeros((n, 2), np.float32), extra=np.zeros(3))
    elif damage == "pickle":
        _write(path, coordinates=np.array([object()] * n, dtype=object))
    elif damage == "garbage":
        path.write_bytes(b"PK\x03\x04 not really a zip")
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("coordinates.npy", b"\x00" * (n * 8 + 10_000))
    with pytest.raises(ModelFileError, match="map"):
        registry.load_map(model_id, n)


def test_a_map_must_fit_the_model_and_the_model_must_exist(saved):
    model, model_id = saved
    with pytest.raises(ModelFileError):
        registry.save_map(model_id, np.zeros((model.n_artists, 3)))
    with pytest.raises(ModelFileError):
        registry.save_map("20990101-000000-nothing", np.zeros((model.n_artists, 2)))
    with pytest.raises(ModelFileError):
        registry.load_map("../elsewhere", model.n_artists)
