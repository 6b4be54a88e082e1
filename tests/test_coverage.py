"""How much of a person's music each community dataset knows: per dataset and together, as a brute force says."""
from __future__ import annotations

from shared_data import EXPORTS, HETREC, require_shared

from musicrec_gui.core import importer, library
from musicrec_gui.core.store import Store


def _brute_force(store: Store, person: str, dataset: str | None) -> tuple[int, int, int, int]:
    conn = store.connection()
    mine = dict(conn.execute("SELECT p.artist_id, p.plays FROM plays p JOIN listeners l ON l.id = p.listener_id "
                             "WHERE l.kind = 'person' AND l.external_id = ?", (person,)).fetchall())
    known = {a for a, d in conn.execute("SELECT p.artist_id, l.dataset FROM plays p JOIN listeners l "
                                        "ON l.id = p.listener_id WHERE l.kind = 'community'")
             if dataset is None or d == dataset}
    matched = [a for a in mine if a in known]
    return len(mine), len(matched), sum(mine.values()), sum(mine[a] for a in matched)


def test_coverage_per_community_dataset_matches_a_brute_force_count(musicrec_home):
    store = Store.open()
    importer.import_paths(store, [require_shared(HETREC)])
    importer.import_paths(store, [require_shared(EXPORTS / "lastfm-360k" / "usersha1-artmbid-artname-plays.tsv")])
    importer.import_paths(store, [require_shared(EXPORTS / "lastfm-ghan-csv" / "scrobbles.csv")])
    together, *datasets = library.coverage(store, "you")
    assert together.label == library.ALL_COMMUNITY and len(datasets) == 2
    assert (together.artists, together.matched_artists, together.plays, together.matched_plays) == \
        _brute_force(store, "you", None)
    for entry in datasets:
        assert (entry.artists, entry.matched_artists, entry.plays, entry.matched_plays) == \
            _brute_force(store, "you", entry.dataset)
        assert entry.label != entry.dataset            # named as the import history names it
    assert 0 < datasets[0].matched_artists <= together.matched_artists
    match = library.person_match(store, "you")
    assert match["matched_artists"] == together.matched_artists
    detail = library.store_stats(store)["people_detail"][0]
    assert [c["dataset"] for c in detail["coverage"]] == [d.dataset for d in datasets]
    assert library.coverage(store, "nobody") == []
