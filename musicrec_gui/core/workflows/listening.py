"""A trained model seen beside the store: whose listening, what they played, what suits them (no Qt).

The app's For you, Similar, Artists and Map pages and the CLI's ``recommend``,
``similar`` and ``biases`` commands all ask one ``Listening`` per model, so the
same question gets the same answer everywhere.  Its rules, each written once:

* **Whose listening**: ``library.find_listener`` (the exact name, people first,
  then the normalised name; no name means the first person).  A store listener
  is the model's listener with the same store id and name; a name only the
  model knows (a model from another store) is looked up in the model.
* **Which artist**: a store artist is the model's artist with the same store id
  when their normalised names agree too (an undo frees ids that a later import
  may reuse for another artist), else the model's most listened artist with
  that normalised name; otherwise the model does not know it ("unmatched").
* **What they played** is the store's as it is now.  When that is still what
  the model was trained on, the trained vector is used; when imports or undos
  changed it since (or the person was imported after training), the listener
  is folded in from the current plays — results at once, retraining refines
  them — so removed listening never shows up as a reason.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from musicrec_gui.core import library
from musicrec_gui.core.engine import explore
from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.engine.dataset import transform_plays, untransform_plays
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.store import Store

PERSON = "person"
REASONS = 3            # artists named in "because you listen to …"
DEFAULT_COUNT = 20     # results in a list unless the person asks for another number
# Artists with fewer listeners than this are left out of similar artists and recommendations
# unless the person lowers it (app and CLI alike): with one or two listeners an artist's
# vector is mostly one person's library, so its neighbours and its "deep cut" scores are
# noise.  Five is the article's threshold for keeping an artist at all.
MIN_LISTENERS = 5
METRICS = ("dot", "cosine")


class NoListener(MusicRecError):
    """The name is neither in the store nor in the model, or they share no artist with the model."""


@dataclass(frozen=True)
class ListenerChoice:
    name: str
    kind: str          # "person" or "community"
    in_model: bool     # False: imported after training, folded in


@dataclass(frozen=True, eq=False)
class Profile:
    """One listener as the model sees them now."""

    name: str
    kind: str
    row: int | None          # the model's row when its trained vector is used; None when folded in
    artists: np.ndarray      # model artist indices they play
    plays: np.ndarray        # their raw play counts
    taste: explore.Taste     # vector, bias and what explains their scores
    unmatched: int = 0       # artists they play that the model does not know
    in_model: bool = True    # the model was trained on this listener (maybe on older plays)

    @property
    def folded_in(self) -> bool:
        return self.row is None


class Listening:
    """Answers questions about listeners for one model and one store."""

    def __init__(self, model: TrainedModel, store: Store) -> None:
        self.model = model
        self.store = store
        # Normalised name -> model artist; the most listened one wins a shared name.
        order = np.argsort(-model.artist_listeners, kind="stable")
        by_norm = pd.Series(order, index=pd.Index(model.artist_norms[order], dtype=object))
        self._by_norm = by_norm[~by_norm.index.duplicated()]
        self._artist_order = np.argsort(model.artist_ids, kind="stable")
        self._profiles: dict[str, Profile] = {}
        self._choices: list[ListenerChoice] | None = None

    # -- who ------------------------------------------------------------------------------
    def choices(self) -> list[ListenerChoice]:
        """People first (the model's, then newer ones), then community listeners."""
        if self._choices is None:
            self._choices = self._read_choices()
        return self._choices

    def _read_choices(self) -> list[ListenerChoice]:
        model = self.model
        known = set(model.listener_names.tolist())
        in_model = [ListenerChoice(str(n), str(k), True) for n, k in zip(model.listener_names, model.listener_kinds)]
        stored = self.store.listener_frame()
        newer = [ListenerChoice(str(n), str(k), False) for n, k in zip(stored["name"], stored["kind"])
                 if n not in known]
        everyone = in_model + newer
        return [c for c in everyone if c.kind == PERSON] + [c for c in everyone if c.kind != PERSON]

    def first_person(self) -> str | None:
        """ "you": the store's first person, else the model's."""
        stored = library.find_listener(self.store, None)
        if stored is not None:
            return stored.name
        people = np.flatnonzero(np.asarray(self.model.listener_kinds, dtype=object) == PERSON)
        return str(self.model.listener_names[people[0]]) if people.size else None

    def forget(self) -> None:
        """Drop what was read from the store (it changed)."""
        self._profiles.clear()
        self._choices = None

    # -- what they played -------------------------------------------------------------------
    def profile(self, name: str | None = None) -> Profile:
        """The listener called ``name`` (the first person when None); ``NoListener`` if unknown."""
        if name is None:
            name = self.first_person()
            if name is None:
                raise NoListener("there is nobody to recommend for yet: import your listening history")
        if name not in self._profiles:
            self._profiles[name] = self._build_profile(name)
        return self._profiles[name]

    def _build_profile(self, name: str) -> Profile:
        model = self.model
        stored = library.find_listener(self.store, name)
        if stored is None:
            try:
                only_in_model = explore.find_listener(model, name)
            except MusicRecError:
                raise NoListener(f"no listener named “{name}” in the library or the model") from None
            trained, values = model.played(only_in_model)
            plays = untransform_plays(values, model.transform, model.value_mean, model.value_std)
            return Profile(str(model.listener_names[only_in_model]), str(model.listener_kinds[only_in_model]),
                           only_in_model, trained, plays, explore.listener_taste(model, only_in_model))
        artists, plays, unmatched = self._current_plays(stored.id)
        row = self._model_row(stored)
        if row is not None:
            trained, values = model.played(row)
            current = transform_plays(plays, model.transform, model.value_mean, model.value_std)
            if np.array_equal(trained, artists) and np.allclose(current, values, rtol=1e-5):
                return Profile(stored.name, stored.kind, row, artists, plays, explore.listener_taste(model, row),
                               unmatched)
        if not artists.size:
            raise NoListener(f"none of the artists {stored.name} listens to is in this model; "
                             "train again to include them")
        return Profile(stored.name, stored.kind, None, artists, plays,
                       explore.fold_in_plays(model, artists, plays), unmatched, in_model=row is not None)

    def _model_row(self, stored: library.StoredListener) -> int | None:
        rows = np.flatnonzero((self.model.listener_ids == stored.id) & (self.model.listener_names == stored.name))
        return int(rows[0]) if rows.size else None

    def _current_plays(self, listener_id: int) -> tuple[np.ndarray, np.ndarray, int]:
        """(model artist indices, plays, artists the model does not know), sorted by index."""
        rows = library.listener_plays(self.store, listener_id)
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        norms = np.array([row[1] for row in rows], dtype=object)
        plays = np.array([row[2] for row in rows], dtype=np.int64)
        indices = self.artist_indices(ids, norms)
        known = indices >= 0
        if not known.any():
            return np.zeros(0, np.int64), np.zeros(0, np.int64), int(indices.size)
        # Two store artists can be one model artist (same name): their plays add up.
        unique, inverse = np.unique(indices[known], return_inverse=True)
        return unique, np.bincount(inverse, weights=plays[known]).astype(np.int64), int((~known).sum())

    def artist_indices(self, artist_ids: np.ndarray, norms: np.ndarray) -> np.ndarray:
        """The model's index for each store artist (id and normalised name), −1 where unknown."""
        model = self.model
        sorted_ids = model.artist_ids[self._artist_order]
        position = np.minimum(np.searchsorted(sorted_ids, artist_ids), sorted_ids.size - 1)
        candidate = self._artist_order[position]
        same = (model.artist_ids[candidate] == artist_ids) & (model.artist_norms[candidate] == norms)
        by_norm = self._by_norm.reindex(pd.Index(norms, dtype=object)).fillna(-1).to_numpy(np.int64)
        return np.where(same, candidate, by_norm).astype(np.int64)

    def plays_per_artist(self, name: str | None) -> np.ndarray:
        """The listener's plays of every model artist (0 where none); zeros without a listener."""
        out = np.zeros(self.model.n_artists, dtype=np.int64)
        try:
            profile = self.profile(name)
        except NoListener:
            return out
        out[profile.artists] = profile.plays
        return out

    # -- answers ---------------------------------------------------------------------------------
    def novelty_for(self, profile: Profile, discovery: float) -> float:
        """The engine's novelty weight for a discovery setting in [-1, 1] (popular … deep cuts).

        Scaled by the listener's own score spread against the spread of log listeners, so
        the setting means the same on any model: at ±1 popularity weighs as much as taste.
        """
        spread = float(np.std(explore.predicted(self.model, profile.taste)))
        popularity = float(np.std(np.log1p(self.model.artist_listeners))) or 1.0
        return float(discovery) * spread / popularity

    def recommend(self, profile: Profile, n: int = DEFAULT_COUNT, discovery: float = 0.0,
                  min_listeners: int = 0, max_listeners: int | None = None) -> list[explore.Recommendation]:
        """The listener's best ``n`` unplayed artists within the listener-count range, with reasons."""
        model = self.model
        allowed = model.artist_listeners >= min_listeners
        if max_listeners is not None:
            allowed &= model.artist_listeners <= max_listeners
        allowed[profile.artists] = False
        return explore.recommend(model, profile.taste, n=n, novelty=self.novelty_for(profile, discovery),
                                 because=REASONS, allowed=allowed)

    def similar(self, name: str, n: int = DEFAULT_COUNT, metric: str = "dot",
                min_listeners: int = 1) -> explore.SimilarResult:
        """Artists closest to ``name`` (candidates when several names fit, no query when none)."""
        return explore.similar_artists(self.model, name, n=n, metric=metric, min_listeners=min_listeners)

    def biases(self, n: int | None = None, min_listeners: int = 1) -> list[explore.ArtistBias]:
        """Artists by learned bias, highest first (all of them when ``n`` is None)."""
        return explore.bias_ranking(self.model, n=self.model.n_artists if n is None else n,
                                    min_listeners=min_listeners)

    def taste(self, profile: Profile, n: int = 15) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(their artists by predicted score, by plays): what the model thinks they love, and what they play."""
        model = self.model
        scores = explore.predicted(model, profile.taste)[profile.artists]
        names = model.artist_names[profile.artists]
        by_model = pd.DataFrame({"artist": names, "score": scores, "plays": profile.plays})
        by_model = by_model.sort_values(["score", "artist"], ascending=[False, True], kind="stable").head(n)
        by_plays = pd.DataFrame({"artist": names, "plays": profile.plays, "score": scores})
        by_plays = by_plays.sort_values(["plays", "artist"], ascending=[False, True], kind="stable").head(n)
        return by_model.reset_index(drop=True), by_plays.reset_index(drop=True)
