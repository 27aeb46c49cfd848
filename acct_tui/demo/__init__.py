"""The demo data generator behind `acct-tui demo`.

`build()` writes a deterministic, realistic database: teams, leads, account
managers of every level, and accounts with two years of history (touches,
cases, milestones, commitments, visit plans, monthly revenue and usage,
invoices, renewal and expansion opportunities) in USD, EUR, SGD and VND, with
monthly exchange rates to USD. Most accounts are healthy; a minority goes wrong in different ways,
each visible in the facts the risk rules read; a few churned after trouble
built up; a couple are still prospects. Nothing marks an account as troubled.

Same seed, same `today`, same size: the same rows, byte for byte. Rows are
generated per account and written in bulk, so 100,000 accounts take minutes.
"""

from __future__ import annotations

import datetime as dt
import time
from contextlib import contextmanager
from dataclasses import dataclass

from acct_tui import clock
from acct_tui.core.policy import Policy
from acct_tui.db import database
from acct_tui.demo import fx
from acct_tui.demo.history import write_account
from acct_tui.core.periods import add_months, month_start
from acct_tui.demo.org import MODES, Org, Person, build_org
from acct_tui.demo.rng import DemoRandom
from acct_tui.demo.writer import Sink, empty_all, indexes_deferred
from acct_tui.errors import UsageError
from acct_tui.models import (
    Account,
    ActionItem,
    Activity,
    CustomerCase,
    Contact,
    MetricSample,
    Milestone,
    Opportunity,
    PlannedVisit,
    Rate,
    Receivable,
    Team,
    User,
)

__all__ = ["DemoSummary", "MODES", "build", "default_viewer_login", "is_empty"]

HISTORY_DAYS = 730
#: Rows buffered before a write; bounds memory at any size.
FLUSH_ROWS = 50_000


@dataclass(frozen=True)
class DemoSummary:
    """What `build()` wrote, and how long it took."""

    teams: int
    users: int
    accounts: int
    contacts: int
    activities: int
    action_items: int
    milestones: int
    planned_visits: int
    cases: int
    metric_samples: int
    receivables: int
    opportunities: int
    rates: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.users} users in {self.teams} teams, {self.accounts} accounts, {self.contacts} contacts, "
            f"{self.activities} activities, {self.action_items} commitments, {self.milestones} milestones, "
            f"{self.planned_visits} planned visits, {self.cases} cases, {self.metric_samples} metric samples, "
            f"{self.receivables} receivables, {self.opportunities} opportunities, {self.rates} exchange rates "
            f"in {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class _Context:
    """What every account's generator shares."""

    seed: int
    today: dt.date
    window_start: dt.date
    periods: tuple[dt.date, ...]
    #: Each period as it is stored (`str` of a date, what the SQLite adapter writes), made once, not per row.
    period_text: dict[dt.date, str]
    policy: Policy
    people: tuple[Person, ...]
    sink: Sink


@contextmanager
def _connection():
    opened = database.is_closed()
    if opened:
        database.connect()
    try:
        yield database.obj
    finally:
        if opened:
            database.close()


def is_empty() -> bool:
    """True when the database holds no teams, users or accounts."""
    with _connection():
        return not (Team.select().exists() or User.select().exists() or Account.select().exists())


def default_viewer_login() -> str | None:
    """The lead of the first team: whom `acct-tui demo` opens the app as."""
    with _connection():
        lead = User.select(User.login).where(User.role == "lead").order_by(User.team, User.id).first()
    return lead.login if lead else None


def build(accounts: int = 250, seed: int = 7, today: dt.date | None = None, fresh: bool = False) -> DemoSummary:
    """Write the demo database; `fresh` empties every table first.

    `today` is the demo's today (default: the clock's); every date and
    creation stamp derives from it, so the rows depend only on the arguments.
    Needs a connected, upgraded database (`acct_tui.db.open_database`). A
    database that already holds data is refused unless `fresh` is set.
    """
    today = today or clock.today()
    if accounts < 1:
        raise UsageError("the demo needs at least 1 account")
    started = time.perf_counter()
    rng = DemoRandom(seed)
    org = build_org(accounts, rng, today)
    for plan in org.accounts:
        plan.local_value = fx.local_value(plan.value, plan.currency)
    with _connection() as db:
        if fresh:
            with database.atomic():
                empty_all(db)
        elif not is_empty():
            raise UsageError("the database already holds data; build the demo into an empty one or pass --fresh")
        sink = Sink(db)
        first_month = month_start(today)
        periods = tuple(add_months(first_month, -k) for k in range(24, 0, -1))
        ctx = _Context(
            seed=seed,
            today=today,
            window_start=today - dt.timedelta(days=HISTORY_DAYS),
            periods=periods,
            period_text={period: str(period) for period in periods},
            policy=Policy(),
            people=org.people,
            sink=sink,
        )
        with indexes_deferred(db):
            _write_people(org, ctx)
            for currency, as_of, rate in fx.monthly_rates(today, len(ctx.periods), seed):
                sink.add(Rate, (sink.new_id(Rate), currency, fx.QUOTE, as_of, rate))
            for plan in org.accounts:
                write_account(plan, ctx)
                if sink.pending() >= FLUSH_ROWS:
                    with database.atomic():
                        sink.flush()
            with database.atomic():
                sink.flush()
                sink.reset_sequences()
    c = sink.counts
    return DemoSummary(
        teams=c[Team], users=c[User], accounts=c[Account], contacts=c[Contact], activities=c[Activity],
        action_items=c[ActionItem], milestones=c[Milestone], planned_visits=c[PlannedVisit], cases=c[CustomerCase],
        metric_samples=c[MetricSample], receivables=c[Receivable], opportunities=c[Opportunity], rates=c[Rate],
        seconds=round(time.perf_counter() - started, 2),
    )


def _write_people(org: Org, ctx: _Context) -> None:
    sink = ctx.sink
    created = dt.datetime.combine(ctx.today - dt.timedelta(days=900), dt.time(9, 0))
    for index, name in enumerate(org.teams):
        sink.add(Team, (sink.new_id(Team), name))
    for person in org.people:
        sink.new_id(User)
        sink.add(User, (person.id, person.login, person.name, f"{person.login}@acme-demo.com", person.role,
                        person.team_id, person.manager_id, True, created))
