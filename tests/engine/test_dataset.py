"""Training data from the store's frames and from the bench split file."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from engine_helpers import synthetic_frames

from musicrec_gui.core.engine.dataset import build_dataset, holdout_mask, load_split
from musicrec_gui.core.errors import EngineError


def frames(rows, artists=None, listeners=None):
    plays = pd.DataFrame(rows, columns=["listener_id", "artist_id", "plays"]).astype("int64")
    if artists is None:
        ids = sorted(set(plays["artist_id"]))
        artists = pd.DataFrame({"artist_id": ids, "name": [f"A{i}" for i in ids], "norm": [f"a{i}" for i in ids]})
    if listeners is None:
        ids = sorted(set(plays["listener_id"]))
        listeners = pd.DataFrame({"listener_id": ids, "name": [f"L{i}" for i in ids], "kind": "community"})
    return plays, artists, listeners


def test_index_maps_values_and_names():
    data = build_dataset(*frames([(5, 30, 9), (5, 10, 1), (7, 10, 4)]), valid_share=0.0)
    assert data.listener_ids.tolist() == [5, 7]
    assert data.artist_ids.tolist() == [10, 30]
    assert data.train.listener.tolist() == [0, 0, 1]
    assert data.train.artist.tolist() == [0, 1, 0]
    assert np.allclose(data.train.value, np.log1p([1, 9, 4]))
    assert data.artist_names.tolist() == ["A10", "A30"]
    assert data.listener_names.tolist() == ["L5", "L7"]
    assert data.artist_listener_counts().tolist() == [2, 1]
    assert data.artist_play_totals().tolist() == [5, 9]


def test_zscore_uses_training_rows():
    data = build_dataset(*frames([(1, 1, 10), (1, 2, 20), (2, 1, 30)]), transform="zscore", valid_share=0.0)
    assert abs(data.train.value.mean()) < 1e-6 and abs(data.train.value.std() - 1) < 1e-6


def test_filters_reach_a_fixed_point():
    rows = [(1, 1, 1), (1, 2, 1), (2, 1, 1), (2, 2, 1), (3, 1, 1), (3, 3, 1), (4, 4, 1)]
    data = build_dataset(*frames(rows), min_listeners=2, min_artists=2, valid_share=0.0)
    # artist 3 and 4 have one listener; dropping them leaves listener 3 with one artist
    assert data.artist_ids.tolist() == [1, 2]
    assert data.listener_ids.tolist() == [1, 2]


def test_placeholders_and_zero_plays_are_dropped():
    artists = pd.DataFrame({"artist_id": [1, 2, 3], "name": ["Real", "[unknown]", "Zero"],
                            "norm": ["real", "[unknown]", "zero"]})
    data = build_dataset(*frames([(1, 1, 3), (1, 2, 5), (1, 3, 0)], artists=artists), valid_share=0.0)
    assert data.artist_names.tolist() == ["Real"]


def test_duplicate_pairs_are_summed():
    data = build_dataset(*frames([(1, 1, 3), (1, 1, 4)]), valid_share=0.0)
    assert data.train.plays.tolist() == [7]


def test_no_data_is_a_clear_error():
    with pytest.raises(EngineError, match="no listening data"):
        build_dataset(*frames([(1, 1, 1)]), min_listeners=2, valid_share=0.0)


def test_validation_split_is_seeded_per_listener_and_keeps_a_training_artist():
    plays, artists, listeners = synthetic_frames(n_listeners=30, n_artists=40, per_listener=10)
    a = build_dataset(plays, artists, listeners, valid_share=0.3, seed=5)
    b = build_dataset(plays, artists, listeners, valid_share=0.3, seed=5)
    c = build_dataset(plays, artists, listeners, valid_share=0.3, seed=6)
    assert np.array_equal(a.valid.artist, b.valid.artist)
    assert not np.array_equal(a.valid.artist, c.valid.artist)
    assert np.bincount(a.valid.listener).tolist() == [3] * 30     # round(0.3 · 10)
    assert np.bincount(a.train.listener).min() == 7
    both = set(zip(a.train.listener, a.train.artist)) | set(zip(a.valid.listener, a.valid.artist))
    assert len(both) == len(a.train) + len(a.valid) == len(plays)


def test_holdout_edge_cases():
    listener = np.array([0, 1, 1, 2, 2, 2])
    held = holdout_mask(listener, 3, 0.1, seed=0)
    assert held[0] == False  # noqa: E712  (a single artist stays in train)
    assert held[1:3].sum() == 1 and held[3:].sum() == 1
    assert not holdout_mask(listener, 3, 0.0, seed=0).any()


def test_load_split_matches_the_readme(bench_split):
    d = bench_split.dataset
    assert (d.n_listeners, d.n_artists) == (1877, 17617)
    assert (len(d.train), len(d.valid), len(bench_split.test)) == (74239, 0, 18562)
    assert bench_split.sha256 == "d4f33ffa147d94d1227211d3aa4ecd46c5bfedd987955e47dd683bdd3606098e"
    assert bench_split.rating_low == np.log1p(1) and bench_split.rating_high == np.log1p(352698)


def test_load_split_can_carve_validation(split_path):
    split = load_split(split_path, valid_share=0.2, seed=7)
    assert len(split.dataset.train) + len(split.dataset.valid) == 74239
    assert len(split.test) == 18562
