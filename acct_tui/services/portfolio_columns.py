"""The Portfolio's columns: each account's row of derived facts, in plain lists, from one query per fact.

`portfolio.load` reads the accounts and hands them here; `columns` asks
`portfolio_facts` (and `touches`) for each fact over the same accounts and
lays the answers out by `Portfolio` field name, converting each value to
the base currency with the day's rates. `top_share` marks the accounts that
make up 80% of the value.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from acct_tui.core.currency import RateBook
from acct_tui.core.policy import Policy
from acct_tui.services import portfolio_facts as facts
from acct_tui.services import touches
from acct_tui.services.health import TREND_DAYS
from acct_tui.services.query import as_date

#: Share of the portfolio's value that the "top accounts" mark covers.
TOP_SHARE = 0.8

#: The `Portfolio` fields `_columns` fills, in its order.
COLUMNS = ("ids", "names", "tiers", "owners", "values", "own_values", "currencies", "pipelines", "health", "bands",
            "trends", "touch_days", "touch_status", "next_visits", "renewals", "alerts", "customers")


def columns(accounts, visible, policy: Policy, today: dt.date, rates: dict, book: RateBook, whole_book: bool):
    """The portfolio's columns (by `Portfolio` field name), one derived-fact query each; and the
    positions of the accounts without a rate, and the open opportunities left out of pipelines."""
    touched_at = touches.last_touches(visible)
    visits = facts.next_planned_visits(visible)
    alerts = facts.open_alert_counts(visible)
    health = facts.health(visible, TREND_DAYS)
    pipeline = facts.open_pipeline(None if whole_book else visible)
    today_ord = today.toordinal()
    float_rates = {code: float(rate) for code, rate in rates.items()}
    deal_currencies = {c for parts in pipeline.values() for c, _, _ in parts}
    pipeline_rates = {code: float(rate) for code, rate in book.rates_on(today, deal_currencies).items()}
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    (ids, names, tiers, owners, values, own_values, codes, pipelines, scores, bands, trends, touch_days, touch_status,
     next_visits, renewals, alert_counts, customers) = columns.values()
    unrated: set[int] = set()
    unrated_pipeline: list[tuple[str, int]] = []
    for account_id, name, tier, owner, value, currency, renewal, contact_days, customer in accounts:
        ids.append(account_id)
        names.append(name)
        tiers.append(tier)
        owners.append(owner)
        own = float(value or 0)
        own_values.append(own)
        codes.append(currency)
        rate = float_rates.get(currency)
        if rate is None:
            unrated.add(len(values))
            values.append(None)
        else:
            values.append(round(own * rate, 2))
        pipelines.append(_in_base(pipeline.get(account_id), pipeline_rates, unrated_pipeline))
        score, band, trend = health.get(account_id, (None, None, None))
        scores.append(score)
        bands.append(band)
        trends.append(trend)
        touched = touched_at.get(account_id)
        days = today_ord - as_date(touched).toordinal() if touched is not None else None
        touch_days.append(days)
        touch_status.append(policy.contact(tier, contact_days).status(days))
        visit = visits.get(account_id)
        next_visits.append(as_date(visit).toordinal() if visit is not None else None)
        renewals.append(as_date(renewal).toordinal() if renewal is not None else None)
        alert_counts.append(alerts.get(account_id, 0))
        customers.append(bool(customer))
    return columns, unrated, unrated_pipeline


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
