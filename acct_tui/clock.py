"""The one clock. Everything that asks "what time is it" asks here.

Tests and the CLI (`--now`, `ACCT_TUI_NOW`) pin it so that reports, scans and
screens are reproducible. Times are naive local wall-clock datetimes.
"""

from __future__ import annotations

import datetime as dt
import os

_pinned: dt.datetime | None = None
#: The years `--now` may name: far enough from 1 and 9999 that date arithmetic never overflows.
EARLIEST_YEAR, LATEST_YEAR = 1000, 9000


def now() -> dt.datetime:
    """The current time, or the pinned one; whole seconds."""
    if _pinned is not None:
        return _pinned
    return dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def pinned() -> dt.datetime | None:
    """The pinned moment, None when the clock runs (a child process pins the same one)."""
    return _pinned


def pin(moment: dt.datetime | None) -> None:
    """Pin the clock to `moment` (None lets it run again)."""
    global _pinned
    _pinned = moment


def parse_moment(text: str, *, whole_seconds: bool = True) -> dt.datetime:
    """`YYYY-MM-DD` (midnight) or ISO 8601 (an offset converted to naive local time,
    Salesforce's `.000+0000` included); a clear ValueError otherwise.

    The one reader of ISO times: `--now`, `ACCT_TUI_NOW` and every import.
    `whole_seconds=False` keeps fractions, so an export of app data reads back exactly.
    """
    text = text.strip()
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HHMM])") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0) if whole_seconds else moment


def parse_pin(text: str) -> dt.datetime:
    """A moment to pin the clock to (`--now`, `ACCT_TUI_NOW`): `parse_moment` within the supported years."""
    moment = parse_moment(text)
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        # Reports look years back and plans years ahead: at the calendar's edges that overflows.
        raise ValueError(f"{text.strip()!r} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR} the clock can be pinned to")
    return moment


def pin_from_env() -> None:
    """Honour ACCT_TUI_NOW when nothing pinned the clock yet."""
    value = os.environ.get("ACCT_TUI_NOW")
    if value and _pinned is None:
        pin(parse_pin(value))
