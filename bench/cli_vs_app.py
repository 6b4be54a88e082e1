"""Training from the CLI and from the app take the same time, also on a busy machine (prints, asserts nothing).

Both go through ``core/workflows/training.train`` and both entry points apply
``core/runtime.configure()`` first; this checks it where it used to matter: a
2-core machine with another CPU-bound program running, where the CLI without
the passive OpenMP wait policy was 4–20× slower than the app (issue #9).

Cases, each in its own process over the same store (HetRec 2K imported once),
alternating, while one busy-loop process competes for the cores:

* ``musicrec train --preset discover`` (the CLI's entry point);
* the app: a main window (offscreen), Train page, Discover preset, the Train
  button clicked, until the run is saved;
* the CLI with ``OMP_WAIT_POLICY=ACTIVE`` forced: what the CLI did before.

Usage: python bench/cli_vs_app.py [--repeats 3] [--no-load]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._common import HETREC  # noqa: E402

APP_CHILD = """
import json, sys, time
from musicrec_gui.core import runtime
runtime.configure()                       # what musicrec_gui.app.main does first
from PySide6.QtWidgets import QApplication
from musicrec_gui.core.engine.settings import PRESETS
from musicrec_gui.core.store import Store
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.settings import Settings
app = QApplication([])
window = MainWindow(Store.open(), Settings.at(sys.argv[1]))
window.show()
window.show_page("train")
while window.runner.busy:                 # the start-up jobs (saved model, devices)
    app.processEvents(); time.sleep(0.01)
page = window.train
page.form.set_settings(PRESETS["discover"], "discover")
outcomes = []
start = time.perf_counter()
job = page.train()
job.succeeded.connect(outcomes.append)
while window.runner.busy:
    app.processEvents(); time.sleep(0.005)
wall = time.perf_counter() - start
window.close()
result = outcomes[0].result
print(json.dumps({"seconds": result.seconds, "wall": wall, "epochs": result.epochs_run}))
"""


def _run(command: list[str], env: dict) -> dict:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - start
    data = json.loads(done.stdout.strip().splitlines()[-1])
    data.setdefault("wall", wall)
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-load", action="store_true", help="without the competing busy process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MUSICREC_HOME": str(Path(tmp) / "home"), "QT_QPA_PLATFORM": "offscreen"}
        env.pop("OMP_WAIT_POLICY", None)
        subprocess.run([sys.executable, "-m", "musicrec_gui.cli", "import", str(HETREC), "--json"],
                       env=env, check=True, capture_output=True)
        cli = [sys.executable, "-m", "musicrec_gui.cli", "train", "--preset", "discover", "--json"]
        app = [sys.executable, "-c", APP_CHILD, str(Path(tmp) / "settings.ini")]
        cases = {"CLI  musicrec train --preset discover": (cli, env),
                 "app  Train page, Discover, Train clicked": (app, env),
                 "CLI  with OMP_WAIT_POLICY=ACTIVE (as before)": (cli, {**env, "OMP_WAIT_POLICY": "ACTIVE"})}
        busy = None if args.no_load else subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            times: dict[str, list[dict]] = {name: [] for name in cases}
            for _ in range(args.repeats):
                for name, (command, case_env) in cases.items():
                    times[name].append(_run(command, case_env))
        finally:
            if busy is not None:
                busy.kill()
    from musicrec_gui.core import runtime

    runtime.configure()
    print(f"runtime: {runtime.describe()}; load: {'none' if args.no_load else 'one busy-loop process'}; "
          f"{os.cpu_count()} CPUs; medians of {args.repeats}")
    reference = statistics.median(r["seconds"] for r in times[next(iter(cases))])
    print(f"{'case':<48} {'fit s':>7} {'wall s':>7} {'vs CLI':>7}")
    for name, runs in times.items():
        fit = statistics.median(r["seconds"] for r in runs)
        wall = statistics.median(r["wall"] for r in runs)
        print(f"{name:<48} {fit:>7.2f} {wall:>7.2f} {fit / reference:>6.2f}×")


if __name__ == "__main__":
    main()
