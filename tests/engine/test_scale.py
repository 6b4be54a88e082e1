"""What keeps training and scoring workable at Last.fm 360K size, checked on small data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from engine_helpers import synthetic_frames

from musicrec_gui.core.engine import metrics
from musicrec_gui.core.engine.dataset import build_dataset, sample_listeners
from musicrec_gui.core.engine.evaluation import evaluate
from musicrec_gui.core.engine.events import EpochEvent
from musicrec_gui.core.engine.settings import preset
from musicrec_gui.core.engine.trainer import Trainer


# -- the validation sample --------------------------------------------------------------------
def test_listener_sample_is_seeded_sorted_and_all_when_small():
    listener = np.repeat(np.arange(1000), 3)
    first = sample_listeners(listener, 50, seed=4)
    assert first.size == 50 and np.all(np.diff(first) > 0)
    assert np.array_equal(first, sample_listeners(listener, 50, seed=4))
    assert not np.array_equal(first, sample_listeners(listener, 50, seed=5))
    assert np.array_equal(sample_listeners(listener, 0, seed=4), np.arange(1000))       # 0 = all
    assert np.array_equal(sample_listeners(listener, 5000, seed=4), np.arange(1000))


def test_validation_recall_is_on_the_sample_and_stable(small_data):
    settings = preset("discover", dim=8, epochs=4, eval_every=2, threads=1, valid_listeners=20)
    events = []
    trainer = Trainer(small_data, settings)
    result = trainer.fit(report=events.append)
    rows = trainer.validation_listeners
    assert rows.size == 20 == trainer.recall_listeners == result.recall_listeners
    assert set(rows) <= set(small_data.valid.listener)
    # the same listeners every validation and every run with the seed
    assert np.array_equal(rows, Trainer(small_data, settings).validation_listeners)
    measured = [e for e in events if isinstance(e, EpochEvent) and not np.isnan(e.val_recall)]
    assert measured and all(e.recall_listeners == 20 for e in measured)
    assert all(e.recall_listeners == 0 for e in events if isinstance(e, EpochEvent) and np.isnan(e.val_recall))
    # the recall is the sample's: the same as scoring those listeners by hand
    U, V = trainer.model.ranking_vectors()
    exclude = small_data.train.csr(small_data.n_listeners)
    relevant = small_data.valid.csr(small_data.n_listeners)
    top = metrics.top_n(U, V, exclude[0], exclude[1])
    everyone = metrics.ranking_metrics(top, relevant[0], relevant[1], small_data.n_artists)
    by_hand = metrics.ranking_metrics(top[rows], *_rows(relevant, rows), small_data.n_artists)
    assert trainer.validation_recall() == pytest.approx(by_hand.recall)
    assert everyone.n_listeners > by_hand.n_listeners
    # the final evaluation can use the same sample
    evaluation = evaluate(trainer.model, small_data, small_data.valid, listeners=rows)
    assert evaluation.n_listeners == 20 and evaluation.recall_at_20 == pytest.approx(by_hand.recall)


def _rows(csr, rows):
    from musicrec_gui.core.engine.dataset import rows_csr

    return rows_csr(csr[0], csr[1], rows)


# -- scoring in blocks ----------------------------------------------------------------------------
def test_top_n_in_tiny_blocks_equals_one_block(monkeypatch):
    rng = np.random.default_rng(1)
    U = torch.from_numpy(rng.integers(-3, 4, (37, 3)).astype(np.float32))     # integer scores: many ties
    V = torch.from_numpy(rng.integers(-3, 4, (61, 3)).astype(np.float32))
    exclude = [np.sort(rng.choice(61, rng.integers(0, 12), replace=False)) for _ in range(37)]
    indptr = np.cumsum([0] + [len(e) for e in exclude])
    indices = np.concatenate(exclude).astype(np.int64)
    whole = metrics.top_n(U, V, indptr, indices, n=9, batch=1000)
    monkeypatch.setattr(metrics, "SCORE_BLOCK_BYTES", 3 * 61 * 4)                # three rows a block
    assert np.array_equal(metrics.top_n(U, V, indptr, indices, n=9, batch=1000), whole)
    monkeypatch.setattr(metrics, "SCORE_BLOCK_BYTES", 1)                         # one row a block
    assert np.array_equal(metrics.top_n(U, V, indptr, indices, n=9, batch=1000), whole)


def test_predictions_in_chunks_equal_plain_indexing(small_data, monkeypatch):
    from musicrec_gui.core.engine import model as model_module

    trainer = Trainer(small_data, preset("discover", dim=6, epochs=2, threads=1, monitor="none"))
    trainer.fit()
    m = trainer.model
    u, i = torch.from_numpy(small_data.train.listener), torch.from_numpy(small_data.train.artist)
    with torch.no_grad():
        plain = m.mu + m.listener_bias[u] + m.artist_bias[i] + (m.listener_emb[u] * m.artist_emb[i]).sum(1)
    monkeypatch.setattr(model_module, "PREDICT_CHUNK", 7)
    assert torch.allclose(m.predict(u, i), plain, atol=1e-6)


# -- the loss is normalised by the size of the data -------------------------------------------------
def test_a_community_copied_three_times_trains_the_same_artists():
    """The data term is a mean over the observed weight and gravity a mean over all N·M pairs,
    and Adam is invariant to a gradient's scale: three copies of every listener give the same
    artist vectors, so a gravity weight tuned on one size means the same on another.  (The L2
    terms are left out: count-weighted L2's 1 + n is invariant only for counts well above 1.)"""
    plays, artists, listeners = synthetic_frames(n_listeners=24, n_artists=16, per_listener=6, seed=5)
    settings = preset("discover", dim=4, epochs=15, threads=1, monitor="none", valid_share=0.0,
                      reg_factors=0.0, reg_biases=0.0, bias_init=False, init_std=0.0)
    fits = []
    for copies in (1, 3):
        data = build_dataset(pd.concat([plays.assign(listener_id=plays["listener_id"] + 1000 * c)
                                        for c in range(copies)], ignore_index=True), artists,
                             pd.concat([listeners.assign(listener_id=listeners["listener_id"] + 1000 * c)
                                        for c in range(copies)], ignore_index=True), valid_share=0.0)
        trainer = Trainer(data, settings)
        with torch.no_grad():                      # the same start for every copy of a listener
            g = torch.Generator().manual_seed(0)
            trainer.model.listener_emb.copy_((torch.randn(24, 4, generator=g) * 0.1).repeat(copies, 1))
            trainer.model.artist_emb.copy_(torch.randn(16, 4, generator=g) * 0.1)
        trainer.fit()
        fits.append(trainer.model)
    one, three = fits
    assert torch.allclose(one.artist_emb, three.artist_emb, atol=1e-5)
    assert torch.allclose(one.artist_bias, three.artist_bias, atol=1e-5)
    assert torch.allclose(one.listener_emb, three.listener_emb[:24], atol=1e-5)
    assert torch.allclose(three.listener_emb[:24], three.listener_emb[48:], atol=1e-6)
