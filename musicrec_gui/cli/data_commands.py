"""``musicrec import | sources | undo | stats | artists``: getting data in and looking at it.

Text output goes through ``cli/output.py`` (aligned columns, names that cannot
command the terminal); errors go to stderr once, as one line each.
"""
from __future__ import annotations

import argparse
import sys

from musicrec_gui.cli.interrupts import INTERRUPTED, interrupts
from musicrec_gui.cli.output import print_json, table
from musicrec_gui.cli.progress import TerminalProgress
from musicrec_gui.core import importer, library
from musicrec_gui.core.community.keep import KEEP_CHOICES
from musicrec_gui.core.jobs import Cancelled, StopToken
from musicrec_gui.core.store import Store
from musicrec_gui.core.text import count_text, terminal_text
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
        print_json({"sources": [r.to_json() for r in reports]})
    else:
        for r in reports:
            if not r.error:   # errors go to stderr, below, once
                print(_describe_report(r))
    for r in failed if not args.json else failed[:1]:
        print(f"musicrec: {terminal_text(r.error)}", file=sys.stderr)
    if args.json and len(failed) > 1:
        print(f"musicrec: and {count_text(len(failed) - 1, 'more file')} could not be imported", file=sys.stderr)
    if not failed and importer.nothing_imported(reports):
        print("musicrec: nothing was imported: no listening data was found there", file=sys.stderr)
    return 1 if failed or importer.nothing_imported(reports) else 0


def _describe_report(r: importer.SourceReport) -> str:
    path = terminal_text(r.path)
    if r.ignored:
        return f"{path}: ignored ({terminal_text(r.ignored)})"
    lines = [f"{path}: {terminal_text(r.format_label or '')}"]
    if r.already_imported:
        lines.append(f"  already imported (source #{r.source_id}); nothing added")
        return "\n".join(lines)
    lines.append(f"  rows read {r.rows_read:,}, added {r.added:,} (source #{r.source_id})")
    for reason, count in sorted(r.skipped.items(), key=lambda kv: -kv[1]):
        lines.append(f"  skipped {count:,}: {terminal_text(reason)}")
    if r.malformed:
        where = ", ".join(map(str, r.malformed_lines))
        lines.append(f"  malformed {r.malformed:,} ({'line' if r.malformed == 1 else 'lines'} {where})")
    for note in r.notes:
        lines.append(f"  note: {terminal_text(note)}")
    if r.matched_artists is not None and r.artists:
        lines.append(f"  {terminal_text(r.listener or '')}: {r.matched_artists:,} of {count_text(r.artists, 'artist')} "
                     f"and {r.matched_plays:,} of {count_text(r.plays or 0, 'play')} found in community data")
    return "\n".join(lines)


def cmd_sources(args) -> int:
    rows = Store.open().sources()
    if args.json:
        print_json({"sources": [vars(r) for r in rows]})
        return 0
    if not rows:
        print("No imports yet. Try: musicrec import PATH")
        return 0
    lines = table([("#", "imported", "format", "listener", "added", "file")]
                  + [(f"#{r.id}", r.imported_at, r.format_label, r.listener or "community", f"{r.added:,}", r.path)
                     for r in rows], right=(4,))
    print("\n".join(lines))
    return 0


def cmd_undo(args) -> int:
    importing.undo(Store.open(), args.source_id)
    if args.json:
        print_json({"undone": args.source_id})
    else:
        print(f"Import #{args.source_id} undone.")
    return 0


def cmd_stats(args) -> int:
    stats = library.store_stats(Store.open())
    if args.json:
        print_json(stats)
        return 0
    print(", ".join((count_text(stats["people"], "person", "people"),
                     count_text(stats["community_listeners"], "community listener"),
                     count_text(stats["artists"], "artist"), count_text(stats["listens"], "listen"),
                     count_text(stats["plays"], "play"), count_text(stats["sources"], "source"))))
    for person in stats["people_detail"]:
        share = person["matched_artists"] / person["artists"] if person["artists"] else 0.0
        print(f"  {terminal_text(person['name'])}: {count_text(person['artists'], 'artist')}, "
              f"{count_text(person['plays'], 'play')}; {count_text(person['matched_artists'], 'artist')} "
              f"({share:.0%}) and {count_text(person['matched_plays'], 'play')} found in community data")
    return 0


def cmd_artists(args) -> int:
    rows = Store.open().search_artists(args.search, args.n)
    if args.json:
        print_json({"results": [{"id": i, "artist": name, "listeners": lis, "plays": plays}
                                for i, name, lis, plays in rows]})
        return 0
    print("\n".join(table([(name, count_text(listeners, "listener"), count_text(plays, "play"))
                           for _, name, listeners, plays in rows], right=(1, 2))))
    return 0
