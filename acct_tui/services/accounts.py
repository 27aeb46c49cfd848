"""Account listings and look-ups, always through the access rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, SQL, Case, NodeList, fn

from acct_tui.clock import today
from acct_tui.core.currency import DEFAULT_BASE, RateBook
from acct_tui.enums import TOUCH_KINDS
from acct_tui.errors import NotFound, UsageError
from acct_tui.models import Account, Activity, User
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.money import rate_book


@dataclass(frozen=True)
class AccountRow:
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


def last_touch_subquery():
    """Per account, the time of the newest touch (a note is not a touch)."""
    return (
        Activity.select(Activity.account.alias("account_id"), fn.MAX(Activity.occurred_at).alias("at"))
        .where(Activity.kind.in_(TOUCH_KINDS))
        .group_by(Activity.account)
        .alias("last_touch")
    )


def list_accounts(viewer: Viewer, book: RateBook | None = None) -> list[AccountRow]:
    """Every account `viewer` may see, by name, with owner, last touch and value in `book.base`."""
    book = book or rate_book(DEFAULT_BASE)
    day = today()
    touch = last_touch_subquery()
    query = (
        Account.select(Account, User.login, touch.c.at)
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .switch(Account)
        .join(touch, JOIN.LEFT_OUTER, on=(touch.c.account_id == Account.id))
        .order_by(Account.name, Account.id)
    )
    rows = []
    for row in scope_accounts(query, viewer).dicts():
        rows.append(
            AccountRow(
                id=row["id"],
                external_id=row["external_id"],
                name=row["name"],
                owner=row["login"],
                tier=row["tier"],
                status=row["status"],
                annual_value=row["annual_value"],
                currency=row["currency"],
                base_value=book.convert(row["annual_value"], row["currency"], day),
                base_currency=book.base,
                renewal_date=row["renewal_date"],
                last_touch=_as_datetime(row["at"]),
            )
        )
    return rows


def _as_datetime(value) -> dt.datetime | None:
    # Aggregates come back untyped from SQLite (text), typed from PostgreSQL.
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


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


def like_pattern(text: str) -> str:
    """`%text%` for LIKE with `\\` escaping, so `%` and `_` in the text match themselves."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def name_like(text: str):
    """A case-insensitive "name contains `text`" clause, the same on SQLite and PostgreSQL."""
    return NodeList((fn.LOWER(Account.name), SQL("LIKE"), like_pattern(text), SQL("ESCAPE '\\'")))


def search_accounts(viewer: Viewer, text: str, limit: int = 20) -> list[AccountHit]:
    """Accounts `viewer` may see whose name contains `text`; names starting with it first."""
    query = (
        Account.select(Account.id, Account.name, Account.tier, User.login)
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .switch(Account)
    )
    text = text.strip()
    if text:
        starts = NodeList((fn.LOWER(Account.name), SQL("LIKE"), like_pattern(text)[1:], SQL("ESCAPE '\\'")))
        query = query.where(name_like(text)).order_by(Case(None, [(starts, 0)], 1), Account.name, Account.id)
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
