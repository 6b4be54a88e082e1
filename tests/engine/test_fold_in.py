"""Fold-in solves exactly what training would find with the artist side frozen."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from engine_helpers import synthetic_frames

from musicrec_gui.core.engine.dataset import build_dataset
from musicrec_gui.core.engine.explore import fold_in
from musicrec_gui.core.engine.model import BiasedPMF
from musicrec_gui.core.engine.objective import Batch, Objective
from musicrec_gui.core.engine.settings import Settings
from musicrec_gui.core.engine.trainer import Trainer


@pytest.mark.parametrize("settings", [
    Settings(dim=5, epochs=30, lr=0.05, gravity=3.0, reg_factors=0.5, reg_biases=0.2,
             reg_count_power=1.0, confidence=0.3, valid_share=0.0, monitor="none", threads=1),
    Settings(dim=3, epochs=30, lr=0.05, gravity=0.0, reg_factors=2.0, reg_biases=1.0,
             valid_share=0.0, monitor="none", threads=1),
])
def test_fold_in_matches_training_with_artists_frozen(settings):
    plays, artists, listeners = synthetic_frames(n_listeners=30, n_artists=20, per_listener=8)
    data = build_dataset(plays, artists, listeners, valid_share=0.0)
    trainer = Trainer(data, settings)
    trainer.fit()
    # A newcomer listening to five of the artists.
    new_rows = pd.DataFrame({"listener_id": 999, "artist_id": [1000, 1002, 1003, 1011, 1017],
                             "plays": [5, 80, 12, 300, 1]}).astype("int64")
    listeners2 = pd.concat([listeners, pd.DataFrame({"listener_id": [999], "name": ["new"],
                                                     "kind": ["person"]})], ignore_index=True)
    data2 = build_dataset(pd.concat([plays, new_rows], ignore_index=True), artists, listeners2,
                          valid_share=0.0)
    assert np.array_equal(data2.artist_ids, data.artist_ids) and data2.listener_ids[-1] == 999
    new = data2.n_listeners - 1
    trained = trainer.model
    # float64 throughout, so the optimum is found to many digits
    model2 = BiasedPMF(data2.n_listeners, data2.n_artists, settings.dim, init_std=0.0).double()
    with torch.no_grad():
        model2.mu.copy_(trained.mu)
        model2.artist_bias.copy_(trained.artist_bias)
        model2.artist_emb.copy_(trained.artist_emb)
        model2.listener_bias[:new] = trained.listener_bias
        model2.listener_emb[:new] = trained.listener_emb
    only_new = torch.zeros(data2.n_listeners, 1, dtype=torch.float64)
    only_new[new] = 1.0
    objective = Objective(data2, settings, torch.device("cpu"))
    objective.listener_reg = objective.listener_reg.double()
    objective.artist_reg = objective.artist_reg.double()
    single = objective.batches[0]
    batch = Batch(single.index, single.value.double(), single.weight.double(), single.weight_sum)
    optimizer = torch.optim.LBFGS([model2.listener_emb, model2.listener_bias], lr=1.0, max_iter=500,
                                  tolerance_grad=1e-10, tolerance_change=1e-14,
                                  line_search_fn="strong_wolfe")

    def closure():
        # the loss's own gradient, with only the newcomer's row free to move
        loss, _ = objective.loss_and_grad(model2, batch)
        model2.listener_emb.grad.mul_(only_new)
        model2.listener_bias.grad.mul_(only_new[:, 0])
        return loss

    for _ in range(3):
        optimizer.step(closure)
    mine = data2.train.listener == new
    folded = fold_in(trained.artist_emb.detach().numpy(), trained.artist_bias.detach().numpy(),
                     float(trained.mu.detach()), settings, objective.weight_total, data2.n_listeners,
                     data2.train.artist[mine], data2.train.value[mine])
    assert np.allclose(folded.vector, model2.listener_emb[new].detach().numpy(), atol=1e-6)
    assert folded.bias == pytest.approx(float(model2.listener_bias[new].detach()), abs=1e-6)
