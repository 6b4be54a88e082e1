"""Time from launch to a visible main window (not a test): cold and warm, medians printed.

"Cold" is the first launch in this run (the OS file cache may still hold files
from earlier runs: drop caches first for a true cold start, where allowed);
"warm" is the median of the following launches.  Each launch uses a fresh data
folder holding a small imported store, like a returning user's.

Usage: python bench/startup.py [--app PATH_TO_FROZEN_APP] [--runs 5]
       (without --app: `python -m musicrec_gui` from this checkout)
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def launch(command: list[str], home: str) -> float:
    env = {**os.environ, "MUSICREC_HOME": home, "MUSICREC_EXIT_WHEN_SHOWN": "1",
           "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    for line in process.stdout:
        if line.strip() == "window-shown":
            elapsed = time.perf_counter() - start
            break
    else:
        raise SystemExit(f"the app exited without showing its window (status {process.wait()})")
    process.wait(timeout=60)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", help="the frozen executable (default: python -m musicrec_gui)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    command = [args.app] if args.app else [sys.executable, "-m", "musicrec_gui"]
    with tempfile.TemporaryDirectory() as home:
        from musicrec_gui.selftest import write_fixture

        community, export = write_fixture(Path(home) / "fixture")
        subprocess.run([sys.executable, "-m", "musicrec_gui.cli", "import", str(community), str(export)],
                       check=True, capture_output=True, env={**os.environ, "MUSICREC_HOME": home})
        times = [launch(command, home) for _ in range(args.runs)]
    print(f"startup to visible main window ({' '.join(command)}):")
    print(f"  cold (first launch): {times[0]:.2f} s")
    print(f"  warm (median of {len(times) - 1}): {statistics.median(times[1:]):.2f} s  "
          f"(all: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
