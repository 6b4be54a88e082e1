"""Bias ranking, similar artists, recommendations with reasons, embedding views."""
from __future__ import annotations

import numpy as np
import pytest

from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.errors import EngineError
from musicrec_gui.core.engine import explore
from musicrec_gui.core.engine.settings import preset
from musicrec_gui.core.engine.trainer import Trainer


@pytest.fixture(scope="module")
def bundle():
    from engine_helpers import synthetic_frames
    from musicrec_gui.core.engine.dataset import build_dataset

    data = build_dataset(*synthetic_frames(), valid_share=0.2, seed=3)
    trainer = Trainer(data, preset("discover", dim=8, epochs=40, threads=1, monitor="none"))
    result = trainer.fit()
    return TrainedModel.from_training(trainer, result)


def test_bias_ranking_is_sorted_and_filtered(bundle):
    rows = explore.bias_ranking(bundle, n=10, min_listeners=5)
    assert len(rows) == 10
    assert [r.bias for r in rows] == sorted((r.bias for r in rows), reverse=True)
    assert all(r.listeners >= 5 for r in rows)
    assert explore.bias_ranking(bundle, min_listeners=10**6) == []


def test_similar_by_exact_name_excludes_the_query(bundle):
    found = explore.similar_artists(bundle, "ARTIST  3", n=5)
    assert found.query == "Artist 3" and len(found.results) == 5
    assert "Artist 3" not in [r.artist for r in found.results]
    # the synthetic data has two taste groups: neighbours of artist 3 come from its group (0–19)
    assert all(int(r.artist.split()[1]) < 20 for r in found.results[:3])
    cos = explore.similar_artists(bundle, "artist 3", metric="cosine", n=5)
    assert all(-1.0 - 1e-9 <= r.score <= 1.0 + 1e-9 for r in cos.results)


def test_several_matches_return_candidates(bundle):
    found = explore.similar_artists(bundle, "artist 1")   # exact match wins
    assert found.query == "Artist 1"
    found = explore.similar_artists(bundle, "tist 1")     # substring: 1, 10..19
    assert found.query is None and len(found.candidates) == 11 and not found.results
    assert explore.similar_artists(bundle, "nobody").query is None


def test_recommendations_skip_played_and_explain(bundle):
    row = explore.find_listener(bundle, None)                # the first person: "you"
    assert row == explore.find_listener(bundle, "you")
    taste = explore.listener_taste(bundle, row)
    recs = explore.recommend(bundle, taste, n=5)
    played, _ = bundle.played(row)
    played_names = set(bundle.artist_names[played])
    assert len(recs) == 5 and not {r.artist for r in recs} & played_names
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
    assert all(set(r.because) <= played_names and 1 <= len(r.because) <= 3 for r in recs)
    penalised = explore.recommend(bundle, taste, n=5, novelty=5.0)
    assert np.mean([r.listeners for r in penalised]) <= np.mean([r.listeners for r in recs])
    with pytest.raises(EngineError):
        explore.find_listener(bundle, "nobody here")
    # An allowed mask leaves the rest out; the order among what is left is unchanged.
    allowed = np.ones(bundle.n_artists, dtype=bool)
    allowed[explore.find_artists(bundle, recs[0].artist)] = False
    masked = explore.recommend(bundle, taste, n=4, allowed=allowed)
    assert [r.artist for r in masked] == [r.artist for r in recs[1:5]]


def test_recommend_for_new_plays_uses_fold_in(bundle):
    artists = np.array([0, 1, 2, 3])
    recs = explore.recommend(bundle, explore.fold_in_plays(bundle, artists, np.array([50, 20, 10, 5])), n=6)
    assert len(recs) == 6 and not {r.artist for r in recs} & set(bundle.artist_names[artists])
    # a newcomer from the first taste group is recommended mostly that group's artists
    assert sum(int(r.artist.split()[1]) < 20 for r in recs) >= 4


def test_embedding_views(bundle):
    from musicrec_gui.core.engine.projection import pca_2d

    view = explore.embedding_norms(bundle)
    assert view.norms.shape == view.listeners.shape == (bundle.n_artists,)
    xy = pca_2d(bundle.artist_emb)
    assert xy.shape == (bundle.n_artists, 2) and np.isfinite(xy).all()
    assert np.var(xy[:, 0]) >= np.var(xy[:, 1])
