"""A long file-level fuzz run over every shared export (not a test): prints what it found.

Runs the cases of ``tests/test_import_file_fuzz.py`` (mutated copies written
to disk, imported into a fresh store, checked) for many rounds and prints the
number of cases, tracebacks, hangs and other problems, with the seeds to
replay them.

Usage: python bench/import_fuzz.py [--rounds 20] [--first-round 2]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from test_import_file_fuzz import EXPORTS, EXPORT_FILES, case_seed, run_case  # noqa: E402 (needs the path above)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--first-round", type=int, default=2, help="rounds below this are run by the test")
    args = parser.parse_args()
    kinds: Counter[str] = Counter()
    problems: list[str] = []
    cases = 0
    started = time.perf_counter()
    for round_ in range(args.first_round, args.first_round + args.rounds):
        for name in EXPORT_FILES:
            with tempfile.TemporaryDirectory() as tmp:
                found = run_case(EXPORTS / name, Path(tmp), case_seed(name, round_))
            cases += 1
            for problem in found:
                kinds[problem.split(":")[0]] += 1
                problems.append(f"{name} round {round_}: {problem}")
        print(f"round {round_}: {cases} cases, {len(problems)} problems, "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    print(f"\n{cases} cases over {len(EXPORT_FILES)} exports in {time.perf_counter() - started:.0f} s")
    print(f"tracebacks {kinds['exception']}, hangs {kinds['hang']}, "
          f"other problems {len(problems) - kinds['exception'] - kinds['hang']}")
    for problem in problems:
        print("  " + problem)


if __name__ == "__main__":
    main()
