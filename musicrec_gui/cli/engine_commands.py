"""``musicrec train | lr-find | tune-dim | evaluate | biases | similar | recommend | models``.

The engine on the command line.  Engine modules (and torch) are imported inside
the commands, so ``musicrec --help`` and the data commands stay quick.
Ctrl-C during training stops it gracefully: the best weights so far are kept
and saved.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import signal
import sys
import threading

from musicrec_gui.cli.progress import TerminalProgress
from musicrec_gui.core.jobs import Progress, StopToken


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model on the store's listening data and make it active")
    _training_options(p)
    lr = p.add_mutually_exclusive_group()
    lr.add_argument("--lr", type=float, help="learning rate (default: the preset's)")
    lr.add_argument("--lr-find", action="store_true", help="run the learning-rate finder first and use its suggestion")
    p.add_argument("--name", default="", help="a label for the saved model")
    p.add_argument("--json", action="store_true", help="print one JSON result")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("lr-find", help="sweep the learning rate and suggest one (the model is not changed)")
    _training_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_lr_find)

    p = sub.add_parser("tune-dim", help="try embedding sizes for a few epochs each and pick the best")
    _training_options(p)
    p.add_argument("--dims", default="20,30,40,50,60", help="comma-separated sizes (default %(default)s)")
    p.add_argument("--trial-epochs", type=int, help="epochs per size (default: half the preset's, at least 3)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tune_dim)

    p = sub.add_parser("evaluate", help="fit on a bench split's train part and score its test part")
    p.add_argument("--split", required=True, metavar="PATH", help="split file (bench/README.md format)")
    _training_options(p)
    p.add_argument("--lr", type=float, help="learning rate (default: the preset's)")
    p.add_argument("--export-factors", metavar="FILE.npz", help="also write the peer harness's factor file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("biases", help="artists ranked by learned bias (active model)")
    p.add_argument("-n", type=int, default=20, help="how many (default %(default)s)")
    p.add_argument("--min-listeners", type=int, default=1, help="only artists with this many listeners")
    p.add_argument("--model", metavar="ID", help="a saved model instead of the active one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_biases)

    p = sub.add_parser("similar", help="artists similar to NAME (active model)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--cosine", action="store_true", help="cosine instead of dot product (finds niche artists)")
    p.add_argument("-n", type=int, default=20)
    p.add_argument("--min-listeners", type=int, default=1)
    p.add_argument("--model", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("recommend", help="artists you have not played yet (active model)")
    p.add_argument("--listener", metavar="NAME", help="whose recommendations (default: you)")
    p.add_argument("-n", type=int, default=20)
    p.add_argument("--novelty", type=float, default=0.0, metavar="X",
                   help="popularity penalty: subtract X·log(1+listeners) (default 0)")
    p.add_argument("--model", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("models", help="list saved models; choose or delete one")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--use", metavar="ID", help="make this model the active one")
    group.add_argument("--delete", metavar="ID", help="delete this saved model")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models)


def _training_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--preset", choices=["discover", "predict"], default="discover",
                   help="discover: ranking; predict: play-count accuracy (default %(default)s)")
    p.add_argument("--dim", type=int, help="embedding size")
    p.add_argument("--epochs", type=int, help="training epochs")
    p.add_argument("--device", help="auto (default), cpu, cuda or mps")
    p.add_argument("--threads", type=int, help="CPU threads for torch")


def _settings(args):
    from musicrec_gui.core.engine.settings import preset

    return preset(args.preset, dim=args.dim, epochs=args.epochs, lr=getattr(args, "lr", None),
                  device=args.device, threads=args.threads)


def _store_dataset(settings):
    from musicrec_gui.core.engine.dataset import dataset_from_store
    from musicrec_gui.core.store import Store

    return dataset_from_store(Store.open(), transform=settings.transform,
                              min_listeners=settings.min_listeners, min_artists=settings.min_artists,
                              valid_share=settings.valid_share, seed=settings.seed)


@contextlib.contextmanager
def _graceful_interrupt(token: StopToken):
    """The first Ctrl-C asks the job to stop (it keeps its best weights); a second one aborts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if token.stopped:
            raise KeyboardInterrupt
        token.stop()
        print("\nmusicrec: stopping after this batch (Ctrl-C again to abort)", file=sys.stderr)

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _EngineProgress:
    """Turns engine events into ``Progress`` lines for ``TerminalProgress``."""

    def __init__(self, enabled: bool) -> None:
        self.terminal = TerminalProgress(enabled=enabled)

    def __call__(self, event) -> None:
        from musicrec_gui.core.engine.dim_search import DimEvent
        from musicrec_gui.core.engine.lr_finder import LRFinderEvent
        from musicrec_gui.core.engine.trainer import EpochEvent

        if isinstance(event, EpochEvent):
            extra = "" if math.isnan(event.val_rmse) else f", val RMSE {event.val_rmse:.4f}"
            extra += "" if math.isnan(event.val_recall) else f", val Recall@20 {event.val_recall:.4f}"
            self.terminal(Progress("train", event.epoch, event.epochs,
                                   f"loss {event.train_loss:.4f}{extra}, {event.samples_per_s:,.0f} pairs/s"))
        elif isinstance(event, LRFinderEvent):
            self.terminal(Progress("lr-find", event.step, event.steps,
                                   f"lr {event.lr:.2e} loss {event.smoothed:.4f}"))
        elif isinstance(event, DimEvent):
            self.terminal(Progress("tune-dim", event.done, event.total,
                                   f"dim {event.dim}: {event.metric} {event.value:.4f}"))
        elif isinstance(event, Progress):
            self.terminal(event)

    def close(self) -> None:
        self.terminal.close()


