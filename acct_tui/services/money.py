"""Money: the one place amounts meet exchange rates.

Every screen, listing, report and export that adds, shares, ranks or sorts
money gets a `RateBook` from `rate_book(base)` (one small query) and
converts through it (`acct_tui.core.currency`): per item with
`book.convert`, or per currency with `book.total` after SQL has summed each
currency apart (`GROUP BY ..., currency`). Nothing adds two currencies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from peewee import SQL, Case, Expression, Value

from acct_tui.core.currency import RateBook, RateRow
from acct_tui.models import Rate


def rate_book(base: str) -> RateBook:
    """Every stored rate, ready to convert into `base`."""
    rows = Rate.select(Rate.currency, Rate.quote, Rate.as_of, Rate.rate).tuples()
    return RateBook.build(base, (RateRow(c, q, _date(d), Decimal(str(r))) for c, q, d, r in rows))


@dataclass(frozen=True)
class RateListing:
    currency: str
    quote: str
    as_of: dt.date
    rate: Decimal
    #: What one `quote` buys of `currency` (1 / rate), for reading VND-sized rates.
    inverse: Decimal


def list_rates() -> list[RateListing]:
    """Every stored rate, by currency, newest first."""
    query = Rate.select(Rate.currency, Rate.quote, Rate.as_of, Rate.rate).order_by(Rate.currency, Rate.quote, Rate.as_of.desc())
    out = []
    for currency, quote, as_of, rate in query.tuples():
        rate = Decimal(str(rate)).normalize()
        out.append(RateListing(currency, quote, _date(as_of), rate, (Decimal(1) / rate).quantize(Decimal("0.0001"))))
    return out


def in_base_sql(amount, currency, rates: Mapping[str, Decimal]) -> Expression:
    """SQL for `amount` converted with `rates` (currency -> rate); NULL for a currency without one.

    For ordering by value in SQL (the Portfolio's first screen); the rates
    are those of one day, so this is the same conversion as `book.convert`.
    """
    if not rates:
        return SQL("NULL")
    # Plain values: next to `amount` peewee would run them through the money column's converter.
    whens = [(Value(code, converter=False), Value(float(rate), converter=False)) for code, rate in sorted(rates.items())]
    return amount * Case(currency, whens, None)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
