"""Training data: listener × artist values with index maps back to names.

Two sources give the same ``Dataset``:

* ``build_dataset(plays, artists, listeners)`` — the store's three frames
  (``Store.play_frame()``, ``artist_frame()``, ``listener_frame()``), or hand-made
  frames in tests;
* ``load_split(path)`` — the bench split file (``bench/README.md`` §1), whose test
  part comes back separately for evaluation.

Everything is vectorised over rows (numpy/pandas); the only Python loop is the
filter's fixed-point iteration, a handful of passes at most.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from musicrec_gui.core.errors import EngineError
from musicrec_gui.core.names import PLACEHOLDER_KEYS, normalize_name

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_STREAM = 7   # the validation sample's random stream, apart from the holdout's (same seed)
PLAY_CHUNK = 1 << 20   # rows per fetch when reading the store's plays


@dataclass(frozen=True, eq=False)
class Interactions:
    """(listener, artist) pairs in index space, sorted by listener then artist."""

    listener: np.ndarray   # int64 listener index
    artist: np.ndarray     # int64 artist index
    value: np.ndarray      # float32 transformed value (the training target)
    plays: np.ndarray      # int64 raw play count

    def __len__(self) -> int:
        return int(self.listener.shape[0])

    def select(self, mask: np.ndarray) -> Interactions:
        return Interactions(self.listener[mask], self.artist[mask], self.value[mask], self.plays[mask])

    def csr(self, n_listeners: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(indptr, artist indices, values) per listener, like a CSR matrix."""
        counts = np.bincount(self.listener, minlength=n_listeners)
        indptr = np.zeros(n_listeners + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return indptr, self.artist, self.value

    @staticmethod
    def empty() -> Interactions:
        return Interactions(np.zeros(0, np.int64), np.zeros(0, np.int64),
                            np.zeros(0, np.float32), np.zeros(0, np.int64))


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and validation pairs plus the index maps (row ``u`` ↔ ``listener_ids[u]``)."""

    train: Interactions
    valid: Interactions
    listener_ids: np.ndarray     # int64, ascending
    listener_names: np.ndarray   # object (str)
    listener_kinds: np.ndarray   # object (str): 'person' | 'community'
    artist_ids: np.ndarray       # int64, ascending
    artist_names: np.ndarray     # object (str)
    artist_norms: np.ndarray     # object (str), normalised names for matching
    transform: str = "log1p"
    value_mean: float = 0.0      # zscore: value = (plays - mean) / std
    value_std: float = 1.0

    @property
    def n_listeners(self) -> int:
        return int(self.listener_ids.shape[0])

    @property
    def n_artists(self) -> int:
        return int(self.artist_ids.shape[0])

    def all_pairs(self) -> Interactions:
        """Train and validation together, sorted (what each listener has played)."""
        both = [self.train, self.valid]
        listener = np.concatenate([p.listener for p in both])
        artist = np.concatenate([p.artist for p in both])
        order = np.lexsort((artist, listener))
        return Interactions(listener[order], artist[order],
                            np.concatenate([p.value for p in both])[order],
                            np.concatenate([p.plays for p in both])[order])

    def artist_listener_counts(self) -> np.ndarray:
        """Listeners per artist over train and validation."""
        pairs = self.all_pairs()
        return np.bincount(pairs.artist, minlength=self.n_artists).astype(np.int64)

    def artist_play_totals(self) -> np.ndarray:
        pairs = self.all_pairs()
        return np.bincount(pairs.artist, weights=pairs.plays, minlength=self.n_artists).astype(np.int64)


@dataclass(frozen=True, eq=False)
class BenchSplit:
    """The bench split: a Dataset (train, maybe a validation carve) and the test pairs."""

    dataset: Dataset
    test: Interactions
    sha256: str
    path: str
    rating_low: float    # min train log1p(plays): RMSE clips predictions to [low, high]
    rating_high: float


def transform_plays(plays: np.ndarray, transform: str, mean: float = 0.0,
                    std: float = 1.0, dtype=np.float32) -> np.ndarray:
    """The training value for raw play counts (float32 for training, float64 for metrics)."""
    plays = plays.astype(np.float64)
    if transform == "log1p":
        values = np.log1p(plays)
    elif transform == "zscore":
        values = (plays - mean) / std
    else:
        raise EngineError(f"unknown transform {transform!r}")
    return values.astype(dtype)


def untransform_plays(values: np.ndarray, transform: str, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """The raw play counts (whole, at least 1) that ``transform_plays`` turned into ``values``."""
    values = np.asarray(values, dtype=np.float64)
    if transform == "log1p":
        raw = np.expm1(values)
    elif transform == "zscore":
        raw = values * std + mean
    else:
        raise EngineError(f"unknown transform {transform!r}")
    return np.maximum(np.rint(raw), 1).astype(np.int64)


def holdout_mask(listener: np.ndarray, n_listeners: int, share: float, seed: int) -> np.ndarray:
    """True for the pairs held out: ``round(share · n)`` random artists of each listener.

    Every listener keeps at least one training artist; a listener with two or
    more artists gives at least one when ``share > 0``.  Seeded, so reproducible.
    """
    n = listener.shape[0]
    if share <= 0 or n == 0:
        return np.zeros(n, dtype=bool)
    rng = np.random.default_rng(seed)
    key = rng.random(size=(n,))
    order = np.lexsort((key, listener))          # grouped by listener, random inside
    counts = np.bincount(listener, minlength=n_listeners)
    starts = np.cumsum(counts) - counts
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.repeat(starts, counts)
    n_hold = np.floor(share * counts + 0.5).astype(np.int64)
    n_hold = np.where(counts >= 2, np.maximum(n_hold, 1), 0)
    n_hold = np.minimum(n_hold, np.maximum(counts - 1, 0))
    return rank < n_hold[listener]


def sample_listeners(listener: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Sorted distinct listeners of ``listener``: all of them, or ``size`` drawn at random.

    The validation sample: scoring 5,000 listeners against every artist estimates
    Recall@20 to about ±0.003, at a cost that does not grow with the listener count.
    Seeded, so every validation of a run (and every run with the seed) uses the same
    listeners.  ``size`` 0 means all.
    """
    rows = np.unique(listener)
    if size <= 0 or rows.size <= size:
        return rows
    return np.sort(np.random.default_rng([seed, SAMPLE_STREAM]).choice(rows, size, replace=False))


def rows_csr(indptr: np.ndarray, items: np.ndarray, rows: np.ndarray):
    """The CSR rows ``rows`` of (indptr, items), as a new (indptr, items)."""
    counts = np.diff(indptr)[rows]
    new_indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=new_indptr[1:])
    # position in the old arrays = old row start + offset inside the row
    take = np.repeat(indptr[rows] - new_indptr[:-1], counts) + np.arange(new_indptr[-1])
    return new_indptr, items[take]


