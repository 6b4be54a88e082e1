"""Hidden artists and exclusions in the store: storing, effective plays, training rows, undo, migration."""
from __future__ import annotations

import sqlite3
from collections import Counter

import numpy as np
import pytest
from listener_helpers import FOLK, JAZZ, JAZZ_PLAYS, ROCK, ROCK_PLAYS, YOU_2019, YOU_2023, epoch

from musicrec_gui.core import importer, library, preferences
from musicrec_gui.core.periods import between, parse_period
from musicrec_gui.core.preferences import PreferenceError


def _source_ids(store) -> dict[str, int]:
    """The import ids by folder: community, you19, you23, friend."""
    return {row.path.split("/")[-2]: row.id for row in store.sources()}


def _by_name(store, rows) -> dict[str, int]:
    names = dict(store.connection().execute("SELECT id, name FROM artists").fetchall())
    return {names[artist_id]: int(plays) for artist_id, _, plays in rows}


def _you(store) -> int:
    return library.find_listener(store, "you").id


def test_hide_unhide_and_list(store):
    hidden = preferences.hide(store, "you", "rock band 07")
    assert hidden.name == "Rock Band 07" and hidden.norm == "rock band 07"
    assert preferences.hide(store, None, "ROCK BAND 07") == hidden          # twice: one row, "you" is the first person
    preferences.hide(store, "you", "Jazz Band 10")
    assert [h.name for h in preferences.hidden_artists(store, "you")] == ["Jazz Band 10", "Rock Band 07"]
    assert preferences.hidden_artists(store, "friend") == []
    assert preferences.unhide(store, "you", "Rock Band 07") is True
    assert preferences.unhide(store, "you", "Rock Band 07") is False
    assert preferences.hidden_norms(store, _you(store)) == {"jazz band 10"}


def test_choices_need_a_person_and_a_known_artist(store):
    with pytest.raises(PreferenceError, match="no artist named"):
        preferences.hide(store, "you", "Nobody Ever")
    with pytest.raises(PreferenceError, match="no person named"):
        preferences.hide(store, "nobody", "Rock Band 01")
    community = store.connection().execute("SELECT name FROM listeners WHERE kind = 'community' LIMIT 1").fetchone()[0]
    with pytest.raises(PreferenceError, match="community listener"):
        preferences.exclude(store, community, preferences.artist_exclusion("Rock Band 01"))
    sources = _source_ids(store)
    with pytest.raises(PreferenceError, match="belongs to another listener, not you"):
        preferences.exclude(store, "you", preferences.source_exclusion(sources["friend"]))
    with pytest.raises(PreferenceError, match="no import with id"):
        preferences.exclude(store, "you", preferences.source_exclusion(999))


def test_effective_plays_leave_out_each_kind_of_exclusion(store):
    you = _you(store)
    everything = _by_name(store, library.listener_plays(store, you))
    assert everything == {**{a: ROCK_PLAYS for a in ROCK}, **{a: JAZZ_PLAYS for a in JAZZ}, FOLK: 2}
    assert _by_name(store, preferences.effective_plays(store, you)) == everything

    sources = _source_ids(store)
    excluded = preferences.exclude(store, "you", preferences.source_exclusion(sources["you23"]))
    assert excluded.listens == len(YOU_2023) and excluded.describe().startswith(f"import #{sources['you23']}")
    assert _by_name(store, preferences.effective_plays(store, you)) == {a: ROCK_PLAYS for a in ROCK}
    assert preferences.include(store, "you", preferences.source_exclusion(sources["you23"])) == 1

    # A period: hand-count what the rows of the two exports leave once March–May 2023 is out.
    period = between("2023-03", "2023-05")
    kept = Counter(a for a, when in YOU_2019 + YOU_2023 if not period.start <= epoch(when) < period.end)
    row = preferences.exclude(store, "you", preferences.period_exclusion(period))
    assert row.listens == len(YOU_2019) + len(YOU_2023) - sum(kept.values()) > 0
    assert _by_name(store, preferences.effective_plays(store, you)) == dict(kept)

    preferences.exclude(store, "you", preferences.artist_exclusion("jazz band 01"))
    del kept[JAZZ[0]]
    assert _by_name(store, preferences.effective_plays(store, you)) == dict(kept)
    assert [e.kind for e in preferences.exclusions(store, "you")] == ["period", "artist"]
    # Excluding twice stores one exclusion; including the period again leaves the artist out only.
    preferences.exclude(store, "you", preferences.period_exclusion(period))
    assert len(preferences.exclusions(store, "you")) == 2
    assert preferences.include(store, "you", preferences.period_exclusion(period)) == 1
    assert _by_name(store, preferences.effective_plays(store, you)) == {
        a: n for a, n in everything.items() if a != JAZZ[0]}
    # The listens stay in the store (and in the history charts).
    assert store.scalar("SELECT COUNT(*) FROM listens WHERE listener_id = ?", (you,)) == len(YOU_2019) + len(YOU_2023)


