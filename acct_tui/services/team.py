"""The Team pane: one row per person a lead oversees, and the escalation inbox.

Every number is one grouped query over all the viewer's accounts (never one
query per person). Accounts whose owner is deactivated (or missing, which
only admins see) are gathered in an "unowned" row until someone takes them
over with a handover.

- coverage: share of the person's accounts touched within their contact
  cadence's target (the tier's, or the account's own override);
- red / yellow: open and acknowledged alerts on their accounts;
- escalations waiting: alerts on their accounts escalated and not resolved;
- late commitments: open commitments they owe, past their due date;
- days since last touch: since the newest touch they logged, on any account.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, SQL, Case, Select, fn

from acct_tui.clock import today
from acct_tui.core.policy import Policy
from acct_tui.db import database
from acct_tui.enums import TIERS
from acct_tui.models import Account, ActionItem, Alert, User
from acct_tui.services import touches
from acct_tui.services.access import Viewer, scope_accounts, visible_account_ids, visible_users
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
    total_value: Decimal
    red: int
    yellow: int
    #: Share of accounts touched within cadence, 0..1; None with no accounts.
    coverage: float | None
    covered: int
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
    value: Decimal = Decimal(0)
    covered: int = 0
    red: int = 0
    yellow: int = 0
    late: int = 0
    escalations: int = 0


def team_rows(viewer: Viewer, policy: Policy | None = None) -> list[TeamRow]:
    """The Team pane's rows, by name; the unowned row last when there is one."""
    policy = policy or Policy()
    people = {
        u.id: u
        for u in visible_users(viewer).where(User.active == True).order_by(User.name)  # noqa: E712
    }
    tallies: dict[int | None, _Tally] = {}

    def bucket(owner_id: int | None) -> _Tally:
        return tallies.setdefault(owner_id if owner_id in people else None, _Tally())

    for owner_id, count, value, covered in _account_facts(viewer, policy):
        tally = bucket(owner_id)
        tally.accounts += count
        # SQLite sums a decimal column as a float; keep cents exact either way.
        tally.value += Decimal(str(round(value or 0, 2)))
        tally.covered += int(covered or 0)
    for owner_id, covered in _override_coverage(viewer, policy):
        bucket(owner_id).covered += covered
    for owner_id, red, yellow, escalations in _alert_facts(viewer):
        tally = bucket(owner_id)
        tally.red += int(red or 0)
        tally.yellow += int(yellow or 0)
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
        rows.append(_row(user.login, user.name, user.role, tally or _Tally(), touches.get(user_id)))
    rows.sort(key=lambda r: (r.name.lower(), r.login or ""))
    unowned = tallies.get(None)
    if unowned is not None and unowned.accounts:
        rows.append(_row(None, UNOWNED_LABEL, "", unowned, None))
    return rows


def _row(login, name, role, t: _Tally, last_touch) -> TeamRow:
    days = None if last_touch is None else (today() - last_touch.date()).days
    return TeamRow(
        login=login,
        name=name,
        role=role,
        accounts=t.accounts,
        total_value=t.value,
        red=t.red,
        yellow=t.yellow,
        coverage=(t.covered / t.accounts) if t.accounts else None,
        covered=t.covered,
        late_commitments=t.late,
        escalations_waiting=t.escalations,
        last_touch=last_touch,
        days_since_touch=days,
    )


def _last_touch_per_account(viewer: Viewer):
    """Per visible account, its newest touch, narrowed to the viewer's accounts
    first so that a lead does not group the whole activity table."""
    return touches.last_touch_subquery(None if viewer.sees_everything else visible_account_ids(viewer))


