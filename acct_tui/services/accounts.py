"""Account listings and look-ups, always through the access rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from peewee import JOIN, Case, fn

from acct_tui.errors import NotFound, UsageError
from acct_tui.models import Account, User
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.query import as_datetime, chunks, name_like
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


def find_account(viewer: Viewer, ref: str) -> Account:
    """An account by id, external id or an unambiguous (part of its) name.

    Only accounts `viewer` may see are candidates, so a hidden account is
    simply "not found". Raises `NotFound` or `UsageError` (ambiguous).
    """
    ref = ref.strip()
    if not ref:
        raise UsageError("no account given")
    base = scope_accounts(Account.select(), viewer)
    if ref.isdigit():
        found = base.where(Account.id == int(ref)).first()
        if found:
            return found
    found = base.where(Account.external_id == ref).first()
    if found:
        return found
    exact = list(base.where(fn.LOWER(Account.name) == ref.lower()).limit(2))
    if len(exact) == 1:
        return exact[0]
    matches = list(base.where(Account.name.contains(ref)).order_by(Account.name).limit(6))
    if len(matches) == 1:
        return matches[0]
    if not matches and not exact:
        raise NotFound(f"no account matches {ref!r}")
    names = ", ".join(a.name for a in (exact or matches)[:5])
    raise UsageError(f"{ref!r} matches several accounts ({names}); give the id or external id")


@dataclass(frozen=True)
class AccountHit:
    """An account found by name: enough to label it in a picker."""

    id: int
    name: str
    tier: str
    owner: str | None


def search_accounts(viewer: Viewer, text: str, limit: int = 20) -> list[AccountHit]:
    """Accounts `viewer` may see whose name contains `text`; names starting with it first."""
    query = (
        Account.select(Account.id, Account.name, Account.tier, User.login)
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .switch(Account)
    )
    text = text.strip()
    if text:
        starts = name_like(Account.name, text, prefix=True)
        query = query.where(name_like(Account.name, text)).order_by(Case(None, [(starts, 0)], 1), Account.name, Account.id)
    else:
        query = query.order_by(Account.name, Account.id)
    query = scope_accounts(query, viewer).limit(limit)
    return [AccountHit(id=r[0], name=r[1], tier=r[2], owner=r[3]) for r in query.tuples()]


def account_hit(viewer: Viewer, account_id: int) -> AccountHit | None:
    """One account's label if `viewer` may see it, else None."""
    query = (
        Account.select(Account.id, Account.name, Account.tier, User.login)
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .switch(Account)
        .where(Account.id == account_id)
    )
    row = scope_accounts(query, viewer).tuples().first()
    return AccountHit(id=row[0], name=row[1], tier=row[2], owner=row[3]) if row else None