def test_period_plays_use_that_period_only(store):
    plays = _by_name(store, preferences.period_plays(store, _you(store), parse_period("2019")))
    assert plays == {a: ROCK_PLAYS for a in ROCK}
    preferences.exclude(store, "you", preferences.artist_exclusion(ROCK[0]))
    assert ROCK[0] not in _by_name(store, preferences.period_plays(store, _you(store), parse_period("2019")))


def test_the_training_rows_are_the_effective_plays(store):
    from musicrec_gui.core.engine.dataset import dataset_from_store

    sources = _source_ids(store)
    preferences.exclude(store, "you", preferences.source_exclusion(sources["you19"]))
    preferences.exclude(store, "you", preferences.artist_exclusion(FOLK))
    data = dataset_from_store(store, valid_share=0.0)
    row = int(np.flatnonzero(data.listener_names == "you")[0])
    pairs = data.train
    mine = pairs.listener == row
    got = {str(data.artist_names[a]): int(p) for a, p in zip(pairs.artist[mine], pairs.plays[mine])}
    assert got == {a: JAZZ_PLAYS for a in JAZZ}
    # Nobody else's row changed.
    friend = int(np.flatnonzero(data.listener_names == "friend")[0])
    assert int((pairs.listener == friend).sum()) == 8


def test_undo_keeps_a_persons_choices_until_the_person_is_gone(store):
    sources = _source_ids(store)
    preferences.hide(store, "you", "Techno Band 09")
    preferences.exclude(store, "you", preferences.source_exclusion(sources["you19"]))
    preferences.exclude(store, "you", preferences.artist_exclusion(FOLK))
    preferences.exclude(store, "you", preferences.period_exclusion(parse_period("2023-02")))

    importer.undo_source(store, sources["you19"])        # its exclusion goes, the rest stays
    assert [e.kind for e in preferences.exclusions(store, "you")] == ["artist", "period"]
    assert [h.name for h in preferences.hidden_artists(store, "you")] == ["Techno Band 09"]

    importer.undo_source(store, sources["community"])     # the hidden artist's row may go; the choice stays
    assert [h.name for h in preferences.hidden_artists(store, "you")] == ["Techno Band 09"]

    importer.undo_source(store, sources["you23"])         # "you" is gone, and so are their choices
    assert library.find_listener(store, "you") is None and store.people() == ["friend"]
    assert store.scalar("SELECT COUNT(*) FROM hidden_artists") == 0
    assert store.scalar("SELECT COUNT(*) FROM taste_exclusions") == 0


def test_a_version_1_store_is_migrated_with_its_data(tmp_path):
    from musicrec_gui.core.store import MIGRATIONS, SCHEMA_VERSION, Store, _split_sql

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for statement in _split_sql(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("INSERT INTO listeners (kind, external_id, name) VALUES ('person', 'you', 'you')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION >= 2
        assert store.people() == ["you"]
        assert preferences.hidden_artists(store, "you") == []
    finally:
        store.close()


def test_the_store_refuses_a_malformed_exclusion(store):
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction() as conn:
            conn.execute("INSERT INTO taste_exclusions (listener_id, kind, period_start, period_end) "
                         "VALUES (?, 'period', 10, 5)", (_you(store),))