def _print_json(data) -> None:
    print(json.dumps(_clean(data), ensure_ascii=False, allow_nan=False))


def _clean(data):
    """NaN → None, recursively, so the JSON output is standard."""
    if isinstance(data, float):
        return None if math.isnan(data) or math.isinf(data) else data
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_clean(v) for v in data]
    return data


# -- train / lr-find / tune-dim -------------------------------------------------------
def cmd_train(args) -> int:
    from musicrec_gui.core.engine import registry
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.evaluation import evaluate
    from musicrec_gui.core.engine.lr_finder import find_lr
    from musicrec_gui.core.engine.trainer import Trainer

    settings = _settings(args)
    data = _store_dataset(settings)
    progress = _EngineProgress(enabled=not args.json)
    token = StopToken()
    lr_result = None
    try:
        with _graceful_interrupt(token):
            trainer = Trainer(data, settings)
            if args.lr_find:
                lr_result = find_lr(trainer, token, progress)
                if lr_result.suggestion and lr_result.trustworthy and not lr_result.stopped:
                    settings = settings.replace(lr=lr_result.suggestion)
                    trainer = Trainer(data, settings)
                elif not args.json:
                    print(f"musicrec: learning-rate finder: {lr_result.message}; keeping lr {settings.lr:g}",
                          file=sys.stderr)
            result = trainer.fit(token, progress)
    finally:
        progress.close()
    evaluation = None
    if len(data.valid):
        evaluation = evaluate(trainer.model, data, data.valid,
                              low=float(data.train.value.min()), high=float(data.train.value.max()),
                              fit_seconds=result.seconds).to_dict()
    bundle = TrainedModel.from_training(trainer, result, evaluation=evaluation,
                                        lr_finder=lr_result.to_dict() if lr_result else None)
    info = registry.save(bundle, name=args.name or args.preset)
    if args.json:
        _print_json(({"model": info.id, "epochs": result.epochs_run, "best_epoch": result.best_epoch,
                            "stopped": result.stopped, "diverged": result.diverged,
                            "message": result.message, "seconds": result.seconds, "lr": settings.lr,
                            "evaluation": evaluation}))
    else:
        print(f"trained {info.id}: {data.n_listeners:,} listeners × {data.n_artists:,} artists, "
              f"{len(data.train):,} training pairs, {result.epochs_run} epochs in {result.seconds:.1f} s")
        if result.message:
            print(f"  {result.message}")
        if evaluation:
            print(f"  validation: RMSE {evaluation['rmse']:.4f}, Recall@20 {evaluation['recall_at_20']:.4f}, "
                  f"NDCG@20 {evaluation['ndcg_at_20']:.4f} (popularity Recall@20 "
                  f"{evaluation['popularity_recall_at_20']:.4f})")
        print("  saved and made active")
    return 1 if result.diverged else 0


