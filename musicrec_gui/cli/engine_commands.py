"""``musicrec train | lr-find | tune-dim | evaluate | biases | similar | recommend | models``.

The engine on the command line, through the same workflows as the app's Train,
Artists, Similar and For you pages (``core/workflows``).  Engine modules (and
torch) are imported inside the commands, so ``musicrec --help`` and the data
commands stay quick.

Ctrl-C during training, the finder or the size search stops it: training keeps
its best weights but a stopped run is not saved (the model in use stays) unless
``--keep-stopped`` asks for it; the command exits with 130.  A second Ctrl-C
cancels at once.
"""
from __future__ import annotations

import argparse
import math
import sys

from musicrec_gui.cli.interrupts import INTERRUPTED, interrupts
from musicrec_gui.cli.output import json_text, table
from musicrec_gui.cli.progress import TerminalProgress
from musicrec_gui.core.engine.settings import PRESETS
from musicrec_gui.core.jobs import JointToken, StopToken
from musicrec_gui.core.text import count_text, terminal_text
from musicrec_gui.core.workflows.listening import (
    DEFAULT_COUNT,
    EXPLORE,
    LANES,
    METRICS,
    MIN_LISTENERS,
    REDISCOVER,
    REDISCOVER_MONTHS,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model on the store's listening data and make it active")
    _training_options(p)
    lr = p.add_mutually_exclusive_group()
    lr.add_argument("--lr", type=float, help="learning rate (default: the preset's)")
    lr.add_argument("--lr-find", action="store_true", help="run the learning-rate finder first and use its suggestion")
    p.add_argument("--name", default="", help="a label for the saved model")
    p.add_argument("--keep-stopped", action="store_true",
                   help="save and use the model even when training is stopped with Ctrl-C")
    p.add_argument("--json", action="store_true", help="print one JSON result")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("lr-find", help="sweep the learning rate and suggest one (the model is not changed)")
    _training_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_lr_find)

    p = sub.add_parser("tune-dim", help="try embedding sizes for a few epochs each and pick the best")
    _training_options(p)
    p.add_argument("--dims", help="comma-separated sizes (default: around the size in use, as the app does)")
    p.add_argument("--trial-epochs", type=int,
                   help="epochs per size (default: 3 with mini-batches, half the preset's with full batches)")
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
    p.add_argument("-n", type=int, default=DEFAULT_COUNT, help="how many (default %(default)s)")
    p.add_argument("--min-listeners", type=int, default=MIN_LISTENERS,
                   help="only artists with at least this many listeners (default %(default)s)")
    p.add_argument("--model", metavar="ID", help="a saved model instead of the active one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_biases)

    p = sub.add_parser("similar", help="artists similar to NAME (active model)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--cosine", action="store_true", help="cosine instead of dot product (finds niche artists)")
    p.add_argument("-n", type=int, default=DEFAULT_COUNT)
    p.add_argument("--min-listeners", type=int, default=MIN_LISTENERS,
                   help="only artists with at least this many listeners (default %(default)s)")
    p.add_argument("--model", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("recommend", help="artists new to you, or old favourites to rediscover (active model)")
    p.add_argument("--listener", metavar="NAME", help="whose recommendations (default: the first person)")
    p.add_argument("-n", type=int, default=DEFAULT_COUNT)
    p.add_argument("--discovery", type=float, default=0.0, metavar="X",
                   help="-1 favours well-known artists, 1 artists few people know (default 0: as the model ranks)")
    p.add_argument("--min-listeners", type=int, default=MIN_LISTENERS,
                   help="leave out artists with fewer listeners (default %(default)s)")
    p.add_argument("--max-listeners", type=int, help="leave out artists with more listeners")
    p.add_argument("--lane", choices=LANES, default=EXPLORE,
                   help="explore: artists new to you; rediscover: ones you played a lot but not lately")
    p.add_argument("--months", type=int, default=REDISCOVER_MONTHS, metavar="N",
                   help="rediscover: not played in the last N months (default %(default)s)")
    p.add_argument("--barely", type=int, default=0, metavar="N",
                   help="explore: also artists you played at most N times (default %(default)s: never)")
    p.add_argument("--period", metavar="DATE", help="your taste in one year, month or day (YYYY[-MM[-DD]], UTC)")
    p.add_argument("--from", dest="start", metavar="DATE", help="your taste from DATE (with --to)")
    p.add_argument("--to", dest="end", metavar="DATE", help="… to DATE, included")
    p.add_argument("--playlist", metavar="FILE", help="also write the list as a .jspf or .xspf playlist")
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
    p.add_argument("--preset", choices=list(PRESETS), default="discover",
                   help="discover: ranking; predict: play-count accuracy (default %(default)s)")
    p.add_argument("--dim", type=int, help="embedding size")
    p.add_argument("--epochs", type=int, help="training epochs")
    p.add_argument("--device", help="auto (default), cpu, cuda or mps")
    p.add_argument("--threads", type=int, help="CPU threads for torch")
    p.add_argument("--community", metavar="KEY[,KEY]",
                   help="learn from these community datasets only (keys as `musicrec stats` lists them; "
                        "default: all)")


def _settings(args):
    from musicrec_gui.core.engine.settings import preset

    community = tuple(key.strip() for key in (args.community or "").split(",") if key.strip())
    return preset(args.preset, dim=args.dim, epochs=args.epochs, lr=getattr(args, "lr", None),
                  device=args.device, threads=args.threads, community=community or None)


def _print_json(data) -> None:
    print(json_text(_clean(data)))


def _clean(data):
    """NaN → None, recursively, so the JSON output is standard."""
    if isinstance(data, float):
        return None if math.isnan(data) or math.isinf(data) else data
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_clean(v) for v in data]
    return data


def _store():
    from musicrec_gui.core.store import Store

    return Store.open()


# -- train / lr-find / tune-dim -------------------------------------------------------
def cmd_train(args) -> int:
    from musicrec_gui.core.workflows import training

    settings = _settings(args)
    progress = TerminalProgress(enabled=not args.json)
    stop, cancel = StopToken(), StopToken()
    try:
        with interrupts(stop, cancel):
            outcome = training.train(_store(), settings, name=args.name or args.preset, lr_find=args.lr_find,
                                     token=cancel, report=progress, stop=stop)
    finally:
        progress.close()
    result, evaluation = outcome.result, outcome.evaluation
    info = outcome.info
    if info is None and result.stopped and args.keep_stopped:
        info = training.save(outcome.model)
    rate = outcome.lr_finder
    if rate is not None and not (rate.trustworthy and rate.suggestion) and not args.json:
        print(f"musicrec: learning-rate finder: {rate.message}; kept lr {settings.lr:g}", file=sys.stderr)
    if args.json:
        _print_json({"model": info.id if info else None, "saved": info is not None,
                     "epochs": result.epochs_run, "best_epoch": result.best_epoch,
                     "stopped": result.stopped, "diverged": result.diverged, "message": result.message,
                     "seconds": result.seconds, "lr": outcome.model.settings.lr, "evaluation": evaluation})
    else:
        print(f"trained on {outcome.n_listeners:,} listeners × {outcome.n_artists:,} artists, "
              f"{outcome.n_train:,} training pairs: {result.epochs_run} epochs in {result.seconds:.1f} s")
        if result.message:
            print(f"  {result.message}")
        if evaluation:
            print(f"  validation: RMSE {evaluation['rmse']:.4f}, Recall@20 {evaluation['recall_at_20']:.4f}, "
                  f"NDCG@20 {evaluation['ndcg_at_20']:.4f} (popularity Recall@20 "
                  f"{evaluation['popularity_recall_at_20']:.4f})")
        if info is not None:
            print(f"  saved as {info.id} and made active")
        else:
            print("  not saved: the model in use is unchanged"
                  + (" (--keep-stopped saves a stopped run)" if result.stopped else ""))
    if result.diverged:
        return 1
    return INTERRUPTED if result.stopped else 0


def cmd_lr_find(args) -> int:
    from musicrec_gui.core.workflows import training

    progress = TerminalProgress(enabled=not args.json)
    stop, cancel = StopToken(), StopToken()
    try:
        with interrupts(stop, cancel):
            result = training.find_rate(_store(), _settings(args), token=cancel, report=progress, stop=stop)
    finally:
        progress.close()
    if args.json:
        _print_json(result.to_dict())
    else:
        print(f"{len(result.lrs)} steps from {result.lrs[0]:.1e} to {result.lrs[-1]:.1e}" if result.lrs
              else "no usable steps")
        shown = "none" if result.suggestion is None else f"{result.suggestion:.3g}"
        print(f"suggested learning rate: {shown} ({result.message})")
        if not result.trustworthy:
            print("  not trustworthy: keep the preset's rate or inspect the curve (--json)")
    return INTERRUPTED if result.stopped else 0


def cmd_tune_dim(args) -> int:
    from musicrec_gui.core.errors import MusicRecError
    from musicrec_gui.core.workflows import training

    try:
        dims = tuple(int(d) for d in args.dims.split(",") if d.strip()) if args.dims else None
    except ValueError:
        raise MusicRecError(f"--dims must be whole numbers separated by commas, not {args.dims!r}") from None
    progress = TerminalProgress(enabled=not args.json)
    stop, cancel = StopToken(), StopToken()
    try:
        with interrupts(stop, cancel):
            result = training.search_sizes(_store(), _settings(args), token=cancel, report=progress, stop=stop,
                                           dims=dims, epochs=args.trial_epochs)
    finally:
        progress.close()
    if args.json:
        _print_json(result.to_dict())
    else:
        for dim, value in zip(result.dims, result.values):
            mark = "  <- best" if dim == result.best_dim else ""
            print(f"dim {dim:4d}: validation {result.metric} {value:.4f}{mark}")
        if result.stopped:
            print("stopped by request")
    return INTERRUPTED if result.stopped else 0


# -- evaluate ----------------------------------------------------------------------
def cmd_evaluate(args) -> int:
    from musicrec_gui.core.engine.dataset import load_split
    from musicrec_gui.core.engine.evaluation import export_factors, fit_and_evaluate
    from musicrec_gui.core.engine.events import Relay

    settings = _settings(args)
    split = load_split(args.split, transform=settings.transform)
    progress = TerminalProgress(enabled=not args.json)
    stop, cancel = StopToken(), StopToken()
    try:
        with interrupts(stop, cancel):
            trainer, result, evaluation = fit_and_evaluate(split, settings, JointToken(stop, cancel),
                                                           Relay(progress, "evaluate", total=settings.epochs))
    finally:
        progress.close()
    cancel.check()
    if args.export_factors:
        export_factors(args.export_factors, trainer.model, split, fit_seconds=evaluation.fit_seconds,
                       name=f"MusicRec {args.preset}", params=_describe(settings))
    if args.json:
        _print_json(evaluation.to_json())
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
def _listening(args):
    from musicrec_gui.core.engine import registry
    from musicrec_gui.core.workflows.listening import Listening

    return Listening(registry.load(args.model), _store())


def cmd_biases(args) -> int:
    rows = _listening(args).biases(args.n, min_listeners=args.min_listeners)
    if args.json:
        _print_json({"results": [{"artist": r.artist, "bias": r.bias, "listeners": r.listeners,
                                  "plays": r.plays} for r in rows]})
        return 0
    _print_table([(f"{rank}.", r.artist, f"bias {r.bias:+.3f}", count_text(r.listeners, "listener"),
                   count_text(r.plays, "play")) for rank, r in enumerate(rows, 1)], right=(0, 2, 3, 4))
    return 0


def cmd_similar(args) -> int:
    from musicrec_gui.core.engine import explore

    listening = _listening(args)
    found = listening.similar(args.name, n=args.n, metric=METRICS[1] if args.cosine else METRICS[0],
                              min_listeners=args.min_listeners)
    suggestions = [] if found.query or found.candidates else _did_you_mean(listening, args.name)
    if args.json:
        _print_json({"query": found.query, "metric": found.metric, "candidates": list(found.candidates),
                     "suggestions": suggestions,
                     "results": [{"artist": r.artist, "score": r.score, "listeners": r.listeners}
                                 for r in found.results]})
        return 0 if found.query else 1
    if found.candidates:
        print(f"several artists match {terminal_text(repr(args.name))}; be more specific:")
        for name in found.candidates:
            print(f"  {terminal_text(name)}")
        return 1
    if found.query is None:
        hint = f"; did you mean {_either(suggestions)}?" if suggestions else ""
        print(f"musicrec: no artist matches {terminal_text(repr(args.name))}{hint}", file=sys.stderr)
        return 1
    listeners = int(listening.model.artist_listeners[explore.find_artists(listening.model, found.query)[0]])
    print(f"artists similar to {terminal_text(found.query)} ({found.metric}, {count_text(listeners, 'listener')}):")
    if listeners < MIN_LISTENERS:
        print(f"  only {count_text(listeners, 'listener')}: these neighbours rest on very little data")
    _print_table([(f"{rank}.", r.artist, f"{r.score:.3f}", count_text(r.listeners, "listener"))
                  for rank, r in enumerate(found.results, 1)], right=(0, 2, 3))
    return 0


def _either(names: list[str]) -> str:
    """``"A, B or C"``, terminal-safe."""
    shown = [terminal_text(name) for name in names]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


def _did_you_mean(listening, name: str) -> list[str]:
    from musicrec_gui.core.suggest import did_you_mean

    model = listening.model
    return did_you_mean(name, model.artist_names, model.artist_listeners)


def cmd_recommend(args) -> int:
    from musicrec_gui.cli.listener_commands import period_from

    listening = _listening(args)
    period = period_from(args.start, args.end, args.period)
    profile = listening.profile(args.listener) if period is None else listening.period_profile(args.listener, period)
    common = dict(n=args.n, discovery=args.discovery, min_listeners=args.min_listeners,
                  max_listeners=args.max_listeners)
    if args.lane == REDISCOVER:
        rows = listening.rediscover(profile, months=args.months, **common)
    else:
        rows = listening.recommend(profile, barely=args.barely, **common)
    if args.playlist:
        from musicrec_gui.core.playlists import write_playlist

        taste = f"taste of {profile.name} in {period.label}" if period else profile.name
        write_playlist(args.playlist, listening.playlist(f"MusicRec {args.lane}: {taste}", rows))
    if args.json:
        _print_json({"listener": profile.name, "folded_in": profile.folded_in, "lane": args.lane,
                     "period": period.label if period else None,
                     "results": [_recommendation_json(r) for r in rows]})
        return 0
    if period is not None:
        print(f"taste of {terminal_text(profile.name)} in {period.label}: folded in from "
              f"{int(profile.plays.sum()):,} listens of that period", file=sys.stderr)
    elif profile.folded_in:
        print(f"{terminal_text(profile.name)}: folded in from the library's plays; training again refines these "
              "results", file=sys.stderr)
    if not rows and args.lane == REDISCOVER:
        print(f"nothing to rediscover: every artist {terminal_text(profile.name)} played often was also played in "
              f"the last {args.months} months (or the listens have no dates)", file=sys.stderr)
    _print_table([(f"{rank}.", r.artist, f"{r.score:.3f}", count_text(r.listeners, "listener"),
                   r.note if args.lane == REDISCOVER else "",
                   f"because you listen to {', '.join(r.because)}" if r.because else "")
                  for rank, r in enumerate(rows, 1)], right=(0, 2, 3))
    return 0


def _recommendation_json(pick) -> dict:
    row = {"artist": pick.artist, "score": pick.score, "listeners": pick.listeners, "because": list(pick.because)}
    if hasattr(pick, "last_played"):
        row.update(plays=pick.plays, last_played=pick.last_played, note=pick.note)
    return row


def _print_table(rows, right=()) -> None:
    """Aligned columns (by how wide the text looks), names made terminal-safe (``cli/output.py``)."""
    for line in table(rows, right):
        print(line)


# -- models ------------------------------------------------------------------------
def cmd_models(args) -> int:
    from musicrec_gui.core.engine import registry

    if args.use:
        registry.set_active(args.use)
    if args.delete:
        registry.delete(args.delete)
    models = registry.list_models()
    if args.json:
        _print_json({"models": [{"id": m.id, "name": m.name, "created": m.created, "dim": m.dim,
                                 "listeners": m.n_listeners, "artists": m.n_artists,
                                 "active": m.active, "evaluation": m.evaluation, "damaged": m.damaged}
                                for m in models]})
        return 0
    if not models:
        print("no saved models yet (musicrec train)")
    _print_table([("*" if m.active else " ", m.id, f"dim {m.dim}", count_text(m.n_listeners, "listener"), "×",
                   count_text(m.n_artists, "artist"), m.created) for m in models if not m.damaged],
                 right=(2, 3, 5))
    for m in models:
        if m.damaged:
            print(f"! {terminal_text(m.id)}: damaged, cannot be used ({terminal_text(m.damaged)})")
    return 0
