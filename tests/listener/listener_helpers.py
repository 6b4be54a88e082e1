"""A small store with two people whose listening has known dates, and a model trained on it.

Community data: the self-test's four genres (HetRec layout, 80 listeners).
"you" (two Spotify exports): the 2019 file plays Rock Band 01–06 (30 listens
each, from July to 2019-12-20); the 2023 file plays Jazz Band 01–06 (25 each,
from 2023-01-29 to 2023-06-28) and Folk Band 01 twice (February 2023).  "friend" (one export) plays Techno
Band 01–06 and Jazz Band 01–02 in 2023.  Every count here is known by hand.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from musicrec_gui.core import importer
from musicrec_gui.core.store import Store
from musicrec_gui.selftest import write_fixture

ROCK = [f"Rock Band {n:02d}" for n in range(1, 7)]
JAZZ = [f"Jazz Band {n:02d}" for n in range(1, 7)]
TECHNO = [f"Techno Band {n:02d}" for n in range(1, 7)]
FOLK = "Folk Band 01"
ROCK_PLAYS, JAZZ_PLAYS, FOLK_PLAYS = 30, 25, 2
ROCK_LAST = dt.datetime(2019, 12, 20, 21, 0, tzinfo=dt.timezone.utc)
JAZZ_LAST = dt.datetime(2023, 6, 28, 8, 0, tzinfo=dt.timezone.utc)


def spread(artists: list[str], plays: int, last: dt.datetime, days: int = 150) -> list[tuple[str, dt.datetime]]:
    """``plays`` listens of each artist, evenly over ``days`` days; artist ``a``'s last one is ``7·a``
    minutes before ``last``."""
    step = dt.timedelta(days=days) / max(plays - 1, 1)
    return [(artist, last - dt.timedelta(minutes=7 * a) - step * (plays - 1 - i))
            for a, artist in enumerate(artists) for i in range(plays)]


def write_spotify(path: Path, listens: list[tuple[str, dt.datetime]]) -> Path:
    """A Spotify account-data export (``endTime`` in UTC, minute precision)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"endTime": when.strftime("%Y-%m-%d %H:%M"), "artistName": artist, "trackName": f"{artist} song {i % 3}",
             "msPlayed": 200_000} for i, (artist, when) in enumerate(sorted(listens, key=lambda x: x[1]))]
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


YOU_2019 = spread(ROCK, ROCK_PLAYS, ROCK_LAST)
YOU_2023 = spread(JAZZ, JAZZ_PLAYS, JAZZ_LAST) + [(FOLK, dt.datetime(2023, 2, 1, 12, 0, tzinfo=dt.timezone.utc)),
                                                   (FOLK, dt.datetime(2023, 2, 2, 12, 0, tzinfo=dt.timezone.utc))]
FRIEND = spread(TECHNO, 20, JAZZ_LAST) + spread(JAZZ[:2], 10, JAZZ_LAST - dt.timedelta(hours=5))


def epoch(when: dt.datetime) -> int:
    return calendar.timegm(when.utctimetuple())


def build_home(root: Path) -> Path:
    """A MUSICREC_HOME with the data above imported and a model trained on it (saved, active)."""
    from musicrec_gui.core.engine import registry
    from musicrec_gui.core.engine.bundle import TrainedModel
    from musicrec_gui.core.engine.dataset import dataset_from_store
    from musicrec_gui.core.engine.settings import preset
    from musicrec_gui.core.engine.trainer import train

    home = root / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUSICREC_HOME", str(home))
        community, _ = write_fixture(root / "fixture")
        store = Store.open()
        for path, person in ((community, "you"),
                             (write_spotify(root / "you19" / "StreamingHistory_music_0.json", YOU_2019), "you"),
                             (write_spotify(root / "you23" / "StreamingHistory_music_1.json", YOU_2023), "you"),
                             (write_spotify(root / "friend" / "StreamingHistory_music_0.json", FRIEND), "friend")):
            reports = importer.import_paths(store, [path], person=person)
            assert not [r.error for r in reports if r.error]
        trainer, result = train(dataset_from_store(store), preset("discover", dim=16, epochs=30, seed=1))
        registry.save(TrainedModel.from_training(trainer, result), name="listener tests")
        store.close()
    return home


def copy_home(template: Path, home: Path) -> None:
    shutil.copytree(template, home, dirs_exist_ok=True)
