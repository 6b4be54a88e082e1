"""Co-listening evidence: the sparse counts match a brute-force count over the stored plays."""
from __future__ import annotations

import datetime as dt

import numpy as np
from listener_helpers import write_spotify

from musicrec_gui.core import importer
from musicrec_gui.core.evidence import CoListening


def _community_listeners_of(store, artist: str, leave_out: int | None = None) -> set[int]:
    rows = store.connection().execute(
        """SELECT p.listener_id FROM plays p JOIN artists a ON a.id = p.artist_id
           JOIN listeners l ON l.id = p.listener_id WHERE l.kind = 'community' AND a.name = ?""",
        (artist,)).fetchall()
    return {listener for (listener,) in rows} - {leave_out}


def _check_against_brute_force(store, picks, evidence, leave_out=None) -> int:
    checked = 0
    for pick, found in zip(picks, evidence):
        assert [e.artist for e in found] == [a for a in pick.because if _community_listeners_of(store, a, leave_out)]
        for e in found:
            of_reason = _community_listeners_of(store, e.artist, leave_out)
            both = of_reason & _community_listeners_of(store, pick.artist, leave_out)
            assert (e.other, e.both, e.listeners) == (pick.artist, len(both), len(of_reason))
            checked += 1
    return checked


def test_evidence_matches_a_brute_force_count(listening, store):
    profile = listening.profile("you")
    picks = listening.recommend(profile, n=15) + listening.rediscover(profile, n=5)
    evidence = listening.evidence(profile, picks)
    assert _check_against_brute_force(store, picks, evidence) >= 30
    assert any(e.both > 0 for found in evidence for e in found)


def test_a_community_listener_is_left_out_of_their_own_evidence(listening, store):
    name = store.connection().execute(
        "SELECT name FROM listeners WHERE kind = 'community' ORDER BY id LIMIT 1").fetchone()[0]
    profile = listening.profile(name)
    stored_id = store.connection().execute("SELECT id FROM listeners WHERE name = ?", (name,)).fetchone()[0]
    picks = listening.recommend(profile, n=10)
    evidence = listening.evidence(profile, picks)
    assert _check_against_brute_force(store, picks, evidence, leave_out=stored_id) > 0
    # Every reason is an artist they play: counting them in would add one to each count.
    index = listening.co_listening_index()
    reasons = np.array(sorted({r for p in picks for r in p.because_indices}))
    items = np.array([p.index for p in picks])
    with_them, listeners_with = index.counts(reasons, items)
    without, listeners_without = index.counts(reasons, items, leave_out=stored_id)
    assert np.array_equal(listeners_with - listeners_without, np.ones(reasons.size, dtype=np.int64))
    assert (with_them >= without).all()


def test_the_index_is_kept_per_store_state(listening, store, tmp_path):
    first = listening.co_listening_index()
    assert listening.co_listening_index() is first
    export = write_spotify(tmp_path / "x" / "StreamingHistory_music_0.json",
                           [("Rock Band 01", dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))])
    assert importer.import_paths(store, [export], person="someone")[0].added == 1   # the store changed
    assert listening.co_listening_index() is not first


def test_the_sentence_says_the_share_and_the_counts():
    e = CoListening("Radiohead", "Sigur Rós", 412, 1084)
    assert e.sentence() == "38 % of Radiohead's listeners also play Sigur Rós (412 of 1,084)"
    assert CoListening("A", "B", 0, 0).percent == 0.0


def test_the_next_session_loads_the_index_from_the_cache_file(listening, store, monkeypatch):
    from musicrec_gui.core.evidence import CACHE_FOLDER, CoListeningIndex
    from musicrec_gui.core.workflows.listening import Listening

    built = listening.co_listening_index()
    files = list((store.path.parent / CACHE_FOLDER).glob("colistening-*.npz"))
    assert len(files) == 1

    def no_build(*args, **kwargs):
        raise AssertionError("built again instead of loading the cache file")

    with monkeypatch.context() as patch:
        patch.setattr(CoListeningIndex, "build", no_build)
        loaded = Listening(listening.model, store).co_listening_index()
    assert (loaded.matrix != built.matrix).nnz == 0 and np.array_equal(loaded.listener_ids, built.listener_ids)
    files[0].write_bytes(b"damaged")                 # a damaged cache is built afresh
    again = Listening(listening.model, store).co_listening_index()
    assert (again.matrix != built.matrix).nnz == 0
