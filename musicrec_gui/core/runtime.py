"""The process settings every entry point applies once, before torch loads: one place, one reason each.

``configure()`` is called first thing by the app, the CLI, the self-test and
the benchmarks (and the frozen app through the app's entry point):

* ``OMP_WAIT_POLICY=PASSIVE`` — OpenMP's default lets idle worker threads spin
  for a while.  On a 2-core machine shared with the GUI thread or another
  program, the spinning threads steal the cores the work needs: training was
  4–20× slower in the CLI than in the app, which already slept (DESIGN §7).
  It must be in the environment before torch loads libgomp.
* glibc ``mallopt`` thresholds — by default glibc returns large freed blocks to
  the system and maps them afresh, so a training step's big temporaries
  page-fault again every step (2–3× slower, DESIGN §3).  Keeping blocks up to
  ``MMAP_THRESHOLD`` on the heap and trimming only above ``TRIM_THRESHOLD``
  lets them be reused.  Skipped where the C library is not glibc.
* the interpreter's switch interval — a thread that waits for the GIL asks the
  running one to hand it over after ``SWITCH_INTERVAL_S`` (Python's default is
  5 ms).  The app's GUI thread takes the GIL for every Python callback Qt makes
  while painting, often hundreds per frame; with a page computation running
  Python beside it, each one waited up to 5 ms: the Similar page's first visit
  froze the window for 450 ms at Last.fm-360K size, and under 100 ms at 0.5 ms.
  A thread running alone is never asked to hand the GIL over, so the CLI and
  the benchmarks lose nothing.
* threads — torch's own default (one per core) unless ``MUSICREC_THREADS`` or
  the caller says otherwise; the benchmarks pin 2 to match the reference runs.

Settings already chosen by the person's environment win over ours.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

THREADS_ENV = "MUSICREC_THREADS"
MMAP_THRESHOLD = 32 * 1024 * 1024     # bytes: allocations below this come from the heap
TRIM_THRESHOLD = 1 << 30              # bytes of free heap kept before returning memory
SWITCH_INTERVAL_S = 0.0005
_M_TRIM_THRESHOLD = -1                # glibc's mallopt parameter numbers
_M_MMAP_THRESHOLD = -3

_state: dict[str, str] = {}


def configure(threads: int | None = None) -> None:
    """Apply the settings (idempotent).  ``threads`` pins torch's CPU threads (else the env or torch's default)."""
    if threads is None:
        env = os.environ.get(THREADS_ENV, "")
        threads = int(env) if env.isdigit() and int(env) > 0 else None
    if threads:
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(name, str(threads))
        _state["threads"] = str(threads)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    if "allocator" not in _state:
        _state["allocator"] = _tune_allocator()
    if threads and "torch" in sys.modules:   # too late for the environment: tell torch directly
        import torch

        torch.set_num_threads(threads)


def _tune_allocator() -> str:
    if not sys.platform.startswith("linux"):
        return "system default"
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        if not hasattr(libc, "mallopt"):
            return "system default (no mallopt)"
        ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    except OSError:
        return "system default (no glibc)"
    if not ok:
        return "system default (mallopt refused)"
    return f"glibc mmap threshold {MMAP_THRESHOLD >> 20} MiB, trim threshold {TRIM_THRESHOLD >> 20} MiB"


def describe() -> str:
    """The settings in force, in one line (benchmarks print it)."""
    if "torch" in sys.modules:
        import torch

        threads = f"{torch.get_num_threads()} torch threads"
    else:
        chosen = _state.get("threads")
        threads = f"{chosen} threads" if chosen else "torch's default threads"
    return (f"{threads}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, "
            f"allocator: {_state.get('allocator', 'not configured')}, "
            f"switch interval {sys.getswitchinterval() * 1000:g} ms")
