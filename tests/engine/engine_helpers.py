"""Engine test helpers: where the shared bench data is, small synthetic datasets."""
from __future__ import annotations

import numpy as np
import pandas as pd
from shared_data import HETREC, SPLIT  # noqa: F401  (re-exported: the engine tests import them from here)
from shared_data import require_shared as shared_file  # noqa: F401  (the engine tests' name for it)


def synthetic_frames(n_listeners: int = 60, n_artists: int = 40, seed: int = 0, per_listener: int = 12):
    """Store-shaped frames with a simple taste structure (two groups of listeners)."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_listeners):
        group = u % 2
        pool = np.arange(n_artists // 2) + group * (n_artists // 2)
        chosen = rng.choice(pool, size=min(per_listener, len(pool)), replace=False)
        for a in chosen:
            rows.append((100 + u, 1000 + int(a), int(rng.integers(1, 500))))
    plays = pd.DataFrame(rows, columns=["listener_id", "artist_id", "plays"]).astype("int64")
    artists = pd.DataFrame({"artist_id": np.arange(1000, 1000 + n_artists, dtype=np.int64),
                            "name": [f"Artist {a}" for a in range(n_artists)],
                            "norm": [f"artist {a}" for a in range(n_artists)]})
    listeners = pd.DataFrame({"listener_id": np.arange(100, 100 + n_listeners, dtype=np.int64),
                              "name": ["you"] + [f"user{u}" for u in range(1, n_listeners)],
                              "kind": ["person"] + ["community"] * (n_listeners - 1)})
    return plays, artists, listeners


def fill_store(store, frames) -> None:
    """Write store-shaped frames (``synthetic_frames``) straight into a real ``Store``."""
    plays, artists, listeners = frames
    with store.transaction() as conn:
        conn.executemany("INSERT INTO listeners (id, kind, dataset, external_id, name) VALUES (?, ?, ?, ?, ?)",
                         [(int(i), kind, "" if kind == "person" else "test", name, name)
                          for i, name, kind in listeners[["listener_id", "name", "kind"]].itertuples(index=False)])
        conn.executemany("INSERT INTO artists (id, name, norm) VALUES (?, ?, ?)",
                         [(int(i), name, norm) for i, name, norm in artists.itertuples(index=False)])
        conn.executemany("INSERT INTO plays (listener_id, artist_id, plays) VALUES (?, ?, ?)",
                         [tuple(map(int, row)) for row in plays.itertuples(index=False)])
