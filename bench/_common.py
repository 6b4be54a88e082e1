"""Shared set-up for the benchmarks: where the data is, and the process settings.

``setup_process()`` applies the app's own runtime settings (``core/runtime.py``:
OpenMP waiting policy, allocator thresholds) with 2 threads everywhere, as the
peer harness does (``../shared/bench/peers/envsetup.py``), so our figures are
measured as the app and the CLI run.  ``PLAIN=1`` leaves the allocator alone
(to measure what the tuning is worth).  Call it before importing torch.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
SPLIT = SHARED / "bench" / "split_seed42.npz"
HETREC = SHARED / "data" / "hetrec2011-lastfm-2k"
PEERS_RUN = SHARED / "bench" / "peers" / "run.sh"
BENCH_THREADS = 2


def setup_process(threads: int = BENCH_THREADS) -> str:
    """The runtime settings with ``threads`` threads; returns the line describing them."""
    from musicrec_gui.core import runtime

    os.environ["NUMEXPR_NUM_THREADS"] = str(threads)
    if os.environ.get("PLAIN") == "1":
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[name] = str(threads)
    else:
        runtime.configure(threads=threads)
    import torch

    torch.set_num_threads(threads)
    return runtime.describe()
