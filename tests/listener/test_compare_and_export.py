"""Comparing two people; playlists (JSPF, XSPF) and artist links."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from listener_helpers import JAZZ, TECHNO

from musicrec_gui.core import links, playlists, preferences
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.workflows.comparing import compare, taste_similarity

NS = {"x": playlists.XSPF_NAMESPACE}
MBID = "a74b1b7f-71a5-4011-9441-d0b5e4122711"


def test_similarity_is_symmetric_and_one_for_the_same_taste(listening):
    you, friend = listening.profile("you"), listening.profile("friend")
    assert taste_similarity(listening, you, friend) == pytest.approx(taste_similarity(listening, friend, you))
    assert taste_similarity(listening, you, you) == pytest.approx(1.0)
    assert -1.0 <= taste_similarity(listening, you, friend) < 1.0
    there, back = compare(listening, "you", "friend"), compare(listening, "friend", "you")
    assert there.similarity == pytest.approx(back.similarity) and there.shared_artists == back.shared_artists
    assert there.sentence.startswith("you and friend have ") and "2 artists in common" in there.sentence


def test_compare_lists_what_both_love_and_cross_recommendations(listening, store):
    result = compare(listening, "you", "friend", n=5)
    assert [(s.artist, s.plays_a, s.plays_b) for s in result.both_love] == [(JAZZ[0], 25, 10), (JAZZ[1], 25, 10)]
    you, friend = listening.profile("you"), listening.profile("friend")
    favourites_of = {p.name: set(p.artists.tolist()) for p in (you, friend)}
    assert result.for_a and result.for_b
    for pick in result.for_a:       # the friend's artists, new to "you", with reasons from "you"'s listening
        assert pick.index in favourites_of["friend"] and pick.index not in favourites_of["you"]
        assert set(pick.because_indices) <= favourites_of["you"] and pick.giver_plays == 20
    assert {p.artist for p in result.for_a} <= set(TECHNO)
    np.testing.assert_allclose(result.point_a.vector, listening.taste_point(you).vector)
    data = result.to_json()
    assert len(data["position_a"]) == listening.model.dim and data["for_b"][0]["because"]
    # The receiver's hidden artists stay hidden in cross-recommendations too.
    preferences.hide(store, "you", result.for_a[0].artist)
    assert result.for_a[0].artist not in {p.artist for p in compare(listening, "you", "friend", n=5).for_a}


def test_compare_needs_two_people(listening):
    with pytest.raises(MusicRecError, match="twice"):
        compare(listening, "you", "YOU")


def _playlist() -> playlists.Playlist:
    return playlists.Playlist("For you", (
        playlists.PlaylistEntry("Sigur Rós", MBID, "because you listen to Radiohead"),
        playlists.PlaylistEntry("Bad\x07 & <Band>", None, ""),
        playlists.PlaylistEntry("Odd", "not-an-mbid", "")), annotation="test", date="2024-01-02T03:04:05+00:00")


def test_jspf_is_json_with_the_documented_fields(tmp_path):
    path = playlists.write_playlist(tmp_path / "list.jspf", _playlist())
    data = json.loads(path.read_text(encoding="utf-8"))
    body = data["playlist"]
    assert body["title"] == "For you" and body["creator"] == "MusicRec" and body["date"].startswith("2024")
    tracks = body["track"]
    assert [t["creator"] for t in tracks] == ["Sigur Rós", "Bad & <Band>", "Odd"]
    assert tracks[0]["identifier"] == [f"https://musicbrainz.org/artist/{MBID}"]
    assert tracks[0]["annotation"] == "because you listen to Radiohead"
    assert "identifier" not in tracks[1] and "identifier" not in tracks[2]    # no (valid) MBID, no identifier


def test_xspf_parses_in_the_xspf_namespace(tmp_path):
    path = playlists.write_playlist(tmp_path / "list.xspf", _playlist())
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{playlists.XSPF_NAMESPACE}}}playlist" and root.get("version") == "1"
    tracks = root.findall("x:trackList/x:track", NS)
    assert [t.findtext("x:creator", namespaces=NS) for t in tracks] == ["Sigur Rós", "Bad & <Band>", "Odd"]
    assert tracks[0].findtext("x:identifier", namespaces=NS) == f"https://musicbrainz.org/artist/{MBID}"
    assert [child.tag.split("}")[1] for child in tracks[0]] == ["identifier", "creator", "annotation", "info"]
    assert root.findtext("x:title", namespaces=NS) == "For you"


def test_playlists_are_written_safely(tmp_path):
    target = tmp_path / "list.xspf"
    target.write_text("old")
    playlists.write_playlist(target, _playlist())
    assert target.read_bytes().startswith(b"<?xml") and [p.name for p in tmp_path.iterdir()] == ["list.xspf"]
    with pytest.raises(playlists.PlaylistError, match=r"\.jspf or \.xspf"):
        playlists.write_playlist(tmp_path / "list.m3u", _playlist())
    with pytest.raises(playlists.PlaylistError, match="cannot write"):
        playlists.write_playlist(tmp_path / "missing" / "list.jspf", _playlist())
    assert [p.name for p in tmp_path.iterdir()] == ["list.xspf"]


def test_listening_playlists_carry_the_librarys_mbids(listening, store):
    profile = listening.profile("you")
    picks = listening.recommend(profile, n=3)
    with store.transaction() as conn:
        conn.execute("UPDATE artists SET mbid = ? WHERE name = ?", (MBID, picks[1].artist))
    playlist = listening.playlist("x", picks)
    assert [e.mbid for e in playlist.entries] == [None, MBID, None]
    assert listening.artist_links(picks[1].index)[1].url == f"https://listenbrainz.org/artist/{MBID}/"
    assert [link.site for link in listening.artist_links(picks[0].index)] == ["MusicBrainz", "Last.fm"]
    assert playlist.entries[0].annotation.startswith("because you listen to ")


def test_artist_links():
    with_id = links.artist_links("Sigur Rós", MBID.upper())
    assert [(link.site, link.url) for link in with_id] == [
        ("MusicBrainz", f"https://musicbrainz.org/artist/{MBID}"),
        ("ListenBrainz", f"https://listenbrainz.org/artist/{MBID}/"),
        ("Last.fm", "https://www.last.fm/music/Sigur+R%C3%B3s")]
    without = links.artist_links("AC/DC + Friends", "nonsense")
    assert [link.site for link in without] == ["MusicBrainz", "Last.fm"]
    assert without[0].url == "https://musicbrainz.org/search?query=AC%2FDC%20%2B%20Friends&type=artist&method=indexed"
    assert without[1].url == "https://www.last.fm/music/AC%2FDC+%2B+Friends" and without[1].label == "Open on Last.fm"
