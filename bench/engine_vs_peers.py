"""MusicRec's engine beside the peer libraries, on the bench split, in one run.

For each preset (discover, predict) this script, in this process (2 threads, the
same allocator set-up as the peer harness):

1. fits once untimed (warm-up: the first fit also pays torch's one-off imports),
   then ``--repeats`` timed fits on the split's TRAIN part; fit s = their median;
2. scores all 1,877 top-20 lists with our own scorer (median of 3) and computes
   Recall/NDCG/Coverage@20 and RMSE on the TEST part;
3. exports the factors in the harness format (bench/README §4);
4. measures peak RSS of one fit + score in a fresh subprocess.

Then it runs the peer harness with our factor files as external rows (the
harness re-scores them with its own scorer: same numbers, its own score time)
and prints one table.  Prints figures, asserts nothing.

    python bench/engine_vs_peers.py                      # pop, ALS x2, BPR, cornac MF, Surprise SVD
    python bench/engine_vs_peers.py --peers all --repeats 5
    PLAIN=1 python bench/engine_vs_peers.py --no-peers   # without the mallopt tweak
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

from bench._common import PEERS_RUN, SPLIT, setup_process  # noqa: E402

DEFAULT_PEERS = "pop als_log als_bin10 bpr cornac_mf sur_svd40"
PRESETS = ("discover", "predict")


def fit_and_measure(preset_name: str, repeats: int, export_dir: Path) -> dict:
    from musicrec_gui.core.engine import metrics
    from musicrec_gui.core.engine.dataset import load_split
    from musicrec_gui.core.engine.evaluation import evaluate, export_factors
    from musicrec_gui.core.engine.settings import preset
    from musicrec_gui.core.engine.trainer import Trainer

    split = load_split(SPLIT)
    settings = preset(preset_name, threads=2)
    data = split.dataset
    fits = []
    for rep in range(repeats + 1):               # rep 0: warm-up, gives the metrics
        start = time.perf_counter()
        trainer = Trainer(data, settings)
        result = trainer.fit()
        seconds = time.perf_counter() - start
        if rep == 0:
            evaluation = evaluate(trainer.model, data, split.test, low=split.rating_low,
                                  high=split.rating_high, fit_seconds=seconds)
        else:
            fits.append(seconds)
    exclude = data.train.csr(data.n_listeners)
    U, V = trainer.model.ranking_vectors()
    scores = []
    for _ in range(3):
        start = time.perf_counter()
        metrics.top_n(U, V, exclude[0], exclude[1], n=20)
        scores.append(time.perf_counter() - start)
    fit_s = statistics.median(fits) if fits else evaluation.fit_seconds
    params = {k: getattr(settings, k) for k in ("dim", "epochs", "lr", "optimizer", "reg_factors",
                                                 "reg_biases", "reg_count_power", "gravity", "batch_size")}
    path = export_factors(export_dir / f"musicrec_{preset_name}.npz", trainer.model, split,
                          fit_seconds=fit_s, name=f"MusicRec {preset_name}",
                          params=", ".join(f"{k}={v}" for k, v in params.items()))
    return {"preset": preset_name, "fit_s": fit_s, "fit_s_all": fits, "score_s": statistics.median(scores),
            "rmse": evaluation.rmse, "recall": evaluation.recall_at_20, "ndcg": evaluation.ndcg_at_20,
            "coverage": evaluation.coverage_at_20, "epochs": result.epochs_run, "factors": str(path),
            "params": params}


def memory_child(preset_name: str) -> None:
    """One fit + one scoring in a fresh process; prints peak RSS (VmHWM) as JSON."""
    from musicrec_gui.core.engine import metrics
    from musicrec_gui.core.engine.dataset import load_split
    from musicrec_gui.core.engine.settings import preset
    from musicrec_gui.core.engine.trainer import Trainer

    split = load_split(SPLIT)
    base = _rss_mb("VmRSS")
    trainer = Trainer(split.dataset, preset(preset_name, threads=2))
    trainer.fit()
    U, V = trainer.model.ranking_vectors()
    exclude = split.dataset.train.csr(split.dataset.n_listeners)
    metrics.top_n(U, V, exclude[0], exclude[1], n=20)
    print(json.dumps({"peak_rss_mb": _rss_mb("VmHWM"), "base_rss_mb": base}))


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def run_peers(keys: list[str] | None, externals: list[str], repeats: int, no_mem: bool) -> list[dict]:
    """The harness's rows; ``keys`` None runs no peer, [] every peer."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out_json = handle.name
    cmd = ["bash", str(PEERS_RUN), *(keys or []), "--json", out_json, "--repeats", str(repeats)]
    if keys is None:
        cmd.append("--no-peers")
    if no_mem:
        cmd.append("--no-mem")
    for path in externals:
        cmd += ["--external", path]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = json.loads(Path(out_json).read_text())["results"]
    os.unlink(out_json)
    return rows


