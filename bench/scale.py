"""MusicRec at Last.fm-360K size (not a test): prints figures and a growth table, asserts nothing.

For each size (a share of the full 17.5 M-row dataset) this script:

1. generates the 360K-format file with a planted taste structure (``bench/synthetic.py``,
   fixed seed; cached in ``--data``, never in the repository);
2. imports it into a fresh store in a child process (``workflows.importing.import_paths``):
   time, rows/s, the child's peak RSS, the store's size on disk;
3. in a second child, as ``musicrec train --preset discover`` does step by step: builds the
   dataset from the store, trains (time per epoch, total, peak RSS of the process so far),
   evaluates on the validation sample, saves the model and loads it back, then answers
   through ``Listening`` as the app does: ``recommend`` for different listeners and
   ``similar`` for different artists (the first call of each warms the model's caches;
   the figures are medians of the warm calls);
4. fits implicit's ALS (64 factors, 15 iterations, log1p confidence, 2 threads: the peer
   harness's ``als_log``) on the same training matrix in a third child, with the peer
   harness's virtual environment (``--peer-python``; implicit never enters MusicRec's own);
5. scores the three against the planted truth: for a fixed sample of listeners, the share
   of the planted top-20 (training artists excluded) each model's top-20 finds.

    python bench/scale.py                          # 10, 25, 50 and 100 %
    python bench/scale.py --sizes 10 25            # a subset
    nohup python bench/scale.py --sizes 100 > /tmp/scale100.log 2>&1 &    # 100 %: many minutes

The machine is shared: say what else ran when quoting the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._common import BENCH_THREADS, setup_process  # noqa: E402

SIZES = (10, 25, 50, 100)              # percent of Last.fm 360K
SEED = 360
QUALITY_LISTENERS = 2000               # listeners scored against the planted truth
QUALITY_SEED = 11
LATENCY_CALLS = 30                     # warm calls per answer (after one warm-up call)
TOP = 20
DEFAULT_PEER_PYTHON = Path(os.environ.get("PEERBENCH_VENV", "/tmp/peer-venv")) / "bin" / "python"


# -- children --------------------------------------------------------------------------
def peak_mb() -> float:
    """This process's peak resident memory (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def child_import(store_path: Path, data_file: Path) -> dict:
    from musicrec_gui.core.store import Store
    from musicrec_gui.core.workflows import importing

    store = Store(store_path)
    start = time.perf_counter()
    outcome = importing.import_paths(store, [str(data_file)])
    seconds = time.perf_counter() - start
    reports = outcome.reports
    return {"seconds": seconds, "rows": sum(r.rows_read for r in reports), "added": sum(r.added for r in reports),
            "errors": [r.error for r in reports if r.error], "peak_mb": peak_mb()}