def _account_facts(viewer: Viewer, policy: Policy):
    """(owner, accounts, value, accounts on tier cadence that were touched in time)."""
    touch = _last_touch_per_account(viewer)
    inner = scope_accounts(
        Account.select(
            Account.owner.alias("owner_id"),
            Account.tier.alias("tier"),
            Account.contact_days.alias("own_days"),
            Account.annual_value.alias("value"),
            touch.c.at.alias("at"),
        ).join(touch, JOIN.LEFT_OUTER, on=(touch.c.account_id == Account.id)),
        viewer,
    ).alias("acc")
    # Whole days, as everywhere else: touched on the cutoff day counts as in time.
    midnight = dt.datetime.combine(today(), dt.time())
    in_time = [
        (inner.c.tier == tier) & (inner.c.at >= midnight - dt.timedelta(days=policy.contact(tier).target))
        for tier in TIERS
    ]
    covered = Case(None, [(inner.c.own_days.is_null() & functools.reduce(operator.or_, in_time), 1)], 0)
    query = Select([inner], [inner.c.owner_id, fn.COUNT(SQL("*")), fn.SUM(inner.c.value), fn.SUM(covered)]).group_by(
        inner.c.owner_id
    )
    return query.bind(database).tuples()


def _override_coverage(viewer: Viewer, policy: Policy):
    """Accounts with their own cadence are few: judge them one by one, in Python."""
    touch = _last_touch_per_account(viewer)
    query = (
        Account.select(Account.owner, Account.tier, Account.contact_days, touch.c.at)
        .join(touch, JOIN.LEFT_OUTER, on=(touch.c.account_id == Account.id))
        .where(Account.contact_days.is_null(False))
    )
    today_ = today()
    for owner_id, tier, days, at in scope_accounts(query, viewer).tuples():
        at = as_datetime(at)
        since = None if at is None else (today_ - at.date()).days
        if since is not None and since <= policy.contact(tier, days).target:
            yield owner_id, 1


def _alert_facts(viewer: Viewer):
    live = Alert.status.in_(("open", "acknowledged"))
    red = fn.SUM(Case(None, [(live & (Alert.severity == "red"), 1)], 0))
    yellow = fn.SUM(Case(None, [(live & (Alert.severity == "yellow"), 1)], 0))
    escalated = fn.SUM(Case(None, [(Alert.escalated_to.is_null(False), 1)], 0))
    query = (
        Alert.select(Account.owner, red, yellow, escalated)
        .join(Account, on=(Alert.account == Account.id))
        .where(Alert.status != "resolved")
        .group_by(Account.owner)
    )
    return scope_accounts(query, viewer).tuples()


def _late_commitments(viewer: Viewer):
    query = (
        ActionItem.select(ActionItem.owner, fn.COUNT(ActionItem.id))
        .join(Account, on=(ActionItem.account == Account.id))
        .where((ActionItem.status == "open") & (ActionItem.due_on < today()))
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
    annual_value: Decimal
    owner: str | None
    renewal_date: dt.date | None
    last_touch: dt.datetime | None


def member_accounts(viewer: Viewer, login: str | None) -> list[MemberAccount]:
    """A person's accounts (None: the unowned pool) that the viewer may see, by name."""
    touch = _last_touch_per_account(viewer)
    query = (
        Account.select(Account.id, Account.name, Account.tier, Account.annual_value, User.login, Account.renewal_date, touch.c.at)
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .switch(Account)
        .join(touch, JOIN.LEFT_OUTER, on=(touch.c.account_id == Account.id))
        .order_by(Account.name, Account.id)
    )
    if login is None:
        query = query.where(Account.owner.is_null() | (User.active == False))  # noqa: E712
    else:
        query = query.where(User.login == login)
    return [
        MemberAccount(i, n, t, Decimal(v), o, as_date(r), as_datetime(at))
        for i, n, t, v, o, r, at in scope_accounts(query, viewer).tuples()
    ]


def member_portfolio(viewer: Viewer, login: str | None):
    """A person's accounts (None: the unowned pool) and the open alerts on them, as the viewer may see them."""
    from acct_tui.services import alerts

    accounts = member_accounts(viewer, login)
    if login is not None:
        return accounts, alerts.list_alerts(viewer, owner=login)
    ids = {a.id for a in accounts}
    return accounts, [a for a in alerts.list_alerts(viewer) if a.account_id in ids]


def escalation_inbox(viewer: Viewer):
    """Alerts escalated to the viewer and not resolved, the longest-waiting first."""
    from acct_tui.services import alerts

    rows = alerts.list_alerts(viewer, escalated_to_me=True)
    return sorted(rows, key=lambda a: (a.escalated_at or a.first_seen, a.id))
