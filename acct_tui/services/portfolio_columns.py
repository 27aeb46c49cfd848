"""The Portfolio's columns: each account's row of derived facts, in plain lists, from one query per fact.

`portfolio.load` reads the accounts and hands them here; `columns` asks
`portfolio_facts` (and `touches`) for each fact over the same accounts and
lays the answers out by `Portfolio` field name, converting each value to
the base currency with the day's rates. `top_share` marks the accounts that
make up 80% of the value.
"""

from __future__ import annotations

import datetime as dt
from array import array
from typing import Sequence

from acct_tui.core.currency import RateBook
from acct_tui.core.policy import Policy
from acct_tui.services import portfolio_facts as facts
from acct_tui.services import touches
from acct_tui.services.portfolio_facts import TREND_DAYS
from acct_tui.services.query import as_date, iter_rows

#: Share of the portfolio's value that the "top accounts" mark covers.
TOP_SHARE = 0.8

#: The `Portfolio` fields `_columns` fills, in its order.
COLUMNS = ("ids", "names", "tiers", "owners", "values", "own_values", "currencies", "pipelines", "health", "bands",
            "trends", "touch_days", "touch_status", "next_visits", "renewals", "alerts", "customers")


def columns(accounts, visible, policy: Policy, today: dt.date, book: RateBook, whole_book: bool):
    """The portfolio's columns (by `Portfolio` field name), one derived-fact query each; the
    positions of the accounts without a rate; the open opportunities left out of pipelines;
    and the accounts' `Positions`.

    Streamed (100k accounts, measured): the accounts' rows, then each fact's, are laid into
    the columns as they come, never held as lists of rows or {account_id: fact} dicts (those
    were most of the load's peak); repeated values (tier, owner, currency, band, days) are
    one object per distinct value, not one per cell.
    """
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    (ids, names, tiers, owners, values, own_values, codes, pipelines, scores, bands, trends, touch_days, touch_status,
     next_visits, renewals, alert_counts, customers) = columns.values()
    contact_days = []
    text, days = {}, {}  # the one object of each repeated string, and of each day ordinal
    for account_id, name, tier, owner, value, currency, renewal, contact, customer in accounts:
        ids.append(account_id)
        names.append(name)
        tiers.append(text.setdefault(tier, tier))
        owners.append(text.setdefault(owner, owner))
        own_values.append(float(value or 0))
        codes.append(text.setdefault(currency, currency))
        renewals.append(_ordinal(renewal, days))
        contact_days.append(contact)
        customers.append(bool(customer))
    size = len(ids)
    position = Positions.of(ids)
    rates = _float_rates(book, today)
    unrated: set[int] = set()
    for i, (own, currency) in enumerate(zip(own_values, codes)):
        rate = rates(currency)
        if rate is None:
            unrated.add(i)
            values.append(None)
        else:
            values.append(round(own * rate, 2))

    today_ord = today.toordinal()
    touch_days.extend([None] * size)
    for account_id, touched in iter_rows(touches.last_touch_query(visible)):
        i = position.get(account_id)
        if i is not None and touched is not None:
            ago = today_ord - as_date(touched).toordinal()
            touch_days[i] = days.setdefault(ago, ago)
    touch_status.extend(map(lambda tier, contact, ago: policy.contact(tier, contact).status(ago), tiers, contact_days, touch_days))
    del contact_days

    next_visits.extend([None] * size)
    for account_id, visit in facts.next_planned_visits(visible):
        i = position.get(account_id)
        if i is not None:
            next_visits[i] = _ordinal(visit, days)
    alert_counts.extend([0] * size)
    for account_id, count in facts.open_alert_counts(visible):
        i = position.get(account_id)
        if i is not None:
            alert_counts[i] = count
    scores.extend([None] * size)
    bands.extend([None] * size)
    trends.extend([None] * size)
    for account_id, score, band, trend in facts.health_rows(visible, TREND_DAYS):
        i = position.get(account_id)
        if i is not None:
            scores[i], bands[i], trends[i] = score, text.setdefault(band, band), trend

    # Each account's weighted pipeline, summed in the rows' order, rounded once complete.
    pipelines.extend([None] * size)
    unrated_pipeline: list[tuple[str, int]] = []
    for account_id, currency, count, amount in facts.open_pipeline(None if whole_book else visible):
        i = position.get(account_id)
        if i is None:
            continue
        rate = rates(currency)
        if rate is None:
            unrated_pipeline.append((currency, count))
            amount = 0.0
        else:
            amount *= rate
        pipelines[i] = (0.0 if pipelines[i] is None else pipelines[i]) + amount
    pipelines[:] = [None if total is None else round(total, 2) for total in pipelines]
    return columns, unrated, unrated_pipeline, position


class Positions:
    """{account_id: position} (`get` only) as a C array indexed by id: 4 bytes per id up to
    the largest, where a dict was 8 MB at 100k accounts. `of` keeps the dict when ids are sparse."""

    __slots__ = ("_at",)

    def __init__(self, at: array):
        self._at = at  # position + 1 at each id; 0 where no account

    @classmethod
    def of(cls, ids: Sequence[int]) -> "Positions | dict[int, int]":
        top = max(ids, default=-1)
        if min(ids, default=0) < 0 or top >= 4 * len(ids) + 4096:
            return dict(zip(ids, range(len(ids))))
        at = array("i", bytes(4 * (top + 1)))
        for i, account_id in enumerate(ids, 1):
            at[account_id] = i
        return cls(at)

    def get(self, account_id: int, default: int | None = None) -> int | None:
        at = self._at
        found = at[account_id] if 0 <= account_id < len(at) else 0
        return found - 1 if found else default


def _ordinal(day, ordinals: dict) -> int | None:
    """A raw date's ordinal, one int object per distinct day (`ordinals` keeps them)."""
    if day is None:
        return None
    found = ordinals.get(day)
    if found is None:
        found = as_date(day).toordinal()
        found = ordinals[day] = ordinals.setdefault(found, found)
    return found


def _float_rates(book: RateBook, today: dt.date):
    """`currency -> today's rate as a float, or None`, each currency asked of `book` once."""
    found: dict[str, float | None] = {}

    def rate(currency: str) -> float | None:
        if currency not in found:
            exact = book.rate(currency, today)
            found[currency] = None if exact is None else float(exact)
        return found[currency]

    return rate


def _in_base(parts, rates: dict[str, float], unrated: list) -> float | None:
    """An account's weighted pipeline in the base currency; parts without a rate are left out (and noted)."""
    if not parts:
        return None
    total = 0.0
    for currency, count, amount in parts:
        rate = rates.get(currency)
        if rate is None:
            unrated.append((currency, count))
        else:
            total += amount * rate
    return round(total, 2)


def top_share(values: Sequence[float | None], total: float) -> frozenset[int]:
    """Positions of the most valuable accounts that together make up `TOP_SHARE` of `total`."""
    top: set[int] = set()
    if total > 0:
        running = 0.0
        for i in sorted((i for i, v in enumerate(values) if v is not None), key=lambda i: -values[i]):
            if running >= TOP_SHARE * total:
                break
            top.add(i)
            running += values[i]
    return frozenset(top)
