"""Choose preset hyper-parameters on a validation split carved from the bench TRAIN part.

The test part of the split is never read here: ``load_split(valid_share=0.2, seed=7)``
holds out 20 % of each listener's TRAIN artists (the bench's own 20 % rule, another
seed) and every configuration is scored on those with the bench metrics.

    python bench/tune_presets.py discover --grid '{"reg_factors": [0.1, 0.2], "gravity": [30, 50]}'
    python bench/tune_presets.py predict  --grid '{"reg_factors": [5, 10], "reg_biases": [1, 2]}'

Prints one line per configuration (and ``--json PATH`` writes them all).  The
figures that chose the shipped presets are in bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._common import SPLIT, setup_process  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", choices=["discover", "predict"])
    parser.add_argument("--grid", default="{}", help="JSON: setting -> list of values")
    parser.add_argument("--split", default=str(SPLIT))
    parser.add_argument("--valid-seed", type=int, default=7)
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    setup_process()
    from musicrec_gui.core.engine import metrics
    from musicrec_gui.core.engine.dataset import load_split
    from musicrec_gui.core.engine.settings import preset
    from musicrec_gui.core.engine.trainer import Trainer

    split = load_split(args.split, valid_share=0.2, seed=args.valid_seed)
    data = split.dataset
    train_csr = data.train.csr(data.n_listeners)
    valid_csr = data.valid.csr(data.n_listeners)
    grid = json.loads(args.grid)
    rows = []
    for combo in itertools.product(*grid.values()):
        changes = dict(zip(grid, combo))
        # Score only at the end: the final bench fit has no validation part either.
        settings = preset(args.preset, threads=2, monitor="none", **changes)
        start = time.perf_counter()
        trainer = Trainer(data, settings)
        result = trainer.fit()
        seconds = time.perf_counter() - start
        U, V = trainer.model.ranking_vectors()
        top = metrics.top_n(U, V, train_csr[0], train_csr[1])
        rank = metrics.ranking_metrics(top, valid_csr[0], valid_csr[1], data.n_artists)
        with torch.no_grad():
            pred = trainer.model.predict(torch.from_numpy(data.valid.listener),
                                         torch.from_numpy(data.valid.artist)).numpy()
        rmse = metrics.rmse(pred, np.log1p(data.valid.plays), split.rating_low, split.rating_high)
        row = dict(changes, recall=rank.recall, ndcg=rank.ndcg, coverage=rank.coverage, rmse=rmse,
                   seconds=seconds, epochs=result.epochs_run, message=result.message)
        rows.append(row)
        print(json.dumps(changes), f"R@20 {rank.recall:.4f} N@20 {rank.ndcg:.4f} "
              f"Cov {rank.coverage:.4f} RMSE {rmse:.4f} ({seconds:.2f} s) {result.message}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
