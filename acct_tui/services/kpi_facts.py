"""The KPIs' facts: one grouped query each, over the accounts a viewer may see, for one period.

Every query joins the fact to its account and groups by the account's owner
and tier (and currency, where money is summed), so a report by owner, team,
tier or the whole book is the same rows added up differently, and the
database returns a few hundred rows, never one per account. Money is summed
per currency here and converted in `core.kpi`.

Speed: each WHERE holds only the period's date range (and a kind), which
migration 0004's covering indexes answer from the index alone; what is
counted among those rows is decided inside the sums (`_one`). Conditions
in the WHERE would lead SQLite's planner to other indexes and whole tables.

The figures every screen shows are defined here, once, and called from
there (the Portfolio's summary, the Team pane and its drill-down, the
handover preview, `acct-tui accounts` and `acct-tui team`; README "The
figures"): `in_book` (what "accounts" counts), `coverage` (at today),
`live_alert`/`snoozed_red` (red and yellow), `escalation_waiting`
(escalations) and `late_commitment` (late commitments), with plain-Python
twins for screens that count rows they already hold. A touch and the last
touch are `services.touches`'s.
"""

from __future__ import annotations

import datetime as dt

from peewee import JOIN, SQL, Case, Expression, NodeList, fn

from acct_tui.core.periods import DAY, Period
from acct_tui.core.policy import Policy
from acct_tui.enums import EXPANSION_KINDS, TIERS
from acct_tui.models import (
    Account,
    ActionItem,
    Activity,
    Alert,
    CustomerCase,
    MetricSample,
    Milestone,
    Opportunity,
    PlannedVisit,
    User,
)
from acct_tui.services import touches
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.query import as_date, is_postgres, raw_rows

BUCKET = (Account.owner, Account.tier)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _one(condition) -> Case:
    return Case(None, [(condition, 1)], 0)


def _grouped(query, viewer: Viewer, *extra) -> list[tuple]:
    return raw_rows(scope_accounts(query, viewer).group_by(*BUCKET, *extra))


# -- the figures every screen shows ------------------------------------------------


def in_book() -> Expression:
    """An account in the book: a customer or a prospect; a churned account has left it.

    What every "accounts" figure counts, and the accounts every other figure
    (alerts, escalations, late commitments) is counted on."""
    return Account.status != "churned"


def is_in_book(status: str) -> bool:
    """`in_book` for an account row already read."""
    return status != "churned"


#: Alert statuses the red and yellow figures count: someone must act now.
#: A snoozed alert is silenced until its date: counted apart (`snoozed_red`), never in red.
LIVE_ALERT_STATUSES = ("open", "acknowledged")


def live_alert(severity: str) -> Expression:
    """An alert the red (or yellow) figure counts: open or acknowledged, of that severity."""
    return Alert.status.in_(LIVE_ALERT_STATUSES) & (Alert.severity == severity)


def snoozed_red() -> Expression:
    """A red alert snoozed: still a risk a lead should see, counted apart from red."""
    return (Alert.status == "snoozed") & (Alert.severity == "red")


def alert_figure(severity: str, status: str) -> str | None:
    """Which figure an alert already read counts in: "red", "yellow", "snoozed_red" or None."""
    if status in LIVE_ALERT_STATUSES:
        return severity if severity in ("red", "yellow") else None
    return "snoozed_red" if status == "snoozed" and severity == "red" else None


def escalation_waiting() -> Expression:
    """An escalation still waiting: an alert someone escalated, not resolved yet."""
    return escalated() & (Alert.status != "resolved")


def alert_figures(viewer: Viewer, *by) -> list[tuple]:
    """(*by, red, yellow, snoozed red, escalations waiting) over the alerts on the accounts in
    the book the viewer may see, grouped by the `by` columns (none: one row for all).

    The one query behind every alert figure: the Team pane (by owner) and the header's counts."""
    query = (
        Alert.select(
            *by, fn.SUM(_one(live_alert("red"))), fn.SUM(_one(live_alert("yellow"))),
            fn.SUM(_one(snoozed_red())), fn.SUM(_one(escalation_waiting())),
        )
        .join(Account, on=(Alert.account == Account.id))
        .where((Alert.status != "resolved") & in_book())
    )
    if by:
        query = query.group_by(*by)
    return raw_rows(scope_accounts(query, viewer))


def is_escalation_waiting(escalated_to: object, status: str) -> bool:
    """`escalation_waiting` for an alert already read."""
    return escalated_to is not None and status != "resolved"


# -- who is a customer when -----------------------------------------------------


def active_at(day: dt.date) -> Expression:
    """An account that is a customer on `day`: started (its contract, else its record) by then,
    and not churned by then. Prospects never are."""
    started = (Account.contract_start <= day) | (Account.contract_start.is_null() & (Account.created_at < midnight(day + DAY)))
    not_gone = (Account.status == "active") | ((Account.status == "churned") & (Account.churned_on > day))
    return started & not_gone


