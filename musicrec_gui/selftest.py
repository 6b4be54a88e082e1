"""``MusicRec --self-test``: prove that a build works end to end, without a window.

It writes a small synthetic community dataset (HetRec layout) and a synthetic
Spotify export into a temporary folder, imports both into a temporary store,
trains a few epochs, asks for recommendations and checks they make sense.
Everything here is generated: no real listening data is bundled.
"""
from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

GENRES = ("Rock", "Jazz", "Techno", "Folk")
ARTISTS_PER_GENRE = 25
LISTENERS = 80


def _artist_names() -> list[tuple[int, str, str]]:
    """(artist id, name, genre) for the synthetic catalogue."""
    return [(g * ARTISTS_PER_GENRE + n + 1, f"{genre} Band {n + 1:02d}", genre)
            for g, genre in enumerate(GENRES) for n in range(ARTISTS_PER_GENRE)]


def write_fixture(folder: Path, seed: int = 7) -> tuple[Path, Path]:
    """Write ``community/`` (HetRec files) and ``me/StreamingHistory_music_0.json``."""
    rng = random.Random(seed)
    artists = _artist_names()
    community = folder / "community"
    community.mkdir(parents=True, exist_ok=True)
    with open(community / "artists.dat", "w", encoding="utf-8", newline="") as out:
        out.write("id\tname\turl\tpictureURL\r\n")
        for artist_id, name, _ in artists:
            out.write(f"{artist_id}\t{name}\thttp://www.last.fm/music/x\t\r\n")
    with open(community / "user_artists.dat", "w", encoding="utf-8", newline="") as out:
        out.write("userID\tartistID\tweight\r\n")
        for user in range(1, LISTENERS + 1):
            genre = GENRES[user % len(GENRES)]
            liked = [a for a in artists if a[2] == genre]
            chosen = rng.sample(liked, 12) + rng.sample(artists, 3)
            for artist_id in sorted({a[0] for a in chosen}):
                plays = int(rng.paretovariate(1.2) * 20)
                out.write(f"{user}\t{artist_id}\t{plays}\r\n")
    me = folder / "me"
    me.mkdir(exist_ok=True)
    mine = [a for a in artists if a[2] == GENRES[0]][:8]
    start = 1_700_000_000
    rows = [{"endTime": time.strftime("%Y-%m-%d %H:%M", time.gmtime(start + i * 600)),
             "artistName": rng.choice(mine)[1], "trackName": f"Song {i % 17}",
             "msPlayed": 180_000} for i in range(200)]
    export = me / "StreamingHistory_music_0.json"
    export.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return community, export


def run_self_test(out=sys.stdout) -> int:
    """Import, train, save, reload and recommend in a throwaway store; 0 when all is well."""
    start = time.monotonic()

    def say(text: str) -> None:
        print(f"[{time.monotonic() - start:6.2f} s] {text}", file=out, flush=True)

    with tempfile.TemporaryDirectory(prefix="musicrec-selftest-") as tmp:
        os.environ["MUSICREC_HOME"] = str(Path(tmp) / "home")
        from musicrec_gui.core.engine.settings import preset
        from musicrec_gui.core.store import Store
        from musicrec_gui.core.workflows import importing, training
        from musicrec_gui.core.workflows.listening import Listening

        community, export = write_fixture(Path(tmp) / "fixture")
        store = Store.open()
        outcome = importing.import_paths(store, [str(community), str(export)])
        if outcome.failed:
            say(f"FAIL import: {[r.error for r in outcome.failed]}")
            return 1
        say(f"imported {sum(r.added for r in outcome.reports)} rows from {len(outcome.reports)} files")
        trained = training.train(store, preset("discover", dim=16, epochs=30, seed=1), name="self-test")
        say(f"trained {trained.result.epochs_run} epochs in {trained.result.seconds:.2f} s")
        model, _ = training.load_active()   # read back from disk: saving and loading work too
        if model is None:
            say("FAIL training: no model was saved")
            return 1
        listening = Listening(model, store)
        picks = listening.recommend(listening.profile(), n=10)
        say("recommended: " + ", ".join(p.artist for p in picks))
        store.close()
        # "you" listen to Rock bands only: most picks must be Rock bands the person has not heard.
        rock = sum(p.artist.startswith(GENRES[0]) for p in picks)
        if len(picks) != 10 or rock < 6:
            say(f"FAIL recommendations: {rock} of {len(picks)} are {GENRES[0]} bands")
            return 1
    say("self-test passed")
    return 0
