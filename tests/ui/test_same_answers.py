"""The app and the CLI give the same answer to the same question (both ask core/workflows).

Each question is asked through its own entry point: the For you, Similar and
Train pages of a real window, and ``musicrec … --json`` over the same data folder.
"""
from __future__ import annotations

import json

from musicrec_gui.cli import main as cli_main

from .conftest import wait_idle
from .explore_helpers import explore_window, give_back_true_references, page, settle, trained_template  # noqa: F401


def _cli(capsys, *argv) -> dict:
    code = cli_main([*argv, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_recommendations_are_the_same_in_the_app_and_the_cli(qtbot, capsys, explore_window):
    for_you = page(explore_window, "for_you")
    shown = for_you.table.current_frame()
    cli = _cli(capsys, "recommend", "-n", str(len(shown)))
    assert cli["listener"] == for_you.listener.currentText() == "you"
    assert [r["artist"] for r in cli["results"]] == shown["artist"].tolist()
    assert [", ".join(r["because"]) for r in cli["results"]] == shown["because"].tolist()


def test_similar_artists_are_the_same_in_the_app_and_the_cli(qtbot, capsys, explore_window):
    similar = page(explore_window, "similar")
    for metric, flags in (("dot", ()), ("cosine", ("--cosine",))):
        similar.metric.set_value(metric)
        similar.show_artist("Jazz Band 03")
        settle(explore_window)
        cli = _cli(capsys, "similar", "Jazz Band 03", *flags, "-n", str(similar.count.value()))
        assert cli["query"] == similar.current_artist() == "Jazz Band 03"
        assert [r["artist"] for r in cli["results"]] == similar.results()


def test_the_size_search_tries_the_same_sizes_in_the_app_and_the_cli(qtbot, capsys, explore_window):
    train = explore_window.train
    explore_window.show_page("train")
    wait_idle(qtbot, explore_window)
    train.form.set_settings(train.form.settings().replace(dim=24, epochs=6), "custom")
    cli = _cli(capsys, "tune-dim", "--dim", "24", "--epochs", "6")
    job = train.search_embedding_size()
    assert job is not None
    results = []
    job.succeeded.connect(results.append)
    wait_idle(qtbot, explore_window)
    assert list(results[0].dims) == cli["dims"]
    assert 24 in cli["dims"] and min(cli["dims"]) < 24 < max(cli["dims"])
