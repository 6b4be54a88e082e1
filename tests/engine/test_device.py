"""Device selection, threads, and the indexing fallback used where sparse kernels are missing."""
from __future__ import annotations

import functools

import pytest
import torch

from musicrec_gui.core.engine import device as device_module
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.trainer import Trainer
from musicrec_gui.core.errors import EngineError


def test_auto_prefers_cuda_then_mps_then_cpu(monkeypatch):
    assert device_module.available_devices()[-1] == "cpu"
    assert device_module.pick_device("auto").type == device_module.available_devices()[0]
    assert device_module.pick_device("CPU").type == "cpu"
    monkeypatch.setattr(device_module, "available_devices", lambda: ["cuda", "cpu"])
    assert device_module.pick_device().type == "cuda"


def test_bad_or_missing_devices_are_clear_errors(monkeypatch):
    monkeypatch.setattr(device_module, "available_devices", lambda: ["cpu"])
    with pytest.raises(EngineError, match="not available"):
        device_module.pick_device("cuda")
    with pytest.raises(EngineError, match="unknown device"):
        device_module.pick_device("quantum")


def test_threads_only_through_settings():
    before = torch.get_num_threads()
    device_module.set_threads(0)
    assert torch.get_num_threads() == before
    device_module.set_threads(1)
    assert torch.get_num_threads() == 1
    device_module.set_threads(before)


def test_gather_backend_trains_like_the_sparse_one(small_data, monkeypatch):
    settings = Settings(dim=5, epochs=6, lr=0.05, gravity=2.0, reg_factors=0.2, batch_size=50,
                        threads=1, monitor="none")
    sparse = Trainer(small_data, settings)
    sparse.fit()
    from musicrec_gui.core.engine import objective, pairs

    monkeypatch.setattr(objective, "PairIndex", functools.partial(pairs.PairIndex, backend="gather"))
    gather = Trainer(small_data, settings)
    assert gather.objective.batches[0].index.backend == "gather"
    gather.fit()
    for a, b in zip(sparse.model.parameters(), gather.model.parameters()):
        assert torch.allclose(a, b, atol=1e-5)
