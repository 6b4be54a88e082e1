"""How much of a large community dataset to keep, and what each choice costs.

The choices a person sees ("Quick", "Large", "Everything") map to a
``Subsample`` (see ``formats.subsample`` for how listeners are drawn and rare
artists dropped).  ``estimate`` turns a choice into the numbers shown next to
it: listeners, listener x artist pairs, store size and training time.  Its
constants live here, in one table, so the scale benchmark can refine them.
"""
from __future__ import annotations

from dataclasses import dataclass

from musicrec_gui.core.download import duration
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.formats.subsample import Subsample

SEED = 20260501                  # any fixed number: the same choice keeps the same listeners

# Listeners with fewer artists say little about taste; artists heard by fewer of the
# kept listeners cannot be learned (the article kept artists with >= 5 listeners).
MIN_ARTISTS = 10
MIN_LISTENERS = 5


@dataclass(frozen=True)
class KeepChoice:
    key: str                     # "quick" | "large" | "all" (the CLI's --keep)
    label: str                   # what the app shows
    subsample: Subsample

    @property
    def listeners(self) -> int | None:
        return self.subsample.listeners


KEEP_CHOICES: dict[str, KeepChoice] = {
    "quick": KeepChoice("quick", "Quick (≈ 20 000 listeners)",
                        Subsample(20_000, MIN_ARTISTS, MIN_LISTENERS, SEED)),
    "large": KeepChoice("large", "Large (≈ 100 000 listeners)",
                        Subsample(100_000, MIN_ARTISTS, MIN_LISTENERS, SEED)),
    "all": KeepChoice("all", "Everything", Subsample()),
}
DEFAULT_KEEP = "quick"


def keep_choice(key: str) -> KeepChoice:
    """The choice named ``key``; a one-line ``MusicRecError`` for an unknown name."""
    try:
        return KEEP_CHOICES[key]
    except KeyError:
        raise MusicRecError(f"unknown --keep value {key!r}; choose one of "
                            f"{', '.join(KEEP_CHOICES)}") from None


# -- estimates ----------------------------------------------------------------------------
# One table of measured constants.  Sources: the store size and training time per
# pair are issue 11's measurements at Last.fm-360K scale (1.1 GB and 2 259 s of
# Discover fitting for 17.5 M pairs, 2 CPU threads); the size of a line is measured
# on the generated dumps of bench/listenbrainz_import.py; artists per listener is an
# assumption until a real dump is read (each user lists at most 1 000).
ESTIMATE_CONSTANTS = {
    "artists_per_listener": 175.0,        # mean artists per kept listener
    "kept_pair_share": 0.85,              # pairs left after dropping rare artists (quick/large)
    "json_bytes_per_pair": 100.0,         # bytes of artists_all_time.jsonl per artist entry
    "store_bytes_per_pair": 63.0,         # SQLite store, indexes included
    "train_seconds_per_million_pairs": 129.0,   # Discover preset to completion, 2 CPU threads
}


@dataclass(frozen=True)
class Estimate:
    listeners: int
    pairs: int
    store_bytes: int
    train_seconds: float

    def text(self) -> str:
        return (f"≈ {self.listeners:,} listeners, {self.pairs / 1e6:.1f} M listener–artist pairs, "
                f"store ≈ {self.store_bytes / 1e9:.1f} GB, training ≈ {duration(self.train_seconds)}")


def listeners_in(member_bytes: int) -> int:
    """About how many listeners an ``artists_all_time.jsonl`` of this size holds."""
    c = ESTIMATE_CONSTANTS
    return round(member_bytes / (c["json_bytes_per_pair"] * c["artists_per_listener"]))


def estimate(key: str, available_listeners: int | None = None) -> Estimate | None:
    """What keeping ``key`` costs, for a dump with ``available_listeners`` (``None``: not known yet).

    Before a download only the sampled choices can be estimated (their size is
    fixed); "all" needs the dump's size (``listeners_in`` of the member's bytes)
    and gives ``None`` until then.
    """
    c = ESTIMATE_CONSTANTS
    choice = keep_choice(key)
    if choice.listeners is None and available_listeners is None:
        return None
    listeners = min(n for n in (choice.listeners, available_listeners) if n is not None)
    pairs = listeners * c["artists_per_listener"]
    if choice.subsample.filters_artists:
        pairs *= c["kept_pair_share"]
    return Estimate(listeners=listeners, pairs=round(pairs), store_bytes=round(pairs * c["store_bytes_per_pair"]),
                    train_seconds=pairs / 1e6 * c["train_seconds_per_million_pairs"])
