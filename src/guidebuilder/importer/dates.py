"""Dates as the firm's CMS prints them in a byline: absolute (`2026-01-26 01:15`) or relative to
the moment of the capture (`3天前`, `3个月前 (01-17)`, `昨天`).

A relative date is resolved against `--as-of`, the day (and optionally the time) the page was
saved. It is resolved only when the result is certain; otherwise the reading says why not.
`N天前` is taken as N calendar days before the as-of day; `N个月前` and longer need the `(MM-DD)`
the CMS prints after them, and `N小时前` needs the time of the capture.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_ABSOLUTE = (r"(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
             r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH_NAME = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
# `March 5, 2026` and `5 March 2026` (a reading time may follow without a space: `2026·3 min read`)
_ENGLISH = (rf"(?:(?P<en_month>{_MONTH_NAME})\.?\s+(?P<en_day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<en_year>\d{{4}})"
            rf"|(?P<en_day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<en_month2>{_MONTH_NAME})\.?,?\s+(?P<en_year2>\d{{4}}))"
            r"(?:(?!\d)|(?=\d{1,3}\s*min))")
_RELATIVE = (r"(?:(?P<count>\d+)\s*(?P<unit>秒|分钟|小时|天|周|个月|年)前|(?P<word>刚刚|今天|昨天|前天))"
             r"(?:\s*\d{1,2}:\d{2})?"
             r"(?:\s*[(（]\s*(?:(?P<hint_year>\d{4})-)?(?P<hint_month>\d{1,2})-(?P<hint_day>\d{1,2})"
             r"\s*[)）])?")
DATE_PATTERN = re.compile(f"(?:{_ABSOLUTE})|(?:{_RELATIVE})|(?:{_ENGLISH})", re.IGNORECASE)

_WORD_DAYS = {"刚刚": 0, "今天": 0, "昨天": 1, "前天": 2}
# how many days one unit is, at least and at most, for checking a (MM-DD) against the count
_UNIT_DAYS = {"秒": (0, 0), "分钟": (0, 0), "小时": (0, 1), "天": (1, 1), "周": (7, 7),
              "个月": (28, 31), "年": (365, 366)}


@dataclass(frozen=True)
class AsOf:
    """When the pages were saved: a day, and the time of day if the user gave it."""

    day: dt.date
    time: dt.time | None = None

    def __str__(self) -> str:
        return f"{self.day}" + (f"T{self.time:%H:%M}" if self.time else "")


def parse_as_of(text: str) -> AsOf:
    """`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`; ValueError with a message otherwise."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?", text.strip())
    try:
        if match:
            day = dt.date.fromisoformat(match.group(1))
            time = dt.time.fromisoformat(match.group(2)) if match.group(2) else None
            return AsOf(day, time)
    except ValueError:
        pass
    raise ValueError(f"--as-of '{text}' is not a date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM)")


@dataclass(frozen=True)
class DateStyle:
    """How a CMS turns the time since publication into `N天前`.

    `calendar`: N天前 is N calendar days back (the firm's own theme). `rounded`: the elapsed
    seconds divided by the unit and rounded to the nearest whole number, with 30-day months and
    360-day years (Z-BlogPHP's tpure, `tpure_TimeAgo`): `3天前` is anything from 2.5 to 3.5 days,
    so it names one day only when the time of the capture pins it down.
    """

    name: str
    rounded: bool
    unit_seconds: dict[str, int]


_DAY = 24 * 60 * 60
CALENDAR_DAYS = DateStyle("calendar", False, {})
ROUNDED_ELAPSED = DateStyle("rounded", True, {
    "年": 12 * 30 * _DAY, "个月": 30 * _DAY, "周": 7 * _DAY, "天": _DAY, "小时": 60 * 60,
    "分钟": 60, "秒": 1})


@dataclass(frozen=True)
class DateReading:
    written: str
    date: dt.date | None
    why_not: str | None = None


