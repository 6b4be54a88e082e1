"""``musicrec-gui`` / ``python -m musicrec_gui``: start the desktop app."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from musicrec_gui.ui.main_window import run_app

    return run_app(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
