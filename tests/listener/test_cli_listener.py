"""The listener commands on the command line: JSON shapes, messages and exit codes."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from listener_helpers import JAZZ, ROCK, ROCK_PLAYS

from musicrec_gui.cli import main
from musicrec_gui.core.playlists import XSPF_NAMESPACE


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_hide_unhide_hidden(capsys, store):
    first = run_json(capsys, "recommend", "-n", "3")["results"][0]["artist"]
    assert run_json(capsys, "hide", first.upper())["results"] == [
        {"artist": first, "hidden_at": run_json(capsys, "hidden")["results"][0]["hidden_at"]}]
    assert first not in {r["artist"] for r in run_json(capsys, "recommend", "-n", "20")["results"]}
    code, out, _ = run(capsys, "hidden")
    assert code == 0 and out.startswith(first)
    assert run_json(capsys, "hidden", "--listener", "friend") == {"listener": "friend", "results": []}
    assert run_json(capsys, "unhide", first)["results"] == [{"artist": first, "unhidden": True}]
    code, _, err = run(capsys, "unhide", first)
    assert code == 1 and "was not hidden" in err
    code, _, err = run(capsys, "hide", "No Such Artist")
    assert code == 1 and err.startswith("musicrec: no artist named")


def test_exclude_include_excluded(capsys, store):
    source = next(s.id for s in store.sources() if "you19" in s.path)
    row = run_json(capsys, "exclude", "--source", str(source))["results"][0]
    assert row["kind"] == "source" and row["listens"] == len(ROCK) * ROCK_PLAYS
    recs = run_json(capsys, "recommend", "-n", "5")
    assert recs["folded_in"]
    period = run_json(capsys, "exclude", "--from", "2023-03", "--to", "2023-04")["results"][0]
    assert period["kind"] == "period" and period["description"] == "listens from 2023-03-01 to 2023-04-30"
    run_json(capsys, "exclude", "--artist", JAZZ[0])
    listed = run_json(capsys, "excluded")["results"]
    assert [r["kind"] for r in listed] == ["source", "period", "artist"]
    assert run_json(capsys, "include", "--id", str(listed[1]["id"]))["results"] == [{"included": 1}]
    code, _, err = run(capsys, "include", "--id", str(listed[1]["id"]))
    assert code == 1 and "there is no exclusion #" in err
    assert run_json(capsys, "include", "--artist", JAZZ[0].lower())["results"] == [{"included": 1}]
    code, out, _ = run(capsys, "include", "--source", str(source))
    assert code == 0 and "counts in the taste of you again" in out
    assert not run_json(capsys, "recommend", "-n", "5")["folded_in"]
    code, _, err = run(capsys, "include", "--source", str(source))
    assert code == 1 and "was not excluded" in err
    code, _, err = run(capsys, "exclude", "--from", "2023-03")
    assert code == 1 and "--from needs --to" in err
    code, _, err = run(capsys, "exclude", "--from", "March", "--to", "2023")
    assert code == 1 and "not a date" in err


def test_recommend_lanes_periods_and_playlists(capsys, store, tmp_path):
    old = run_json(capsys, "recommend", "--lane", "rediscover", "--months", "6", "-n", "10")
    assert old["lane"] == "rediscover" and {r["artist"] for r in old["results"]} == set(ROCK)
    assert old["results"][0]["note"] == f"you played them {ROCK_PLAYS} times, last in December 2019"
    code, out, _ = run(capsys, "recommend", "--lane", "rediscover", "-n", "2")
    assert code == 0 and "last in December 2019" in out
    then = run_json(capsys, "recommend", "--period", "2019", "-n", "5")
    assert then["period"] == "2019" and then["folded_in"] and len(then["results"]) == 5
    span = run_json(capsys, "recommend", "--from", "2019-01", "--to", "2019-12", "-n", "5")
    assert [r["artist"] for r in span["results"]] == [r["artist"] for r in then["results"]]
    code, _, err = run(capsys, "recommend", "--period", "2019", "--from", "2019")
    assert code == 1 and "either --period or --from/--to" in err
    code, _, err = run(capsys, "recommend", "--period", "2021")
    assert code == 1 and "no listens in 2021" in err
    playlist = tmp_path / "rediscover.xspf"
    run_json(capsys, "recommend", "--lane", "rediscover", "-n", "3", "--playlist", str(playlist))
    tracks = ET.parse(playlist).getroot().findall(f"{{{XSPF_NAMESPACE}}}trackList/{{{XSPF_NAMESPACE}}}track")
    assert len(tracks) == 3
    run_json(capsys, "recommend", "-n", "4", "--playlist", str(tmp_path / "explore.jspf"))
    assert len(json.loads((tmp_path / "explore.jspf").read_text(encoding="utf-8"))["playlist"]["track"]) == 4
    code, _, err = run(capsys, "recommend", "--playlist", str(tmp_path / "list.txt"))
    assert code == 1 and ".jspf or .xspf" in err


def test_years_compare_why(capsys, store):
    years = run_json(capsys, "years")
    assert [r["year"] for r in years["results"]] == [2019, 2023] and years["listener"] == "you"
    review = run_json(capsys, "years", "--year", "2019", "--utc")["results"][0]
    assert review["year"] == 2019 and review["top_artists"][0] == {"artist": ROCK[0], "plays": ROCK_PLAYS}
    code, out, _ = run(capsys, "years", "--year", "2023")
    assert code == 0 and "new artists" in out and "busiest day" in out
    compared = run_json(capsys, "compare", "you", "friend", "-n", "3")
    assert compared["results"][0]["shared_artists"] == 2 and len(compared["results"][0]["for_b"]) == 3
    code, out, _ = run(capsys, "compare", "friend", "you")
    assert code == 0 and out.startswith("friend and you have")
    code, _, err = run(capsys, "compare", "you", "nobody")
    assert code == 1 and "no listener named" in err
    why = run_json(capsys, "why", "Rock Band 07")["results"][0]
    assert why["plays"] == 0 and why["because"] and why["evidence"][0]["sentence"].endswith(")")
    code, out, _ = run(capsys, "why", "rock band 01")
    assert code == 0 and f"played them {ROCK_PLAYS} times" in out
