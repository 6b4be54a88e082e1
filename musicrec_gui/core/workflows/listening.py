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
* **What they played** is the store's as it is now, without the listening the
  person keeps out of their taste (``preferences.effective_plays``).  When that
  is still what the model was trained on, the trained vector is used; when
  imports, undos or exclusions changed it since (or the person was imported
  after training), the listener is folded in from those plays — results at
  once, retraining refines them — so removed listening never shows up as a reason.
* **Not for me**: a person's hidden artists are never recommended to them and
  never named as a reason, in any lane, with or without retraining.
* **Lanes**: *Explore* (``recommend``) offers artists the person played at most
  ``barely`` times (0: never); *Rediscover* (``rediscover``) offers artists they
  played at least ``min_plays`` times but not in the last ``months`` months before
  their latest listen.  Both rank by the model's expectation now, with the same
  discovery setting and listener-count range.
* **Taste in a period**: ``period_profile`` folds the person in from their kept
  listens of one period only; its recommendations still leave out what the
  person plays today, so the two lists compare.
* **Where a taste sits** among the artists (the map, comparing people): the
  centre of the artists played, weighted by the model's value of their plays
  (``taste_point``), so it shares the artists' projection.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from musicrec_gui.core import history, library, links, preferences
from musicrec_gui.core.engine import explore
from musicrec_gui.core.engine.bundle import TrainedModel
from musicrec_gui.core.engine.dataset import transform_plays, untransform_plays
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.evidence import CoListening, CoListeningIndex, co_listening, store_state
from musicrec_gui.core.jobs import Reporter, StopToken, ignore_events
from musicrec_gui.core.periods import Period, month_name, months_before, year
from musicrec_gui.core.playlists import Playlist, PlaylistEntry
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
EXPLORE, REDISCOVER = "explore", "rediscover"
LANES = (EXPLORE, REDISCOVER)
REDISCOVER_MONTHS = 12     # "not in the last N months" unless the person says otherwise
REDISCOVER_MIN_PLAYS = 10  # "played a lot": at least this many kept listens


class NoListener(MusicRecError):
    """The name is neither in the store nor in the model, or they share no artist with the model."""


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
    period: Period | None = None   # set when the taste is that of one period only

    @property
    def folded_in(self) -> bool:
        return self.row is None


@dataclass(frozen=True)
class Rediscovery:
    """An artist the person played a lot before but not lately (the Rediscover lane)."""

    artist: str
    score: float                       # the model's expectation now (minus any novelty penalty)
    listeners: int
    because: tuple[str, ...]
    index: int
    plays: int                         # the person's kept listens of the artist
    last_played: int                   # UTC epoch seconds
    because_indices: tuple[int, ...] = ()

    @property
    def note(self) -> str:
        return f"you played them {self.plays:,} times, last in {month_name(self.last_played)}"


@dataclass(frozen=True)
class Explanation:
    """Why the model expects what it does of one artist for one listener."""

    artist: str
    index: int
    score: float                       # the model's prediction
    plays: int                         # the listener's plays of it today (0: never played)
    because: tuple[str, ...]
    because_indices: tuple[int, ...]
    evidence: tuple[CoListening, ...]  # from the community data, one per reason that has listeners


@dataclass(frozen=True, eq=False)
class TastePoint:
    """Where a listener's taste sits among the artist embeddings (one year of it, or all)."""

    label: str
    vector: np.ndarray       # (k,) float64, in the artists' embedding space
    listens: int             # the plays it summarises
    artists: np.ndarray      # the model artists it is the centre of
    weights: np.ndarray      # their weights, log(1 + plays)
    year: int | None = None

    def on_map(self, coordinates: np.ndarray) -> np.ndarray:
        """Its place on a map of the artists (``coordinates``: M × 2, any projection): the same
        weighted centre of its artists' places — exactly the projected ``vector`` for a linear
        projection such as PCA, and the natural place on a t-SNE map."""
        points = np.asarray(coordinates, dtype=np.float64)[self.artists]
        return self.weights @ points / max(float(self.weights.sum()), 1e-12)