def _filter_counts(listener: np.ndarray, artist: np.ndarray, min_listeners: int,
                   min_artists: int) -> np.ndarray:
    """Rows kept once both minimums hold together (iterated to a fixed point)."""
    keep = np.ones(listener.shape[0], dtype=bool)
    n_l = int(listener.max()) + 1 if listener.size else 0
    n_a = int(artist.max()) + 1 if artist.size else 0
    for _ in range(50):   # converges in a few passes; the bound is only a safety net
        per_artist = np.bincount(artist[keep], minlength=n_a)
        per_listener = np.bincount(listener[keep], minlength=n_l)
        new_keep = keep & (per_artist[artist] >= min_listeners) & (per_listener[listener] >= min_artists)
        if np.array_equal(new_keep, keep):
            break
        keep = new_keep
    return keep


def build_dataset(plays: pd.DataFrame, artists: pd.DataFrame, listeners: pd.DataFrame, *,
                  transform: str = "log1p", min_listeners: int = 1, min_artists: int = 1,
                  valid_share: float = 0.1, seed: int = 0) -> Dataset:
    """A Dataset from the store's frames (see the module docstring for their columns)."""
    import pandas as pd  # here, not at the top: loading a split needs no pandas (−33 MB)

    for frame, columns, label in ((plays, ("listener_id", "artist_id", "plays"), "plays"),
                                  (artists, ("artist_id", "name", "norm"), "artists"),
                                  (listeners, ("listener_id", "name", "kind"), "listeners")):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise EngineError(f"{label} frame lacks columns: {', '.join(missing)}")
    frame = plays[["listener_id", "artist_id", "plays"]]
    frame = frame[frame["plays"].to_numpy() > 0]
    if frame.duplicated(["listener_id", "artist_id"]).any():
        frame = frame.groupby(["listener_id", "artist_id"], as_index=False, sort=False)["plays"].sum()
    # Placeholders such as "[unknown]" are not artists (DESIGN §5).
    placeholder_ids = artists.loc[artists["norm"].isin(PLACEHOLDER_KEYS) | (artists["norm"] == ""),
                                  "artist_id"].to_numpy()
    frame = frame[~frame["artist_id"].isin(placeholder_ids)]

    raw_listener = frame["listener_id"].to_numpy(np.int64)
    raw_artist = frame["artist_id"].to_numpy(np.int64)
    raw_plays = frame["plays"].to_numpy(np.int64)
    listener_ids, listener_code = np.unique(raw_listener, return_inverse=True)
    artist_ids, artist_code = np.unique(raw_artist, return_inverse=True)
    keep = _filter_counts(listener_code, artist_code, min_listeners, min_artists)
    if not keep.any():
        raise EngineError("no listening data left to train on (import some, or lower the "
                          "minimum listeners/artists filters)")
    listener_ids, listener_code = np.unique(raw_listener[keep], return_inverse=True)
    artist_ids, artist_code = np.unique(raw_artist[keep], return_inverse=True)
    raw_plays = raw_plays[keep]

    order = np.lexsort((artist_code, listener_code))
    listener_code, artist_code, raw_plays = listener_code[order], artist_code[order], raw_plays[order]
    held = holdout_mask(listener_code, len(listener_ids), valid_share, seed)
    mean, std = 0.0, 1.0
    if transform == "zscore":
        train_plays = raw_plays[~held].astype(np.float64)
        mean, std = float(train_plays.mean()), float(train_plays.std() or 1.0)
    values = transform_plays(raw_plays, transform, mean, std)
    everything = Interactions(listener_code.astype(np.int64), artist_code.astype(np.int64), values, raw_plays)

    artist_table = artists.drop_duplicates("artist_id").set_index("artist_id")
    listener_table = listeners.drop_duplicates("listener_id").set_index("listener_id")
    artist_names = artist_table["name"].reindex(artist_ids)
    artist_norms = artist_table["norm"].reindex(artist_ids)
    fallback = pd.Series(artist_ids, index=artist_ids).map(lambda i: f"artist {i}")
    listener_names = listener_table["name"].reindex(listener_ids)
    listener_kinds = listener_table["kind"].reindex(listener_ids).fillna("community")
    listener_fallback = pd.Series(listener_ids, index=listener_ids).map(lambda i: f"listener {i}")
    return Dataset(
        train=everything.select(~held), valid=everything.select(held),
        listener_ids=listener_ids.astype(np.int64),
        listener_names=listener_names.fillna(listener_fallback).to_numpy(object),
        listener_kinds=listener_kinds.to_numpy(object),
        artist_ids=artist_ids.astype(np.int64),
        artist_names=artist_names.fillna(fallback).to_numpy(object),
        artist_norms=artist_norms.fillna(fallback.map(normalize_name)).to_numpy(object),
        transform=transform, value_mean=mean, value_std=std)


