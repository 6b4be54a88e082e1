"""Shared set-up for the engine benchmarks: where the data is, and the process settings.

``setup_process()`` mirrors the peer harness (``../shared/bench/peers/envsetup.py``):
2 threads everywhere and, unless ``PLAIN=1``, glibc ``mallopt`` thresholds so big
temporaries are reused instead of page-faulted afresh.  Call it before importing torch.
"""
from __future__ import annotations

import ctypes
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
SPLIT = SHARED / "bench" / "split_seed42.npz"
HETREC = SHARED / "data" / "hetrec2011-lastfm-2k"
PEERS_RUN = SHARED / "bench" / "peers" / "run.sh"


def setup_process(threads: int = 2) -> str:
    """Thread limits and (unless PLAIN=1) the allocator tweak; returns a description."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[name] = str(threads)
    plain = os.environ.get("PLAIN") == "1"
    if not plain:
        try:
            libc = ctypes.CDLL("libc.so.6")
            libc.mallopt(-3, 32 * 1024 * 1024)   # M_MMAP_THRESHOLD
            libc.mallopt(-1, 1 << 30)            # M_TRIM_THRESHOLD
        except OSError:                          # not glibc
            plain = True
    import torch

    torch.set_num_threads(threads)
    return f"{threads} threads" + ("" if plain else ", mallopt(M_MMAP_THRESHOLD=32MiB, M_TRIM_THRESHOLD=1GiB)")