def child_train(store_path: Path, planted_path: Path, out_dir: Path) -> dict:
    import numpy as np

    from bench.synthetic import Planted
    from musicrec_gui.core.engine import registry
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.evaluation import evaluate
    from musicrec_gui.core.engine.events import EpochEvent
    from musicrec_gui.core.engine.settings import preset
    from musicrec_gui.core.engine.trainer import Trainer
    from musicrec_gui.core.store import Store
    from musicrec_gui.core.workflows import training

    row: dict = {}
    store = Store(store_path)
    settings = preset("discover", threads=BENCH_THREADS)
    start = time.perf_counter()
    data = training.load_dataset(store, settings)
    row.update(dataset_s=time.perf_counter() - start, listeners=data.n_listeners, artists=data.n_artists,
               train_pairs=len(data.train), valid_pairs=len(data.valid), peak_dataset_mb=peak_mb())
    start = time.perf_counter()
    trainer = Trainer(data, settings)
    row["trainer_init_s"] = time.perf_counter() - start
    epochs: list[dict] = []
    last = [0.0]

    def report(event) -> None:
        if isinstance(event, EpochEvent):
            epochs.append({"epoch": event.epoch, "seconds": event.elapsed - last[0], "loss": event.train_loss,
                           "val_recall": event.val_recall, "train_s": len(data.train) / event.samples_per_s})
            last[0] = event.elapsed
            print(f"  epoch {event.epoch}: {epochs[-1]['seconds']:.1f} s, loss {event.train_loss:.4f}, "
                  f"val Recall@20 {event.val_recall:.4f} ({event.recall_listeners} listeners)", flush=True)

    result = trainer.fit(report=report)
    start = time.perf_counter()
    evaluation = evaluate(trainer.model, data, data.valid, low=float(data.train.value.min()),
                          high=float(data.train.value.max()), fit_seconds=result.seconds,
                          listeners=trainer.validation_listeners)
    row.update(fit_s=result.seconds, init_plus_fit_s=row["trainer_init_s"] + result.seconds,
               epochs=epochs, epochs_run=result.epochs_run, best_epoch=result.best_epoch,
               message=result.message, eval_s=time.perf_counter() - start,
               val_recall=evaluation.recall_at_20, val_pop_recall=evaluation.popularity_recall_at_20,
               eval_listeners=evaluation.n_listeners, peak_train_mb=peak_mb())

    # The planted truth, for a fixed sample of listeners (model rows), training artists excluded.
    planted = Planted.load(planted_path)
    rng = np.random.default_rng(QUALITY_SEED)
    sample = np.sort(rng.choice(data.n_listeners, min(QUALITY_LISTENERS, data.n_listeners), replace=False))
    quality_inputs(data, planted, sample, trainer.model, out_dir)

    model = TrainedModel.from_training(trainer, result, evaluation=evaluation.to_dict(), name="scale bench")
    del trainer
    start = time.perf_counter()
    info = registry.save(model, name="scale bench")
    row["save_s"] = time.perf_counter() - start
    row["model_mb"] = sum(p.stat().st_size for p in Path(info.path).iterdir()) / 1e6
    loads = []
    for _ in range(3):
        start = time.perf_counter()
        loaded = registry.load(info.id)
        loads.append(time.perf_counter() - start)
    row["load_s"] = statistics.median(loads)
    row.update(answers(loaded, store, rng))
    row["peak_end_mb"] = peak_mb()
    return row


def quality_inputs(data, planted, sample, model, out_dir: Path) -> None:
    """Write what the parent needs to score every model against the planted truth."""
    import numpy as np
    import torch

    from bench.synthetic import planted_top_n
    from musicrec_gui.core.engine import metrics
    from musicrec_gui.core.engine.dataset import rows_csr

    train_csr = data.train.csr(data.n_listeners)
    exclude = rows_csr(train_csr[0], train_csr[1], sample)
    U, V = model.ranking_vectors(torch.from_numpy(sample))
    ours = metrics.top_n(U, V, *exclude, n=TOP)
    pu, pv = metrics.popularity_vectors(data.train.artist, len(sample), data.n_artists)
    popular = metrics.top_n(pu, pv, *exclude, n=TOP)
    # model index -> planted index, by the file's names and user keys
    artist_of = {name: i for i, name in enumerate(planted.artist_names)}
    to_planted = np.array([artist_of[str(name)] for name in data.artist_names], dtype=np.int64)
    listener_of = {key: i for i, key in enumerate(planted.listener_keys)}
    rows = np.array([listener_of[str(name).split(":", 1)[-1]] for name in data.listener_names[sample]])
    excluded = [to_planted[exclude[1][exclude[0][r]:exclude[0][r + 1]]] for r in range(len(sample))]
    truth = planted_top_n(planted, rows, excluded, TOP)
    planted_index = lambda top: np.where(top >= 0, to_planted[top], -1)  # noqa: E731
    np.savez(out_dir / "quality.npz", sample=sample, exclude_indptr=exclude[0], exclude_indices=exclude[1],
             ours=planted_index(ours), popular=planted_index(popular), truth=truth, to_planted=to_planted)
    # the training matrix, for implicit's ALS on exactly the same pairs
    np.savez(out_dir / "matrix.npz", listener=data.train.listener, artist=data.train.artist,
             value=data.train.value, shape=np.array([data.n_listeners, data.n_artists]))


