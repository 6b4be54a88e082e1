"""The listening rules a person steers: hidden artists, exclusions in the fold-in, the two lanes, periods."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from listener_helpers import (
    FOLK,
    FRIEND,
    JAZZ,
    JAZZ_LAST,
    ROCK,
    ROCK_LAST,
    ROCK_PLAYS,
    YOU_2019,
    YOU_2023,
    epoch,
    write_spotify,
)

from musicrec_gui.core import importer, preferences
from musicrec_gui.core.engine import explore
from musicrec_gui.core.periods import between, parse_period
from musicrec_gui.core.workflows.listening import Listening, NoListener


def _index(listening: Listening, name: str) -> int:
    return int(np.flatnonzero(listening.model.artist_names == name)[0])


def _hand_fold_in(listening: Listening, plays: Counter):
    """The fold-in over plays counted by hand from the export rows (artist name → plays)."""
    indices = np.array([_index(listening, a) for a in plays], dtype=np.int64)
    counts = np.array(list(plays.values()), dtype=np.int64)
    order = np.argsort(indices)
    return explore.fold_in_plays(listening.model, indices[order], counts[order])


def _named(rows) -> set[str]:
    return {r.artist for r in rows} | {a for r in rows for a in r.because}


def test_hidden_artists_never_come_back_as_picks_or_reasons(listening, store):
    profile = listening.profile("you")
    first = listening.recommend(profile, n=10)
    reason = first[0].because[0]
    assert not profile.folded_in and reason in {*ROCK, *JAZZ, FOLK}
    preferences.hide(store, "you", first[0].artist)
    preferences.hide(store, "you", reason)
    for lane in (listening.recommend(profile, n=10), listening.rediscover(profile, n=10, months=6),
                 listening.recommend(profile, n=10, barely=1000)):
        assert lane and not _named(lane) & {first[0].artist, reason}
    assert len(listening.recommend(profile, n=10)) == 10      # the list fills up from further down
    # Also when the person is folded in (an exclusion changed their plays) and in a period's taste.
    preferences.exclude(store, "you", preferences.artist_exclusion(FOLK))
    folded = listening.profile("you")
    assert folded.folded_in
    assert not _named(listening.recommend(folded, n=10)) & {first[0].artist, reason}
    assert not _named(listening.recommend(listening.period_profile("you", parse_period("2019")), n=10)) & {
        first[0].artist, reason}
    # Another person is not affected.
    assert first[0].artist in {r.artist for r in listening.recommend(listening.profile("friend"), n=100)}


def test_hidden_artists_stay_hidden_after_retraining(store):
    from musicrec_gui.core.engine.settings import preset
    from musicrec_gui.core.workflows import training

    preferences.hide(store, "you", "Rock Band 07")
    preferences.hide(store, "you", "Rock Band 01")
    outcome = training.train(store, preset("discover", dim=16, epochs=30, seed=1, threads=1))
    listening = Listening(outcome.model, store)
    profile = listening.profile("you")
    assert not profile.folded_in
    rows = listening.recommend(profile, n=20) + listening.rediscover(profile, n=20, months=6)
    assert rows and not _named(rows) & {"Rock Band 07", "Rock Band 01"}
    # Without the hidden list the same model does name them (so the check above can fail).
    preferences.unhide(store, "you", "Rock Band 01")
    preferences.unhide(store, "you", "Rock Band 07")
    again = listening.recommend(profile, n=20) + listening.rediscover(profile, n=20, months=6)
    assert _named(again) & {"Rock Band 07", "Rock Band 01"}


@pytest.mark.parametrize("kind", ["source", "period", "artist"])
def test_an_exclusion_changes_the_fold_in_exactly(listening, store, kind):
    before = listening.profile("you")
    assert not before.folded_in
    rows = YOU_2019 + YOU_2023
    if kind == "source":
        source = next(s.id for s in store.sources() if "you19" in s.path)
        exclusion, kept = preferences.source_exclusion(source), YOU_2023
    elif kind == "period":
        period = between("2023-04-01", "2023-06-15")
        exclusion = preferences.period_exclusion(period)
        kept = [(a, w) for a, w in rows if not period.start <= epoch(w) < period.end]
    else:
        exclusion, kept = preferences.artist_exclusion("JAZZ BAND 03"), [(a, w) for a, w in rows if a != JAZZ[2]]
    preferences.exclude(store, "you", exclusion)
    after = listening.profile("you")                       # no forget(): exclusions are part of the cache key
    expected = _hand_fold_in(listening, Counter(a for a, _ in kept))
    assert after.folded_in and after.in_model
    np.testing.assert_allclose(after.taste.vector, expected.vector, rtol=1e-9, atol=1e-12)
    assert after.taste.bias == pytest.approx(expected.bias)
    assert not np.allclose(after.taste.vector, before.taste.vector)
    # Including it again brings back the trained vector.
    preferences.include(store, "you", exclusion)
    assert not listening.profile("you").folded_in


def test_rediscover_finds_old_favourites_with_none_recent(listening):
    profile = listening.profile("you")
    found = listening.rediscover(profile, n=50, months=12)
    assert {r.artist for r in found} == set(ROCK)          # Jazz was played in the last 12 months, Folk twice only
    assert all(r.plays == ROCK_PLAYS for r in found)
    last = {r.artist: r.last_played for r in found}
    assert last == {a: epoch(ROCK_LAST) - 7 * 60 * n for n, a in enumerate(ROCK)}
    assert found[0].note == f"you played them {ROCK_PLAYS} times, last in December 2019"
    scores = explore.predicted(listening.model, profile.taste)
    assert [r.score for r in found] == sorted((scores[r.index] for r in found), reverse=True)
    # With a shorter window nothing 2023 qualifies either (its last listen is the reference "now").
    assert {r.artist for r in listening.rediscover(profile, n=50, months=1)} == set(ROCK)
    # Counting from a later "now", the 2023 artists are old too; the play threshold still holds.
    later = epoch(JAZZ_LAST) + 400 * 86400
    assert {r.artist for r in listening.rediscover(profile, n=50, months=12, now=later)} == {*ROCK, *JAZZ}
    assert {r.artist for r in listening.rediscover(profile, n=50, months=12, now=later, min_plays=1)} == {
        *ROCK, *JAZZ, FOLK}
    # Both lanes keep the listener-count range.
    cut = int(np.median([r.listeners for r in found]))
    assert all(r.listeners <= cut for r in listening.rediscover(profile, n=50, max_listeners=cut))


def test_explore_threshold_lets_barely_played_artists_in(listening):
    profile = listening.profile("you")
    index = _index(listening, FOLK)
    assert index not in {r.index for r in listening.recommend(profile, n=200)}
    barely = {r.index for r in listening.recommend(profile, n=200, barely=2)}
    assert index in barely and not barely & set(profile.artists[profile.plays > 2].tolist())


def test_a_period_fold_in_uses_only_that_period(listening):
    period = parse_period("2019")
    profile = listening.period_profile("you", period)
    expected = _hand_fold_in(listening, Counter(a for a, w in YOU_2019 + YOU_2023
                                                if period.start <= epoch(w) < period.end))
    np.testing.assert_allclose(profile.taste.vector, expected.vector, rtol=1e-9, atol=1e-12)
    assert set(listening.model.artist_names[profile.artists]) == set(ROCK) and profile.period == period
    today = listening.profile("you")
    for rows in (listening.recommend(profile, n=30), listening.recommend(today, n=30)):
        assert not {r.index for r in rows} & set(today.artists.tolist())   # both lists are new to them today
    assert [r.artist for r in listening.recommend(profile, n=5)] != [r.artist for r in listening.recommend(today, n=5)]
    with pytest.raises(NoListener, match="no listens in 2021"):
        listening.period_profile("you", parse_period("2021"))


def test_taste_path_is_the_weighted_centre_of_each_years_artists(listening):
    path = listening.taste_path("you")
    assert [p.year for p in path] == [2019, 2023]
    Q = listening.model.artist_emb.astype(np.float64)
    for point, rows in zip(path, (YOU_2019, YOU_2023)):
        plays = Counter(a for a, _ in rows)
        weights = np.log1p(np.array(list(plays.values()), dtype=np.float64))
        centre = weights @ Q[[_index(listening, a) for a in plays]] / weights.sum()
        np.testing.assert_allclose(point.vector, centre, rtol=1e-9)
        assert point.listens == len(rows)
        # On a map made by a linear projection, its place is the projected centre.
        projection = np.random.default_rng(0).normal(size=(Q.shape[1], 2))
        np.testing.assert_allclose(point.on_map(Q @ projection), centre @ projection, rtol=1e-9)


def test_playlist_of_picks_carries_reasons(listening):
    profile = listening.profile("you")
    picks = listening.rediscover(profile, n=3)
    playlist = listening.playlist("test", picks)
    assert [e.artist for e in playlist.entries] == [p.artist for p in picks]
    assert playlist.entries[0].annotation.startswith(f"you played them {ROCK_PLAYS} times")


def test_choices_list_people_first_then_people_the_model_lacks_then_community(listening, store, tmp_path):
    path = write_spotify(tmp_path / "new" / "StreamingHistory_music_0.json", FRIEND)
    assert not [r.error for r in importer.import_paths(store, [path], person="newcomer") if r.error]
    names = Listening(listening.model, store).choice_names()
    assert names[:3] == ["you", "friend", "newcomer"]
    assert len(names) == len(set(names)) == store.scalar("SELECT COUNT(*) FROM listeners")
    kinds = dict(store.connection().execute("SELECT name, kind FROM listeners").fetchall())
    assert [kinds[name] for name in names[3:]] == ["community"] * (len(names) - 3)
