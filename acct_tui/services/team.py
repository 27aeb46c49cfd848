"""The Team pane: one row per person a lead oversees, and the escalation inbox.

Every number is one grouped query over all the viewer's accounts (never one
query per person). Accounts whose owner is deactivated (or missing, which
only admins see) are gathered in an "unowned" row until someone takes them
over with a handover.

Each figure is `kpi_facts`'s definition, the one every screen uses (README
"The figures"):

- accounts: their accounts in the book (`kpi_facts.in_book`: churned ones
  have left it), as the Portfolio counts them; every other figure is
  counted on these accounts;
- coverage: share of the person's customers (accounts active today) touched
  within their contact cadence's target (the tier's, or the account's own
  override): `kpi_facts.coverage`, the KPI report's definition, at today;
- red / yellow: open and acknowledged alerts (`kpi_facts.live_alert`);
  snoozed red alerts are counted apart (`snoozed_red`), never in red;
- escalations waiting: alerts escalated and not resolved
  (`kpi_facts.escalation_waiting`);
- late commitments: open commitments they owe, past their due date
  (`kpi_facts.late_commitment`);
- days since last touch: since the newest touch they logged, on any account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, fn

from acct_tui.clock import today
from acct_tui.core.currency import DEFAULT_BASE, RateBook
from acct_tui.core.policy import Policy
from acct_tui.models import Account, ActionItem, User
from acct_tui.services import kpi_facts, touches
from acct_tui.services.access import Viewer, scope_accounts, visible_account_ids, visible_users
from acct_tui.services.money import rate_book
from acct_tui.services.query import as_date, as_datetime

#: Roles that carry a portfolio: they get a row even with no accounts yet.
PORTFOLIO_ROLES = ("am", "kam", "senior")
UNOWNED_LABEL = "(unowned)"


@dataclass(frozen=True)
class TeamRow:
    """One account manager (or the unowned pool, `login=None`) as the lead sees them."""

    login: str | None
    name: str
    role: str
    accounts: int
    #: Annual value in the base currency, today's rates; accounts without a rate are left out.
    total_value: Decimal
    #: Accounts left out of `total_value` for want of a rate: (currency, count).
    unrated: tuple[tuple[str, int], ...]
    #: Open and acknowledged red (yellow) alerts; snoozed ones are in `snoozed_red`.
    red: int
    yellow: int
    #: Red alerts snoozed: still a risk, counted apart from `red`.
    snoozed_red: int
    #: Share of their customers touched within cadence, 0..1; None with none.
    coverage: float | None
    covered: int
    #: Customers judged for coverage (accounts active today).
    judged: int
    late_commitments: int
    escalations_waiting: int
    last_touch: dt.datetime | None
    days_since_touch: int | None

    @property
    def is_unowned(self) -> bool:
        return self.login is None


@dataclass
class _Tally:
    accounts: int = 0
    #: (currency, accounts, value in that currency): converted once, per currency.
    values: list = field(default_factory=list)
    judged: int = 0
    covered: int = 0
    red: int = 0
    yellow: int = 0
    snoozed_red: int = 0
    late: int = 0
    escalations: int = 0


def team_rows(viewer: Viewer, policy: Policy | None = None, book: RateBook | None = None) -> list[TeamRow]:
    """The Team pane's rows, by name; the unowned row last when there is one.

    Values are in `book.base` at today's rates (default: USD and the stored rates).
    """
    policy = policy or Policy()
    book = book or rate_book(DEFAULT_BASE)
    people = {
        u.id: u
        for u in visible_users(viewer).where(User.active == True).order_by(User.name)  # noqa: E712
    }
    tallies: dict[int | None, _Tally] = {}

    def bucket(owner_id: int | None) -> _Tally:
        return tallies.setdefault(owner_id if owner_id in people else None, _Tally())

    for owner_id, currency, count, value in _account_facts(viewer):
        tally = bucket(owner_id)
        tally.accounts += count
        # SQLite sums a decimal column as a float; keep cents exact either way.
        tally.values.append((currency, count, Decimal(str(round(value or 0, 2)))))
    for owner_id, _tier, judged, covered in kpi_facts.coverage(viewer, policy, today()):
        tally = bucket(owner_id)
        tally.judged += judged
        tally.covered += covered
    for owner_id, red, yellow, snoozed, escalations in kpi_facts.alert_figures(viewer, Account.owner):
        tally = bucket(owner_id)
        tally.red += int(red or 0)
        tally.yellow += int(yellow or 0)
        tally.snoozed_red += int(snoozed or 0)
        tally.escalations += int(escalations or 0)
    inactive = {u for (u,) in User.select(User.id).where(User.active == False).tuples()}  # noqa: E712
    for owner_id, late in _late_commitments(viewer):
        # A colleague outside the team who owes something on our account is not ours to count.
        if owner_id in people or owner_id is None or owner_id in inactive:
            bucket(owner_id).late += late
    touches = _last_touches(list(people))

    rows = []
    for user_id, user in people.items():
        tally = tallies.get(user_id)
        if tally is None and user.role not in PORTFOLIO_ROLES:
            continue
        rows.append(_row(user.login, user.name, user.role, tally or _Tally(), touches.get(user_id), book))
    rows.sort(key=lambda r: (r.name.lower(), r.login or ""))
    unowned = tallies.get(None)
    if unowned is not None and unowned.accounts:
        rows.append(_row(None, UNOWNED_LABEL, "", unowned, None, book))
    return rows


def _row(login, name, role, t: _Tally, last_touch, book: RateBook) -> TeamRow:
    days = None if last_touch is None else (today() - last_touch.date()).days
    value = book.total(t.values, today())
    return TeamRow(
        login=login,
        name=name,
        role=role,
        accounts=t.accounts,
        total_value=value.amount,
        unrated=value.unrated,
        red=t.red,
        yellow=t.yellow,
        snoozed_red=t.snoozed_red,
        coverage=(t.covered / t.judged) if t.judged else None,
        covered=t.covered,
        judged=t.judged,
        late_commitments=t.late,
        escalations_waiting=t.escalations,
        last_touch=last_touch,
        days_since_touch=days,
    )


def _account_facts(viewer: Viewer):
    """(owner, currency, accounts, value) of the book: summed per currency, converted by the caller."""
    query = (
        Account.select(Account.owner, Account.currency, fn.COUNT(Account.id), fn.SUM(Account.annual_value))
        .where(kpi_facts.in_book())
    )
    return scope_accounts(query, viewer).group_by(Account.owner, Account.currency).tuples()


def _late_commitments(viewer: Viewer):
    query = (
        ActionItem.select(ActionItem.owner, fn.COUNT(ActionItem.id))
        .join(Account, on=(ActionItem.account == Account.id))
        .where(kpi_facts.late_commitment(today()) & kpi_facts.in_book())
        .group_by(ActionItem.owner)
    )
    return scope_accounts(query, viewer).tuples()


def _last_touches(user_ids: list[int]) -> dict[int, dt.datetime]:
    """Each person's newest logged touch, one grouped query over their ids."""
    return {author: as_datetime(at) for author, at in touches.last_touch_by_author(user_ids).items()}


