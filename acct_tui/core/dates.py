"""Human dates: what people type into a date field or a quick capture.

Accepted (case-insensitive, surrounding spaces ignored):

| text                     | means                                              |
|--------------------------|----------------------------------------------------|
| `today`, `yesterday`, `tomorrow` (`tod`, `yday`, `tmr`) | as said          |
| `3d ago`, `2w ago`       | 3 days / 2 weeks before today                      |
| `6mo ago`, `1y ago`      | 6 months / 1 year before today (same day of month) |
| `in 3d`, `in 2w`, `+3d`  | 3 days / 2 weeks after today                       |
| `in 6 months`, `in 1y`   | 6 months / 1 year after today                      |
| `next month`, `last year`| one week / month / year after or before today      |
| `fri`, `friday`          | a weekday: see *direction* below                   |
| `last fri`, `next fri`   | strictly before / strictly after today             |
| `2026-11-20`             | ISO 8601                                           |
| `20/11`, `20/11/2026`    | day/month (this year), day/month/year              |
| `20 Nov`, `20 november 2026`, `Nov 20` | day and month name, optional year    |

A bare weekday depends on what the date is for, given by `direction`:

- `"past"` (the default; a visit that happened): the most recent such day,
  today included. On Friday 20 Nov, `fri` is 20 Nov and `mon` is 16 Nov.
- `"future"` (a due date): the coming such day, today included. On Friday
  20 Nov, `fri` is 20 Nov and `mon` is 23 Nov.

A month or year later keeps the day of the month, or the month's last day
when it has fewer (31 Jan plus a month is 28 or 29 Feb). `m` alone is refused
(minutes or months?): write `mo`.

Anything else raises `ValueError` whose message says what was not understood
and what would be.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

__all__ = ["parse_human_date", "DIRECTIONS", "MAX_OFFSET_DAYS"]

DIRECTIONS = ("past", "future")
#: Relative offsets beyond this many days are almost surely typos (and overflow dates).
MAX_OFFSET_DAYS = 3660

_WEEKDAYS = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_NAMED = {"today": 0, "tod": 0, "now": 0, "yesterday": -1, "yday": -1, "tomorrow": 1, "tmr": 1, "tmrw": 1}
#: unit -> (days, months) it stands for.
_UNITS = {
    **dict.fromkeys(("d", "day", "days"), (1, 0)),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), (7, 0)),
    **dict.fromkeys(("mo", "mos", "mth", "mths", "month", "months"), (0, 1)),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), (0, 12)),
}
_UNIT_HINT = "use d (days), w (weeks), mo (months) or y (years), as in 3d ago, in 2w, 6mo ago or in 1y"
#: `next month`, `last year`, `this week`: one unit from today.
_NEXT_LAST = re.compile(r"(next|last|this)\s+(week|month|year)", re.ASCII)

_A = re.ASCII
_AGO = re.compile(r"(\d{1,6})\s*([a-z]+)\s+ago", _A)
_IN = re.compile(r"(?:in\s+|\+)(\d{1,6})\s*([a-z]+)", _A)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", _A)
_SLASH = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?", _A)
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?", _A)
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", _A)
_WEEKDAY = re.compile(r"(?:(last|next|this)\s+)?([a-z]+)", _A)

HINT = "try today, yesterday, 3d ago, in 2w, fri, 2026-11-20, 20/11 or 20 Nov"


def parse_human_date(text: str, today: dt.date, direction: str = "past") -> dt.date:
    """The date `text` means, seen from `today`; `ValueError` with a clear message otherwise.

    `direction` decides a bare weekday: `"past"` for when something happened,
    `"future"` for when something is due (see the module docstring).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if not isinstance(text, str):
        raise ValueError("a date must be given as text")
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise ValueError(f"no date given; {HINT}")
    for parse in (_named, _relative, _iso, _slashed, _with_month_name, _weekday):
        try:
            found = parse(cleaned, today, direction)
        except OverflowError:  # a day before 0001-01-01 or after 9999-12-31
            raise ValueError(f"{text.strip()!r} falls outside the calendar (years 1 to 9999)") from None
        if found is not None:
            return found
    raise ValueError(f"{text.strip()!r} is not a date I understand; {HINT}")


