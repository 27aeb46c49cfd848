"""Report periods: a quarter, a month, a year or a range of days, and the ones before and after.

`parse_period("2026-Q2" | "2026-05" | "2026" | "2026-04-01..2026-06-30", today)`
gives a `Period` with inclusive `start` and `end` days; `shift(-1)` is the
period before (the same length for a range). Pure: no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

KINDS = ("quarter", "month", "year", "range")
_QUARTER = re.compile(r"^(\d{4})-?[qQ]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
DAY = dt.timedelta(days=1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _quarter(start: dt.date) -> int:
    return (start.month - 1) // 3 + 1


#: A calendar period's (label, short label), from its first day.
_LABELS = {
    "quarter": (lambda start: f"{start.year}-Q{_quarter(start)}", lambda start: f"Q{_quarter(start)} {start:%y}"),
    "month": (lambda start: f"{start:%Y-%m}", lambda start: f"{start:%b %y}"),
    "year": (lambda start: str(start.year), lambda start: str(start.year)),
}


@dataclass(frozen=True)
class Period:
    """Days `start` to `end`, both included."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """As typed and reported: `2026-Q2`, `2026-05`, `2026`, `2026-04-01..2026-04-30`."""
        if self.kind in _LABELS:
            return _LABELS[self.kind][0](self.start)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def short_label(self) -> str:
        """For a chart's axis: `Q2 26`, `May 26`, `2026`, `1 Apr`."""
        if self.kind in _LABELS:
            return _LABELS[self.kind][1](self.start)
        return f"{self.start.day} {self.start:%b}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shift(self, steps: int) -> "Period":
        """The period `steps` later (earlier when negative), of the same kind and length."""
        if self.kind == "range":
            offset = dt.timedelta(days=self.days * steps)
            return Period("range", self.start + offset, self.end + offset)
        months = {"quarter": 3, "month": 1, "year": 12}[self.kind] * steps
        start = add_months(self.start, months)
        return Period(self.kind, start, month_end(add_months(self.end, months)))

    def describe(self, today: dt.date) -> str:
        """`2026-Q4 (1 Oct – 31 Dec 2026, to date)`: what a screen's title says."""
        span = f"{self.start.day} {self.start:%b} – {self.end.day} {self.end:%b %Y}"
        state = ", to date" if self.start <= today <= self.end else ", not begun" if today < self.start else ""
        return f"{self.label} ({span}{state})"


def quarter_of(day: dt.date) -> Period:
    start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Period("quarter", start, month_end(add_months(start, 2)))


def period_of(kind: str, day: dt.date) -> Period:
    """The quarter, month or year holding `day`."""
    if kind == "month":
        return Period("month", month_start(day), month_end(day))
    if kind == "year":
        return Period("year", dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    return quarter_of(day)


def parse_period(text: str, today: dt.date) -> Period:
    """A period from how people write one; ValueError naming the accepted forms."""
    text = (text or "").strip()
    if not text:
        return quarter_of(today)
    try:
        if found := _QUARTER.match(text):
            return quarter_of(dt.date(int(found.group(1)), (int(found.group(2)) - 1) * 3 + 1, 1))
        if found := _MONTH.match(text):
            start = dt.date(int(found.group(1)), int(found.group(2)), 1)
            return Period("month", start, month_end(start))
        if found := _YEAR.match(text):
            year = int(found.group(1))
            return Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31))
        if ".." in text:
            first, last = (part.strip() for part in text.split("..", 1))
            start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
            if end < start:
                raise ValueError(f"{text!r} ends before it starts")
            return Period("range", start, end)
    except ValueError as exc:
        if "ends before" in str(exc):
            raise
    raise ValueError(f"{text!r} is not a period: write 2026-Q2, 2026-05, 2026 or 2026-04-01..2026-06-30")


def last_complete_month(before: dt.date) -> dt.date:
    """The first day of the last whole month that ends before the day `before`."""
    return month_start(month_start(before) - DAY)


def revenue_months(period: Period, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The months retention compares: the last whole month before the period, and the period's
    last whole month that is over by today. None when no whole month of the period is over yet."""
    start = last_complete_month(period.start)
    end = last_complete_month(min(period.end + DAY, today))
    return (start, end) if end > start else None
