"""Generated Last.fm-360K-format community data with a planted taste structure (benchmarks only).

The real Last.fm 360K dataset has 17.5 M listener–artist play counts from
359 K listeners over ~160 K artists (~49 artists per listener).  This module
writes a file of the same format and shape from a fixed seed, generated from a
known model, so a benchmark can check what a recommender learned against the
truth instead of only timing it:

* each artist has a popularity weight (Zipf-like over a random rank) and one
  of ``GENRES`` genres;
* each listener has a taste over genres (a sparse Dirichlet draw);
* a listener's artists are drawn without replacement from
  p(u, i) = MAINSTREAM·w_i/W + (1 − MAINSTREAM)·θ_u,g(i)·w_i/W_g(i)
  (a rank-``GENRES`` structure plus popularity), and their play counts are
  heavy tailed, larger where the taste is stronger.

``planted_top_n`` ranks artists by that p(u, i): the truth a model's top-N is
compared with.  Nothing generated here is ever committed.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FULL_LISTENERS = 359_347
FULL_ARTISTS = 160_168
GENRES = 24
MAINSTREAM = 0.3          # share of picks that follow popularity alone
TASTE_CONCENTRATION = 0.15  # Dirichlet α: most listeners love one to three genres
FULL_LIBRARY = 50         # Last.fm 360K lists a listener's top 50 artists
SHORT_LIBRARY_SHARE = 0.06  # listeners with fewer artists (5–49): mean ≈ 48.6 artists
ZIPF_EXPONENT = 1.0
ZIPF_OFFSET = 40.0
LISTENER_CHUNK = 20_000


@dataclass(frozen=True, eq=False)
class Planted:
    """The model the file was drawn from."""

    taste: np.ndarray          # (N, GENRES) float64, rows sum to 1
    artist_genre: np.ndarray   # (M,) int64
    artist_weight: np.ndarray  # (M,) float64 popularity weight
    listener_keys: np.ndarray  # (N,) object: the file's user column
    artist_names: np.ndarray   # (M,) object: the file's artist-name column

    @property
    def n_listeners(self) -> int:
        return int(self.taste.shape[0])

    @property
    def n_artists(self) -> int:
        return int(self.artist_genre.shape[0])

    def probabilities(self, listeners: np.ndarray) -> np.ndarray:
        """p(u, i) for the given listener indices and every artist: (len, M)."""
        weight = self.artist_weight
        genre_total = np.bincount(self.artist_genre, weights=weight, minlength=GENRES)
        within_genre = weight / genre_total[self.artist_genre]
        taste = self.taste[listeners][:, self.artist_genre]
        return MAINSTREAM * weight / weight.sum() + (1.0 - MAINSTREAM) * taste * within_genre

    def save(self, path: Path) -> None:
        np.savez(path, taste=self.taste, artist_genre=self.artist_genre, artist_weight=self.artist_weight,
                 listener_keys=self.listener_keys.astype(str), artist_names=self.artist_names.astype(str))

    @classmethod
    def load(cls, path: Path) -> Planted:
        with np.load(path, allow_pickle=False) as npz:
            return cls(npz["taste"], npz["artist_genre"], npz["artist_weight"],
                       npz["listener_keys"].astype(object), npz["artist_names"].astype(object))


def sizes(fraction: float) -> tuple[int, int]:
    """(listeners, artists) for a share of the full dataset (artists shrink more slowly, as in real data)."""
    return max(100, round(FULL_LISTENERS * fraction)), max(500, round(FULL_ARTISTS * fraction ** 0.5))


def write_lastfm360k(path: str | Path, fraction: float = 1.0, seed: int = 360) -> Planted:
    """Write ``path`` (the 360K TSV: user sha1, artist MBID, artist name, plays) and return the truth."""
    path = Path(path)
    n_listeners, n_artists = sizes(fraction)
    rng = np.random.default_rng(seed)
    rank = rng.permutation(n_artists)
    weight = 1.0 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT
    genre = rng.integers(0, GENRES, size=n_artists)
    taste = rng.dirichlet(np.full(GENRES, TASTE_CONCENTRATION), size=n_listeners)
    planted = Planted(taste, genre, weight, _listener_keys(n_listeners), _artist_names(n_artists, rng))
    mbids = _mbids(n_artists, rng)

    # Per genre, the artists in it and the cumulative weights to draw from.
    by_genre = [np.flatnonzero(genre == g) for g in range(GENRES)]
    genre_cdf = [np.cumsum(weight[a]) / weight[a].sum() for a in by_genre]
    global_cdf = np.cumsum(weight) / weight.sum()
    with open(path, "w", encoding="utf-8", newline="") as out:
        for start in range(0, n_listeners, LISTENER_CHUNK):
            users = np.arange(start, min(n_listeners, start + LISTENER_CHUNK))
            listener, artist = _draw_libraries(users, taste, by_genre, genre_cdf, global_cdf, rng)
            strength = taste[listener, genre[artist]]
            plays = np.ceil(rng.lognormal(3.5, 1.2, size=listener.size) * (1.0 + 3.0 * strength)).astype(np.int64)
            lines = [f"{planted.listener_keys[u]}\t{mbids[a]}\t{planted.artist_names[a]}\t{p}\n"
                     for u, a, p in zip(listener.tolist(), artist.tolist(), plays.tolist())]
            out.writelines(lines)
    return planted


def _draw_libraries(users, taste, by_genre, genre_cdf, global_cdf, rng):
    """Each listener's artists (distinct), drawn by the planted probabilities: (listener, artist) arrays."""
    wanted = np.where(rng.random(users.size) < SHORT_LIBRARY_SHARE,
                      rng.integers(5, FULL_LIBRARY, size=users.size), FULL_LIBRARY)
    # Draw with replacement, 60 % extra, then keep each listener's first ``wanted`` distinct artists.
    draws = np.ceil(wanted * 1.6).astype(np.int64)
    listener = np.repeat(users, draws)
    mainstream = rng.random(listener.size) < MAINSTREAM
    artist = np.empty(listener.size, dtype=np.int64)
    artist[mainstream] = np.minimum(np.searchsorted(global_cdf, rng.random(int(mainstream.sum()))),
                                    global_cdf.size - 1)
    personal = np.flatnonzero(~mainstream)
    taste_cdf = np.cumsum(taste[listener[personal]], axis=1)
    chosen_genre = np.minimum((taste_cdf < rng.random((personal.size, 1))).sum(1), GENRES - 1)
    for g in range(GENRES):
        rows = personal[chosen_genre == g]
        pick = np.minimum(np.searchsorted(genre_cdf[g], rng.random(rows.size)), genre_cdf[g].size - 1)
        artist[rows] = by_genre[g][pick]
    n_artists = global_cdf.size
    _, first = np.unique(listener * n_artists + artist, return_index=True)
    first.sort()                                   # distinct pairs, in draw order
    listener, artist = listener[first], artist[first]
    starts = np.searchsorted(listener, users)
    rank = np.arange(listener.size) - np.repeat(starts, np.diff(np.append(starts, listener.size)))
    keep = rank < wanted[listener - users[0]]
    return listener[keep], artist[keep]


