"""``musicrec hide | unhide | hidden | exclude | include | excluded | years | compare | why``.

The listener in control, on the command line: "not for me" artists, what counts
as a person's taste, their years of listening, comparing two people, and the
evidence behind a recommendation — the same core calls as the app's pages
(``core/preferences``, ``core/history``, ``workflows/listening`` and
``workflows/comparing``).  Every command takes ``--json`` and then prints one
object with a ``results`` list.
"""
from __future__ import annotations

import argparse
import json
import math
import sys

from musicrec_gui.core.errors import MusicRecError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("hide", help="never recommend ARTIST to a person (\"not for me\")")
    p.add_argument("artist", metavar="ARTIST")
    _person_options(p)
    p.set_defaults(func=cmd_hide)

    p = sub.add_parser("unhide", help="recommend ARTIST again")
    p.add_argument("artist", metavar="ARTIST")
    _person_options(p)
    p.set_defaults(func=cmd_unhide)

    p = sub.add_parser("hidden", help="a person's hidden artists")
    _person_options(p)
    p.set_defaults(func=cmd_hidden)

    for name, func, text in (("exclude", cmd_exclude, "keep a source, a period or an artist out of a person's taste"),
                             ("include", cmd_include, "count excluded listening in a person's taste again")):
        p = sub.add_parser(name, help=text)
        what = p.add_mutually_exclusive_group(required=True)
        what.add_argument("--source", type=int, metavar="ID", help="an imported file (see 'musicrec sources')")
        what.add_argument("--from", dest="start", metavar="DATE", help="from DATE (YYYY, YYYY-MM or YYYY-MM-DD, UTC)")
        what.add_argument("--artist", metavar="NAME")
        if name == "include":
            what.add_argument("--id", type=int, metavar="N", help="an exclusion by its number ('musicrec excluded')")
        p.add_argument("--to", dest="end", metavar="DATE", help="to DATE, included (with --from)")
        _person_options(p)
        p.set_defaults(func=func)

    p = sub.add_parser("excluded", help="what is kept out of a person's taste")
    _person_options(p)
    p.set_defaults(func=cmd_excluded)

    p = sub.add_parser("years", help="a person's listening per year, or one year in review")
    p.add_argument("--year", type=int, metavar="YYYY",
                   help="the year in review: top and new artists, months, the listening clock")
    p.add_argument("--utc", action="store_true", help="the listening clock in UTC instead of local time")
    _person_options(p)
    p.set_defaults(func=cmd_years)

    p = sub.add_parser("compare", help="compare the tastes of two people (active model)")
    p.add_argument("names", nargs=2, metavar="NAME")
    p.add_argument("-n", type=int, default=10, help="artists per list (default %(default)s)")
    p.add_argument("--model", metavar="ID", help="a saved model instead of the active one")
    p.add_argument("--json", action="store_true", help="print one JSON result")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("why", help="why the model expects what it does of ARTIST for a person, with evidence")
    p.add_argument("artist", metavar="ARTIST")
    p.add_argument("--model", metavar="ID", help="a saved model instead of the active one")
    _person_options(p)
    p.set_defaults(func=cmd_why)


def _person_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--listener", metavar="NAME", help="whose (default: the first person)")
    p.add_argument("--json", action="store_true", help="print one JSON result")


def _print_json(data) -> None:
    print(json.dumps(_finite(data), ensure_ascii=False, allow_nan=False))


def _finite(data):
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return data


def _store():
    from musicrec_gui.core.store import Store

    return Store.open()


def period_from(start: str | None, end: str | None, period: str | None = None):
    """The period named by ``--period`` or ``--from``/``--to`` (None when neither is given)."""
    from musicrec_gui.core import periods

    if period is not None and (start or end):
        raise MusicRecError("give either --period or --from/--to, not both")
    if period is not None:
        return periods.parse_period(period)
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise MusicRecError("--from and --to go together")
    return periods.between(start, end)


# -- not for me --------------------------------------------------------------------------------
def _hidden_json(row) -> dict:
    return {"artist": row.name, "hidden_at": row.hidden_at}


