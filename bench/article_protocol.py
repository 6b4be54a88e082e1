"""The original article's protocol, run by our engine and by an article-style loop.

Protocol (DESIGN §2): HetRec ``user_artists.dat``; artists with ≥ 5 listeners
(71,426 rows); raw play counts z-scored; a random 70/30 split of the rows;
40 dimensions; 15 epochs in 3-epoch blocks at learning rates 0.1, 0.05, 0.01,
0.005, 0.001.  The article reported a final test MSE of 0.75.

Both runs minimise the same loss (mean squared error on the z-scores plus the
same L2 weights, the same optimiser, batch size and seed); they differ only in
how batches are made:

* **engine** — ``Trainer`` on index tensors: fixed batches built once, sparse
  products, no per-sample Python;
* **article style** — a ``torch.utils.data.Dataset`` returning one (listener,
  artist, value) triple per item, a shuffling ``DataLoader`` that collates them,
  and an ``nn.Module`` with embedding lookups, as in the article.

Prints test MSE and seconds for both; asserts nothing.

    python bench/article_protocol.py [--batch-size 1024] [--optimizer sgd]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._common import HETREC, setup_process  # noqa: E402

STEPS = (1.0, 0.5, 0.1, 0.05, 0.01)      # × lr 0.1 → 0.1, 0.05, 0.01, 0.005, 0.001


def article_data(seed: int):
    """Rows kept by the article's filter, z-scored, split 70/30 at random."""
    import pandas as pd

    from musicrec_gui.core.engine.dataset import Interactions, build_dataset
    from musicrec_gui.core.names import normalize_name

    plays = pd.read_csv(HETREC / "user_artists.dat", sep="\t").set_axis(
        ["listener_id", "artist_id", "plays"], axis=1).astype("int64")
    artists = pd.read_csv(HETREC / "artists.dat", sep="\t", usecols=[0, 1]).set_axis(["artist_id", "name"], axis=1)
    artists["norm"] = artists["name"].map(normalize_name)
    ids = np.unique(plays["listener_id"])
    listeners = pd.DataFrame({"listener_id": ids, "name": [f"user {i}" for i in ids], "kind": "community"})
    # min_artists=1 and one pass of the 5-listener rule, as the article filtered once.
    counts = plays.groupby("artist_id")["listener_id"].transform("size")
    kept = plays[counts >= 5]
    data = build_dataset(kept, artists, listeners, transform="zscore", valid_share=0.0)
    everything = data.train
    # The article z-scored the whole column before splitting.
    raw = everything.plays.astype(np.float64)
    values = ((raw - raw.mean()) / raw.std()).astype(np.float32)
    everything = Interactions(everything.listener, everything.artist, values, everything.plays)
    test = np.random.default_rng(seed).random(len(everything)) < 0.3
    data = dataclasses.replace(data, train=everything.select(~test), valid=Interactions.empty(),
                               value_mean=float(raw.mean()), value_std=float(raw.std()))
    return data, everything.select(test), len(everything)


def engine_run(data, test, settings):
    import torch

    from musicrec_gui.core.engine.trainer import Trainer

    start = time.perf_counter()
    trainer = Trainer(data, settings)
    result = trainer.fit()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        pred = trainer.model.predict(torch.from_numpy(test.listener), torch.from_numpy(test.artist)).numpy()
    mse = float(np.mean((pred.astype(np.float64) - test.value) ** 2))
    train_mse = result.history[-1].train_error if result.history else float("nan")
    return mse, seconds, train_mse