def accounts(viewer: Viewer, day: dt.date, period: Period) -> list[tuple]:
    """(owner, tier, currency, customers on `day`, their annual value, accounts churned in the
    period): one pass over the accounts."""
    customer = active_at(day)
    churned = Account.churned_on.between(period.start, period.end)
    query = Account.select(
        *BUCKET, Account.currency, fn.SUM(_one(customer)), fn.SUM(Case(None, [(customer, Account.annual_value)], 0)),
        fn.SUM(_one(churned)),
    )
    return [row for row in _grouped(query, viewer, Account.currency) if row[3] or row[5]]


# -- renewals, visits, commitments: counted once their day has come ---------------


def renewals(viewer: Viewer, period: Period, today: dt.date) -> list[tuple]:
    """(owner, tier, renewals due, renewed): renewal milestones due in the period, once decided
    (done or missed) or past their day; renewed = done."""
    decided = (Milestone.status != "planned") | (Milestone.due_on < today)
    query = (
        Milestone.select(*BUCKET, fn.SUM(_one(decided)), fn.SUM(_one(Milestone.status == "done")))
        .join(Account, on=(Milestone.account == Account.id))
        .where((Milestone.kind == "renewal") & Milestone.due_on.between(period.start, period.end))
    )
    return _counts(_grouped(query, viewer))


def visits(viewer: Viewer, period: Period, today: dt.date) -> list[tuple]:
    """(owner, tier, visits planned, visits done): planned visits scheduled in the period and not
    cancelled, once done or past their day."""
    counted = (PlannedVisit.status != "cancelled") & ((PlannedVisit.status == "done") | (PlannedVisit.scheduled_for < today))
    query = (
        PlannedVisit.select(*BUCKET, fn.SUM(_one(counted)), fn.SUM(_one(PlannedVisit.status == "done")))
        .join(Account, on=(PlannedVisit.account == Account.id))
        .where(PlannedVisit.scheduled_for.between(period.start, period.end))
    )
    return _counts(_grouped(query, viewer))


def late_commitment(today: dt.date) -> Expression:
    """A promise broken so far: still open after its due date (the Team pane's Late)."""
    return (ActionItem.status == "open") & (ActionItem.due_on < today)


def is_late_commitment(status: str, due_on: dt.date | None, today: dt.date) -> bool:
    """`late_commitment` for a commitment already read."""
    return status == "open" and due_on is not None and due_on < today


def kept_on_time() -> Expression:
    return (ActionItem.status == "done") & (ActionItem.done_on <= ActionItem.due_on)


def commitments(viewer: Viewer, period: Period, today: dt.date) -> list[tuple]:
    """(owner, tier, commitments due, kept on time): commitments due in the period and not
    cancelled, once kept or late; on time = done by the due date."""
    counted = (ActionItem.status == "done") | late_commitment(today)
    query = (
        ActionItem.select(*BUCKET, fn.SUM(_one(counted)), fn.SUM(_one(kept_on_time())))
        .join(Account, on=(ActionItem.account == Account.id))
        .where(ActionItem.due_on.between(period.start, period.end))
    )
    return _counts(_grouped(query, viewer))


def _counts(rows: list[tuple]) -> list[tuple]:
    """Rows whose sums counted nothing are dropped; sums come back as whole numbers."""
    return [(owner, tier, *(int(v or 0) for v in rest)) for owner, tier, *rest in rows if rest[0]]


# -- revenue and growth ---------------------------------------------------------------


def retention(viewer: Viewer, period: Period, months: tuple[dt.date, dt.date]) -> list[tuple]:
    """(owner, tier, currency, accounts, start revenue, kept, end revenue) of the cohort: the
    customers on the day before the period with revenue in the start month. An account that
    churned by the period's end ends at 0; one without an end month on record is left out."""
    first, last = months
    start = MetricSample.alias("start_month")
    end = MetricSample.alias("end_month")
    gone = Account.churned_on.is_null(False) & (Account.churned_on <= period.end)
    closing = Case(None, [(gone, 0)], fn.COALESCE(end.value, 0))
    kept = Case(None, [(closing < start.value, closing)], start.value)
    query = (
        Account.select(*BUCKET, Account.currency, fn.COUNT(Account.id), fn.SUM(start.value), fn.SUM(kept), fn.SUM(closing))
        .join(start, on=((start.account == Account.id) & (start.metric == "revenue") & (start.period == first)))
        .join(end, JOIN.LEFT_OUTER, on=((end.account == Account.id) & (end.metric == "revenue") & (end.period == last)),
              src=Account)
        .where(active_at(period.start - DAY) & (start.value > 0) & (end.id.is_null(False) | gone))
    )
    return _grouped(query, viewer, Account.currency)


def expansion_won(viewer: Viewer, period: Period) -> list[tuple]:
    """(owner, tier, currency, close day, opportunities, amount) of expansion and cross-sell won in the period."""
    query = (
        Opportunity.select(*BUCKET, Opportunity.currency, Opportunity.closed_on, fn.COUNT(Opportunity.id), fn.SUM(Opportunity.amount))
        .join(Account, on=(Opportunity.account == Account.id))
        .where((Opportunity.status == "won") & Opportunity.kind.in_(EXPANSION_KINDS)
               & Opportunity.closed_on.between(period.start, period.end))
    )
    return _grouped(query, viewer, Opportunity.currency, Opportunity.closed_on)


