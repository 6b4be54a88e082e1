"""Two people side by side: how alike their tastes are, what both love, what each would give the other.

* **Similarity** is the correlation, over the model's artists, of the two
  people's personal scores ``Q·p`` — how alike the model ranks artists for
  them once the shared parts (global mean, artist biases) are left out.  It is
  symmetric and 1 for the same taste; the sentence puts it in words.
* **Both love**: artists both play, by the smaller of their two shares of each
  person's plays (so one person's favourite that the other played once does
  not lead), from each person's effective plays (``core/preferences.py``).
* **Cross-recommendations**: of the artists one person plays most, those the
  other has not played, ranked by the other's taste with the usual reasons —
  the Explore lane restricted to the friend's favourites, so the other's hidden
  artists stay hidden.
* **Positions**: each person's ``Listening.taste_point``, for the map.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicrec_gui.core import preferences
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.workflows.listening import DEFAULT_COUNT, MIN_LISTENERS, Listening, Profile, TastePoint

FAVOURITES = 50     # a person's most played artists offered to the other
# Random pairs of HetRec listeners: median 0.11, 90th percentile 0.45 (the same ranking as their
# artist overlap, Spearman 0.82).
_WORDS = ((0.75, "very similar taste"), (0.5, "similar taste"), (0.25, "some taste in common"),
          (0.0, "a little taste in common"))
_APART = "very different tastes"


@dataclass(frozen=True)
class SharedArtist:
    artist: str
    plays_a: int
    plays_b: int


@dataclass(frozen=True)
class CrossPick:
    """An artist the giver plays a lot that the receiver would probably like."""

    artist: str
    score: float                     # the receiver's predicted score
    because: tuple[str, ...]         # from the receiver's own listening
    giver_plays: int
    index: int
    because_indices: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class Comparison:
    a: str
    b: str
    similarity: float                # correlation in [-1, 1]
    sentence: str
    shared_artists: int              # artists both play
    both_love: tuple[SharedArtist, ...]
    for_a: tuple[CrossPick, ...]     # b's favourites a would probably like
    for_b: tuple[CrossPick, ...]     # a's favourites b would probably like
    point_a: TastePoint
    point_b: TastePoint

    def to_json(self) -> dict:
        def picks(rows):
            return [{"artist": r.artist, "score": r.score, "because": list(r.because),
                     "giver_plays": r.giver_plays} for r in rows]
        return {"a": self.a, "b": self.b, "similarity": self.similarity, "sentence": self.sentence,
                "shared_artists": self.shared_artists,
                "both_love": [{"artist": s.artist, "plays_a": s.plays_a, "plays_b": s.plays_b}
                              for s in self.both_love],
                "for_a": picks(self.for_a), "for_b": picks(self.for_b),
                "position_a": self.point_a.vector.tolist(), "position_b": self.point_b.vector.tolist()}


def taste_similarity(listening: Listening, a: Profile, b: Profile) -> float:
    """The correlation of the two listeners' personal scores over the model's artists."""
    Q = listening.model.artist_emb.astype(np.float64)
    first = Q @ np.asarray(a.taste.vector, np.float64)
    second = Q @ np.asarray(b.taste.vector, np.float64)
    first, second = first - first.mean(), second - second.mean()
    scale = np.sqrt((first @ first) * (second @ second))
    return float(np.clip(first @ second / scale, -1.0, 1.0)) if scale > 0 else 0.0


def describe(a: str, b: str, similarity: float, shared: int) -> str:
    words = next((text for bound, text in _WORDS if similarity >= bound), _APART)
    common = f"{shared:,} artist{'s' if shared != 1 else ''} in common"
    return f"{a} and {b} have {words} ({similarity:+.2f}); {common}."


def compare(listening: Listening, a: str, b: str, n: int = DEFAULT_COUNT) -> Comparison:
    """Compare the people ``a`` and ``b`` of the store (``NoListener`` when one is unknown)."""
    first, second = listening.profile(a), listening.profile(b)
    if first.name == second.name:
        raise MusicRecError(f"{first.name} twice: name two different people to compare")
    similarity = taste_similarity(listening, first, second)
    shared, loved = both_love(listening, first.name, second.name, n)
    return Comparison(first.name, second.name, similarity, describe(first.name, second.name, similarity, shared),
                      shared, loved, cross(listening, giver=second, receiver=first, n=n),
                      cross(listening, giver=first, receiver=second, n=n),
                      listening.taste_point(first), listening.taste_point(second))


def both_love(listening: Listening, a: str, b: str, n: int) -> tuple[int, tuple[SharedArtist, ...]]:
    """(how many artists both play, the ``n`` both love most)."""
    plays = []
    for name in (a, b):
        listener = preferences.person(listening.store, name)
        rows = preferences.effective_plays(listening.store, listener.id)
        by_norm: dict[str, int] = {}
        for _, norm, count in rows:
            by_norm[norm] = by_norm.get(norm, 0) + int(count)
        plays.append(by_norm)
    common = sorted(plays[0].keys() & plays[1].keys())
    if not common:
        return 0, ()
    totals = [sum(p.values()) for p in plays]
    share = np.array([min(plays[0][k] / totals[0], plays[1][k] / totals[1]) for k in common])
    order = np.lexsort((np.array(common, dtype=object), -share))[:n]
    names = _display_names(listening, [common[i] for i in order])
    return len(common), tuple(SharedArtist(names[common[i]], plays[0][common[i]], plays[1][common[i]])
                              for i in order)


def _display_names(listening: Listening, norms: list[str]) -> dict[str, str]:
    """A display name per normalised name (the store's most played spelling)."""
    out = {}
    for norm in norms:
        row = listening.store.connection().execute(
            """SELECT a.name FROM artists a LEFT JOIN plays p ON p.artist_id = a.id WHERE a.norm = ?
               GROUP BY a.id ORDER BY COALESCE(SUM(p.plays), 0) DESC, a.id LIMIT 1""", (norm,)).fetchone()
        out[norm] = row[0] if row else norm
    return out


def cross(listening: Listening, giver: Profile, receiver: Profile, n: int) -> tuple[CrossPick, ...]:
    """The giver's favourites the receiver has not played, best for the receiver first.

    Only artists with ``MIN_LISTENERS`` listeners or more, as For you shows by default: an artist
    known from the giver alone has no taste learned for it, so no reason to give."""
    favourites = giver.artists[np.argsort(-giver.plays, kind="stable")[:FAVOURITES]]
    among = np.zeros(listening.model.n_artists, dtype=bool)
    among[favourites] = True
    giver_plays = np.zeros(listening.model.n_artists, dtype=np.int64)
    giver_plays[giver.artists] = giver.plays
    found = listening.recommend(receiver, n=n, among=among, min_listeners=MIN_LISTENERS)
    return tuple(CrossPick(r.artist, r.score, r.because, int(giver_plays[r.index]), r.index, r.because_indices)
                 for r in found)
