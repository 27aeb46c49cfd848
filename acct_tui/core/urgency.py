"""The Today queue's urgency score: a sum of terms, each a value times a coefficient.

Pure data and arithmetic, no I/O. The coefficients are the config's
`[urgency]` table (the field names of `Urgency` are its keys); courtesy
dates are switched on and off in `[courtesy]`:

    [urgency]
    red = 80            # an open red alert weighs more than the default 60
    value_share = 0     # leave the account's size out of the rank

    [courtesy]
    birthdays = false

A term's value is what was measured (1 for "this is a red alert", 5/14 for
"5 days past a 14-day target", 12.5 for "12.5% of my portfolio's value");
its contribution is value x coefficient; an item's score is the sum of its
contributions. `services/today.py` decides which terms an item has.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from acct_tui.core.config_values import check_known, non_negative
from acct_tui.errors import UsageError

#: How far ahead each kind of item is looked for, in days ("due within").
COMMITMENT_WINDOW = 7
VISIT_WINDOW = 6  # today and the six days after: this week
MILESTONE_WINDOW = 14
COURTESY_WINDOW = 7
#: Days late count up to this many (a year-old slip is not 180 times as urgent as a day's).
LATE_CAP = 30
#: Cadences past the target count up to this many.
OVER_TARGET_CAP = 3.0


@dataclass(frozen=True)
class Urgency:
    """Every coefficient; the field names are the `[urgency]` config keys."""

    #: What the item is (value 1 each): an open red or yellow alert ...
    red: float = 60
    yellow: float = 25
    #: ... an alert escalated to me (its severity counts too) ...
    escalated: float = 40
    #: ... an account past its contact or visit target, a commitment, a planned visit,
    #: a milestone, a renewal with no recent touch, a courtesy date.
    cadence: float = 20
    commitment: float = 30
    visit: float = 30
    milestone: float = 15
    renewal: float = 25
    courtesy: float = 10
    #: Per cadence past the target: (days since - target) / target, up to 3.
    over_target: float = 30
    #: Per day late (a commitment, a milestone, a planned visit), up to 30.
    days_late: float = 2
    #: How close the due day is: 1 on the day, 0 at the edge of the item's window.
    due_soon: float = 20
    #: Per percent of my portfolio's value (in the base currency) the account holds.
    value_share: float = 0.5
    #: Per point of health below 100 (the newest score).
    health: float = 0.2
    #: Per point of health lost since the newest score a week or more older.
    health_trend: float = 0.5


@dataclass(frozen=True)
class Courtesy:
    """Which courtesy dates Today, the timeline and the calendar feed show (`[courtesy]`)."""

    birthdays: bool = True
    anniversaries: bool = True


@dataclass(frozen=True)
class Term:
    """One part of an item's score, as `explain` shows it."""

    term: str
    value: float
    coefficient: float
    contribution: float


def score(measured: Iterable[tuple[str, float]], urgency: Urgency) -> tuple[float, tuple[Term, ...]]:
    """(the score, its terms) for measured `(term, value)` pairs; a value of 0 is left out."""
    terms = terms_of(measured, urgency)
    return round(sum(t.contribution for t in terms), 2), terms


def terms_of(measured: Iterable[tuple[str, float]], urgency: Urgency) -> tuple[Term, ...]:
    """The terms of measured `(term, value)` pairs (a value of 0 is left out), as `explain` shows them."""
    return tuple(
        Term(name, round(float(value), 4), float(getattr(urgency, name)), round(value * float(getattr(urgency, name)), 2))
        for name, value in measured
        if value
    )


def contributions(measured: Iterable[tuple[str, float]], coefficients: Mapping[str, float]) -> tuple[float, ...]:
    """Each nonzero term's contribution, as `terms_of` rounds it, without building the terms
    (`coefficients`: `coefficients_of(urgency)`); `score` is their sum, rounded. A long queue
    builds its terms only for the items someone looks at."""
    return tuple(round(value * coefficients[name], 2) for name, value in measured if value)


def coefficients_of(urgency: Urgency) -> dict[str, float]:
    """{term: its coefficient as a float}, for `contributions`."""
    return {f.name: float(getattr(urgency, f.name)) for f in dataclasses.fields(urgency)}


def late_value(days: int) -> int:
    return max(0, min(days, LATE_CAP))


def over_target_value(days_since: int, target: int) -> float:
    """Cadences past the target, 0 within it, at most `OVER_TARGET_CAP`."""
    if days_since <= target or target <= 0:
        return 0.0
    return min((days_since - target) / target, OVER_TARGET_CAP)


def due_soon_value(days_until: int, window: int) -> float:
    """1 on the due day (and once late), falling to 0 at `window` days ahead."""
    if days_until <= 0:
        return 1.0
    if days_until >= window:
        return 0.0
    return 1 - days_until / window


def urgency_from_config(section: Mapping[str, Any] | None) -> Urgency:
    """`Urgency` from the config's `[urgency]` table; `UsageError` on a bad key or value."""
    known = sorted(f.name for f in dataclasses.fields(Urgency))
    values: dict[str, float] = {}
    for key, value in (section or {}).items():
        check_known("urgency", key, known)
        values[key] = non_negative("urgency", key, value)
    return Urgency(**values)


def courtesy_from_config(section: Mapping[str, Any] | None) -> Courtesy:
    """`Courtesy` from the config's `[courtesy]` table; `UsageError` on a bad key or value."""
    known = sorted(f.name for f in dataclasses.fields(Courtesy))
    for key, value in (section or {}).items():
        check_known("courtesy", key, known)
        if not isinstance(value, bool):
            raise UsageError(f"config: courtesy.{key} must be true or false, not {value!r}")
    return Courtesy(**dict(section or {}))
