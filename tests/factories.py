"""Small builders for test data: explicit, with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools

from acct_tui.models import (
    Account,
    ActionItem,
    Activity,
    CustomerCase,
    Contact,
    MetricSample,
    Milestone,
    PlannedVisit,
    Receivable,
    Team,
    User,
)

_seq = itertools.count(1)


def team(name: str | None = None) -> Team:
    return Team.create(name=name or f"Team {next(_seq)}")


def user(login: str | None = None, role: str = "am", team: Team | None = None, manager: User | None = None, **kw) -> User:
    login = login or f"user{next(_seq)}"
    return User.create(login=login, name=kw.pop("name", login.replace(".", " ").title()), role=role, team=team, manager=manager, **kw)


def account(owner: User | None = None, name: str | None = None, tier: str = "standard", **kw) -> Account:
    n = next(_seq)
    kw.setdefault("annual_value", 10_000)
    return Account.create(name=name or f"Account {n}", owner=owner, tier=tier, **kw)


def activity(account: Account, kind: str = "call", at: dt.datetime | None = None, author: User | None = None, **kw) -> Activity:
    return Activity.create(
        account=account,
        kind=kind,
        occurred_at=at or dt.datetime(2026, 11, 1, 10, 0),
        author=author or account.owner,
        subject=kw.pop("subject", f"{kind} with client"),
        **kw,
    )


def contact(account: Account, name: str = "Lan Tran", role: str = "champion", **kw) -> Contact:
    return Contact.create(account=account, name=name, role=role, **kw)


def action_item(account: Account, title: str = "Send proposal", due_on: dt.date | None = None, **kw) -> ActionItem:
    return ActionItem.create(account=account, title=title, owner=kw.pop("owner", account.owner), due_on=due_on, **kw)


def milestone(account: Account, title: str = "Go-live", kind: str = "deliverable", due_on: dt.date = dt.date(2026, 12, 1), **kw) -> Milestone:
    return Milestone.create(account=account, title=title, kind=kind, due_on=due_on, **kw)


def planned_visit(account: Account, scheduled_for: dt.date, **kw) -> PlannedVisit:
    return PlannedVisit.create(account=account, owner=kw.pop("owner", account.owner), scheduled_for=scheduled_for, **kw)


def case(account: Account, opened_at: dt.datetime, severity: str = "medium", **kw) -> CustomerCase:
    return CustomerCase.create(account=account, subject=kw.pop("subject", "Broken export"), severity=severity, opened_at=opened_at, **kw)


def metric(account: Account, period: dt.date, metric: str, value: float) -> MetricSample:
    return MetricSample.create(account=account, period=period, metric=metric, value=value)


def receivable(account: Account, amount: float, due_on: dt.date, **kw) -> Receivable:
    return Receivable.create(account=account, amount=amount, due_on=due_on, **kw)


def org():
    """A small organisation: one team with a lead, two AMs, a senior with a report, and an admin.

    Each AM owns two accounts. Returns a dict of the people and accounts by name.
    """
    t1, t2 = team("North"), team("South")
    lead = user("lena.lead", role="lead", team=t1)
    am1 = user("minh.pham", role="am", team=t1, manager=lead)
    am2 = user("an.nguyen", role="am", team=t1, manager=lead)
    senior = user("sara.senior", role="senior", team=t2)
    junior = user("jo.junior", role="am", team=t2, manager=senior)
    other = user("olga.other", role="kam", team=t2)
    admin = user("ada.admin", role="admin")
    accounts = {
        "a1": account(am1, "Acme Corp", "strategic"),
        "a2": account(am1, "Beta Ltd"),
        "b1": account(am2, "Gamma Inc", "key"),
        "b2": account(am2, "Delta Co"),
        "s1": account(senior, "Epsilon"),
        "j1": account(junior, "Zeta"),
        "o1": account(other, "Eta Group", "strategic"),
        "l1": account(lead, "Theta"),
    }
    return dict(lead=lead, am1=am1, am2=am2, senior=senior, junior=junior, other=other, admin=admin, **accounts)


def alert(account: Account, rule: str = "overdue_update", severity: str = "yellow", status: str = "open", **kw):
    """An alert as a scan would leave it; seen first/last at the pinned clock unless given."""
    from acct_tui.clock import now
    from acct_tui.models import Alert

    seen = kw.pop("first_seen", now())
    return Alert.create(
        account=account,
        rule=rule,
        severity=severity,
        status=status,
        reason=kw.pop("reason", f"{rule} fired"),
        evidence=kw.pop("evidence", {}),
        first_seen=seen,
        last_seen=kw.pop("last_seen", seen),
        **kw,
    )


def today_book(o: dict) -> dict:
    """Minh's Today (tests/test_today.py, tests/ui/test_today_ui.py), the clock pinned to Friday 2026-11-20.

    Acme (strategic, 30,000): visited 19 days ago (contact target 14, visit target 30), health 80
    then 70, a commitment 3 days late, a visit planned on Tuesday, its contract anniversary
    tomorrow. Beta: an email 50 days ago (contact target 45), renewal in 60 days, a yellow alert,
    a milestone in 4 days, a contact's birthday in 3 days. An's Gamma: a commitment due tomorrow.
    """
    from acct_tui.models import HealthSnapshot

    a1, a2 = o["a1"], o["a2"]
    a1.annual_value, a1.contract_start = 30_000, dt.date(2023, 11, 21)
    a1.save()
    a2.renewal_date = dt.date(2027, 1, 19)
    a2.save()
    activity(a1, kind="visit", at=dt.datetime(2026, 11, 1, 9, 0))
    HealthSnapshot.create(account=a1, taken_on=dt.date(2026, 11, 10), score=80, band="green")
    HealthSnapshot.create(account=a1, taken_on=dt.date(2026, 11, 20), score=70, band="yellow")
    action_item(a1, "Send proposal", due_on=dt.date(2026, 11, 17))
    planned_visit(a1, dt.date(2026, 11, 24), purpose="Quarterly review")
    activity(a2, kind="email", at=dt.datetime(2026, 10, 1, 9, 0))
    alert(a2, "complaint_open", "yellow", reason="A case has been open 20 days")
    milestone(a2, "Phase 2 go-live", due_on=dt.date(2026, 11, 24))
    contact(a2, "Lan Tran", birthday=dt.date(1980, 11, 23))
    action_item(o["b1"], "An's promise", due_on=dt.date(2026, 11, 21))
    return o
