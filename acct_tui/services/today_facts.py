"""What Today reads about the accounts themselves: the book, each customer's last touch and visit, the alerts.

`services.today` turns these into items. Each is one query over the
viewer's book, read as plain tuples, not models: an admin's book at 100,000 accounts makes every per-row
object and every per-row conversion count (measured in `scripts/bench.py`'s
Today row).

- `book`: one pass over the viewer's book (not churned): each customer's
  facts (tier, cadences, renewal, start, last touch, last visit) handed to
  the cadence and renewal reasons as the row arrives, and the name, owner
  and share of the book's value of the accounts with something to do;
- `active_alerts`: open, acknowledged and snoozed alerts, the columns Today
  uses (`alerts.list_alerts` builds the whole `AlertRow`, evidence and all).

The last touch and visit are read from the account's pulse (`account_pulse`,
kept by the database), with a seek of its activities only for an account
with a touch dated after now (`touches.last_touch_and_visit_by_pulse`).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, NamedTuple

from peewee import JOIN, Case, Value, fn

from acct_tui.core.currency import RateBook
from acct_tui.db import database
from acct_tui.models import Account, AccountPulse, Alert, User
from acct_tui.services import alerts as alerts_service
from acct_tui.services import touches
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.kpi_facts import active_at, in_book
from acct_tui.services.query import as_date, as_datetime, ids_in, raw_rows, unindexed


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
    #: The days of the last touch and the last visit (at or before now).
    last_touch: dt.date | None
    last_visit: dt.date | None
    #: The contract start and the record's creation, as the database gives them: `since` reads them
    #: only for a customer without a touch or a visit on record.
    contract_start: object
    created_at: object

    @property
    def since(self) -> dt.date | None:
        """When it started: the earlier of its contract start and its record's creation."""
        start, created = as_date(self.contract_start), as_date(self.created_at)
        return start if created is None else created if start is None else min(created, start)


class AlertFact(NamedTuple):
    id: int
    account_id: int
    rule: str
    severity: str
    status: str
    reason: str
    mine: bool
    escalated_at: dt.datetime | None


class BookValue(NamedTuple):
    """The book's value in the base currency, and the rate of each of its currencies (none without one)."""

    total: float
    rates: dict[str, float]
    #: How many accounts the book holds.
    accounts: int
    #: The largest value in each currency.
    largest: dict[str, float]

    def share(self, value: float, currency: str) -> float:
        """An account's share of the book's value, in percent (0 without a rate: never at face value)."""
        rate = self.rates.get(currency)
        return 100.0 * value * rate / self.total if rate is not None else 0.0

    @property
    def largest_share(self) -> float:
        """The largest share one account holds, in percent."""
        return max((self.share(value, code) for code, value in self.largest.items()), default=0.0)


def book_value(viewer: Viewer, today: dt.date, rates: RateBook) -> BookValue:
    """`BookValue` of the viewer's book (not churned): one grouped query, the same sums for the
    whole queue and for its first page (`services.today_page`)."""
    query = (Account.select(Account.currency, fn.SUM(Account.annual_value), fn.COUNT(Account.id), fn.MAX(Account.annual_value))
             .where(in_book()).group_by(Account.currency))
    rows = raw_rows(scope_accounts(query, viewer))
    per_currency = {code: float(amount or 0) for code, amount, _, _ in rows}
    total = float(rates.total([(code, 1, value) for code, value in per_currency.items()], today).amount) if per_currency else 0.0
    rate = {code: float(r) for code, r in rates.rates_on(today, per_currency).items()} if total > 0 else {}
    return BookValue(total, rate, sum(count for _, _, count, _ in rows),
                     {code: float(largest or 0) for code, _, _, largest in rows})


def book(viewer: Viewer, now: dt.datetime, value: BookValue, wanted: set[int],
         reasons: Callable[[Customer], list], accounts: list[int] | None = None) -> tuple[dict[int, Named], list]:
    """Walk the viewer's book once: ({account id: `Named`} of the accounts in `wanted` or with a
    reason, the reasons). `reasons(customer)` gives each customer's cadence and renewal items.

    The rows are read as the database hands them over, never all held at once (an admin's
    97,000 rows, about 90 MB as Python objects), and only the accounts with something to do
    are kept, each with its share of the whole book's `value` (`book_value`). Only `accounts`
    when given (`services.today_page`)."""
    today = now.date()
    customer = active_at(today)
    columns = [Account.id, Account.name, Account.external_id, User.login, Account.annual_value, Account.currency,
               Case(None, [(customer, 1)], 0), Account.tier, Account.contact_days, Account.visit_days,
               Account.renewal_date, Account.contract_start, Account.created_at]
    # Only the customers' (the reasons that need them are theirs), from the pulse.
    query = (Account.select(*columns, *touches.last_touch_and_visit_by_pulse(now, when=customer))
             .join(AccountPulse, JOIN.LEFT_OUTER, on=(AccountPulse.account == Account.id)).switch(Account))
    query = query.join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id)).where(in_book())
    if accounts is not None:
        query = query.where(ids_in(Account.id, accounts))
    owners: dict[str | None, str | None] = {}  # one string per login, not one per row
    kept: dict[int, tuple] = {}
    found: list = []
    for (aid, name, external, owner, amount, currency, is_customer, tier, contact_days, visit_days, renewal, start,
         created, touch, visit) in database.execute_sql(*scope_accounts(query, viewer).sql()):
        keep = aid in wanted
        if is_customer:
            items = reasons(Customer(aid, tier, contact_days, visit_days, as_date(renewal), as_date(touch), as_date(visit),
                                     start, created))
            if items:
                found += items
                keep = True
        if keep:
            kept[aid] = (name, external, owners.setdefault(owner, owner), float(amount or 0), currency)
    named = {aid: Named(name, external, owner, value.share(amount, currency))
             for aid, (name, external, owner, amount, currency) in kept.items()}
    return named, found


def active_alerts(viewer: Viewer, accounts: list[int] | None = None) -> list[AlertFact]:
    """Open, acknowledged and snoozed alerts on accounts in the viewer's book (`alerts.ACTIVE_STATUSES`)."""
    mine = Case(None, [(Alert.escalated_to == viewer.user_id, 1)], 0) if viewer.user_id is not None else Value(0)
    # A page's few accounts: each one's alerts by the account's index, not every active alert by status
    # (SQLite's planner, without statistics, ranged over the 18,000 open ones at 100k accounts).
    status = Alert.status if accounts is None else unindexed(Alert.status)
    query = (
        Alert.select(Alert.id, Alert.account, Alert.rule, Alert.severity, Alert.status, Alert.reason, mine, Alert.escalated_at)
        .join(Account, on=(Alert.account == Account.id))
        .where(status.in_(alerts_service.ACTIVE_STATUSES))
    )
    if accounts is not None:
        query = query.where(ids_in(Alert.account, accounts))
    return [AlertFact(aid, account, rule, severity, status, reason, bool(is_mine), as_datetime(at))
            for aid, account, rule, severity, status, reason, is_mine, at in raw_rows(scope_accounts(query, viewer))]