@dataclass(frozen=True)
class MemberAccount:
    """One account in a person's portfolio, as the Team pane's drill-down lists it."""

    id: int
    name: str
    tier: str
    #: In the account's own currency.
    annual_value: Decimal
    currency: str
    #: In the base currency at today's rate; None without a rate.
    base_value: Decimal | None
    owner: str | None
    renewal_date: dt.date | None
    last_touch: dt.datetime | None
    status: str = "active"


def member_accounts(
    viewer: Viewer, login: str | None, book: RateBook | None = None, *, churned: bool = False
) -> list[MemberAccount]:
    """A person's accounts in the book (None: the unowned pool) that the viewer may see, by name;
    `churned=True` adds the churned ones (a handover moves their records too)."""
    book = book or rate_book(DEFAULT_BASE)
    touch = touches.last_touch_subquery(None if viewer.sees_everything else visible_account_ids(viewer))
    query = (
        Account.select(
            Account.id, Account.name, Account.tier, Account.annual_value, Account.currency, User.login,
            Account.renewal_date, touch.c.at, Account.status,
        )
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .switch(Account)
        .join(touch, JOIN.LEFT_OUTER, on=(touch.c.account_id == Account.id))
        .order_by(Account.name, Account.id)
    )
    if not churned:
        query = query.where(kpi_facts.in_book())
    if login is None:
        query = query.where(Account.owner.is_null() | (User.active == False))  # noqa: E712
    else:
        query = query.where(User.login == login)
    day = today()
    return [
        MemberAccount(i, n, t, Decimal(str(v)), c, book.convert(v, c, day), o, as_date(r), as_datetime(at), st)
        for i, n, t, v, c, o, r, at, st in scope_accounts(query, viewer).tuples()
    ]


def member_portfolio(viewer: Viewer, login: str | None, book: RateBook | None = None):
    """A person's accounts (None: the unowned pool; values in `book.base`) and the open alerts on them,
    as the viewer may see them."""
    from acct_tui.services import alerts

    accounts = member_accounts(viewer, login, book)
    ids = {a.id for a in accounts}
    # Alerts on the accounts listed (the book's), as the Team row counts them.
    return accounts, [a for a in alerts.list_alerts(viewer, owner=login) if a.account_id in ids]


@dataclass(frozen=True)
class MemberFigures:
    """The drill-down's summary: the Team row's figures, counted over the rows it lists."""

    accounts: int
    red: int
    yellow: int
    snoozed_red: int
    escalations_waiting: int


def member_figures(accounts: list[MemberAccount], alerts: list) -> MemberFigures:
    """Count what the drill-down lists by `kpi_facts`'s definitions (its twins for rows read)."""
    kinds = [kpi_facts.alert_figure(a.severity, a.status) for a in alerts]
    return MemberFigures(
        accounts=len(accounts),
        red=kinds.count("red"),
        yellow=kinds.count("yellow"),
        snoozed_red=kinds.count("snoozed_red"),
        escalations_waiting=sum(kpi_facts.is_escalation_waiting(a.escalated_to, a.status) for a in alerts),
    )


def escalation_inbox(viewer: Viewer):
    """Alerts escalated to the viewer and not resolved, the longest-waiting first."""
    from acct_tui.services import alerts

    rows = alerts.list_alerts(viewer, escalated_to_me=True)
    return sorted(rows, key=lambda a: (a.escalated_at or a.first_seen, a.id))