# -- coverage -------------------------------------------------------------------------


def coverage(viewer: Viewer, policy: Policy, day: dt.date) -> list[tuple]:
    """(owner, tier, accounts judged, accounts covered): the customers on `day`, and those touched
    within their contact target by then (the tier's, or the account's own), in whole days.

    Only the touches of the longest tier target before `day` are read (a window the
    time index answers); the few accounts with their own cadence get their last touch.
    """
    longest = max(policy.contact(tier).target for tier in TIERS)
    recent = (
        Activity.select(Activity.account.alias("account_id"), fn.MAX(Activity.occurred_at).alias("at"))
        .where(touches.is_touch() & (Activity.occurred_at >= midnight(day) - dt.timedelta(days=longest))
               & (Activity.occurred_at < midnight(day + DAY)))
        .group_by(Activity.account)
        .alias("recent")
    )
    # Whole days: touched on the cutoff day counts as in time.
    in_time = [(Account.tier == tier) & (recent.c.at >= midnight(day) - dt.timedelta(days=policy.contact(tier).target)) for tier in TIERS]
    on_tier = (
        Account.select(*BUCKET, fn.COUNT(Account.id), fn.SUM(_one(in_time[0] | in_time[1] | in_time[2])))
        .join(recent, JOIN.LEFT_OUTER, on=(recent.c.account_id == Account.id))
        .where(active_at(day) & Account.contact_days.is_null())
    )
    found: dict[tuple, list[int]] = {}
    for owner, tier, judged, covered in _grouped(on_tier, viewer):
        found[(owner, tier)] = [judged, int(covered or 0)]
    # Accounts with their own cadence are few: their last touch (the one definition), judged one by one.
    own_cadence = Account.select(Account.id).where(Account.contact_days.is_null(False))
    touch = touches.last_touch_query(own_cadence, until=dt.datetime.combine(day, dt.time.max)).alias("last_touch")
    own = (
        Account.select(*BUCKET, Account.contact_days, touch.c.at)
        .join(touch, JOIN.LEFT_OUTER, on=(touch.c.account_id == Account.id))
        .where(active_at(day) & Account.contact_days.is_null(False))
    )
    for owner, tier, days, at in raw_rows(scope_accounts(own, viewer)):
        tally = found.setdefault((owner, tier), [0, 0])
        tally[0] += 1
        if at is not None and (day - as_date(at)).days <= policy.contact(tier, days).target:
            tally[1] += 1
    return [(owner, tier, judged, covered) for (owner, tier), (judged, covered) in found.items()]


# -- cases and escalations -----------------------------------------------------------


def cases_opened(viewer: Viewer, period: Period) -> list[tuple]:
    """(owner, tier, cases opened in the period)."""
    query = (
        CustomerCase.select(*BUCKET, fn.COUNT(CustomerCase.id))
        .join(Account, on=(CustomerCase.account == Account.id))
        .where((CustomerCase.opened_at >= midnight(period.start)) & (CustomerCase.opened_at < midnight(period.end + DAY)))
    )
    return _grouped(query, viewer)


def case_days(viewer: Viewer, period: Period) -> list[tuple]:
    """(owner, tier, days open) of each case closed in the period: what its median needs."""
    query = (
        CustomerCase.select(*BUCKET, days_between(CustomerCase.opened_at, CustomerCase.closed_at))
        .join(Account, on=(CustomerCase.account == Account.id))
        .where((CustomerCase.closed_at >= midnight(period.start)) & (CustomerCase.closed_at < midnight(period.end + DAY)))
    )
    return [(owner, tier, max(0.0, float(days))) for owner, tier, days in raw_rows(scope_accounts(query, viewer))]


def days_between(start, end):
    """SQL for `end - start` in (fractional) days, on SQLite and PostgreSQL."""
    if is_postgres():
        return fn.EXTRACT(NodeList((SQL("EPOCH FROM"), end - start))) / 86_400.0
    return fn.julianday(end) - fn.julianday(start)


def escalated() -> Expression:
    """An alert someone escalated (the Team pane's Escal. counts those not resolved)."""
    return Alert.escalated_to.is_null(False)


def escalations(viewer: Viewer, period: Period) -> list[tuple]:
    """(owner, tier, alerts on the accounts escalated in the period)."""
    query = (
        Alert.select(*BUCKET, fn.COUNT(Alert.id))
        .join(Account, on=(Alert.account == Account.id))
        .where(escalated() & (Alert.escalated_at >= midnight(period.start)) & (Alert.escalated_at < midnight(period.end + DAY)))
    )
    return _grouped(query, viewer)


def people() -> dict[int, tuple[str, str, bool, str | None]]:
    """Every user: id -> (login, name, active, team name). Few rows: the groups' labels."""
    from acct_tui.models import Team

    query = User.select(User.id, User.login, User.name, User.active, Team.name).join(Team, JOIN.LEFT_OUTER, on=(User.team == Team.id))
    return {uid: (login, name, bool(active), team) for uid, login, name, active, team in raw_rows(query)}
