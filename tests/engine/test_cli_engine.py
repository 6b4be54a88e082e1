"""The engine's CLI commands and their --json shapes."""
from __future__ import annotations

import json

import numpy as np
import pytest
from engine_helpers import fill_store, synthetic_frames

from musicrec_gui.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def store():
    """A real store holding the synthetic frames (60 listeners, "you" first; 40 artists)."""
    from musicrec_gui.core.store import Store

    opened = Store.open()
    fill_store(opened, synthetic_frames())
    yield opened
    opened.close()


def test_evaluate_split_json_and_factor_export(capsys, split_path, tmp_path):
    factors = tmp_path / "ours.npz"
    data = run_json(capsys, "evaluate", "--split", str(split_path), "--epochs", "10", "--threads", "2",
                    "--export-factors", str(factors))
    assert set(data) == {"rmse", "recall_at_20", "ndcg_at_20", "coverage_at_20", "fit_seconds",
                         "score_seconds", "popularity"}
    assert data["popularity"]["recall_at_20"] == pytest.approx(0.1016097115)
    assert data["recall_at_20"] > data["popularity"]["recall_at_20"]
    with np.load(factors, allow_pickle=False) as npz:
        assert {"user_factors", "item_factors", "item_bias", "user_bias", "test_pred", "user_ids",
                "item_ids", "split_sha256", "name", "params", "fit_s"} <= set(npz.files)
        assert json.loads(str(npz["params"]))["epochs"] == 10


def test_train_then_explore(capsys, store):
    trained = run_json(capsys, "train", "--dim", "8", "--epochs", "20", "--threads", "1")
    assert trained["model"] and trained["epochs"] >= 1 and trained["evaluation"]["recall_at_20"] >= 0
    biases = run_json(capsys, "biases", "-n", "5")
    assert len(biases["results"]) == 5 and set(biases["results"][0]) == {"artist", "bias", "listeners", "plays"}
    similar = run_json(capsys, "similar", "artist 3", "--cosine")
    assert similar["query"] == "Artist 3" and {"artist", "score", "listeners"} <= set(similar["results"][0])
    code, out, _ = run(capsys, "similar", "tist 1")
    assert code == 1 and "several artists match" in out
    recs = run_json(capsys, "recommend", "-n", "4", "--discovery", "0.5")
    assert recs["listener"] == "you" and not recs["folded_in"]
    assert len(recs["results"]) == 4 and isinstance(recs["results"][0]["because"], list)
    models = run_json(capsys, "models")
    assert [m["active"] for m in models["models"]] == [True]
    code, out, _ = run(capsys, "models")
    assert code == 0 and out.startswith("* ")


def test_recommend_folds_in_a_listener_missing_from_the_model(capsys, store):
    run_json(capsys, "train", "--dim", "6", "--epochs", "10", "--threads", "1")
    with store.transaction() as conn:
        conn.execute("INSERT INTO listeners (id, kind, dataset, external_id, name) "
                     "VALUES (555, 'person', '', 'Newcomer', 'Newcomer')")
        conn.executemany("INSERT INTO plays VALUES (555, ?, ?)", [(1000, 40), (1001, 9)])
    recs = run_json(capsys, "recommend", "--listener", "newcomer", "-n", "3")
    assert recs["listener"] == "Newcomer" and recs["folded_in"] and len(recs["results"]) == 3
    names = {r["artist"] for r in recs["results"]}
    assert not names & {"Artist 0", "Artist 1"}
    code, _, err = run(capsys, "recommend", "--listener", "nobody at all")
    assert code == 1 and "no listener named" in err


def test_lr_find_and_tune_dim(capsys, store):
    curve = run_json(capsys, "lr-find", "--dim", "4", "--threads", "1")
    assert len(curve["lrs"]) == len(curve["losses"]) == len(curve["smoothed"]) > 5
    assert "suggestion" in curve and "trustworthy" in curve
    dims = run_json(capsys, "tune-dim", "--dims", "2,4", "--trial-epochs", "2", "--threads", "1")
    assert dims["dims"] == [2, 4] and dims["best_dim"] in (2, 4)


def test_explore_without_a_model_is_a_clear_error(capsys):
    code, _, err = run(capsys, "biases")
    assert code == 1 and "no trained model" in err


def test_building_the_parser_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, musicrec_gui.cli as c; c.build_parser(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
