"""Account listings (`AccountRow`), always through the access rules.

Finding one account from typed text is `services/account_lookup.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from peewee import JOIN

from acct_tui.clock import today
from acct_tui.core.currency import DEFAULT_BASE, RateBook
from acct_tui.models import Account, User
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services import portfolio_facts
from acct_tui.services.money import rate_book
from acct_tui.services.query import as_datetime, chunks
from acct_tui.services.portfolio_facts import TREND_DAYS
from acct_tui.services.touches import last_touch_subquery


@dataclass(frozen=True)
class AccountRow:
    """One account as listings, exports and briefs show it; the owner as a login."""

    id: int
    external_id: str | None
    name: str
    owner: str | None
    tier: str
    status: str
    annual_value: Decimal
    currency: str
    #: The annual value in `base_currency` at today's rate: empty without a rate, never the
    #: own amount, so a spreadsheet summing this column never adds two currencies.
    base_value: Decimal | None
    base_currency: str
    renewal_date: dt.date | None
    last_touch: dt.datetime | None
    #: Health as the Portfolio shows it: the newest scan's score and band, and the
    #: change against the newest snapshot a week or more older (`portfolio_facts.health`).
    health_score: int | None
    health_band: str | None
    health_trend: int | None


def _rows(query, book: RateBook | None, visible) -> list[AccountRow]:
    book = book or rate_book(DEFAULT_BASE)
    day = today()
    health = portfolio_facts.health(visible, TREND_DAYS)
    return [
        AccountRow(
            id=row["id"], external_id=row["external_id"], name=row["name"], owner=row["login"], tier=row["tier"],
            status=row["status"], annual_value=row["annual_value"], currency=row["currency"],
            base_value=book.convert(row["annual_value"], row["currency"], day), base_currency=book.base,
            renewal_date=row["renewal_date"], last_touch=as_datetime(row["at"]),
            **dict(zip(("health_score", "health_band", "health_trend"), health.get(row["id"], (None, None, None)))),
        )
        for row in query.dicts()
    ]


def _rows_query(accounts=None):
    """Accounts with their owner's login and last touch (`accounts`: a list or subquery of ids)."""
    touch = last_touch_subquery(accounts)
    query = (
        Account.select(Account, User.login, touch.c.at)
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .switch(Account)
        .join(touch, JOIN.LEFT_OUTER, on=(touch.c.account_id == Account.id))
    )
    return query if accounts is None else query.where(Account.id.in_(accounts))


def list_accounts(viewer: Viewer, book: RateBook | None = None) -> list[AccountRow]:
    """Every account `viewer` may see, by name, with owner, last touch and value in `book.base`."""
    visible = scope_accounts(Account.select(Account.id), viewer)
    return _rows(scope_accounts(_rows_query().order_by(Account.name, Account.id), viewer), book, visible)


def account_rows(account_ids: Sequence[int], book: RateBook | None = None) -> dict[int, AccountRow]:
    """The rows of `account_ids`, which the caller has access-checked (a handover's accounts)."""
    found: dict[int, AccountRow] = {}
    for part in chunks(account_ids):
        found.update((row.id, row) for row in _rows(_rows_query(part), book, list(part)))
    return found