def read_date(match: re.Match[str], as_of: AsOf | None,
              style: DateStyle = CALENDAR_DAYS) -> DateReading:
    """The date a DATE_PATTERN match stands for, if it can be known exactly."""
    written = match.group(0).strip()
    if match.group("year") or match.group("en_year") or match.group("en_year2"):
        return _absolute(match, written)
    if match.group("hint_year"):
        return _absolute(match, written, "hint_")
    if as_of is None:
        return DateReading(written, None,
                           f"'{written}' is relative to the day the page was saved: give --as-of")
    if match.group("hint_month"):
        return _from_hint(match, written, as_of, style)
    word, unit = match.group("word"), match.group("unit")
    count = int(match.group("count") or 0)
    if style.rounded and unit:
        return _rounded(written, count, style.unit_seconds[unit], as_of, style)
    if word or unit in ("秒", "分钟"):
        return DateReading(written, as_of.day - dt.timedelta(days=_WORD_DAYS.get(word, 0)))
    if unit == "天":
        return DateReading(written, as_of.day - dt.timedelta(days=count))
    if unit == "小时":
        if as_of.time is None:
            return DateReading(written, None, f"'{written}' may be {as_of.day} or the day before: "
                               f"give --as-of with the time of the capture ({as_of.day}THH:MM)")
        moment = dt.datetime.combine(as_of.day, as_of.time) - dt.timedelta(hours=count)
        return DateReading(written, moment.date())
    return DateReading(written, None, f"'{written}' does not say which day "
                       f"(the CMS's '{written} (MM-DD)' would)")


def _absolute(match: re.Match[str], written: str, prefix: str = "") -> DateReading:
    if match.group("en_year") or match.group("en_year2"):
        two = "2" if match.group("en_year2") else ""
        month_name = match.group(f"en_month{two}").lower()
        month = next(n for n, name in enumerate(_MONTHS, 1) if name.startswith(month_name[:3]))
        year, day = int(match.group(f"en_year{two}")), int(match.group(f"en_day{two}"))
    else:
        year = int(match.group(f"{prefix}year"))
        month, day = int(match.group(f"{prefix}month")), int(match.group(f"{prefix}day"))
    try:
        return DateReading(written, dt.date(year, month, day))
    except ValueError:
        return DateReading(written, None, f"'{written}' is not a valid date")


def _rounded(written: str, count: int, unit: int, as_of: AsOf, style: DateStyle) -> DateReading:
    """`N天前` from a CMS that rounds: published between (N-½) and (N+½) units before the
    capture. One day only if that whole window falls on one calendar day."""
    if as_of.time is None:
        return DateReading(written, None, f"'{written}' is rounded to the nearest whole number by "
                           "this CMS, so it spans more than one day; give --as-of with the time "
                           f"of the capture ({as_of.day}THH:MM) if it is recent")
    now = dt.datetime.combine(as_of.day, as_of.time)
    earliest = now - dt.timedelta(seconds=(count + 0.5) * unit) + dt.timedelta(seconds=1)
    latest = now - dt.timedelta(seconds=max(count - 0.5, 0) * unit)
    if earliest.date() == latest.date():
        return DateReading(written, latest.date())
    return DateReading(written, None, f"'{written}' is rounded by this CMS ({style.name}): it may "
                       f"be any day from {earliest.date()} to {latest.date()}")


def _from_hint(match: re.Match[str], written: str, as_of: AsOf, style: DateStyle) -> DateReading:
    """`3个月前 (01-17)`: the (MM-DD) fixes the day; the count fixes the year."""
    month, day = int(match.group("hint_month")), int(match.group("hint_day"))
    years = list(range(as_of.day.year, as_of.day.year - 100, -1))
    unit = match.group("unit")
    count = int(match.group("count") or 0)
    if style.rounded and unit:
        unit_days = style.unit_seconds[unit] / _DAY
        low, high = (count - 0.5) * unit_days - 1, (count + 0.5) * unit_days + 1
    else:
        least, most = _UNIT_DAYS.get(unit, (0, 0))
        if match.group("word"):
            least = most = _WORD_DAYS[match.group("word")]
            count = 1
        # a CMS rounds down: "3个月前" is 3 to 4 months; allow a day of slack at each end
        low, high = count * least - 1, (count + 1) * most + 1
    fits = []
    for year in years:
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        age = (as_of.day - candidate).days
        if low <= age <= high and age >= 0:
            fits.append(candidate)
    if len(fits) == 1:
        return DateReading(written, fits[0])
    if not fits:
        return DateReading(written, None, f"'{written}' does not fit --as-of {as_of}")
    return DateReading(written, None, f"'{written}' fits more than one year")