def _listener_keys(n: int) -> np.ndarray:
    """40-hex user ids, as the real file's sha1 column."""
    return np.array([hashlib.sha1(f"listener-{u}".encode()).hexdigest() for u in range(n)], dtype=object)


def _artist_names(n: int, rng) -> np.ndarray:
    """Distinct artist names with some non-ASCII and punctuation, as real catalogues have."""
    decorations = np.array(["", "", "", "", " & The Band", " Ørkester", "é", " (Live)", "ß"], dtype=object)
    extra = decorations[rng.integers(0, decorations.size, size=n)]
    return np.array([f"Artist {i:06d}{d}" for i, d in enumerate(extra)], dtype=object)


def _mbids(n: int, rng) -> np.ndarray:
    """A MusicBrainz-style id per artist; about one in ten is missing, as in the real file."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    hexes = [row.tobytes().hex() for row in raw]
    ids = np.array([f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in hexes], dtype=object)
    ids[rng.random(n) < 0.1] = ""
    return ids


def planted_top_n(planted: Planted, listeners: np.ndarray, exclude: list[np.ndarray], n: int = 20,
                  chunk: int = 256) -> np.ndarray:
    """The ``n`` most probable artists per listener under the planted model, leaving out ``exclude[r]``."""
    out = np.empty((listeners.size, n), dtype=np.int64)
    for start in range(0, listeners.size, chunk):
        rows = listeners[start:start + chunk]
        scores = planted.probabilities(rows)
        for r in range(rows.size):
            scores[r, exclude[start + r]] = -np.inf
        top = np.argpartition(-scores, n, axis=1)[:, :n]
        order = np.argsort(-np.take_along_axis(scores, top, 1), axis=1, kind="stable")
        out[start:start + rows.size] = np.take_along_axis(top, order, 1)
    return out