def answers(model, store, rng) -> dict:
    """Listening's answers, as the app asks them: the first call warms, then medians."""

    from musicrec_gui.core.workflows.listening import Listening

    start = time.perf_counter()
    listening = Listening(model, store)
    out = {"listening_init_ms": (time.perf_counter() - start) * 1e3}
    names = [str(n) for n in model.listener_names[rng.choice(model.n_listeners, LATENCY_CALLS + 1,
                                                             replace=False)]]
    profiles, recommend, first = [], [], None
    for name in names:
        start = time.perf_counter()
        profile = listening.profile(name)
        profiles.append((time.perf_counter() - start) * 1e3)
        start = time.perf_counter()
        listening.recommend(profile, discovery=0.3)
        seconds = (time.perf_counter() - start) * 1e3
        if first is None:
            first = seconds
        else:
            recommend.append(seconds)
    out.update(profile_ms=statistics.median(profiles[1:]), recommend_first_ms=first,
               recommend_ms=statistics.median(recommend))
    artists = [str(a) for a in model.artist_names[rng.choice(model.n_artists, LATENCY_CALLS + 1, replace=False)]]
    for metric in ("dot", "cosine"):
        times = []
        for name in artists:
            start = time.perf_counter()
            listening.similar(name, metric=metric)
            times.append((time.perf_counter() - start) * 1e3)
        out[f"similar_{metric}_first_ms"] = times[0]
        out[f"similar_{metric}_ms"] = statistics.median(times[1:])
    start = time.perf_counter()
    listening.similar(artists[0][:-2])          # a substring: the candidates path
    out["similar_substring_ms"] = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    listening.bias_table()
    out["biases_all_ms"] = (time.perf_counter() - start) * 1e3
    return out


