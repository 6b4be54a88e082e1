"""Timestamps as the exports write them, turned into Unix seconds (UTC).

Parsing is done by hand (regular expressions and ``calendar.timegm``) so it
never depends on the computer's locale or time zone.
"""
from __future__ import annotations

import calendar
import re

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


def known(seconds: int | None) -> int | None:
    """``seconds``, or ``None`` when it is an "unknown date" placeholder (1970)."""
    if seconds is None or seconds < EARLIEST:
        return None
    return seconds


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
        raise ValueError(f"not an ISO date: {text!r}")
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
    if not month:
        raise ValueError(f"not a date: {text!r}")
    day, year, hour, minute = (int(match.group(i)) for i in (1, 3, 4, 5))
    return _epoch(year, month, day, hour, minute, int(match.group(6) or 0))


def parse_epoch(value: object, millis: bool = False) -> int:
    """An integer (or integer text) of seconds, or of milliseconds if ``millis``."""
    if isinstance(value, bool):
        raise ValueError("not a timestamp")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValueError(f"not a timestamp: {value!r}")
    return value // 1000 if millis else value


def parse_any(text: str) -> int:
    """Epoch seconds or milliseconds (told apart by size), or an ISO date."""
    text = text.strip()
    if text.isdigit() or text[:1] == "-" and text[1:].isdigit():
        number = int(text)
        # 1e11 seconds is the year 5138; anything larger must be milliseconds.
        return number // 1000 if abs(number) >= 100_000_000_000 else number
    return parse_iso(text)


def epoch_array(datetimes: pd.Series) -> pd.arrays.IntegerArray:
    """Unix seconds (``Int64``) from a UTC datetime Series; NaT and 1970 become NA."""
    seconds = datetimes.dt.tz_localize(None).to_numpy("datetime64[s]").astype(np.int64)
    missing = datetimes.isna().to_numpy() | (seconds < EARLIEST)
    seconds[missing] = 0
    return pd.arrays.IntegerArray(seconds, missing)
