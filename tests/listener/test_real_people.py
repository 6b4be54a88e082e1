"""The listener's controls on real data: HetRec 2K plus two real personal exports imported as two people.

"you": a Last.fm history (lastfm-to-csv, 2008–2020, ~60 K listens); "friend": a
Spotify account-data export (2021).  One model is trained for the module; the
tests undo whatever they change.
"""
from __future__ import annotations

import sqlite3
from collections import Counter

import numpy as np
import pytest
from shared_data import EXPORTS, HETREC, require_shared

from musicrec_gui.core import history, importer, preferences
from musicrec_gui.core.engine import explore
from musicrec_gui.core.periods import between, parse_period
from musicrec_gui.core.store import Store
from musicrec_gui.core.workflows.comparing import compare
from musicrec_gui.core.workflows.listening import Listening

LASTFM = EXPORTS / "lastfm-benjaminbenben-csv" / "lastfm_scrobbles.csv"
SPOTIFY = EXPORTS / "spotify-account-data" / "StreamingHistory1.json"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.dataset import dataset_from_store
    from musicrec_gui.core.engine.settings import preset
    from musicrec_gui.core.engine.trainer import train

    for path in (HETREC, LASTFM, SPOTIFY):
        require_shared(path)
    store = Store(tmp_path_factory.mktemp("real") / "store.sqlite3")
    for path, person in ((HETREC, "you"), (LASTFM, "you"), (SPOTIFY, "friend")):
        reports = importer.import_paths(store, [path], person=person)
        assert not [r.error for r in reports if r.error]
    trainer, result = train(dataset_from_store(store), preset("discover", epochs=15, threads=2, seed=3))
    yield Listening(TrainedModel.from_training(trainer, result), store)
    store.close()


def _names(rows) -> set[str]:
    return {r.artist for r in rows} | {a for r in rows for a in r.because}


def _listens(store, person: str) -> list[tuple[int, str, int | None, int]]:
    """(artist id, normalised name, played_at, source) of every listen of the person."""
    return store.connection().execute(
        """SELECT l.artist_id, a.norm, l.played_at, l.source_id FROM listens l JOIN artists a ON a.id = l.artist_id
           JOIN listeners p ON p.id = l.listener_id WHERE p.name = ?""", (person,)).fetchall()


def test_hidden_artists_never_come_back_on_real_data(real):
    profile = real.profile("you")
    first = real.recommend(profile, n=20)
    assert not profile.folded_in and len(first) == 20
    hidden = {first[0].artist, first[0].because[0]}
    try:
        for name in hidden:
            preferences.hide(real.store, "you", name)
        rows = (real.recommend(profile, n=50) + real.rediscover(profile, n=50, months=24)
                + real.recommend(real.period_profile("you", parse_period("2012")), n=50))
        assert len(rows) > 50 and not _names(rows) & hidden
    finally:
        for name in hidden:
            preferences.unhide(real.store, "you", name)


def test_an_excluded_period_changes_the_fold_in_exactly_on_real_data(real):
    period = between("2014", "2016")
    kept = Counter((artist, norm) for artist, norm, played, _ in _listens(real.store, "you")
                   if played is None or not period.start <= played < period.end)
    ids = np.array([a for a, _ in kept], dtype=np.int64)
    indices = real.artist_indices(ids, np.array([n for _, n in kept], dtype=object))
    plays = np.bincount(indices[indices >= 0], weights=np.array(list(kept.values()))[indices >= 0],
                        minlength=real.model.n_artists)
    artists = np.flatnonzero(plays)
    expected = explore.fold_in_plays(real.model, artists, plays[artists].astype(np.int64))
    preferences.exclude(real.store, "you", preferences.period_exclusion(period))
    try:
        profile = real.profile("you")
        assert profile.folded_in
        np.testing.assert_allclose(profile.taste.vector, expected.vector, rtol=1e-8, atol=1e-10)
    finally:
        preferences.include(real.store, "you", preferences.period_exclusion(period))
    assert not real.profile("you").folded_in


def test_rediscover_and_years_on_real_data(real):
    you = history.listener(real.store, "you").id
    found = real.rediscover(real.profile("you"), n=20, months=24)
    assert len(found) == 20
    latest = history.latest_listen(real.store, you)
    rows = _listens(real.store, "you")
    for pick in found:   # checked against the raw listens of the artists with that name
        mine = [played for _, norm, played, _ in rows if norm == real.model.artist_norms[pick.index]]
        assert pick.plays == len(mine) >= 10 and pick.last_played == max(mine)
        assert pick.last_played < latest - 700 * 86400
    years = history.years(real.store, "you")
    assert years[0].year == 2008 and years[-1].year == 2020
    assert sum(y.listens for y in years) == sum(1 for *_, played, _ in rows if played is not None)
    assert sum(y.new_artists for y in years) == len({a for a, _, played, _ in rows if played is not None})
    review = history.year_in_review(real.store, "you", 2012, local_clock=False)
    assert sum(map(sum, review.clock)) == review.listens == sum(m.listens for m in review.months)
    path = real.taste_path("you")
    assert [p.year for p in path] == [y.year for y in years]


def test_evidence_matches_a_brute_force_count_on_real_data(real):
    profile = real.profile("you")
    picks = real.recommend(profile, n=8)
    evidence = real.evidence(profile, picks)
    db = sqlite3.connect(real.store.path)
    listeners_of = {}

    def community(norm: str) -> set[int]:
        if norm not in listeners_of:
            listeners_of[norm] = {row for (row,) in db.execute(
                """SELECT DISTINCT p.listener_id FROM plays p JOIN artists a ON a.id = p.artist_id
                   JOIN listeners l ON l.id = p.listener_id WHERE l.kind = 'community' AND a.norm = ?""", (norm,))}
        return listeners_of[norm]

    checked = 0
    for pick, found in zip(picks, evidence):
        for e in found:
            reason = community(real.model.artist_norms[real.model.artist_names == e.artist][0])
            both = reason & community(real.model.artist_norms[pick.index])
            assert (e.both, e.listeners) == (len(both), len(reason))
            checked += 1
    db.close()
    assert checked >= 10


def test_two_real_people_compare_symmetrically(real):
    there, back = compare(real, "you", "friend", n=10), compare(real, "friend", "you", n=10)
    assert there.similarity == pytest.approx(back.similarity)
    assert [(s.artist, s.plays_a, s.plays_b) for s in there.both_love] == [
        (s.artist, s.plays_b, s.plays_a) for s in back.both_love]
    assert there.for_a and there.for_b
    friend_played = set(real.profile("friend").artists.tolist())
    assert all(p.index not in friend_played for p in there.for_b)
