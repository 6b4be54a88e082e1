"""The ``musicrec`` command line: the same core the GUI uses, for terminals and scripts.

Each command module exposes ``register(subparsers)``; a registered sub-parser
sets ``func`` (called with the parsed args, returns an exit status).
"""
from __future__ import annotations

import argparse
import sys

from musicrec_gui import __version__
from musicrec_gui.cli.interrupts import INTERRUPTED
from musicrec_gui.cli.output import quiet_broken_pipe
from musicrec_gui.core import runtime
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.jobs import Cancelled
from musicrec_gui.core.text import terminal_text


def build_parser() -> argparse.ArgumentParser:
    from musicrec_gui.cli import community_commands, data_commands, engine_commands, listener_commands

    parser = argparse.ArgumentParser(prog="musicrec", description="MusicRec on the command line.")
    parser.add_argument("--version", action="version", version=f"musicrec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    data_commands.register(sub)
    engine_commands.register(sub)
    listener_commands.register(sub)
    community_commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    runtime.configure()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        with quiet_broken_pipe():   # `musicrec … | head` ends quietly
            return int(args.func(args) or 0)
    except (KeyboardInterrupt, Cancelled):
        print("musicrec: interrupted", file=sys.stderr)
        return INTERRUPTED
    except MusicRecError as exc:
        print(f"musicrec: {terminal_text(str(exc))}", file=sys.stderr)   # messages quote file names
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
