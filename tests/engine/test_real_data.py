"""Small real-data runs on HetRec (through the bench split and through store-shaped frames)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from engine_helpers import HETREC, shared_file

from musicrec_gui.core.engine.evaluation import export_factors, fit_and_evaluate
from musicrec_gui.core.engine.settings import preset


def test_discover_beats_popularity_on_the_split(bench_split, tmp_path):
    trainer, result, ev = fit_and_evaluate(bench_split, preset("discover", threads=2, epochs=25))
    assert not result.diverged
    assert ev.popularity_recall_at_20 == pytest.approx(0.10160971154577975)
    assert ev.recall_at_20 > 1.5 * ev.popularity_recall_at_20
    assert ev.ndcg_at_20 > 1.5 * ev.popularity_ndcg_at_20
    assert ev.coverage_at_20 > 5 * ev.popularity_coverage_at_20
    path = export_factors(tmp_path / "ours", trainer.model, bench_split, fit_seconds=ev.fit_seconds,
                          name="test", params={"epochs": 25})
    with np.load(path, allow_pickle=False) as npz:
        assert npz["user_factors"].shape == (1877, 64) and npz["item_factors"].shape == (17617, 64)
        assert npz["test_pred"].shape == (18562,) and str(npz["split_sha256"]) == bench_split.sha256
        assert np.array_equal(npz["item_ids"], bench_split.dataset.artist_ids)


def test_predict_preset_predicts_plays(split_path):
    from musicrec_gui.core.engine.dataset import load_split

    split = load_split(split_path, valid_share=0.1, seed=11)    # early stopping on a train carve
    _, result, ev = fit_and_evaluate(split, preset("predict", threads=2))
    assert ev.rmse < 0.83                       # the train mean gives 1.49, biases alone ~0.88
    assert result.monitor == "rmse" and result.best_epoch > 0


def hetrec_frames():
    from musicrec_gui.core.names import normalize_name

    folder = shared_file(HETREC)
    plays = pd.read_csv(folder / "user_artists.dat", sep="\t").set_axis(
        ["listener_id", "artist_id", "plays"], axis=1).astype("int64")
    artists = pd.read_csv(folder / "artists.dat", sep="\t", usecols=[0, 1]).set_axis(
        ["artist_id", "name"], axis=1)
    artists["norm"] = artists["name"].map(normalize_name)
    ids = np.unique(plays["listener_id"])
    listeners = pd.DataFrame({"listener_id": ids, "name": [f"user {i}" for i in ids], "kind": "community"})
    return plays, artists, listeners


def test_default_preset_bias_ranking_shows_well_known_artists():
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.dataset import build_dataset
    from musicrec_gui.core.engine.explore import bias_ranking, similar_artists
    from musicrec_gui.core.engine.trainer import Trainer

    data = build_dataset(*hetrec_frames())
    trainer = Trainer(data, preset("discover", threads=2))
    bundle = TrainedModel.from_training(trainer, trainer.fit())
    top = bias_ranking(bundle, n=20)
    assert np.median([r.listeners for r in top]) >= 100
    names = {r.artist for r in top}
    assert len(names & {"The Beatles", "Lady Gaga", "Britney Spears", "Coldplay", "Muse", "Radiohead",
                        "Madonna", "Rihanna", "Katy Perry", "Depeche Mode"}) >= 5
    similar = similar_artists(bundle, "radiohead", n=10)
    assert similar.query == "Radiohead" and len(similar.results) == 10
