"""Timestamps as the exports write them, turned into Unix seconds (UTC).

Parsing is done by hand (regular expressions and ``calendar.timegm``) so it
never depends on the computer's locale or time zone.
"""
from __future__ import annotations

import calendar
import re
import time

import numpy as np
import pandas as pd

# Times before 1971 are "unknown" in every export seen (Last.fm writes epoch 0
# for scrobbles with an invalid date); they are kept as plays with no time.
EARLIEST = 365 * 86400

MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}

_ISO = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|UTC)?\s*$")
_DAY_MONTH = re.compile(r"\s*(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


# A listen cannot lie in the future; clocks drift and time zones get mixed up, so a
# couple of days of slack keep honest rows.
FUTURE_SLACK = 2 * 86400

# Units an epoch number may be written in, as divisors to seconds (s, ms, µs, ns).
EPOCH_DIVISORS = (1, 1000, 1_000_000, 1_000_000_000)


def latest() -> int:
    """The latest time a real listen can have (now plus the slack), in Unix seconds."""
    return int(time.time()) + FUTURE_SLACK


def known(seconds: int | None) -> int | None:
    """``seconds``, or ``None`` when it is an "unknown date" placeholder (1970).

    Raises ``ValueError`` for a time in the future: such a row is malformed.
    """
    if seconds is None or seconds < EARLIEST:
        return None
    if seconds > latest():
        raise ValueError("a time in the future")
    return seconds


class Epochs:
    """Reads one file's epoch numbers in one unit, found from the file itself.

    Tools write milliseconds where a format has seconds (and the reverse); in
    the wrong unit a time lands in the year 55 840 or in January 1970.  The
    unit is the format's own (``divisor``) unless the file's first plausible
    time (1971..now) says otherwise; plausible ranges of different units do
    not overlap, so one value decides.  Later values must fit that unit:
    an impossible (future) time is a ``ValueError`` — a malformed row.

    ``per_value`` decides the unit for every value on its own instead, for
    hand-made tables where a column may mix units.
    """

    def __init__(self, divisor: int = 1, per_value: bool = False) -> None:
        self.declared = divisor
        self.per_value = per_value
        self.divisor: int | None = None

    def __call__(self, value: object) -> int | None:
        number = parse_epoch(value)
        if number <= 0:
            return None                             # "unknown date" placeholders
        if self.divisor is None or self.per_value:
            self.divisor = self._unit(number)
            if self.divisor is None:                # not a plausible time in any unit
                return known(number // self.declared)
        seconds = known(number // self.divisor)
        if self.per_value:
            self.divisor = None
        return seconds

    def _unit(self, number: int) -> int | None:
        newest = latest()
        for divisor in (self.declared, *EPOCH_DIVISORS):
            if EARLIEST <= number // divisor <= newest:
                return divisor
        return None


def _epoch(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int:
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
            and hour < 24 and minute < 60 and second < 61):
        raise ValueError("date out of range")
    return calendar.timegm((year, month, day, hour, minute, second))


def parse_iso(text: str) -> int:
    """``YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z|±HH:MM]`` to Unix seconds (no zone = UTC).

    Fractions are dropped, so ms-precision times floor to the second.
    """
    match = _ISO.match(text)
    if not match:
        raise ValueError("not an ISO date")
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups()[:6])
    seconds = _epoch(year, month, day, hour, minute, second)
    zone = match.group(8)
    if zone and zone not in ("Z", "UTC"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return seconds


def parse_day_month(text: str) -> int:
    """``20 Nov 2020 09:35`` or ``11 Jul 2024, 09:07`` (English month, UTC)."""
    match = _DAY_MONTH.match(text)
    month = MONTHS.get(match.group(2).lower()) if match else None
    if match is None or not month:
        raise ValueError("not a date")
    day, year, hour, minute = (int(match.group(i)) for i in (1, 3, 4, 5))
    return _epoch(year, month, day, hour, minute, int(match.group(6) or 0))


def parse_epoch(value: object) -> int:
    """An integer, or integer text, as written (the unit is the caller's business: see ``Epochs``)."""
    if isinstance(value, bool):
        raise ValueError("not a timestamp")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValueError("not a timestamp")
    return value


def parse_any(text: str, epochs: Epochs) -> int | None:
    """Epoch numbers (in the unit ``epochs`` finds for the file) or an ISO date."""
    text = text.strip()
    if text.isdigit() or text[:1] == "-" and text[1:].isdigit():
        return epochs(int(text))
    return parse_iso(text)


def epoch_array(datetimes: pd.Series) -> tuple[pd.arrays.IntegerArray, np.ndarray]:
    """Unix seconds (``Int64``) from a UTC datetime Series, and which of them lie in the future.

    NaT and 1970 become NA; future times are NA too and flagged, so callers count
    those rows as malformed.
    """
    seconds = datetimes.dt.tz_localize(None).to_numpy("datetime64[s]").astype(np.int64)
    future = seconds > latest()
    missing = datetimes.isna().to_numpy() | (seconds < EARLIEST) | future
    seconds[missing] = 0
    return pd.arrays.IntegerArray(seconds, missing), future
