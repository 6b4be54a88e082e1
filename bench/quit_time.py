"""How long the process lingers after File → Quit (not a test; prints figures).

Each run starts the real app (``musicrec_gui.app.main``) in a child process over
a data folder with a trained model, shows every page once (so the exploring
pages have computed), presses Quit and measures, from the child's own clock,
Quit → the event loop returning → the process gone.  Medians are printed.

Usage: MUSICREC_HOME=/folder/with/a/trained/model python bench/quit_time.py [--runs 3] [--pages train,artists,…]
Runs offscreen unless QT_QPA_PLATFORM or DISPLAY say otherwise.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PAGES = "library,train,artists,similar,for_you,map"
STEP_MS = 3000   # per page: long enough for its computations to finish


def child(pages: list[str]) -> int:
    """Inside the child: the app, with a timer that walks the pages and then presses Quit."""
    from PySide6.QtCore import QTimer

    import musicrec_gui.ui.main_window as main_window
    from musicrec_gui.app import main

    show = main_window.MainWindow.show

    def show_then_walk(window) -> None:
        show(window)

        def visit(left: list[str]) -> None:
            if left:
                window.show_page(left[0])
                QTimer.singleShot(STEP_MS, lambda: visit(left[1:]))
            else:
                print(f"quit {time.time():.4f}", flush=True)
                window.quit_action.trigger()

        QTimer.singleShot(STEP_MS, lambda: visit(pages))

    main_window.MainWindow.show = show_then_walk
    status = main([])
    print(f"returned {time.time():.4f}", flush=True)
    return status


def one_run(pages: str) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    if not env.get("DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    process = subprocess.Popen([sys.executable, __file__, "--child", pages], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)
    marks = {}
    for line in process.stdout:
        word, _, stamp = line.strip().partition(" ")
        if word in ("quit", "returned"):
            marks[word] = float(stamp)
    process.wait(timeout=120)
    gone = time.time()
    if set(marks) != {"quit", "returned"}:
        raise SystemExit(f"the app did not get to Quit (status {process.returncode})")
    return marks["returned"] - marks["quit"], gone - marks["quit"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default=PAGES)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        sys.exit(child([p for p in args.child.split(",") if p]))
    runs = [one_run(args.pages) for _ in range(args.runs)]
    loop = statistics.median(r[0] for r in runs)
    total = statistics.median(r[1] for r in runs)
    print(f"after visiting {args.pages}, over {args.runs} runs (medians):")
    print(f"  Quit → event loop returned: {loop * 1000:.0f} ms")
    print(f"  Quit → process gone:        {total * 1000:.0f} ms  (all: {', '.join(f'{r[1]:.2f}' for r in runs)} s)")


if __name__ == "__main__":
    main()