def fmt(value, digits=4):
    return "–" if value is None else f"{value:.{digits}f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", default=DEFAULT_PEERS, help="peer keys, 'all', or '' for none")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-mem", action="store_true", help="skip the memory subprocesses")
    parser.add_argument("--json", metavar="PATH", help="write all rows as JSON")
    parser.add_argument("--keep-factors", metavar="DIR", help="keep the exported factor files here")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    env = setup_process()
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    export_dir = Path(args.keep_factors or tempfile.mkdtemp(prefix="musicrec-bench-"))
    export_dir.mkdir(parents=True, exist_ok=True)
    ours = []
    for name in PRESETS:
        row = fit_and_measure(name, args.repeats, export_dir)
        if not args.no_mem:
            out = subprocess.run([sys.executable, __file__, "--memory-child", name],
                                 capture_output=True, text=True, check=True)
            row.update(json.loads(out.stdout.strip().splitlines()[-1]))
        ours.append(row)
        print(f"ours {name}: fit {row['fit_s']:.3f}s score {row['score_s']:.3f}s RMSE {row['rmse']:.4f} "
              f"R@20 {row['recall']:.4f} N@20 {row['ndcg']:.4f} Cov {row['coverage']:.4f}", flush=True)
    if args.no_peers or not args.peers.strip():
        keys = None
    else:
        keys = [] if args.peers == "all" else args.peers.split()
    peer_rows = run_peers(keys, [r["factors"] for r in ours], args.repeats, args.no_mem)
    print(f"\nsetup: {env}; split {SPLIT.name}; fit s = median of {args.repeats} timed fits after a warm-up")
    print("| model | fit s | score s (ours / harness) | RMSE | Recall@20 | NDCG@20 | Cov@20 | peak RSS MB (Δ) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in peer_rows:
        if r["kind"] == "external":
            mine = next(o for o in ours if r["model"].endswith(o["preset"]))
            mem = (f"{mine['peak_rss_mb']:.0f} (+{mine['peak_rss_mb'] - mine['base_rss_mb']:.0f})"
                   if "peak_rss_mb" in mine else "–")
            print(f"| **{r['model']}** | {mine['fit_s']:.3f} | {mine['score_s']:.3f} / {r['score_s']:.3f} | "
                  f"{fmt(r.get('rmse'))} | {fmt(r['recall'])} | {fmt(r['ndcg'])} | {fmt(r['coverage'])} | {mem} |")
        else:
            mem = (f"{r['peak_rss_mb']:.0f} (+{r['peak_rss_mb'] - r['base_rss_mb']:.0f})"
                   if "peak_rss_mb" in r else "–")
            print(f"| {r['model']} ({r['params'][:48]}) | {fmt(r.get('fit_s'), 3)} | {fmt(r['score_s'], 3)} | "
                  f"{fmt(r.get('rmse'))} | {fmt(r['recall'])} | {fmt(r['ndcg'])} | {fmt(r['coverage'])} | {mem} |")
    als = next((r for r in peer_rows if r.get("key") == "als_log"), None)
    if als and als.get("fit_s"):
        print("\n" + "; ".join(f"{o['preset']} fit ÷ implicit ALS (log1p) fit: {o['fit_s'] / als['fit_s']:.2f}"
                               for o in ours))
    if args.json:
        Path(args.json).write_text(json.dumps({"setup": env, "ours": ours, "harness": peer_rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
