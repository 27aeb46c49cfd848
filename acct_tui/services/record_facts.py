"""The risk facts an account's records other than its activity log hold: usage and revenue months,
cases, commitments, milestones, champions and sponsors, receivables, and the planned visit missed.

Part of `services.facts.gather`, as `services.activity_facts` is: each `*_query` is one grouped
query over the accounts "as of" a moment, each `apply_*` folds its rows into the per-account
drafts. Facts for records whose creation time the database does not keep (plans, metric months)
are taken as known when their date had come.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from peewee import Case as When, fn

from acct_tui.enums import CHAMPION_ROLES
from acct_tui.models import Activity, ActionItem, Contact, CustomerCase, MetricSample, Milestone, PlannedVisit, Receivable
from acct_tui.services.query import as_date, as_datetime

#: Commitments that fell due within this many days count towards "kept on time".
COMMITMENT_LOOKBACK_DAYS = 180
#: Receivables due within this many days mean the account has payment data.
RECEIVABLE_LOOKBACK_DAYS = 365
SEVERE_CASES = ("high", "critical")


def _one(condition, then=1, otherwise=0):
    return When(None, [(condition, then)], otherwise)


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def missed_visit_query(now: dt.datetime, today: dt.date):
    done_later = PlannedVisit.select(PlannedVisit.id).join(Activity, on=(PlannedVisit.activity == Activity.id)).where(Activity.occurred_at > now)
    pending = PlannedVisit.status.in_(("planned", "missed")) | ((PlannedVisit.status == "done") & PlannedVisit.id.in_(done_later))
    return PlannedVisit.select(PlannedVisit.account, PlannedVisit.scheduled_for).where((PlannedVisit.scheduled_for < today) & pending)


def apply_missed_visits(values, rows, now) -> None:
    """The oldest planned visit whose date passed with no visit on or after it."""
    for aid, day in rows:
        record = values.get(aid)
        if record is None:
            continue
        day = as_date(day)
        last_visit = record.last_visit
        if last_visit is not None and last_visit.date() >= day:
            continue  # a visit happened on or after the planned day: the plan was kept in spirit
        current = record.missed_visit_on
        if current is None or day < current:
            record.missed_visit_on = day


def commitment_query(today: dt.date):
    overdue = (ActionItem.status == "open") | ((ActionItem.status == "done") & (ActionItem.done_on > today))
    recent = ActionItem.due_on >= today - dt.timedelta(days=COMMITMENT_LOOKBACK_DAYS)
    kept = recent & (ActionItem.status == "done") & (ActionItem.done_on <= ActionItem.due_on) & (ActionItem.done_on <= today)
    return (
        ActionItem.select(
            ActionItem.account,
            fn.SUM(_one(overdue)),
            fn.MIN(When(None, [(overdue, ActionItem.due_on)], None)),
            fn.SUM(_one(recent)),
            fn.SUM(_one(kept)),
        )
        .where(ActionItem.due_on.is_null(False) & (ActionItem.due_on < today) & (ActionItem.status != "cancelled"))
        .group_by(ActionItem.account)
    )


def apply_commitments(values, rows, now) -> None:
    for aid, n_overdue, oldest, n_due, n_kept in rows:
        record = values.get(aid)
        if record is not None:
            record.overdue_commitments, record.oldest_overdue_commitment = int(n_overdue or 0), as_date(oldest)
            record.commitments_due, record.commitments_kept = int(n_due or 0), int(n_kept or 0)


def milestone_query(today: dt.date):
    pending = (Milestone.status == "planned") | ((Milestone.status == "done") & (Milestone.completed_on > today))
    return (
        Milestone.select(Milestone.account, Milestone.kind, fn.MIN(Milestone.due_on))
        .where((Milestone.due_on < today) & pending)
        .group_by(Milestone.account, Milestone.kind)
    )


def apply_milestones(values, rows, now) -> None:
    milestones = defaultdict(list)
    for aid, kind, due in rows:
        milestones[aid].append((kind, as_date(due)))
    for aid, kinds in milestones.items():
        if aid in values:
            values[aid].overdue_milestones = tuple(sorted(kinds))


#: Complete months of usage and revenue read per account: two years, for the seasonal check.
METRIC_MONTHS = 24


def metric_query(today: dt.date):
    """Usage and revenue of each of the last 24 complete months, one row per account (grouping
    by account alone lets SQLite walk the account index without a temporary sort)."""
    end, begin = _month_start(today), _month_start(today, METRIC_MONTHS)
    columns = []
    for metric in ("usage", "revenue"):
        for back in range(1, METRIC_MONTHS + 1):
            month = (MetricSample.metric == metric) & (MetricSample.period == _month_start(today, back))
            columns.append(fn.SUM(When(None, [(month, MetricSample.value)], None)))
    return (
        MetricSample.select(MetricSample.account, *columns)
        .where((MetricSample.period >= begin) & (MetricSample.period < end))
        .group_by(MetricSample.account)
    )


#: Where usage's months and revenue's start in a row of `metric_query`.
USAGE, REVENUE = 1, 1 + METRIC_MONTHS
#: The columns of a `metric_query` row that hold reals (the months of both metrics).
METRIC_COLUMNS = range(USAGE, REVENUE + METRIC_MONTHS)


def apply_metrics(values, rows, now) -> None:
    for row in rows:
        record = values.get(row[0])
        if record is not None:
            record.usage_months, record.usage_recent, record.usage_prior = _metric(row[USAGE:USAGE + METRIC_MONTHS])
            record.revenue_months, record.revenue_recent, record.revenue_prior = _metric(row[REVENUE:REVENUE + METRIC_MONTHS])


def _metric(months: tuple) -> tuple[tuple, float | None, float | None]:
    """A metric's months as floats, newest first, up to the oldest on record; the mean of the last 3 and
    of the 3 before, None when a month of the six is missing (no 3-against-3 trend at all). A month
    may come as a float or as its exact text (`_packed`)."""
    if None in months:
        end = METRIC_MONTHS
        while end and months[end - 1] is None:
            end -= 1  # no months before the first on record
        series = tuple([None if v is None else float(v) for v in months[:end]])
        if len(series) < 6 or None in series[:6]:
            return series, None, None
    else:  # every month on record (most accounts): floats in one pass
        series = tuple(map(float, months))
    return series, sum(series[:3]) / 3, sum(series[3:6]) / 3


def case_query(now: dt.datetime, today: dt.date, spike_days: int):
    """Open cases (oldest, oldest severe, escalated) and cases opened within the spike window."""
    cutoff = dt.datetime.combine(today, dt.time()) - dt.timedelta(days=spike_days)
    is_open = CustomerCase.closed_at.is_null() | (CustomerCase.closed_at > now)
    severe = is_open & CustomerCase.severity.in_(SEVERE_CASES)
    return (
        CustomerCase.select(
            CustomerCase.account,
            fn.SUM(_one(is_open)),
            fn.MIN(When(None, [(is_open, CustomerCase.opened_at)], None)),
            fn.MIN(When(None, [(severe, CustomerCase.opened_at)], None)),
            fn.SUM(_one(is_open & (CustomerCase.escalated == True))),  # noqa: E712
            fn.SUM(_one(CustomerCase.opened_at >= cutoff)),
        )
        .where((CustomerCase.opened_at <= now) & (is_open | (CustomerCase.opened_at >= cutoff)))
        .group_by(CustomerCase.account)
    )


def apply_cases(values, rows, now) -> None:
    for aid, n_open, oldest, oldest_severe, n_escalated, n_recent in rows:
        record = values.get(aid)
        if record is not None:
            record.open_cases, record.oldest_open_case = int(n_open or 0), as_datetime(oldest)
            record.oldest_open_severe_case = as_datetime(oldest_severe)
            record.open_escalated_cases, record.cases_recent = int(n_escalated or 0), int(n_recent or 0)


def contact_query(today: dt.date):
    """Champions and sponsors: the newest departure and arrival, how many are there as of `today`,
    and how many were ever on record by then (no `added_on`: there all along)."""
    arrived = Contact.added_on.is_null() | (Contact.added_on <= today)
    present = arrived & (Contact.left_on.is_null() | (Contact.left_on > today))
    return (
        Contact.select(
            Contact.account,
            fn.MAX(When(None, [(Contact.left_on <= today, Contact.left_on)], None)),
            fn.MAX(When(None, [(Contact.added_on <= today, Contact.added_on)], None)),
            fn.SUM(_one(present)),
            fn.SUM(_one(arrived)),
        )
        .where(Contact.role.in_(CHAMPION_ROLES))
        .group_by(Contact.account)
    )


def apply_contacts(values, rows, now) -> None:
    for aid, left_on, added_on, present, arrived in rows:
        record = values.get(aid)
        if record is not None:
            record.champion_left_on, record.champion_added_on = as_date(left_on), as_date(added_on)
            record.active_champions, record.champions_on_record = int(present or 0), int(arrived or 0)


def receivable_query(today: dt.date):
    unpaid = (Receivable.due_on < today) & (Receivable.paid_on.is_null() | (Receivable.paid_on > today))
    recent = Receivable.due_on >= today - dt.timedelta(days=RECEIVABLE_LOOKBACK_DAYS)
    return (
        Receivable.select(
            Receivable.account,
            fn.MIN(When(None, [(unpaid, Receivable.due_on)], None)),
            fn.SUM(_one(unpaid)),
            fn.SUM(_one(recent)),
        )
        .where((Receivable.due_on <= today) & (recent | Receivable.paid_on.is_null() | (Receivable.paid_on > today)))
        .group_by(Receivable.account)
    )


def apply_receivables(values, rows, now) -> None:
    for aid, oldest, n_unpaid, n_recent in rows:
        record = values.get(aid)
        if record is not None:
            record.oldest_unpaid_due, record.unpaid_overdue = as_date(oldest), int(n_unpaid or 0)
            record.receivables_recent = int(n_recent or 0)