def cmd_lr_find(args) -> int:
    from musicrec_gui.core.engine.lr_finder import find_lr
    from musicrec_gui.core.engine.trainer import Trainer

    settings = _settings(args)
    data = _store_dataset(settings)
    progress = _EngineProgress(enabled=not args.json)
    token = StopToken()
    try:
        with _graceful_interrupt(token):
            result = find_lr(Trainer(data, settings), token, progress)
    finally:
        progress.close()
    if args.json:
        _print_json((result.to_dict()))
        return 0
    print(f"{len(result.lrs)} steps from {result.lrs[0]:.1e} to {result.lrs[-1]:.1e}" if result.lrs
          else "no usable steps")
    shown = "none" if result.suggestion is None else f"{result.suggestion:.3g}"
    print(f"suggested learning rate: {shown} ({result.message})")
    if not result.trustworthy:
        print("  not trustworthy: keep the preset's rate or inspect the curve (--json)")
    return 0


def cmd_tune_dim(args) -> int:
    from musicrec_gui.core.engine.dim_search import search_dim

    settings = _settings(args)
    data = _store_dataset(settings)
    dims = [int(d) for d in args.dims.split(",") if d.strip()]
    progress = _EngineProgress(enabled=not args.json)
    token = StopToken()
    try:
        with _graceful_interrupt(token):
            result = search_dim(data, settings, dims, args.trial_epochs, token, progress)
    finally:
        progress.close()
    if args.json:
        _print_json((result.to_dict()))
        return 0
    for dim, value in zip(result.dims, result.values):
        mark = "  <- best" if dim == result.best_dim else ""
        print(f"dim {dim:4d}: validation {result.metric} {value:.4f}{mark}")
    if result.stopped:
        print("stopped by request")
    return 0


# -- evaluate ----------------------------------------------------------------------
def cmd_evaluate(args) -> int:
    from musicrec_gui.core.engine.dataset import load_split
    from musicrec_gui.core.engine.evaluation import export_factors, fit_and_evaluate

    settings = _settings(args)
    split = load_split(args.split, transform=settings.transform)
    progress = _EngineProgress(enabled=not args.json)
    token = StopToken()
    try:
        with _graceful_interrupt(token):
            trainer, result, evaluation = fit_and_evaluate(split, settings, token, progress)
    finally:
        progress.close()
    if args.export_factors:
        export_factors(args.export_factors, trainer.model, split, fit_seconds=evaluation.fit_seconds,
                       name=f"MusicRec {args.preset}", params=_describe(settings))
    if args.json:
        _print_json((evaluation.to_json()))
        return 0
    e = evaluation
    print(f"{'model':<22}{'RMSE':>8}{'Recall@20':>11}{'NDCG@20':>9}{'Cov@20':>8}{'fit s':>8}{'score s':>9}")
    print(f"{'MusicRec ' + args.preset:<22}{e.rmse:>8.4f}{e.recall_at_20:>11.4f}{e.ndcg_at_20:>9.4f}"
          f"{e.coverage_at_20:>8.4f}{e.fit_seconds:>8.2f}{e.score_seconds:>9.3f}")
    print(f"{'popularity':<22}{'–':>8}{e.popularity_recall_at_20:>11.4f}{e.popularity_ndcg_at_20:>9.4f}"
          f"{e.popularity_coverage_at_20:>8.4f}")
    if result.message:
        print(result.message)
    return 0


def _describe(settings) -> dict:
    keys = ("dim", "lr", "epochs", "optimizer", "reg_factors", "reg_biases", "reg_count_power",
            "gravity", "confidence", "batch_size", "schedule")
    return {k: getattr(settings, k) for k in keys}


# -- exploring the active model ------------------------------------------------------
def _load_model(args):
    from musicrec_gui.core.engine import registry

    return registry.load(args.model)


def cmd_biases(args) -> int:
    from musicrec_gui.core.engine.explore import bias_ranking

    rows = bias_ranking(_load_model(args), n=args.n, min_listeners=args.min_listeners)
    if args.json:
        _print_json({"results": [{"artist": r.artist, "bias": r.bias, "listeners": r.listeners,
                                  "plays": r.plays} for r in rows]})
        return 0
    for rank, r in enumerate(rows, 1):
        print(f"{rank:3d}. {r.artist:<40} bias {r.bias:+.3f}  {r.listeners:,} listeners  {r.plays:,} plays")
    return 0


