"""The one clock. Everything that asks "what time is it" asks here.

Tests and the CLI (`--now`, `ACCT_TUI_NOW`) pin it so that reports, scans and
screens are reproducible. Times are naive local wall-clock datetimes.
"""

from __future__ import annotations

import datetime as dt
import os

_pinned: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time, or the pinned one; whole seconds."""
    if _pinned is not None:
        return _pinned
    return dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


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
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HHMM])") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0) if whole_seconds else moment


def pin_from_env() -> None:
    """Honour ACCT_TUI_NOW when nothing pinned the clock yet."""
    value = os.environ.get("ACCT_TUI_NOW")
    if value and _pinned is None:
        pin(parse_moment(value))
