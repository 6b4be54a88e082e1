"""Bias ranking, similar artists, recommendations with reasons, embedding views."""
from __future__ import annotations

import numpy as np
import pytest

from musicrec_gui.core.engine import explore
from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.engine.settings import preset
from musicrec_gui.core.engine.trainer import Trainer
from musicrec_gui.core.errors import EngineError


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


# -- the fast paths give the answers of the plain float64 formulas ----------------------------
def reference_top(scores, n, excluded=()):
    scores = scores.astype(np.float64).copy()
    scores[list(excluded)] = -np.inf
    keep = np.flatnonzero(np.isfinite(scores))
    return keep[np.lexsort((keep, -scores[keep]))][:n], scores


@pytest.mark.parametrize("metric", ["dot", "cosine"])
def test_similar_equals_the_float64_formula(bundle, metric):
    Q = bundle.artist_emb.astype(np.float64)
    for query in (0, 7, 23):
        scores = Q @ Q[query]
        if metric == "cosine":
            lengths = np.linalg.norm(Q, axis=1)
            scores = scores / np.maximum(lengths * lengths[query], 1e-12)
        want, want_scores = reference_top(scores, 6, [query])
        got = explore.similar_artists(bundle, str(bundle.artist_names[query]), n=6, metric=metric)
        assert [r.index for r in got.results] == want.tolist()
        assert np.allclose([r.score for r in got.results], want_scores[want], rtol=1e-5, atol=1e-6)


def test_recommendations_equal_the_float64_formula(bundle):
    for row in (0, 5, 17):
        taste = explore.listener_taste(bundle, row)
        scores = (bundle.mu + taste.bias + bundle.artist_bias.astype(np.float64)
                  + bundle.artist_emb.astype(np.float64) @ taste.vector)
        novelty = 0.3
        want, want_scores = reference_top(scores - novelty * np.log1p(bundle.artist_listeners), 7, taste.artists)
        got = explore.recommend(bundle, taste, n=7, novelty=novelty)
        assert [r.index for r in got] == want.tolist()
        assert np.allclose([r.score for r in got], want_scores[want], rtol=1e-6)
        assert np.allclose(explore.predicted(bundle, taste), scores, rtol=1e-6)


def test_fold_in_with_the_kept_gram_equals_the_direct_solve(bundle):
    artists, values = bundle.played(3)
    direct = explore.fold_in(bundle.artist_emb, bundle.artist_bias, bundle.mu, bundle.settings,
                             bundle.weight_total, bundle.n_listeners, artists, values)
    kept = explore.fold_in_plays(bundle, artists, np.expm1(values).round())
    assert np.allclose(direct.vector, kept.vector, rtol=1e-9) and direct.bias == pytest.approx(kept.bias)


def test_find_artists_matches_a_plain_scan():
    from musicrec_gui.core.engine.artist_search import ArtistSearch

    norms = np.array(["björk", "the björk band", "abba", "abba", "björk", "a", "sigur rós", ""], dtype=object)
    listeners = np.array([5, 9, 2, 7, 8, 1, 3, 0])
    search = ArtistSearch(norms, listeners)
    assert search.exact("björk") == 4                 # the most listened of the two
    assert search.exact("abba") == 3 and search.exact("nobody") is None
    for key in ("bj", "ö", "rk", "a", "aa", "ós", "abba", "the björk band", "x", "björk bandx"):
        inside = np.array([i for i, n in enumerate(norms) if key in n], dtype=np.int64)
        want = inside[np.argsort(-listeners[inside], kind="stable")]
        assert search.containing(key).tolist() == want.tolist(), key
    assert search.exact_many(np.array(["abba", "zz", "a"], dtype=object)).tolist() == [3, -1, 5]