def cmd_hide(args) -> int:
    from musicrec_gui.core import preferences

    store = _store()
    row = preferences.hide(store, args.listener, args.artist)
    who = preferences.person(store, args.listener).name
    if args.json:
        _print_json({"listener": who, "results": [_hidden_json(row)]})
    else:
        print(f"{row.name} is hidden from the recommendations for {who} ('musicrec unhide' undoes it)")
    return 0


def cmd_unhide(args) -> int:
    from musicrec_gui.core import preferences

    store = _store()
    who = preferences.person(store, args.listener).name
    removed = preferences.unhide(store, args.listener, args.artist)
    if args.json:
        _print_json({"listener": who, "results": [{"artist": args.artist, "unhidden": removed}]})
    elif removed:
        print(f"{args.artist} can be recommended to {who} again")
    if not removed:
        print(f"musicrec: {args.artist} was not hidden for {who}", file=sys.stderr)
        return 1
    return 0


def cmd_hidden(args) -> int:
    from musicrec_gui.core import preferences

    store = _store()
    who = preferences.person(store, args.listener).name
    rows = preferences.hidden_artists(store, args.listener)
    if args.json:
        _print_json({"listener": who, "results": [_hidden_json(r) for r in rows]})
        return 0
    if not rows:
        print(f"{who} has hidden no artists")
    for row in rows:
        print(f"{row.name:<40} hidden {row.hidden_at}")
    return 0


# -- what counts as my taste --------------------------------------------------------------------------
def _exclusion(args):
    from musicrec_gui.core import preferences

    if getattr(args, "id", None) is not None:
        found = [e for e in preferences.exclusions(_store(), args.listener) if e.id == args.id]
        if not found:
            raise MusicRecError(f"there is no exclusion #{args.id} (see 'musicrec excluded')")
        return found[0]
    if args.source is not None:
        return preferences.source_exclusion(args.source)
    if args.artist is not None:
        return preferences.artist_exclusion(args.artist)
    if args.end is None:
        raise MusicRecError("--from needs --to (the last day, month or year included)")
    return preferences.period_exclusion(period_from(args.start, args.end))


def cmd_exclude(args) -> int:
    from musicrec_gui.core import preferences

    store = _store()
    if args.end is not None and args.start is None:
        raise MusicRecError("--to needs --from")
    row = preferences.exclude(store, args.listener, _exclusion(args))
    who = preferences.person(store, args.listener).name
    if args.json:
        _print_json({"listener": who, "results": [row.to_json()]})
    else:
        print(f"{row.describe()} is kept out of the taste of {who} ({row.listens:,} plays); "
              "recommendations use it at once, training again refines them")
    return 0


def cmd_include(args) -> int:
    from musicrec_gui.core import preferences

    store = _store()
    if args.end is not None and args.start is None:
        raise MusicRecError("--to needs --from")
    who = preferences.person(store, args.listener).name
    exclusion = _exclusion(args)
    removed = preferences.include(store, args.listener, exclusion)
    if args.json:
        _print_json({"listener": who, "results": [{"included": removed}]})
    elif removed:
        print(f"{exclusion.describe()} counts in the taste of {who} again")
    if not removed:
        print(f"musicrec: {exclusion.describe()} was not excluded for {who} (see 'musicrec excluded')",
              file=sys.stderr)
        return 1
    return 0


def cmd_excluded(args) -> int:
    from musicrec_gui.core import preferences

    store = _store()
    who = preferences.person(store, args.listener).name
    rows = preferences.exclusions(store, args.listener)
    if args.json:
        _print_json({"listener": who, "results": [r.to_json() for r in rows]})
        return 0
    if not rows:
        print(f"nothing is excluded from the taste of {who}")
    for row in rows:
        print(f"#{row.id:<4} {row.describe():<60} {row.listens:>9,} plays")
    return 0


