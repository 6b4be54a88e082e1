"""A trained model seen beside the store: whom to recommend for, what they played, their taste (no Qt).

The model knows the listeners it was trained on; the store may know more
(someone imported after training).  Those are folded in: their plays are read
from the store, matched to the model's artists by normalised name, and given
a vector by ``explore.recommend_for_plays`` — results at once, no retraining.

Everything here is numpy over one listener's artists, so it is quick enough
for the GUI thread even with 17 000+ artists.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from musicrec_gui.core import library
from musicrec_gui.core.engine import explore
from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.store import Store

PERSON = "person"
REASONS = 3   # artists named in "because you listen to …"


@dataclass(frozen=True)
class ListenerChoice:
    name: str
    kind: str          # "person" or "community"
    in_model: bool     # False: imported after training, folded in


@dataclass(frozen=True, eq=False)
class Profile:
    """One listener as the model sees them."""

    name: str
    row: int | None        # the model's row; None when folded in
    artists: np.ndarray    # model artist indices they played (training and store together)
    plays: np.ndarray      # raw play counts of those artists
    vector: np.ndarray     # their embedding (trained or folded in)
    bias: float            # their bias
    unmatched: int = 0     # artists they played that the model does not know

    @property
    def folded_in(self) -> bool:
        return self.row is None


class NoListener(LookupError):
    """The name is neither in the model nor in the store, or they share no artist with the model."""


class Listening:
    """Answers the pages' questions about listeners for one model and one store."""

    def __init__(self, model: TrainedModel, store: Store) -> None:
        self.model = model
        self.store = store
        # Normalised name -> model artist; the most listened one wins a shared name.
        order = np.argsort(-model.artist_listeners, kind="stable")
        norms = pd.Series(order, index=pd.Index(model.artist_norms[order], dtype=object))
        self._by_norm = norms[~norms.index.duplicated()]
        names = pd.Series(np.arange(model.n_artists), index=pd.Index(model.artist_names, dtype=object))
        self._by_name = names[~names.index.duplicated()]
        self._profiles: dict[str, Profile] = {}
        self._choices: list[ListenerChoice] | None = None

    # -- who ---------------------------------------------------------------------
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
        """ "you": the first person the model knows, else the first one in the store."""
        people = [c.name for c in self.choices() if c.kind == PERSON]
        return people[0] if people else None

    def forget(self) -> None:
        """Drop what was read from the store (it changed)."""
        self._profiles.clear()
        self._choices = None

    # -- what they played ---------------------------------------------------------------
    def profile(self, name: str) -> Profile:
        if name not in self._profiles:
            self._profiles[name] = self._build_profile(name)
        return self._profiles[name]

    def _build_profile(self, name: str) -> Profile:
        model = self.model
        rows = np.flatnonzero(model.listener_names == name)
        stored = self._stored_plays(name)
        artists, plays = stored if stored is not None else (np.zeros(0, np.int64), np.zeros(0, np.int64))
        unmatched = 0
        if stored is not None:
            unmatched = int(np.count_nonzero(artists < 0))
            artists, plays = _summed(artists[artists >= 0], plays[artists >= 0])
        if rows.size:
            row = int(rows[0])
            trained, values = model.played(row)
            # Training plays, plus anything the store added since (newer imports of the same person).
            extra = ~np.isin(artists, trained)
            all_artists = np.concatenate([trained, artists[extra]])
            all_plays = np.concatenate([self._raw_plays(values, trained, artists, plays), plays[extra]])
            return Profile(name, row, all_artists, all_plays, model.listener_emb[row].astype(np.float64),
                           float(model.listener_bias[row]), unmatched)
        if stored is None:
            raise NoListener(f"No listener named “{name}”.")
        if not artists.size:
            raise NoListener(f"None of the artists {name} listens to is in this model; retrain to include them.")
        folded = explore.fold_in_listener(model, artists, plays)
        return Profile(name, None, artists, plays, folded.vector, folded.bias, unmatched)

    def _stored_plays(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(model artist index or -1, plays) of a store listener; None when the store has no such listener."""
        rows = library.listener_plays(self.store, name)
        if rows is None:
            return None
        norms = [norm for norm, _ in rows]
        indices = self._by_norm.reindex(norms).fillna(-1).to_numpy(np.int64)
        return indices, np.array([plays for _, plays in rows], dtype=np.int64)

    def _raw_plays(self, values, trained, stored_artists, stored_plays) -> np.ndarray:
        """Play counts of a trained listener's artists: the store's, else undone from the training values."""
        model = self.model
        values = np.asarray(values, dtype=np.float64)
        if model.transform == "zscore":
            raw = values * model.value_std + model.value_mean
        else:
            raw = np.expm1(values)
        raw = np.maximum(np.rint(raw), 1).astype(np.int64)
        lookup = pd.Series(stored_plays, index=stored_artists)
        known = lookup.reindex(trained).to_numpy()
        return np.where(np.isnan(known.astype(float)), raw, known).astype(np.int64)

    def plays_per_artist(self, name: str | None) -> np.ndarray:
        """The listener's plays of every model artist (0 where none); zeros without a listener."""
        out = np.zeros(self.model.n_artists, dtype=np.int64)
        if name is None:
            return out
        try:
            profile = self.profile(name)
        except NoListener:
            return out
        out[profile.artists] = profile.plays
        return out

    # -- scores ------------------------------------------------------------------------------
    def scores(self, profile: Profile) -> np.ndarray:
        """The model's prediction for the listener and every artist."""
        model = self.model
        return (model.mu + profile.bias + model.artist_bias.astype(np.float64)
                + model.artist_emb.astype(np.float64) @ profile.vector)

    def novelty_for(self, profile: Profile, discovery: float) -> float:
        """The engine's novelty weight for a discovery setting in [-1, 1] (popular … deep cuts).

        Scaled by the listener's own score spread against the spread of log listeners, so
        the slider means the same on any model: at ±1 popularity weighs as much as taste.
        """
        spread = float(np.std(self.scores(profile)))
        popularity = float(np.std(np.log1p(self.model.artist_listeners))) or 1.0
        return float(discovery) * spread / popularity

    def recommend(self, profile: Profile, n: int = 20, discovery: float = 0.0,
                  min_listeners: int = 0, max_listeners: int | None = None) -> list[explore.Recommendation]:
        """The listener's top ``n`` unplayed artists within the listener-count range."""
        model = self.model
        novelty = self.novelty_for(profile, discovery)

        def ask(count: int, because: int = REASONS) -> list[explore.Recommendation]:
            if profile.folded_in:
                return explore.recommend_for_plays(model, profile.artists, profile.plays, n=count,
                                                   novelty=novelty, because=because)
            return explore.recommend(model, profile.name, n=count, novelty=novelty, because=because)

        allowed = model.artist_listeners >= min_listeners
        if max_listeners is not None:
            allowed &= model.artist_listeners <= max_listeners
        allowed[profile.artists] = False   # also artists played since training
        engine_skips = np.zeros(model.n_artists, dtype=bool)   # what the engine leaves out itself
        engine_skips[profile.artists if profile.folded_in else model.played(profile.row)[0]] = True
        if (allowed | engine_skips).all():
            return ask(n)
        # The engine takes no listener-count range nor extra artists to leave out. Explaining
        # thousands of results to keep twenty would take seconds, so: rank everything without
        # reasons (quick), keep what passes, then explain only those.
        ranked = ask(model.n_artists, because=0)
        indices = self.indices_of([r.artist for r in ranked])
        kept = [r for r, index in zip(ranked, indices) if allowed[index]][:n]
        # Engine workaround: its explanation step is private until recommend() takes a filter.
        reasons = explore._because(model, self._explanation(profile), self.indices_of([r.artist for r in kept]),
                                   REASONS)
        return [replace(r, because=why) for r, why in zip(kept, reasons)]

    def _explanation(self, profile: Profile) -> explore.FoldIn:
        """The fold-in the engine explains a listener's scores with (as in ``explore.recommend``)."""
        model = self.model
        if profile.folded_in:
            return explore.fold_in_listener(model, profile.artists, profile.plays)
        artists, values = model.played(profile.row)
        return explore.fold_in(model.artist_emb, model.artist_bias, model.mu, model.settings, model.weight_total,
                               model.n_listeners, artists, values)

    def index_of(self, artist: str) -> int:
        """The model index of an artist name the engine returned."""
        return int(self._by_name[artist])

    def indices_of(self, artists) -> np.ndarray:
        """``index_of`` for many names at once."""
        return self._by_name.reindex(list(artists)).to_numpy(np.int64)

    def taste(self, profile: Profile, n: int = 15) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(their artists by predicted score, by plays): what the model thinks they love, and what they play."""
        model = self.model
        scores = self.scores(profile)[profile.artists]
        names = model.artist_names[profile.artists]
        by_model = pd.DataFrame({"artist": names, "score": scores, "plays": profile.plays})
        by_model = by_model.sort_values(["score", "artist"], ascending=[False, True], kind="stable").head(n)
        by_plays = pd.DataFrame({"artist": names, "plays": profile.plays, "score": scores})
        by_plays = by_plays.sort_values(["plays", "artist"], ascending=[False, True], kind="stable").head(n)
        return by_model.reset_index(drop=True), by_plays.reset_index(drop=True)


def _summed(artists: np.ndarray, plays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One entry per artist (two store names can share one model artist)."""
    if not artists.size:
        return artists, plays
    unique, inverse = np.unique(artists, return_inverse=True)
    return unique, np.bincount(inverse, weights=plays).astype(np.int64)
