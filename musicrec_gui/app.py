"""``musicrec-gui`` / ``python -m musicrec_gui`` / the frozen ``MusicRec``: start the desktop app.

``--version`` and ``--self-test`` are answered before Qt is loaded, so they work
without a display.  On a Linux X11 desktop the libraries Qt's xcb plugin needs
are checked before Qt loads (``desktop_libs``): a missing one is named, with the
command that installs it, instead of Qt's core dump.  A file named ``portable``
next to the executable keeps the store and settings in a ``MusicRec-data``
folder beside it.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

from musicrec_gui import APP_NAME, __version__, desktop_libs
from musicrec_gui.core import runtime
from musicrec_gui.core.paths import HOME_ENV

PORTABLE_MARKER = "portable"
PORTABLE_FOLDER = "MusicRec-data"


def portable_home(executable: str | None = None) -> Path | None:
    """The data folder of a portable install, or ``None`` when no marker sits beside the executable."""
    folder = Path(executable or sys.executable).resolve().parent
    return folder / PORTABLE_FOLDER if (folder / PORTABLE_MARKER).is_file() else None


def main(argv: list[str] | None = None) -> int:
    # A frozen app re-runs this entry point in child processes (t-SNE runs in one):
    # freeze_support() turns those runs into workers instead of second windows.
    multiprocessing.freeze_support()
    runtime.configure()   # before torch loads (threads, OpenMP waiting, allocator)
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--version" in argv:
        print(f"{APP_NAME} {__version__}")
        return 0
    if "--list-devices" in argv:   # the Train page asks a child process, so torch never loads in the window
        from musicrec_gui.core.workflows.training import devices

        print(",".join(devices()))
        return 0
    home = portable_home()
    if home is not None and not os.environ.get(HOME_ENV):
        os.environ[HOME_ENV] = str(home)
    if "--self-test" in argv:
        from musicrec_gui.selftest import run_self_test

        return run_self_test()
    if "--check-desktop" in argv:   # packaging/linux/install-linux.sh: would the window open on X11?
        missing = desktop_libs.missing_libraries()
        print(desktop_libs.install_hint(missing) if missing else "The X11 libraries Qt needs are all there.")
        return desktop_libs.MISSING_EXIT if missing else 0
    if not desktop_libs.check():
        return desktop_libs.MISSING_EXIT
    from musicrec_gui.ui.main_window import run_app

    return run_app(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