# -- taste over time ------------------------------------------------------------------------------------
def cmd_years(args) -> int:
    from musicrec_gui.core import history

    store = _store()
    if args.year is not None:
        review = history.year_in_review(store, args.listener, args.year, local_clock=not args.utc)
        if args.json:
            _print_json({"listener": review.person, "results": [review.to_json()]})
        else:
            _print_review(review)
        return 0
    found = history.listener(store, args.listener).name
    rows = history.years(store, args.listener)
    if args.json:
        _print_json({"listener": found, "results": [
            {"year": r.year, "listens": r.listens, "artists": r.artists, "new_artists": r.new_artists,
             "hours": r.hours, "top_artist": {"artist": r.top_artist.artist, "plays": r.top_artist.plays}}
            for r in rows]})
        return 0
    if not rows:
        print(f"{found} has no dated listens")
        return 0
    print(f"{'year':<6}{'listens':>9}{'artists':>9}{'new':>7}{'hours':>9}  top artist")
    for r in rows:
        hours = "–" if r.hours is None else f"{r.hours:,.0f}"
        print(f"{r.year:<6}{r.listens:>9,}{r.artists:>9,}{r.new_artists:>7,}{hours:>9}  "
              f"{r.top_artist.artist} ({r.top_artist.plays:,})")
    return 0


def _print_review(review) -> None:
    from musicrec_gui.core.history import WEEKDAYS

    hours = "" if review.hours is None else f", {review.hours:,.0f} hours"
    print(f"{review.year} for {review.person}: {review.listens:,} listens of {review.artists:,} artists{hours}; "
          f"{review.new_artists:,} new artists")
    print("top artists:  " + "; ".join(f"{a.artist} ({a.plays:,})" for a in review.top_artists))
    if review.top_new_artists:
        print("new to you:   " + "; ".join(f"{a.artist} ({a.plays:,})" for a in review.top_new_artists))
    if review.top_tracks:
        print("top tracks:   " + "; ".join(f"{t} – {a} ({n:,})" for t, a, n in review.top_tracks))
    for month in review.months:
        names = ", ".join(a.artist for a in month.top_artists)
        print(f"  {month.month}  {month.listens:>7,}  {names}")
    busiest = max(((sum(day), name) for day, name in zip(review.clock, WEEKDAYS)), default=(0, ""))
    hours_total = [sum(day[h] for day in review.clock) for h in range(24)]
    if busiest[0]:
        peak = max(range(24), key=lambda h: hours_total[h])
        zone = "local time" if review.local_clock else "UTC"
        print(f"busiest day: {busiest[1]}; busiest hour: {peak:02d}:00–{peak:02d}:59 ({zone})")


# -- two people, and the evidence ---------------------------------------------------------------------------
def _listening(args):
    from musicrec_gui.core.engine import registry
    from musicrec_gui.core.workflows.listening import Listening

    return Listening(registry.load(args.model), _store())


def cmd_compare(args) -> int:
    from musicrec_gui.core.workflows.comparing import compare

    result = compare(_listening(args), args.names[0], args.names[1], n=args.n)
    if args.json:
        _print_json({"a": result.a, "b": result.b, "results": [result.to_json()]})
        return 0
    print(result.sentence)
    if result.both_love:
        print("both love:  " + "; ".join(f"{s.artist} ({s.plays_a:,} / {s.plays_b:,})" for s in result.both_love))
    for receiver, giver, picks in ((result.a, result.b, result.for_a), (result.b, result.a, result.for_b)):
        print(f"from {giver} for {receiver}:")
        for rank, pick in enumerate(picks, 1):
            why = f"; because they listen to {', '.join(pick.because)}" if pick.because else ""
            print(f"{rank:3d}. {pick.artist:<40} {giver} plays them {pick.giver_plays:,} times{why}")
    return 0


def cmd_why(args) -> int:
    from musicrec_gui.cli.progress import TerminalProgress

    listening = _listening(args)
    profile = listening.profile(args.listener)
    progress = TerminalProgress(enabled=not args.json)
    try:
        found = listening.why(profile, args.artist, report=progress)
    finally:
        progress.close()
    if args.json:
        _print_json({"listener": profile.name, "results": [
            {"artist": found.artist, "score": found.score, "plays": found.plays, "because": list(found.because),
             "evidence": [e.to_json() for e in found.evidence]}]})
        return 0
    played = f"{profile.name} played them {found.plays:,} times" if found.plays else f"new to {profile.name}"
    print(f"{found.artist}: predicted {found.score:.3f} ({played})")
    if found.because:
        print(f"  because of {', '.join(found.because)} in the listening of {profile.name}")
    for evidence in found.evidence:
        print(f"  {evidence.sentence()}")
    if not found.evidence:
        print("  no community listeners of those artists in the library")
    return 0
