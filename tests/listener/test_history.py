"""Taste over time: years, a year in review and the listening clock, against hand counts; periods."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest
from listener_helpers import FOLK, FRIEND, JAZZ, ROCK, ROCK_PLAYS, YOU_2019, YOU_2023

from musicrec_gui.core import history, periods, preferences
from musicrec_gui.core.periods import PeriodError


def test_years_count_listens_artists_and_discoveries(store):
    rows = history.years(store, "you")
    assert [(r.year, r.listens, r.artists, r.new_artists) for r in rows] == [
        (2019, len(YOU_2019), 6, 6), (2023, len(YOU_2023), 7, 7)]
    assert rows[0].top_artist == history.ArtistCount(ROCK[0], ROCK_PLAYS)   # ties go by name
    assert rows[0].hours == pytest.approx(len(YOU_2019) * 200_000 / 3_600_000)
    # Excluded listening stays in the history.
    preferences.exclude(store, "you", preferences.period_exclusion(periods.parse_period("2019")))
    assert [r.listens for r in history.years(store, "you")] == [len(YOU_2019), len(YOU_2023)]


def test_a_year_in_review_matches_hand_counts(store):
    review = history.year_in_review(store, "friend", 2023, top=3, local_clock=False)
    when = [w for _, w in FRIEND]
    assert review.listens == len(FRIEND) and review.artists == 8 and review.new_artists == 8
    assert [m.listens for m in review.months] == [sum(w.month == m for w in when) for m in range(1, 13)]
    by_artist = Counter(a for a, _ in FRIEND)
    assert [(a.artist, a.plays) for a in review.top_artists] == sorted(by_artist.items(),
                                                                          key=lambda x: (-x[1], x[0]))[:3]
    clock = np.zeros((7, 24), dtype=int)
    for w in when:
        clock[w.weekday(), w.hour] += 1
    assert np.array_equal(np.array(review.clock), clock) and not review.local_clock
    assert review.history_begins == int(min(when).replace(second=0).timestamp())
    assert review.top_tracks[0][2] >= review.top_tracks[-1][2]
    june = review.months[5]
    assert june.month == "2023-06" and len(june.top_artists) == history.MONTH_TOP
    data = review.to_json()
    assert data["weekdays"][0] == "Monday" and len(data["clock"]) == 7 and len(data["clock"][0]) == 24


def test_discoveries_count_first_listens_only(store, tmp_path):
    from listener_helpers import write_spotify

    from musicrec_gui.core import importer

    later = [(ROCK[0], dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)),
             ("Techno Band 20", dt.datetime(2024, 3, 2, tzinfo=dt.timezone.utc))]
    importer.import_paths(store, [write_spotify(tmp_path / "y" / "StreamingHistory_music_0.json", later)])
    review = history.year_in_review(store, "you", 2024)
    assert review.artists == 2 and review.new_artists == 1
    assert [a.artist for a in review.top_new_artists] == ["Techno Band 20"]


def test_recency_counts_kept_listens_only(store):
    you = history.listener(store, "you").id
    recency = {norm: (plays, last) for _, norm, plays, last in history.artist_recency(store, you)}
    assert recency[FOLK.lower()][0] == 2 and len(recency) == 13
    preferences.exclude(store, "you", preferences.artist_exclusion(JAZZ[0]))
    assert JAZZ[0].lower() not in {norm for _, norm, _, _ in history.artist_recency(store, you)}
    assert history.kept_years(store, you) == [2019, 2023]
    assert history.latest_listen(store, you) == max(int(w.timestamp()) for _, w in YOU_2023)


def test_periods_read_years_months_days_and_ranges():
    year = periods.parse_period("2019")
    assert (year.start, year.end) == (1546300800, 1577836800)
    assert periods.parse_period("2019-12").end == year.end
    day = periods.parse_period("2020-02-29")
    assert day.end - day.start == 86400
    span = periods.between("2019-03", "2019")
    assert (span.start, span.end) == (periods.parse_period("2019-03").start, year.end)
    for bad in ("19", "2019-13", "2019-02-30", "last year", ""):
        with pytest.raises(PeriodError, match="not a date"):
            periods.parse_period(bad)
    with pytest.raises(PeriodError, match="ends before it starts"):
        periods.between("2020", "2019")
    assert periods.months_before(int(dt.datetime(2021, 3, 31, tzinfo=dt.timezone.utc).timestamp()), 1) == int(
        dt.datetime(2021, 2, 28, tzinfo=dt.timezone.utc).timestamp())
    assert periods.month_name(int(dt.datetime(2021, 3, 5, tzinfo=dt.timezone.utc).timestamp())) == "March 2021"