def article_style_run(data, test, settings):
    """The article's way: per-sample Dataset, DataLoader, embedding module."""
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, Dataset

    class Ratings(Dataset):
        def __init__(self, pairs):
            self.pairs = pairs

        def __len__(self):
            return len(self.pairs)

        def __getitem__(self, j):
            return (torch.tensor(self.pairs.listener[j]), torch.tensor(self.pairs.artist[j]),
                    torch.tensor(self.pairs.value[j]))

    class PMF(nn.Module):
        def __init__(self, start):
            super().__init__()
            # The same starting point as the engine's run (its seeded init and bias start).
            self.user = nn.Embedding.from_pretrained(start.listener_emb.detach().clone(), freeze=False)
            self.item = nn.Embedding.from_pretrained(start.artist_emb.detach().clone(), freeze=False)
            self.user_bias = nn.Embedding.from_pretrained(start.listener_bias.detach()[:, None].clone(), freeze=False)
            self.item_bias = nn.Embedding.from_pretrained(start.artist_bias.detach()[:, None].clone(), freeze=False)
            self.mu = nn.Parameter(start.mu.detach().clone())

        def forward(self, u, i):
            return (self.mu + self.user_bias(u).squeeze(1) + self.item_bias(i).squeeze(1)
                    + (self.user(u) * self.item(i)).sum(1))

    from musicrec_gui.core.engine.trainer import Trainer

    torch.manual_seed(settings.seed)
    start = time.perf_counter()
    model = PMF(Trainer(data, settings).model)
    loader = DataLoader(Ratings(data.train), batch_size=settings.batch_size, shuffle=True)
    if settings.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=settings.lr, momentum=settings.momentum)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    for epoch in range(settings.epochs):
        for group in optimizer.param_groups:
            group["lr"] = settings.lr * STEPS[min(epoch // 3, len(STEPS) - 1)]
        for u, i, r in loader:
            optimizer.zero_grad()
            pred = model(u, i)
            # Same L2 as the engine: per-row weights spread over the row's samples.
            l2 = (settings.reg_factors * (model.user(u).square().sum() + model.item(i).square().sum())
                  + settings.reg_biases * (model.user_bias(u).square().sum() + model.item_bias(i).square().sum()))
            loss = ((pred - r) ** 2).mean() + l2 / len(u)   # ≈ Σ_rows n_row·‖row‖² / n, as the engine
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        pred = model(torch.from_numpy(test.listener), torch.from_numpy(test.artist)).numpy()
    return float(np.mean((pred.astype(np.float64) - test.value) ** 2)), seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    parser.add_argument("--reg", type=float, default=1.0, help="L2 weight (factors and biases)")
    parser.add_argument("--seeds", type=int, default=5, help="70/30 splits to run the engine on")
    parser.add_argument("--skip-article-style", action="store_true")
    args = parser.parse_args(argv)
    env = setup_process()
    from musicrec_gui.core.engine.settings import Settings

    def settings_for(seed: int) -> Settings:
        # reg_count_power=1: per-row weight (1 + n) = weight decay applied per sample, as the article's loop.
        return Settings(transform="zscore", min_listeners=5, valid_share=0.0, dim=40, init_std=0.01,
                        reg_factors=args.reg, reg_biases=args.reg, reg_count_power=1.0, gravity=0.0,
                        optimizer=args.optimizer, lr=0.1, momentum=0.9, epochs=15,
                        batch_size=args.batch_size, schedule="step", step_epochs=3, step_factors=STEPS,
                        monitor="none", seed=seed, threads=2)

    print(f"setup: {env}")
    print(f"settings: dim 40, {args.optimizer} (momentum 0.9), batch {args.batch_size}, lr 0.1 stepped "
          f"×{STEPS} every 3 epochs, 15 epochs, L2 {args.reg} per sample; the article reported test MSE 0.75")
    print("| split seed | rows (train / test) | test MSE, train mean | test MSE, engine "
          "| largest test z² share | engine s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for seed in range(args.seeds):
        data, test, rows = article_data(seed)
        baseline = float(np.mean((test.value - data.train.value.mean()) ** 2))
        mse, seconds, _ = engine_run(data, test, settings_for(seed))
        # One play count of 352,698 is z ≈ 94: its square alone moves a test MSE by ~0.4.
        share = float(np.max(test.value.astype(np.float64) ** 2) / len(test))
        print(f"| {seed} | {len(data.train):,} / {len(test):,} | {baseline:.4f} | {mse:.4f} "
              f"| {share:.3f} | {seconds:.2f} |")
    data, test, rows = article_data(0)
    settings = settings_for(0)
    mse, seconds, _ = engine_run(data, test, settings)
    print(f"\nsplit seed 0, {rows:,} rows after the ≥5-listener filter, {data.n_listeners:,} listeners × "
          f"{data.n_artists:,} artists")
    print(f"engine (index tensors, batch {args.batch_size}):  test MSE {mse:.4f}  {seconds:6.2f} s")
    full = settings.replace(batch_size=0, optimizer="adam", lr=0.05)
    mse_full, seconds_full, _ = engine_run(data, test, full)
    print(f"engine, full batch + Adam lr 0.05:  test MSE {mse_full:.4f}  {seconds_full:6.2f} s")
    if not args.skip_article_style:
        mse_a, seconds_a = article_style_run(data, test, settings)
        print(f"article style (DataLoader):        test MSE {mse_a:.4f}  {seconds_a:6.2f} s  "
              f"→ the engine is {seconds_a / seconds:.1f}× faster at the same batch size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