def cmd_similar(args) -> int:
    from musicrec_gui.core.engine.explore import similar_artists

    found = similar_artists(_load_model(args), args.name, n=args.n,
                            metric="cosine" if args.cosine else "dot", min_listeners=args.min_listeners)
    if args.json:
        _print_json({"query": found.query, "metric": found.metric, "candidates": list(found.candidates),
                     "results": [{"artist": r.artist, "score": r.score, "listeners": r.listeners}
                                 for r in found.results]})
        return 0 if found.query else 1
    if found.candidates:
        print(f"several artists match {args.name!r}; be more specific:")
        for name in found.candidates:
            print(f"  {name}")
        return 1
    if found.query is None:
        print(f"musicrec: no artist matches {args.name!r}", file=sys.stderr)
        return 1
    print(f"artists similar to {found.query} ({found.metric}):")
    for rank, r in enumerate(found.results, 1):
        print(f"{rank:3d}. {r.artist:<40} {r.score:.3f}  {r.listeners:,} listeners")
    return 0


def cmd_recommend(args) -> int:
    from musicrec_gui.core.engine.explore import recommend

    model = _load_model(args)
    try:
        rows = recommend(model, args.listener, n=args.n, novelty=args.novelty)
        who = args.listener
    except Exception as exc:
        from musicrec_gui.core.engine.errors import EngineError

        if not isinstance(exc, EngineError):
            raise
        rows, who = _recommend_from_store(model, args)     # not in the model: fold in
    if args.json:
        _print_json({"listener": who, "results": [{"artist": r.artist, "score": r.score,
                                                   "listeners": r.listeners, "because": list(r.because)}
                                                  for r in rows]})
        return 0
    for rank, r in enumerate(rows, 1):
        why = f"  because you listen to {', '.join(r.because)}" if r.because else ""
        print(f"{rank:3d}. {r.artist:<40} {r.score:.3f}  {r.listeners:,} listeners{why}")
    return 0


def _recommend_from_store(model, args):
    """A listener the model has not seen: their plays from the store, folded in."""
    import numpy as np

    from musicrec_gui.core.engine.errors import EngineError
    from musicrec_gui.core.engine.explore import recommend_for_plays
    from musicrec_gui.core.names import normalize_name
    from musicrec_gui.core.store import Store

    store = Store.open()
    listeners = store.listener_frame()
    if args.listener is None:
        chosen = listeners[listeners["kind"] == "person"]
    else:
        chosen = listeners[listeners["name"].map(normalize_name) == normalize_name(args.listener)]
    if chosen.empty:
        who = args.listener or "you"
        raise EngineError(f"no listening history for {who!r} in the store or the model")
    listener_id = int(chosen["listener_id"].iloc[0])
    plays = store.play_frame()
    plays = plays[plays["listener_id"] == listener_id]
    position = np.searchsorted(model.artist_ids, plays["artist_id"].to_numpy())
    position = np.minimum(position, len(model.artist_ids) - 1)
    known = model.artist_ids[position] == plays["artist_id"].to_numpy()
    if not known.any():
        raise EngineError("none of this listener's artists is in the model; retrain to include them")
    rows = recommend_for_plays(model, position[known], plays["plays"].to_numpy()[known],
                               n=args.n, novelty=args.novelty)
    return rows, str(chosen["name"].iloc[0])


# -- models ------------------------------------------------------------------------
def cmd_models(args) -> int:
    from musicrec_gui.core.engine import registry

    if args.use:
        registry.set_active(args.use)
    if args.delete:
        registry.delete(args.delete)
    models = registry.list_models()
    if args.json:
        _print_json(({"models": [{"id": m.id, "name": m.name, "created": m.created, "dim": m.dim,
                                        "listeners": m.n_listeners, "artists": m.n_artists,
                                        "active": m.active, "evaluation": m.evaluation} for m in models]}))
        return 0
    if not models:
        print("no saved models yet (musicrec train)")
    for m in models:
        mark = "*" if m.active else " "
        print(f"{mark} {m.id:<40} dim {m.dim:3d}  {m.n_listeners:,} listeners × {m.n_artists:,} artists  {m.created}")
    return 0
