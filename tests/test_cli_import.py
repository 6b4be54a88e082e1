"""The data CLI and the importer on the real shared files: shapes, idempotence, overlap, undo, zips."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
import zipfile

import pandas as pd
from shared_data import EXPORTS, HETREC, require_shared

from musicrec_gui.cli import main as cli_main
from musicrec_gui.core import importer, library
from musicrec_gui.core.names import is_placeholder, normalize_name
from musicrec_gui.core.store import Store

SPOTIFY = EXPORTS / "spotify-account-data" / "StreamingHistory_music_3.json"
BENJAMIN = EXPORTS / "lastfm-benjaminbenben-csv" / "lastfm_scrobbles.csv"


def run_cli(capsys, *args) -> tuple[int, str, str]:
    status = cli_main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_import_json_shape_and_stats(capsys):
    require_shared(HETREC)
    spotify_file = require_shared(EXPORTS / "spotify-account-data" / "StreamingHistory_music_2.json")
    status, out, err = run_cli(capsys, "import", str(HETREC), str(spotify_file), "--json")
    assert status == 0, err
    result = json.loads(out)
    keys = {"path", "format", "listener", "rows_read", "added", "skipped", "malformed", "error"}
    assert all(keys <= set(entry) for entry in result["sources"])
    by_format = {e["format"]: e for e in result["sources"] if not e.get("ignored")}
    hetrec = next(e for e in by_format.values() if e["rows_read"] == 92_834)
    assert hetrec["error"] is None
    # Expected from the files: placeholder artists dropped, and pairs whose artist ids share
    # one normalised name merged into one pair.
    names = pd.read_csv(HETREC / "artists.dat", sep="\t", quoting=csv.QUOTE_NONE, dtype=str)
    names["key"] = names["name"].map(normalize_name)
    pairs = pd.read_csv(HETREC / "user_artists.dat", sep="\t", dtype=str).merge(
        names, left_on="artistID", right_on="id")
    real = pairs[~pairs["key"].map(is_placeholder)]
    assert hetrec["skipped"] == {"placeholder artist": len(pairs) - len(real)}
    assert hetrec["added"] == len(real.drop_duplicates(["userID", "key"]))
    spotify = next(e for e in result["sources"] if e["path"].endswith("StreamingHistory_music_2.json"))
    assert spotify["listener"] == "you" and spotify["rows_read"] == len(json.loads(spotify_file.read_text()))

    status, out, _ = run_cli(capsys, "stats", "--json")
    stats = json.loads(out)
    for key in ("listeners", "people", "artists", "listens", "plays", "sources"):
        assert isinstance(stats[key], int)
    assert stats["people"] == 1 and stats["listeners"] == 1 + 1892
    you = stats["people_detail"][0]
    assert set(you) >= {"name", "artists", "plays", "matched_artists", "matched_plays"}
    assert 0 < you["matched_artists"] <= you["artists"]

    status, out, _ = run_cli(capsys, "artists", "--search", "britney", "--json")
    names = [r["artist"] for r in json.loads(out)["results"]]
    assert "Britney Spears" in names


def test_unknown_file_fails_with_a_clear_message(capsys, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("just some words\nnothing to see\n")
    status, out, err = run_cli(capsys, "import", str(junk))
    assert status == 1
    assert "notes.txt" in err and "Supported formats" in err
    assert len(err.strip().splitlines()) == 1


def test_reimport_is_idempotent_and_undo_restores(capsys):
    store = Store.open()
    first = importer.import_paths(store, [require_shared(BENJAMIN)])[0]
    assert first.added > 0
    again = importer.import_paths(store, [BENJAMIN])[0]
    assert again.already_imported and again.added == 0
    status, out, _ = run_cli(capsys, "sources", "--json")
    assert len(json.loads(out)["sources"]) == 1
    status, _, _ = run_cli(capsys, "undo", str(first.source_id))
    assert status == 0
    assert library.store_stats(store)["listens"] == 0
    assert store.scalar("SELECT COUNT(*) FROM artists") == 0
    status, _, err = run_cli(capsys, "undo", "999")
    assert status == 1 and "999" in err


def test_overlapping_export_adds_only_new_listens(tmp_path):
    """An older export is a suffix of the newest-first file; the newer one adds exactly the rest."""
    lines = require_shared(BENJAMIN).read_bytes().splitlines(keepends=True)
    older = tmp_path / "older.csv"
    older.write_bytes(b"".join(lines[20_000:]))
    store = Store.open()
    old_report = importer.import_paths(store, [older])[0]
    new_report = importer.import_paths(store, [BENJAMIN])[0]
    full = importer.import_paths(Store(tmp_path / "fresh.sqlite3"), [BENJAMIN])[0]
    assert old_report.added + new_report.added == full.added
    assert store.scalar("SELECT COUNT(*) FROM listens") == full.added


def test_zip_of_exports_is_imported_member_by_member(tmp_path):
    archive = tmp_path / "my_spotify_data.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(require_shared(SPOTIFY), "Spotify Account Data/StreamingHistory_music_3.json")
        zf.write(EXPORTS / "spotify-account-data" / "StreamingHistory_podcast_0.json",
                 "Spotify Account Data/StreamingHistory_podcast_0.json")
        zf.writestr("Spotify Account Data/Userdata.json", '{"username": "x", "email": "y"}')
        zf.writestr("Spotify Account Data/ReadMeFirst.pdf", b"%PDF-1.4 not really")
    reports = importer.import_paths(Store.open(), [archive])
    assert not [r for r in reports if r.error]
    music = next(r for r in reports if r.path.endswith("music_3.json"))
    podcast = next(r for r in reports if r.path.endswith("podcast_0.json"))
    direct = importer.import_paths(Store(tmp_path / "direct.sqlite3"), [SPOTIFY])[0]
    assert music.added == direct.added
    assert podcast.added == 0 and sum(podcast.skipped.values()) == podcast.rows_read
    assert any(r.ignored for r in reports)


def test_cli_entry_point_runs_as_a_program(tmp_path):
    """`python -m musicrec_gui.cli` exits non-zero with one line on stderr for a missing file."""
    result = subprocess.run([sys.executable, "-m", "musicrec_gui.cli", "import", str(tmp_path / "nope.json")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "nope.json" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_importing_only_files_without_listening_data_exits_non_zero(tmp_path, capsys):
    folder = tmp_path / "only-podcasts"
    folder.mkdir()
    podcasts = require_shared(EXPORTS / "spotify-account-data" / "StreamingHistory_podcast_0.json")
    (folder / podcasts.name).write_bytes(podcasts.read_bytes())
    assert cli_main(["import", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "ignored" in captured.out and "nothing was imported" in captured.err