def dataset_from_store(store, community: tuple[str, ...] = (), **options) -> Dataset:
    """``build_dataset`` over an open ``Store`` (options as for ``build_dataset``): every
    person's plays without the listening they excluded from their taste, and the
    community listeners of the ``community`` datasets (format keys; () = all of them)."""
    from musicrec_gui.core.preferences import without_excluded

    plays = without_excluded(store, _store_plays(store))
    if community:
        marks = ",".join("?" * len(community))
        left_out = [row[0] for row in store.connection().execute(
            f"SELECT id FROM listeners WHERE kind = 'community' AND dataset NOT IN ({marks})", tuple(community))]
        plays = plays[~plays["listener_id"].isin(left_out)]
    return build_dataset(plays, store.artist_frame(), store.listener_frame(), **options)


def _store_plays(store) -> pd.DataFrame:
    """``Store.play_frame()`` read a chunk of rows at a time into int64 columns.

    ``pd.read_sql_query`` first builds a Python tuple per row: for the 17.5 M rows of
    Last.fm 360K that was 3 GB, most of a training run's peak memory (4.0 GB); chunks
    of ``PLAY_CHUNK`` rows keep the extra to one chunk's tuples.  Same query and order.
    """
    import pandas as pd

    cursor = store.connection().execute(
        "SELECT listener_id, artist_id, plays FROM plays ORDER BY listener_id, artist_id")
    chunks = [np.zeros((0, 3), dtype=np.int64)]
    while rows := cursor.fetchmany(PLAY_CHUNK):
        chunks.append(np.array(rows, dtype=np.int64))
    table = np.concatenate(chunks)
    del chunks
    return pd.DataFrame({"listener_id": table[:, 0].copy(), "artist_id": table[:, 1].copy(),
                         "plays": table[:, 2].copy()})


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_split(path: str | Path, *, valid_share: float = 0.0, seed: int = 0,
               transform: str = "log1p", artists: pd.DataFrame | None = None) -> BenchSplit:
    """The bench split file; ``valid_share > 0`` carves a validation part out of train.

    ``artists`` (columns artist_id, name) optionally supplies display names for the
    split's artist ids (HetRec ``artists.dat``); otherwise names are "artist <id>".
    """
    path = Path(path)
    if not path.exists():
        raise EngineError(f"split file not found: {path}")
    with np.load(path, allow_pickle=False) as npz:
        try:
            arrays = {k: npz[k] for k in ("user_ids", "item_ids", "train_u", "train_i", "train_w",
                                          "test_u", "test_i", "test_w")}
        except KeyError as exc:
            raise EngineError(f"{path} is not a bench split file (missing {exc})") from None
    n_users = len(arrays["user_ids"])
    tu, ti = arrays["train_u"].astype(np.int64), arrays["train_i"].astype(np.int64)
    tw = arrays["train_w"].astype(np.int64)
    held = holdout_mask(tu, n_users, valid_share, seed)
    mean, std = 0.0, 1.0
    if transform == "zscore":
        mean, std = float(tw[~held].mean()), float(tw[~held].std() or 1.0)
    train_all = Interactions(tu, ti, transform_plays(tw, transform, mean, std), tw)
    test_w = arrays["test_w"].astype(np.int64)
    test = Interactions(arrays["test_u"].astype(np.int64), arrays["test_i"].astype(np.int64),
                        transform_plays(test_w, transform, mean, std), test_w)
    item_ids = arrays["item_ids"].astype(np.int64)
    names = np.array([f"artist {i}" for i in item_ids], dtype=object)
    if artists is not None:
        known = dict(zip(artists["artist_id"].to_numpy(np.int64), artists["name"]))
        names = np.array([known.get(int(i), name) for i, name in zip(item_ids, names)], dtype=object)
    user_ids = arrays["user_ids"].astype(np.int64)
    dataset = Dataset(
        train=train_all.select(~held), valid=train_all.select(held),
        listener_ids=user_ids,
        listener_names=np.array([f"user {u}" for u in user_ids], dtype=object),
        listener_kinds=np.full(n_users, "community", dtype=object),
        artist_ids=item_ids, artist_names=names,
        artist_norms=np.array([normalize_name(n) for n in names], dtype=object),
        transform=transform, value_mean=mean, value_std=std)
    log_w = np.log1p(tw.astype(np.float64))
    return BenchSplit(dataset=dataset, test=test, sha256=file_sha256(path), path=str(path),
                      rating_low=float(log_w.min()), rating_high=float(log_w.max()))