ALS_CHILD = """
import json, sys, time
import numpy as np
from scipy.sparse import csr_matrix
from threadpoolctl import threadpool_limits
from implicit.als import AlternatingLeastSquares
m = np.load(sys.argv[1])
n_users, n_items = (int(x) for x in m["shape"])
# our training values are log1p(plays): the harness's als_log confidence
X = csr_matrix((m["value"].astype(np.float32), (m["listener"], m["artist"])), shape=(n_users, n_items))
q = np.load(sys.argv[2])
with threadpool_limits(1, "blas"):
    model = AlternatingLeastSquares(factors=64, regularization=0.01, alpha=1.0, iterations=15,
                                    num_threads=2, random_state=0, use_gpu=False)
    start = time.perf_counter()
    model.fit(X, show_progress=False)
    seconds = time.perf_counter() - start
np.savez(sys.argv[3], user=np.asarray(model.user_factors)[q["sample"]], item=np.asarray(model.item_factors))
peak = [int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


# -- the parent ------------------------------------------------------------------------------
def run_child(args: list[str], env: dict, python: str = sys.executable) -> dict:
    out = subprocess.run([python, *args], capture_output=True, text=True, env=env)
    sys.stdout.write("".join(line + "\n" for line in out.stdout.splitlines()[:-1]))
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def planted_recall(found, truth) -> float:
    import numpy as np

    return float(np.mean([len(set(f[f >= 0].tolist()) & set(t.tolist())) / len(t) for f, t in zip(found, truth)]))


def als_quality(work: Path, factors: Path) -> float:
    import numpy as np
    import torch

    from musicrec_gui.core.engine import metrics

    q = np.load(work / "quality.npz")
    f = np.load(factors)
    top = metrics.top_n(torch.from_numpy(f["user"].astype(np.float32)), torch.from_numpy(f["item"].astype(np.float32)),
                        q["exclude_indptr"], q["exclude_indices"], n=TOP)
    return planted_recall(np.where(top >= 0, q["to_planted"][top], -1), q["truth"])


def measure_size(percent: int, args, env_line: str) -> dict:
    from bench.synthetic import write_lastfm360k

    data_dir = Path(args.data)
    data_dir.mkdir(parents=True, exist_ok=True)
    tsv = data_dir / f"lastfm360k-{percent}pct-seed{args.seed}.tsv"
    planted_path = tsv.with_suffix(".planted.npz")
    if not (tsv.exists() and planted_path.exists()):
        start = time.perf_counter()
        write_lastfm360k(tsv, percent / 100, seed=args.seed).save(planted_path)
        print(f"{percent} %: generated {tsv.name} in {time.perf_counter() - start:.0f} s", flush=True)
    row: dict = {"percent": percent, "file_mb": tsv.stat().st_size / 1e6}
    with tempfile.TemporaryDirectory(prefix="musicrec-scale-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "MUSICREC_HOME": str(work / "home"), "PYTHONPATH": str(REPO)}
        store = work / "home" / "store.sqlite3"
        store.parent.mkdir()
        print(f"{percent} %: importing ({row['file_mb']:.0f} MB)", flush=True)
        imported = run_child([__file__, "--child", "import", str(store), str(tsv)], env)
        store_bytes = sum(p.stat().st_size for p in store.parent.glob(store.name + "*"))
        row.update(import_s=imported["seconds"], rows=imported["rows"], import_peak_mb=imported["peak_mb"],
                   store_mb=store_bytes / 1e6, import_errors=imported["errors"])
        print(f"{percent} %: import {imported['seconds']:.0f} s, {imported['rows'] / imported['seconds']:,.0f} rows/s, "
              f"peak {imported['peak_mb']:.0f} MB; training", flush=True)
        row.update(run_child([__file__, "--child", "train", str(store), str(planted_path), str(work)], env))
        q = __import__("numpy").load(work / "quality.npz")
        row["planted_ours"] = planted_recall(q["ours"], q["truth"])
        row["planted_popular"] = planted_recall(q["popular"], q["truth"])
        if args.peer_python and Path(args.peer_python).exists():
            print(f"{percent} %: implicit ALS on the same matrix", flush=True)
            script = work / "als_child.py"
            script.write_text(ALS_CHILD)
            threads = {name: str(BENCH_THREADS) for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                                              "OPENBLAS_NUM_THREADS")}
            als = run_child([str(script), str(work / "matrix.npz"), str(work / "quality.npz"), str(work / "als.npz")],
                            {**env, **threads}, python=str(args.peer_python))
            row.update(als_s=als["seconds"], als_peak_mb=als["peak_mb"],
                       planted_als=als_quality(work, work / "als.npz"))
    print(json.dumps(row, default=float), flush=True)
    return row


def epoch_seconds(row: dict) -> float:
    """Median seconds of one training epoch (its validation excluded)."""
    return statistics.median(e["train_s"] for e in row["epochs"])


def print_table(rows: list[dict], env_line: str) -> None:
    print(f"\nsetup: {env_line}; quality on {QUALITY_LISTENERS:,} listeners (seed {QUALITY_SEED}); "
          f"latency = median of {LATENCY_CALLS} warm calls")
    columns = ("size", "rows", "listeners × artists", "import s (rows/s)", "import peak MB", "store MB", "dataset s",
               "fit s (epochs)", "s / epoch", "ns / epoch / play", "train peak MB", "save s", "load s",
               "recommend ms", "similar ms (dot / cos)", "planted R@20 ours / pop / ALS", "ALS fit s", "fit ÷ ALS")
    print("| " + " | ".join(columns) + " |")
    print("|---" * len(columns) + "|")
    for r in rows:
        per_epoch = epoch_seconds(r)
        als = r.get("als_s")
        cells = [f"{r['percent']} %", f"{r['rows']:,}", f"{r['listeners']:,} × {r['artists']:,}",
                 f"{r['import_s']:.0f} ({r['rows'] / r['import_s']:,.0f})", f"{r['import_peak_mb']:.0f}",
                 f"{r['store_mb']:.0f}", f"{r['dataset_s']:.1f}", f"{r['init_plus_fit_s']:.0f} ({r['epochs_run']})",
                 f"{per_epoch:.2f}", f"{per_epoch / r['train_pairs'] * 1e9:.0f}", f"{r['peak_train_mb']:.0f}",
                 f"{r['save_s']:.1f}", f"{r['load_s']:.2f}", f"{r['recommend_ms']:.1f}",
                 f"{r['similar_dot_ms']:.1f} / {r['similar_cosine_ms']:.1f}",
                 f"{r['planted_ours']:.3f} / {r['planted_popular']:.3f} / "
                 + (f"{r['planted_als']:.3f}" if als else "–"),
                 f"{als:.0f}" if als else "–", f"{r['init_plus_fit_s'] / als:.2f}" if als else "–"]
        print("| " + " | ".join(cells) + " |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="percent of Last.fm 360K")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "musicrec-scale-data"),
                        help="where the generated files are kept between runs")
    parser.add_argument("--peer-python", default=str(DEFAULT_PEER_PYTHON),
                        help="a Python with implicit (the peer harness's venv); '' skips ALS")
    parser.add_argument("--json", metavar="PATH", help="also write every row as JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    env_line = setup_process()
    if args.child:
        kind, *paths = args.child
        result = child_import(*map(Path, paths)) if kind == "import" else child_train(*map(Path, paths))
        print(json.dumps(result, default=float))
        return 0
    print(f"setup: {env_line}", flush=True)
    rows = [measure_size(percent, args, env_line) for percent in args.sizes]
    print_table(rows, env_line)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
