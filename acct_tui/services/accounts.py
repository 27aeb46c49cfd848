"""Account listings (`AccountRow`), always through the access rules.

Finding one account from typed text is `services/account_lookup.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from peewee import JOIN

from acct_tui.models import Account, User
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.query import as_datetime, chunks
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
    renewal_date: dt.date | None
    last_touch: dt.datetime | None


def _rows(query) -> list[AccountRow]:
    return [
        AccountRow(
            id=row["id"], external_id=row["external_id"], name=row["name"], owner=row["login"], tier=row["tier"],
            status=row["status"], annual_value=row["annual_value"], currency=row["currency"],
            renewal_date=row["renewal_date"], last_touch=as_datetime(row["at"]),
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


def list_accounts(viewer: Viewer) -> list[AccountRow]:
    """Every account `viewer` may see, by name, with owner and last touch."""
    return _rows(scope_accounts(_rows_query().order_by(Account.name, Account.id), viewer))


def account_rows(account_ids: Sequence[int]) -> dict[int, AccountRow]:
    """The rows of `account_ids`, which the caller has access-checked (a handover's accounts)."""
    found: dict[int, AccountRow] = {}
    for part in chunks(account_ids):
        found.update((row.id, row) for row in _rows(_rows_query(part)))
    return found
