"""Spans of time a person names: "2019", "2019-05", "from 2019-03-01 to 2019-06-30".

Listens are stored with UTC epoch seconds, so a period is a half-open range of
them, ``[start, end)``, from the first second of its first day to the first
second after its last day (calendar days in UTC, like the Library's monthly
chart).  Dates are written ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a period
given by two dates includes the whole of the second one ("to 2019" means to the
end of 2019).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from musicrec_gui.core.errors import MusicRecError

_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


class PeriodError(MusicRecError):
    """A date that cannot be read, or a period that ends before it starts."""


@dataclass(frozen=True)
class Period:
    """Listens with ``start <= played_at < end`` (UTC epoch seconds)."""

    start: int
    end: int
    label: str

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise PeriodError(f"the period {self.label} ends before it starts")


def _unit(text: str) -> tuple[dt.datetime, dt.datetime]:
    """The first second of the date's year/month/day and the first second after it."""
    match = _DATE.match(text or "")
    if not match:
        raise PeriodError(f"not a date: {text!r} (write YYYY, YYYY-MM or YYYY-MM-DD)")
    year = int(match.group(1))
    month, day = (int(part) if part else None for part in match.groups()[1:])
    try:
        if month is None:
            return _utc(year, 1, 1), _utc(year + 1, 1, 1)
        if day is None:
            return _utc(year, month, 1), _utc(year + (month == 12), month % 12 + 1, 1)
        first = _utc(year, month, day)
    except ValueError:
        raise PeriodError(f"not a date: {text!r} (write YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return first, first + dt.timedelta(days=1)


def _utc(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=dt.timezone.utc)


def _seconds(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def parse_period(text: str) -> Period:
    """The year, month or day ``text`` names: ``"2019"``, ``"2019-05"``, ``"2019-05-03"``."""
    first, after = _unit(text)
    return Period(_seconds(first), _seconds(after), text.strip())


def between(first: str, last: str) -> Period:
    """From the start of ``first`` to the end of ``last`` (both dates included)."""
    start, _ = _unit(first)
    _, end = _unit(last)
    if end <= start:
        raise PeriodError(f"the period from {first.strip()} to {last.strip()} ends before it starts")
    return Period(_seconds(start), _seconds(end), f"{first.strip()} – {last.strip()}")


def year(number: int) -> Period:
    return parse_period(f"{int(number):04d}")


def months_before(moment: int, months: int) -> int:
    """The same UTC day and time ``months`` calendar months earlier (clamped to the month's end)."""
    when = dt.datetime.fromtimestamp(moment, dt.timezone.utc)
    index = when.year * 12 + when.month - 1 - int(months)
    target_year, target_month = divmod(index, 12)
    day = min(when.day, calendar.monthrange(target_year, target_month + 1)[1])
    return _seconds(when.replace(year=target_year, month=target_month + 1, day=day))


def month_name(moment: int) -> str:
    """"March 2021" for a UTC epoch second."""
    when = dt.datetime.fromtimestamp(moment, dt.timezone.utc)
    return f"{_MONTHS[when.month - 1]} {when.year}"


def day_label(moment: int) -> str:
    """"2021-03-14" for a UTC epoch second."""
    return dt.datetime.fromtimestamp(moment, dt.timezone.utc).strftime("%Y-%m-%d")