class Listening:
    """Answers questions about listeners for one model and one store."""

    def __init__(self, model: TrainedModel, store: Store) -> None:
        # Cheap on purpose (it runs when a model becomes active): what the answers need
        # from the model is derived on first use and kept with the model.
        self.model = model
        self.store = store
        self._profiles: dict[tuple, Profile] = {}
        self._choice_names: list[str] | None = None
        self._evidence: tuple[str, CoListeningIndex] | None = None   # (store state, index)

    # -- who ------------------------------------------------------------------------------
    def choice_names(self) -> list[str]:
        """Everyone to recommend for: people first (the model's, then newer ones), then community
        listeners.  Built to share the interpreter with a GUI thread at 359 K listeners: rows are
        read one step at a time, and the names the model knows are not hashed unless the store
        has listeners it lacks (a pandas ``isin`` over them all held the GIL for 216 ms)."""
        if self._choice_names is None:
            model = self.model
            names, kinds = model.listener_names.tolist(), model.listener_kinds.tolist()
            name_of = dict(zip(model.listener_ids.tolist(), names))
            rows = self.store.connection().execute("SELECT id, name, kind FROM listeners ORDER BY id").fetchall()
            newer = [(name, kind) for listener_id, name, kind in rows if name_of.get(listener_id) != name]
            if newer:
                known = set(names)
                newer = [(name, kind) for name, kind in newer if name not in known]
                names, kinds = names + [name for name, _ in newer], kinds + [kind for _, kind in newer]
            people_first = np.argsort(np.asarray(kinds, dtype=object) != PERSON, kind="stable")
            self._choice_names = np.asarray(names, dtype=object)[people_first].tolist()
        return self._choice_names

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
        self._choice_names = None
        self._evidence = None

    # -- what they played -------------------------------------------------------------------
    def profile(self, name: str | None = None) -> Profile:
        """The listener called ``name`` (the first person when None); ``NoListener`` if unknown."""
        name = self._name(name)
        stored = library.find_listener(self.store, name)
        # Exclusions change the profile without any import: they are part of the key.
        key = (name, None if stored is None else preferences.exclusion_state(self.store, stored.id))
        if key not in self._profiles:
            self._profiles[key] = self._build_profile(name, stored)
        return self._profiles[key]

    def _name(self, name: str | None) -> str:
        if name is None:
            name = self.first_person()
            if name is None:
                raise NoListener("there is nobody to recommend for yet: import your listening history")
        return name

    def _stored(self, name: str | None) -> library.StoredListener:
        """The store's listener called ``name``: the one with listens, exclusions, hidden artists."""
        stored = library.find_listener(self.store, self._name(name))
        if stored is None:
            raise NoListener(f"no listener named “{name}” in the library")
        return stored

    def _build_profile(self, name: str, stored: library.StoredListener | None) -> Profile:
        model = self.model
        if stored is None:
            try:
                only_in_model = explore.find_listener(model, name)
            except MusicRecError:
                raise NoListener(f"no listener named “{name}” in the library or the model") from None
            trained, values = model.played(only_in_model)
            plays = untransform_plays(values, model.transform, model.value_mean, model.value_std)
            return Profile(str(model.listener_names[only_in_model]), str(model.listener_kinds[only_in_model]),
                           only_in_model, trained, plays, explore.listener_taste(model, only_in_model))
        artists, plays, unmatched = self._model_plays(preferences.effective_plays(self.store, stored.id))
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
        ids = self.model.listener_ids                                   # ascending
        row = int(np.searchsorted(ids, stored.id))
        if row < ids.size and ids[row] == stored.id and self.model.listener_names[row] == stored.name:
            return row
        return None

    def period_profile(self, name: str | None, period: Period) -> Profile:
        """The listener's taste in ``period``: folded in from their kept listens of that period only."""
        stored = self._stored(name)
        key = (stored.name, preferences.exclusion_state(self.store, stored.id), period)
        if key not in self._profiles:
            artists, plays, unmatched = self._model_plays(preferences.period_plays(self.store, stored.id, period))
            if not artists.size:
                raise NoListener(f"{stored.name} has no listens in {period.label} that this model knows")
            self._profiles[key] = Profile(stored.name, stored.kind, None, artists, plays,
                                          explore.fold_in_plays(self.model, artists, plays), unmatched,
                                          in_model=False, period=period)
        return self._profiles[key]

    def _model_plays(self, rows: list[tuple[int, str, int]]) -> tuple[np.ndarray, np.ndarray, int]:
        """(model artist indices, plays, artists the model does not know), sorted by index,
        from the store's (artist id, normalised name, plays) rows."""
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
        sorted_ids = model.artist_ids                                   # ascending
        candidate = np.minimum(np.searchsorted(sorted_ids, artist_ids), sorted_ids.size - 1)
        same = (model.artist_ids[candidate] == artist_ids) & (model.artist_norms[candidate] == norms)
        by_norm = model.artist_search.exact_many(norms)
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
    def novelty_for(self, profile: Profile, discovery: float, scores: np.ndarray | None = None) -> float:
        """The engine's novelty weight for a discovery setting in [-1, 1] (popular … deep cuts).

        Scaled by the listener's own score spread against the spread of log listeners, so
        the setting means the same on any model: at ±1 popularity weighs as much as taste.
        ``scores`` are the listener's predictions when the caller has them.
        """
        if not discovery:
            return 0.0
        if scores is None:
            scores = explore.predicted(self.model, profile.taste)
        popularity = float(np.std(self.model.log_listeners)) or 1.0
        return float(discovery) * float(np.std(scores)) / popularity

    def hidden_mask(self, name: str | None) -> np.ndarray:
        """True for the model's artists the listener marked "not for me" (none for a name only the model knows)."""
        stored = library.find_listener(self.store, self._name(name))
        norms = preferences.hidden_norms(self.store, stored.id) if stored is not None else frozenset()
        if not norms:
            return np.zeros(self.model.n_artists, dtype=bool)
        return pd.Index(self.model.artist_norms, dtype=object).isin(list(norms))

    def _within(self, min_listeners: int, max_listeners: int | None) -> np.ndarray:
        """True for artists inside the listener-count range."""
        allowed = self.model.artist_listeners >= min_listeners
        if max_listeners is not None:
            allowed &= self.model.artist_listeners <= max_listeners
        return allowed

    def recommend(self, profile: Profile, n: int = DEFAULT_COUNT, discovery: float = 0.0,
                  min_listeners: int = 0, max_listeners: int | None = None, barely: int = 0,
                  among: np.ndarray | None = None) -> list[explore.Recommendation]:
        """The Explore lane: the listener's best ``n`` artists they played at most ``barely`` times
        (by their plays today, whatever period ``profile`` holds), within the listener-count range
        and ``among`` (bool per artist) when given, never a hidden one; with reasons."""
        hidden = self.hidden_mask(profile.name)
        allowed = self._within(min_listeners, max_listeners) & ~hidden
        allowed &= self.plays_per_artist(profile.name) <= barely
        if among is not None:
            allowed &= np.asarray(among, dtype=bool)
        scores = explore.predicted(self.model, profile.taste)
        return explore.recommend(self.model, profile.taste, n=n, novelty=self.novelty_for(profile, discovery, scores),
                                 because=REASONS, allowed=allowed, nameable=~hidden, leave_out_played=False,
                                 scores=scores)

    def rediscover(self, profile: Profile, n: int = DEFAULT_COUNT, months: int = REDISCOVER_MONTHS,
                   discovery: float = 0.0, min_listeners: int = 0, max_listeners: int | None = None,
                   min_plays: int = REDISCOVER_MIN_PLAYS, now: int | None = None) -> list[Rediscovery]:
        """The Rediscover lane: artists the listener played at least ``min_plays`` times but not in
        the ``months`` calendar months before ``now`` (default: their latest listen), ranked by
        what the model expects for ``profile`` now; kept listens only, never a hidden artist."""
        stored = library.find_listener(self.store, profile.name)
        if stored is None:
            return []
        if now is None:
            now = history.latest_listen(self.store, stored.id)
            if now is None:
                return []
        rows = history.artist_recency(self.store, stored.id)
        if not rows:
            return []
        indices = self.artist_indices(np.array([r[0] for r in rows], dtype=np.int64),
                                      np.array([r[1] for r in rows], dtype=object))
        known = indices >= 0
        plays = np.zeros(self.model.n_artists, dtype=np.int64)
        last = np.full(self.model.n_artists, -1, dtype=np.int64)
        np.add.at(plays, indices[known], np.array([r[2] for r in rows], dtype=np.int64)[known])
        np.maximum.at(last, indices[known], np.array([r[3] for r in rows], dtype=np.int64)[known])
        hidden = self.hidden_mask(profile.name)
        allowed = (plays >= min_plays) & (last >= 0) & (last < months_before(now, months))
        allowed &= self._within(min_listeners, max_listeners) & ~hidden
        scores = explore.predicted(self.model, profile.taste)
        found = explore.recommend(self.model, profile.taste, n=n, novelty=self.novelty_for(profile, discovery, scores),
                                  because=REASONS, allowed=allowed, nameable=~hidden, leave_out_played=False,
                                  scores=scores)
        return [Rediscovery(r.artist, r.score, r.listeners, r.because, r.index, int(plays[r.index]),
                            int(last[r.index]), r.because_indices) for r in found]

    # -- evidence ------------------------------------------------------------------------------
    def evidence(self, profile: Profile, picks: list, token: StopToken | None = None,
                 report: Reporter = ignore_events) -> list[tuple[CoListening, ...]]:
        """For each pick (a ``Recommendation`` or ``Rediscovery``), the community evidence for its
        reasons.  The first call per store state reads every play (a job: ``token``, ``report``)."""
        index = self.co_listening_index(token, report)
        stored = library.find_listener(self.store, profile.name)
        return co_listening(index, self.model.artist_names, [(p.index, p.because_indices) for p in picks],
                            leave_out=stored.id if stored is not None else None)

    def evidence_ready(self) -> bool:
        """Whether ``evidence`` answers at once: the co-listening index is built for the store as it is
        (else the next call reads every play, a job for the app)."""
        evidence = self._evidence
        return evidence is not None and evidence[0] == store_state(self.store)

    def co_listening_index(self, token: StopToken | None = None,
                           report: Reporter = ignore_events) -> CoListeningIndex:
        """The co-listening counts over this model's artists, once per store state (see ``core/evidence``)."""
        state = store_state(self.store)
        if self._evidence is None or self._evidence[0] != state:
            index = CoListeningIndex.load_or_build(self.store, self.artist_indices, self.model.n_artists,
                                                   token, report)
            self._evidence = (state, index)
        return self._evidence[1]

    def why(self, profile: Profile, artist: str, token: StopToken | None = None,
            report: Reporter = ignore_events) -> Explanation:
        """The reasons and the community evidence for one artist (matched as ``similar`` matches
        names); the listener's hidden artists are never named."""
        found = explore.find_artists(self.model, artist)
        if found.size != 1:
            hint = (f"; several match: {', '.join(map(str, self.model.artist_names[found[:5]]))}"
                    if found.size else "")
            raise MusicRecError(f"no single artist in the model matches “{artist}”{hint}")
        index = int(found[0])
        reasons = explore.explain(self.model, profile.taste, found, REASONS, ~self.hidden_mask(profile.name))[0]
        score = float(explore.predicted(self.model, profile.taste)[index])
        pick = explore.Recommendation(str(self.model.artist_names[index]), score,
                                      int(self.model.artist_listeners[index]),
                                      tuple(str(self.model.artist_names[j]) for j in reasons), index, reasons)
        evidence = self.evidence(profile, [pick], token, report)[0]
        return Explanation(pick.artist, index, score, int(self.plays_per_artist(profile.name)[index]),
                           pick.because, reasons, evidence)

    # -- where a taste sits ------------------------------------------------------------------------
    def taste_point(self, profile: Profile, label: str | None = None) -> TastePoint:
        """The centre of the artists ``profile`` plays, weighted by log(1 + plays)."""
        weights = np.log1p(profile.plays.astype(np.float64))
        vector = weights @ self.model.artist_emb[profile.artists].astype(np.float64) / max(weights.sum(), 1e-12)
        period = profile.period
        return TastePoint(label or (period.label if period else profile.name), vector, int(profile.plays.sum()),
                          profile.artists, weights)

    def taste_path(self, name: str | None) -> list[TastePoint]:
        """The centre of the listener's taste in each year they have kept listens, oldest first."""
        stored = self._stored(name)
        points = []
        for number in history.kept_years(self.store, stored.id):
            try:
                profile = self.period_profile(stored.name, year(number))
            except NoListener:      # that year's artists are all unknown to the model
                continue
            points.append(replace(self.taste_point(profile, str(number)), year=number))
        return points

    def playlist(self, title: str, picks: list, annotation: str = "") -> Playlist:
        """A playlist of the picks' artists (``core/playlists.write_playlist`` writes it), each with its
        MusicBrainz identifier when the library knows it and its reason as the annotation."""
        mbids = self.mbids(np.array([p.index for p in picks], dtype=np.int64))
        entries = tuple(PlaylistEntry(p.artist, mbid, _annotation(p)) for p, mbid in zip(picks, mbids))
        return Playlist(title, entries, annotation)

    def artist_links(self, index: int) -> list[links.ArtistLink]:
        """"Open on MusicBrainz / ListenBrainz / Last.fm" for one model artist (addresses only)."""
        mbid = self.mbids(np.array([index], dtype=np.int64))[0]
        return links.artist_links(str(self.model.artist_names[index]), mbid)

    def mbids(self, indices: np.ndarray) -> list[str | None]:
        """The MusicBrainz identifier the library knows for each model artist, or None."""
        return library.artist_mbids(self.store, self.model.artist_ids[np.asarray(indices, dtype=np.int64)],
                                    self.model.artist_norms[np.asarray(indices, dtype=np.int64)])

    def similar(self, name: str, n: int = DEFAULT_COUNT, metric: str = "dot",
                min_listeners: int = 1) -> explore.SimilarResult:
        """Artists closest to ``name`` (candidates when several names fit, no query when none)."""
        return explore.similar_artists(self.model, name, n=n, metric=metric, min_listeners=min_listeners)

    def biases(self, n: int = 50, min_listeners: int = 1) -> list[explore.ArtistBias]:
        """The ``n`` artists of highest learned bias."""
        return explore.bias_ranking(self.model, n=n, min_listeners=min_listeners)

    def bias_table(self, min_listeners: int = 1) -> pd.DataFrame:
        """Every artist by learned bias, highest first (``explore.bias_table``)."""
        return explore.bias_table(self.model, min_listeners)

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


def _annotation(pick) -> str:
    """A pick's reason in words: the rediscovery note and/or "because you listen to …"."""
    parts = [pick.note] if isinstance(pick, Rediscovery) else []
    if pick.because:
        parts.append(f"because you listen to {', '.join(pick.because)}")
    return "; ".join(parts)
