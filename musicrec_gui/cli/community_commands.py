"""``musicrec community newest | download``: community listening data from today, on request.

The ListenBrainz statistics (CC0) are the only download; nothing touches the
network unless one of these commands (or the app's "Add community data") is
run.  ``--mirror URL`` reads another copy of the ``fullexport/`` listing.
"""
from __future__ import annotations

import argparse
import json
import sys

from musicrec_gui.cli.interrupts import INTERRUPTED, interrupts
from musicrec_gui.cli.progress import TerminalProgress
from musicrec_gui.core.community.keep import DEFAULT_KEEP, KEEP_CHOICES
from musicrec_gui.core.jobs import Cancelled, StopToken

SOURCES = ("listenbrainz",)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("community", help="download today's community listening data (ListenBrainz, CC0)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    newest = actions.add_parser("newest", help="the newest statistics on the mirror: date, size, licence, cost")
    newest.add_argument("source", choices=SOURCES)
    newest.add_argument("--mirror", metavar="URL", help="another copy of the fullexport/ listing")
    newest.add_argument("--json", action="store_true")
    newest.set_defaults(func=cmd_newest)

    download = actions.add_parser("download", help="download the newest statistics and import them")
    download.add_argument("source", choices=SOURCES)
    download.add_argument("--keep", choices=list(KEEP_CHOICES), default=DEFAULT_KEEP,
                          help="how many listeners to keep (default %(default)s: "
                               f"{KEEP_CHOICES[DEFAULT_KEEP].label})")
    download.add_argument("--mirror", metavar="URL", help="another copy of the fullexport/ listing")
    download.add_argument("--json", action="store_true", help="print the import result as JSON")
    download.set_defaults(func=cmd_download)


def cmd_newest(args) -> int:
    from musicrec_gui.core.workflows import importing

    offer = importing.newest_listenbrainz(args.mirror, token=StopToken())
    dump = offer.dump
    estimates = {key: (estimate.text() if estimate else None) for key, estimate in offer.estimates.items()}
    if args.json:
        print(json.dumps({"date": dump.created.isoformat(), "url": dump.url, "size": dump.size,
                          "licence": offer.licence, "estimates": estimates}, ensure_ascii=False))
        return 0
    size = f"{dump.size / 1e9:.1f} GB" if dump.size else "size unknown"
    print(f"ListenBrainz statistics of {dump.date_text} ({size}), licence {offer.licence}")
    print(f"  {dump.url}")
    for key, choice in KEEP_CHOICES.items():
        print(f"  --keep {key:<6} {choice.label}: {estimates[key] or 'known once downloaded'}")
    return 0


def cmd_download(args) -> int:
    from musicrec_gui.core.store import Store
    from musicrec_gui.core.workflows import importing

    progress = TerminalProgress(enabled=not args.json)
    token = StopToken()
    try:
        # Ctrl-C cancels: the import is rolled back; what was downloaded stays for a resume.
        with interrupts(token, token):
            outcome = importing.download_listenbrainz(Store.open(), args.keep, args.mirror, token=token,
                                                      report=progress)
    except Cancelled:
        progress.close()
        print("musicrec: cancelled; the store is unchanged (the download resumes next time)", file=sys.stderr)
        return INTERRUPTED
    progress.close()
    if args.json:
        print(json.dumps({"sources": [r.to_json() for r in outcome.reports], "notes": outcome.notes},
                         ensure_ascii=False))
    else:
        print(outcome.title)
        for report in outcome.reports:
            state = report.error or (f"already imported (source #{report.source_id})" if report.already_imported
                                     else f"{report.added:,} listener-artist pairs added (source #{report.source_id})")
            print(f"  {report.path}: {state}")
        for note in outcome.notes:
            print(f"  {note}")
    return 1 if outcome.failed else 0