def _named(text: str, today: dt.date, _direction: str) -> dt.date | None:
    if text in _NAMED:
        return today + dt.timedelta(days=_NAMED[text])
    return None


def _relative(text: str, today: dt.date, _direction: str) -> dt.date | None:
    match = _NEXT_LAST.fullmatch(text)
    if match is not None:
        sign = {"next": 1, "last": -1, "this": 0}[match.group(1)]
        days, months = _UNITS[match.group(2)]
        return _move(today, sign * days, sign * months, text)
    for pattern, sign in ((_AGO, -1), (_IN, 1)):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        count, unit = int(match.group(1)), match.group(2)
        if unit == "m":
            raise ValueError(f"{text!r}: m could be minutes or months; write {count}mo for months or {count}d for days")
        if unit not in _UNITS:
            raise ValueError(f"{unit!r} is not a unit here: {_UNIT_HINT}")
        days, months = _UNITS[unit]
        if count * days > MAX_OFFSET_DAYS or count * months > MAX_OFFSET_DAYS // 366 * 12:
            raise ValueError(f"{text!r} is more than {MAX_OFFSET_DAYS // 366} years away; give the date itself")
        return _move(today, sign * count * days, sign * count * months, text)
    return None


def _move(today: dt.date, days: int, months: int, text: str) -> dt.date:
    """`today` moved by whole months (the day clamped to the month's end) and days."""
    if not months:
        return _shift(today, days)
    try:
        return today + relativedelta(months=months)
    except (ValueError, OverflowError):
        raise ValueError(f"{text!r} falls outside the calendar (years 1 to 9999)") from None


def _shift(today: dt.date, days: int) -> dt.date:
    try:
        return today + dt.timedelta(days=days)
    except OverflowError:
        raise ValueError("that date is outside the calendar") from None


def _iso(text: str, _today: dt.date, _direction: str) -> dt.date | None:
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    return _make(year, month, day, text)


def _slashed(text: str, today: dt.date, _direction: str) -> dt.date | None:
    match = _SLASH.fullmatch(text)
    if match is None:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    year_text = match.group(3)
    if year_text is None:
        year = today.year
    else:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    return _make(year, month, day, text, hint=" (day/month)")


def _with_month_name(text: str, today: dt.date, _direction: str) -> dt.date | None:
    match = _DAY_MONTH.fullmatch(text)
    if match is not None:
        day_text, month_name, year_text = match.groups()
    else:
        match = _MONTH_DAY.fullmatch(text)
        if match is None:
            return None
        month_name, day_text, year_text = match.groups()
    if month_name not in _MONTHS:
        if match.re is _MONTH_DAY and month_name in _WEEKDAYS | {"last": 0, "next": 0, "in": 0}:
            return None
        raise ValueError(f"{month_name!r} is not a month name (Jan, Feb, ... Dec)")
    year = int(year_text) if year_text else today.year
    return _make(year, _MONTHS[month_name], int(day_text), text)


def _weekday(text: str, today: dt.date, direction: str) -> dt.date | None:
    match = _WEEKDAY.fullmatch(text)
    if match is None or match.group(2) not in _WEEKDAYS:
        return None
    qualifier, target = match.group(1), _WEEKDAYS[match.group(2)]
    ahead = (target - today.weekday()) % 7  # 0..6 days to the coming one (today counts)
    behind = (today.weekday() - target) % 7  # 0..6 days back to the latest one
    if qualifier == "next":
        return _shift(today, ahead or 7)
    if qualifier == "last":
        return _shift(today, -(behind or 7))
    if qualifier == "this" or direction == "future":
        return _shift(today, ahead)
    return _shift(today, -behind)


def _make(year: int, month: int, day: int, text: str, hint: str = "") -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: month {month} does not exist{hint}")
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"{text!r}: year {year} is out of range")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r}: day {day} does not exist in {dt.date(2000 if month == 2 else 2001, month, 1):%B} {year}{hint}") from None
