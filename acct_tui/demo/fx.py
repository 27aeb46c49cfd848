"""The demo's exchange rates: monthly, to USD, for the currencies its accounts use.

Believable levels (a euro about 1.08 dollars, a Singapore dollar about
0.74, 25,000-odd dong to the dollar) with a small monthly drift, so a
two-year history converts at slightly different rates month by month. The
rates come from their own random stream: the rest of the demo is the same
with or without them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from acct_tui.core.periods import add_months, month_start
from acct_tui.demo.rng import DemoRandom

QUOTE = "USD"
#: What one unit buys in USD in the demo's current month.
ANCHORS = {"EUR": Decimal("1.08"), "SGD": Decimal("0.745"), "VND": Decimal("0.0000394")}
#: Monthly drift (standard deviation) and a trend per month (the dong weakens slowly).
DRIFT = {"EUR": 0.012, "SGD": 0.007, "VND": 0.004}
TREND = {"EUR": 0.0, "SGD": 0.0, "VND": -0.002}
CURRENCIES = tuple(ANCHORS)


def monthly_rates(today: dt.date, months: int, seed: int) -> list[tuple[str, dt.date, Decimal]]:
    """(currency, first of the month, rate to USD) for this month and the `months` before it.

    Walked backwards from the anchor, so this month's rate is the anchor and
    an account's value converts to the dollar amount it was planned at.
    """
    rng = DemoRandom(seed * 9_000_011 + 17)
    rows = []
    for currency, anchor in ANCHORS.items():
        level = float(anchor)
        for back in range(months + 1):
            day = add_months(month_start(today), -back)
            rows.append((currency, day, Decimal(f"{level:.6g}")))
            level /= 1 + TREND[currency] + rng.gauss(0, DRIFT[currency])
    return rows


def local_value(usd: Decimal, currency: str) -> Decimal:
    """A dollar value in `currency` at the anchor rate, to three significant figures."""
    if currency == QUOTE:
        return usd
    exact = usd / ANCHORS[currency]
    return Decimal(f"{exact:.3g}").quantize(Decimal(1))
