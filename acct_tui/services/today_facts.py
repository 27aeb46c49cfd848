"""What Today reads about the accounts themselves: the book, each customer's last touch and visit, the alerts.

`services.today` turns these into items. Each is one query over the
viewer's book, fetched as plain tuples (`query.raw_rows`), and kept as
plain tuples: an admin's book at 100,000 accounts makes every per-row
object and every per-row conversion count (measured in `scripts/bench.py`'s
Today row).

- `book`: every account in the viewer's book (not churned) with its name,
  owner and share of the book's value, and, for the customers only (the
  cadence and renewal reasons are theirs), what those reasons need: tier,
  cadences, renewal, start, last touch, last visit;
- `active_alerts`: open, acknowledged and snoozed alerts, the columns Today
  uses (`alerts.list_alerts` builds the whole `AlertRow`, evidence and all).

The last touch and visit are `touches.last_touch_and_visit`, joined in:
grouped once over the activities at or before now.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from peewee import JOIN, Case, Value

from acct_tui.core.currency import RateBook
from acct_tui.models import Account, Alert, User
from acct_tui.services import alerts as alerts_service
from acct_tui.services import touches
from acct_tui.services.access import Viewer, scope_accounts, visible_account_ids
from acct_tui.services.kpi_facts import active_at, in_book
from acct_tui.services.query import as_date, as_datetime, raw_rows


class Named(NamedTuple):
    """What every item of an account carries: its name, external id, owner and share of the book (%)."""

    name: str
    external_id: str | None
    owner: str | None
    share: float


class Customer(NamedTuple):
    """What the cadence and renewal reasons read of a customer."""

    id: int
    tier: str
    contact_days: int | None
    visit_days: int | None
    renewal: dt.date | None
    since: dt.date | None
    #: The days of the last touch and the last visit (at or before now).
    last_touch: dt.date | None
    last_visit: dt.date | None


class AlertFact(NamedTuple):
    id: int
    account_id: int
    rule: str
    severity: str
    status: str
    reason: str
    mine: bool
    escalated_at: dt.datetime | None


def book(viewer: Viewer, now: dt.datetime, rates: RateBook) -> tuple[dict[int, Named], list[Customer]]:
    """({account id: `Named`} for the viewer's book, the customers among them with their facts)."""
    today = now.date()
    visible = None if viewer.sees_everything else visible_account_ids(viewer).where(in_book())
    last = touches.last_touch_and_visit(visible, until=now).alias("last")
    customer = Case(None, [(active_at(today), 1)], 0)
    query = (
        Account.select(
            Account.id, Account.name, Account.external_id, User.login, Account.annual_value, Account.currency, customer,
            Account.tier, Account.contact_days, Account.visit_days, Account.renewal_date, Account.contract_start,
            Account.created_at, last.c.at, last.c.visit,
        )
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .switch(Account)
        .join(last, JOIN.LEFT_OUTER, on=(last.c.account_id == Account.id))
        .where(in_book())
    )
    rows = raw_rows(scope_accounts(query, viewer))
    per_currency: dict[str, list] = {}
    for row in rows:
        part = per_currency.setdefault(row[5], [row[5], 0, 0.0])
        part[1] += 1
        part[2] += float(row[4] or 0)
    total = float(rates.total([tuple(p) for p in per_currency.values()], today).amount) if rows else 0.0
    # An account without a rate has no share (it is never added at face value).
    factor = {code: float(rate) for code, rate in rates.rates_on(today, per_currency).items()} if total > 0 else {}
    owners: dict[str | None, str | None] = {}  # one string per login, not one per row
    named: dict[int, Named] = {}
    customers: list[Customer] = []
    for (aid, name, external, owner, value, currency, is_customer, tier, contact_days, visit_days, renewal, start,
         created, touch, visit) in rows:
        owner = owners.setdefault(owner, owner)
        share = 100.0 * float(value or 0) * factor[currency] / total if currency in factor else 0.0
        named[aid] = Named(name, external, owner, share)
        if is_customer:
            start = as_date(start)
            created = as_date(created)
            since = start if created is None else created if start is None else min(created, start)
            customers.append(Customer(aid, tier, contact_days, visit_days, as_date(renewal), since,
                                      as_date(touch), as_date(visit)))
    return named, customers


def active_alerts(viewer: Viewer) -> list[AlertFact]:
    """Open, acknowledged and snoozed alerts on accounts in the viewer's book (`alerts.ACTIVE_STATUSES`)."""
    mine = Case(None, [(Alert.escalated_to == viewer.user_id, 1)], 0) if viewer.user_id is not None else Value(0)
    query = (
        Alert.select(Alert.id, Alert.account, Alert.rule, Alert.severity, Alert.status, Alert.reason, mine, Alert.escalated_at)
        .join(Account, on=(Alert.account == Account.id))
        .where(Alert.status.in_(alerts_service.ACTIVE_STATUSES))
    )
    return [AlertFact(aid, account, rule, severity, status, reason, bool(is_mine), as_datetime(at))
            for aid, account, rule, severity, status, reason, is_mine, at in raw_rows(scope_accounts(query, viewer))]
