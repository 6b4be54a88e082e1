"""``musicrec import | sources | undo | stats | artists``: getting data in and looking at it."""
from __future__ import annotations

import argparse
import json
import sys

from musicrec_gui.cli.interrupts import INTERRUPTED, interrupts
from musicrec_gui.cli.progress import TerminalProgress
from musicrec_gui.core import importer, library
from musicrec_gui.core.community.keep import KEEP_CHOICES
from musicrec_gui.core.jobs import Cancelled, StopToken
from musicrec_gui.core.store import Store
from musicrec_gui.core.workflows import importing


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import listening exports or community datasets (files, folders, zips)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--listener", default=library.DEFAULT_PERSON,
                   help="whose personal exports these are (default: %(default)s)")
    p.add_argument("--keep", choices=list(KEEP_CHOICES),
                   help="for large community data (ListenBrainz statistics): how many listeners to keep "
                        "(default: all of them)")
    p.add_argument("--json", action="store_true", help="print one JSON result")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("sources", help="list imported files")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("undo", help="remove everything one import added")
    p.add_argument("source_id", type=int, metavar="SOURCE_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("stats", help="what the store holds")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("artists", help="find artists by name")
    p.add_argument("--search", default="", metavar="TEXT")
    p.add_argument("-n", type=int, default=50, help="at most this many (default %(default)s)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_artists)


def cmd_import(args) -> int:
    store = Store.open()
    progress = TerminalProgress(enabled=not args.json)
    token = StopToken()
    try:
        # Ctrl-C cancels: every file of this command is rolled back, as the app's Cancel does.
        with interrupts(token, token):
            outcome = importing.import_paths(store, args.paths, person=args.listener, keep=args.keep, token=token,
                                             report=progress)
    except Cancelled:
        progress.close()
        print("musicrec: import cancelled; the store is unchanged", file=sys.stderr)
        return INTERRUPTED
    progress.close()
    reports = outcome.reports
    failed = outcome.failed
    if args.json:
        print(json.dumps({"sources": [r.to_json() for r in reports]}, ensure_ascii=False))
    else:
        for r in reports:
            print(_describe_report(r))
    if failed:
        first = failed[0].error
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        print(f"musicrec: {first}{more}", file=sys.stderr)
        return 1
    return 0


def _describe_report(r: importer.SourceReport) -> str:
    if r.error:
        return f"{r.path}: ERROR {r.error}"
    if r.ignored:
        return f"{r.path}: ignored ({r.ignored})"
    lines = [f"{r.path}: {r.format_label}"]
    if r.already_imported:
        lines.append(f"  already imported (source #{r.source_id}); nothing added")
        return "\n".join(lines)
    lines.append(f"  rows read {r.rows_read:,}, added {r.added:,} (source #{r.source_id})")
    for reason, count in sorted(r.skipped.items(), key=lambda kv: -kv[1]):
        lines.append(f"  skipped {count:,}: {reason}")
    if r.malformed:
        where = ", ".join(map(str, r.malformed_lines))
        lines.append(f"  malformed {r.malformed:,} (lines {where})")
    for note in r.notes:
        lines.append(f"  note: {note}")
    if r.matched_artists is not None and r.artists:
        lines.append(f"  {r.listener}: {r.matched_artists:,} of {r.artists:,} artists and "
                     f"{r.matched_plays:,} of {r.plays:,} plays found in community data")
    return "\n".join(lines)


def cmd_sources(args) -> int:
    rows = Store.open().sources()
    if args.json:
        print(json.dumps({"sources": [vars(r) for r in rows]}, ensure_ascii=False))
        return 0
    if not rows:
        print("No imports yet. Try: musicrec import PATH")
    for r in rows:
        who = r.listener or "community"
        print(f"#{r.id:<4} {r.imported_at}  {r.format_label:<40} {who:<12} added {r.added:>9,}  {r.path}")
    return 0


def cmd_undo(args) -> int:
    importing.undo(Store.open(), args.source_id)
    if args.json:
        print(json.dumps({"undone": args.source_id}))
    else:
        print(f"Import #{args.source_id} undone.")
    return 0


def cmd_stats(args) -> int:
    stats = library.store_stats(Store.open())
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    print(f"people {stats['people']}, community listeners {stats['community_listeners']}, "
          f"artists {stats['artists']:,}, listens {stats['listens']:,}, plays {stats['plays']:,}, "
          f"sources {stats['sources']}")
    for person in stats["people_detail"]:
        share = person["matched_artists"] / person["artists"] if person["artists"] else 0.0
        print(f"  {person['name']}: {person['artists']:,} artists, {person['plays']:,} plays; "
              f"{person['matched_artists']:,} artists ({share:.0%}) and {person['matched_plays']:,} plays "
              "found in community data")
    return 0


def cmd_artists(args) -> int:
    rows = Store.open().search_artists(args.search, args.n)
    if args.json:
        print(json.dumps({"results": [{"id": i, "artist": name, "listeners": lis, "plays": plays}
                                      for i, name, lis, plays in rows]}, ensure_ascii=False))
        return 0
    for _, name, listeners, plays in rows:
        print(f"{name:<40} {listeners:>6,} listeners {plays:>12,} plays")
    return 0
