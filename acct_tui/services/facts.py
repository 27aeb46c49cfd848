"""Gathering `AccountFacts` for a whole portfolio in a handful of grouped queries.

One grouped query per table (activities, sentiments, planned visits,
commitments, milestones, metrics, cases, contacts, receivables), never one
query per account: a scan of 100,000 accounts runs the same ten queries as a
scan of ten.

Every query is "as of" a moment: only what was known then counts (touches
that had happened, cases open at the time, commitments not yet done, an
account not yet churned), so the backtest can replay the rules on the past.
Facts for records whose creation time the database does not keep (plans,
metric months) are taken as known when their date had come.

The activity log's facts (touches, sentiments, intent to leave) are
`services.activity_facts`; the rest are here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from bisect import bisect_left, bisect_right
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from operator import itemgetter
from typing import Callable, Iterable

from peewee import Case as When, Select, fn

from acct_tui.core.facts import AccountFacts, Draft, finish
from acct_tui.core.settings import RiskSettings, Thresholds, loaded
from acct_tui.db import database
from acct_tui.enums import CHAMPION_ROLES
from acct_tui.models import Account, ActionItem, Activity, Contact, CustomerCase, MetricSample, Milestone, PlannedVisit, Receivable
from acct_tui.services import activity_facts, sql_template
from acct_tui.services.query import as_date, as_datetime, chunks, ids_in, is_postgres, page_cache_at_most

#: Commitments that fell due within this many days count towards "kept on time".
COMMITMENT_LOOKBACK_DAYS = 180
#: Receivables due within this many days mean the account has payment data.
RECEIVABLE_LOOKBACK_DAYS = 365
SEVERE_CASES = ("high", "critical")
#: Whole-portfolio queries run on this many connections at once (SQLite and
#: psycopg release the GIL while a query runs, so two cores both work).
PARALLEL_QUERIES = 2
#: SQLite: the page cache of a connection that runs one fact query and closes. Each reads its pages
#: once; the default 64 MB only filled up, twice at once, in the scan's peak memory (measured).
QUERY_PAGE_CACHE_KIB = 8 * 1024


def _one(condition, then=1, otherwise=0):
    return When(None, [(condition, then)], otherwise)


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def gather(now: dt.datetime, account_ids: Iterable[int] | None = None, settings: RiskSettings | None = None) -> dict[int, AccountFacts]:
    """Facts for every account (or those in `account_ids`) as they were at `now`.

    `settings` (default: the loaded ones) matter only for what is cut in SQL
    (the complaint spike window, how many recent sentiments to keep).
    """
    thresholds = (settings or loaded()).thresholds
    if account_ids is None:
        ids = existing_ids()
        if not ids:
            return {}
        with ThreadPoolExecutor(PARALLEL_QUERIES) as pool:
            return Spans(now, settings, pool, whole_book=True).start(ids)()
    result: dict[int, AccountFacts] = {}
    for ids in chunks(sorted(set(account_ids))):
        result.update(_gather(now, ids, thresholds))
    return result


class Spans:
    """The scan's facts, a span of accounts at a time, gathered on `pool`'s threads (each query on its
    own connection) while the caller works on the span before.

    `start(ids)` sends a span's queries and returns the function that waits for them and folds
    them into facts. The scan gathers the next span while it judges and writes this one, so the
    database and the rules work at once, and only two spans' facts are alive, not the book's.
    With `whole_book` the ids are every account's in order and a span is an index range
    (`account_id BETWEEN first AND last`); otherwise the span's ids are bound as a list and its
    facts gathered on the caller's connection when it starts. The SQL of a span is written once
    per day and shape (`sql_template`).

    On SQLite each of those queries comes back as one row, its rows packed in one JSON text
    (`_packed`): SQLite hands the interpreter lock back and forth once per row fetched, and a
    thread fetching rows while the scan judges a span got one row per switch interval (5 ms),
    so the queries took half as long again as alone (measured: 29.7 s of query time against
    19.3 s at 100k accounts). Packed, a query takes the lock once, to parse its text.
    """

    def __init__(self, now: dt.datetime, settings: RiskSettings | None, pool: Executor, *, whole_book: bool):
        self.now, self.pool, self.whole_book = now, pool, whole_book
        self.thresholds = (settings or loaded()).thresholds
        self._book: dict[int, Future | tuple] = {}
        self.packed = not is_postgres()  # psycopg builds a result's rows in one go
        if whole_book:
            queries = self._span_queries(now, None)
            self._book = {index: pool.submit(_rows_on_own_connection, queries[index].sql(), self.packed)
                          for index in _BOOK_STEPS}

    def _span_queries(self, now: dt.datetime, scope) -> list:
        queries = _queries(now, scope, self.thresholds)
        return [_packed(query, _EXACT.get(index, ())) for index, query in enumerate(queries)] if self.packed else queries

    def start(self, ids: list[int]) -> Callable[[], dict[int, AccountFacts]]:
        now, thresholds = self.now, self.thresholds
        if not self.whole_book:
            # Some accounts (a command's rescan of what it wrote: often one): on this connection,
            # at once, rather than a connection per query (on PostgreSQL, a login each).
            found = _gather(now, ids, thresholds)
            return lambda: found
        statements = sql_template.statements(
            ("facts span", thresholds, self.packed), lambda at, ends: self._span_queries(at, _between(*ends)), now, [ids[0], ids[-1]])
        futures: list = [None if index in self._book else self.pool.submit(_rows_on_own_connection, statement, self.packed)
                         for index, statement in enumerate(statements)]

        def rows(index: int) -> list[tuple]:
            if index in self._book:
                return self._book_rows(index, ids[0], ids[-1])
            found, futures[index] = futures[index].result(), None  # folded in: its rows go now, not at the end
            return found

        return lambda: _fold(now, rows)

    def _book_rows(self, index: int, lo: int, hi: int) -> list[tuple]:
        """The rows of a whole-book query (`_BOOK_STEPS`) on accounts lo..hi, in the order it gave them."""
        found = self._book[index]
        if isinstance(found, Future):
            rows = sorted(found.result(), key=itemgetter(0))  # stable: each account's rows keep their order
            found = self._book[index] = ([row[0] for row in rows], rows)
        keys, rows = found
        return rows[bisect_left(keys, lo):bisect_right(keys, hi)]


def _between(lo: int, hi: int):
    return lambda column: column.between(lo, hi)


def _rows_on_own_connection(statement: tuple[str, list], packed: bool) -> list[tuple | list]:
    """A query's rows (`packed`: the rows of a `_packed` query, as lists)."""
    with database.connection_context(), page_cache_at_most(QUERY_PAGE_CACHE_KIB):
        cursor = database.execute_sql(*statement)
        return json.loads(cursor.fetchone()[0]) if packed else cursor.fetchall()


def _packed(query, exact: range | tuple = ()) -> Select:
    """SQLite: `query`'s rows as one row, a JSON array of arrays. The columns at `exact` hold reals,
    which come back as text that reads back as the same float (JSON's own reals keep 15 digits,
    `printf`'s 18 are exact; `float()` reads either)."""
    names = [f"c{index}" for index in range(len(query.selected_columns))]
    found = query.cte("found", columns=names)
    cells = [getattr(found.c, name) for name in names]
    cells = [When(None, [(fn.typeof(cell) == "real", fn.printf("%!.18g", cell))], cell) if index in exact else cell
             for index, cell in enumerate(cells)]
    return Select([found], [fn.json_group_array(fn.json_array(*cells))]).with_cte(found).bind(database)


def _gather(now: dt.datetime, ids: list[int], thresholds: Thresholds) -> dict[int, AccountFacts]:
    """A few accounts (a card, an explanation) on this connection: the SQL written once per day and shape."""
    statements = sql_template.statements(
        ("facts", thresholds), lambda at, some: _queries(at, _among(some), thresholds), now, ids)
    return _fold(now, lambda index: database.execute_sql(*statements[index]).fetchall())


def _fold(now: dt.datetime, rows: Callable[[int], list[tuple]]) -> dict[int, AccountFacts]:
    """Facts from the rows of each query of `_queries` (`rows(index)`), folded in `_APPLY`'s order."""
    values: dict[int, Draft] = {}
    _apply_accounts(values, rows(0), now.date())
    if values:  # no such account: nothing more to ask
        for index, apply in enumerate(_APPLY, start=1):
            apply(values, rows(index), now)
    return _facts(values)


def existing_ids(account_ids: Iterable[int] | None = None) -> list[int]:
    """The ids of every account (or of those in `account_ids` that exist), ascending."""
    if account_ids is None:
        return [aid for (aid,) in database.execute_sql(*Account.select(Account.id).order_by(Account.id).sql())]
    found: list[int] = []
    for ids in chunks(sorted(set(account_ids))):
        query = Account.select(Account.id).where(ids_in(Account.id, ids)).order_by(Account.id)
        found += [aid for (aid,) in database.execute_sql(*query.sql())]
    return found


def _among(ids: list[int]):
    return lambda column: column.in_(ids)


def _facts(values: dict[int, Draft]) -> dict[int, AccountFacts]:
    """The drafts, finished: the same objects, each now its account's `AccountFacts`."""
    activity_facts.name_confidential_authors(values)
    for draft in values.values():
        finish(draft)
    return values


def _queries(now: dt.datetime, scope, thresholds: Thresholds) -> list:
    """The accounts' query, then one query per step of `_APPLY`, in its order; `scope(column)`
    narrows each to some accounts (None: every account)."""
    today = now.date()

    def scoped(query, column):
        return query if scope is None else query.where(scope(column))

    account_query = scoped(Account.select(
        Account.id, Account.tier, Account.status, Account.churned_on, Account.contact_days,
        Account.visit_days, Account.created_at, Account.contract_start, Account.renewal_date,
    ), Account.id)
    return [
        account_query,
        scoped(activity_facts.activity_query(now), Activity.account),
        activity_facts.sentiment_query(now, thresholds.sentiment_touches, scope),
        scoped(_metric_query(today), MetricSample.account),
        scoped(_receivable_query(today), Receivable.account),
        scoped(activity_facts.intent_query(now), Activity.account),
        scoped(_missed_visit_query(now, today), PlannedVisit.account),
        scoped(_commitment_query(today), ActionItem.account),
        scoped(_milestone_query(today), Milestone.account),
        scoped(_case_query(now, today, thresholds.complaint_spike_days), CustomerCase.account),
        scoped(_contact_query(today), Contact.account),
    ]


def _apply_accounts(values: dict[int, Draft], rows, today: dt.date) -> None:
    """A `Draft` per account, which the other steps fill in (`_APPLY`)."""
    for aid, tier, status, churned_on, contact_days, visit_days, created, start, renewal in rows:
        churned_on = as_date(churned_on)
        if status == "churned" and churned_on is not None and churned_on > today:
            status = "active"  # it had not churned yet at `now`
        created, start = as_date(created), as_date(start)  # the earlier is when the relationship started
        values[aid] = Draft(
            account_id=aid, as_of=today, tier=tier, status=status, contact_days=contact_days, visit_days=visit_days,
            since=start if created is None else created if start is None or created <= start else start,
            renewal_date=as_date(renewal),
        )


def _missed_visit_query(now: dt.datetime, today: dt.date):
    done_later = PlannedVisit.select(PlannedVisit.id).join(Activity, on=(PlannedVisit.activity == Activity.id)).where(Activity.occurred_at > now)
    pending = PlannedVisit.status.in_(("planned", "missed")) | ((PlannedVisit.status == "done") & PlannedVisit.id.in_(done_later))
    return PlannedVisit.select(PlannedVisit.account, PlannedVisit.scheduled_for).where((PlannedVisit.scheduled_for < today) & pending)


def _apply_missed_visits(values, rows, now) -> None:
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


def _commitment_query(today: dt.date):
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


def _apply_commitments(values, rows, now) -> None:
    for aid, n_overdue, oldest, n_due, n_kept in rows:
        record = values.get(aid)
        if record is not None:
            record.overdue_commitments, record.oldest_overdue_commitment = int(n_overdue or 0), as_date(oldest)
            record.commitments_due, record.commitments_kept = int(n_due or 0), int(n_kept or 0)


def _milestone_query(today: dt.date):
    pending = (Milestone.status == "planned") | ((Milestone.status == "done") & (Milestone.completed_on > today))
    return (
        Milestone.select(Milestone.account, Milestone.kind, fn.MIN(Milestone.due_on))
        .where((Milestone.due_on < today) & pending)
        .group_by(Milestone.account, Milestone.kind)
    )


def _apply_milestones(values, rows, now) -> None:
    milestones = defaultdict(list)
    for aid, kind, due in rows:
        milestones[aid].append((kind, as_date(due)))
    for aid, kinds in milestones.items():
        if aid in values:
            values[aid].overdue_milestones = tuple(sorted(kinds))


#: Complete months of usage and revenue read per account: two years, for the seasonal check.
METRIC_MONTHS = 24


def _metric_query(today: dt.date):
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


#: Where usage's months and revenue's start in a row of `_metric_query`.
_USAGE, _REVENUE = 1, 1 + METRIC_MONTHS


def _apply_metrics(values, rows, now) -> None:
    for row in rows:
        record = values.get(row[0])
        if record is not None:
            record.usage_months, record.usage_recent, record.usage_prior = _metric(row[_USAGE:_USAGE + METRIC_MONTHS])
            record.revenue_months, record.revenue_recent, record.revenue_prior = _metric(row[_REVENUE:_REVENUE + METRIC_MONTHS])


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


def _case_query(now: dt.datetime, today: dt.date, spike_days: int):
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


def _apply_cases(values, rows, now) -> None:
    for aid, n_open, oldest, oldest_severe, n_escalated, n_recent in rows:
        record = values.get(aid)
        if record is not None:
            record.open_cases, record.oldest_open_case = int(n_open or 0), as_datetime(oldest)
            record.oldest_open_severe_case = as_datetime(oldest_severe)
            record.open_escalated_cases, record.cases_recent = int(n_escalated or 0), int(n_recent or 0)


def _contact_query(today: dt.date):
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


def _apply_contacts(values, rows, now) -> None:
    for aid, left_on, added_on, present, arrived in rows:
        record = values.get(aid)
        if record is not None:
            record.champion_left_on, record.champion_added_on = as_date(left_on), as_date(added_on)
            record.active_champions, record.champions_on_record = int(present or 0), int(arrived or 0)


def _receivable_query(today: dt.date):
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


def _apply_receivables(values, rows, now) -> None:
    for aid, oldest, n_unpaid, n_recent in rows:
        record = values.get(aid)
        if record is not None:
            record.oldest_unpaid_due, record.unpaid_overdue = as_date(oldest), int(n_unpaid or 0)
            record.receivables_recent = int(n_recent or 0)


#: How each query of `_queries` after the accounts' is folded into the facts, in the order they
#: are folded (missed visits need the last visit from the activity query before them; the
#: heaviest queries go first so that, on the whole portfolio, they start first).
_APPLY = (
    activity_facts.apply_activity, activity_facts.apply_sentiments, _apply_metrics, _apply_receivables,
    activity_facts.apply_intent, _apply_missed_visits, _apply_commitments, _apply_milestones, _apply_cases,
    _apply_contacts,
)
#: Steps (indexes into `_queries`) whose query `Spans` runs once for the whole book and folds a span at a
#: time: few rows for the book, and narrowed to a span SQLite still walks its status index over the whole
#: book (1.3 s a span for milestones at 100k accounts, against 1.6 s once; measured).
_BOOK_STEPS = (_APPLY.index(_apply_missed_visits) + 1, _APPLY.index(_apply_milestones) + 1)
#: Columns of a `_queries` step that hold reals (`_packed`): the metric query's months.
_EXACT = {_APPLY.index(_apply_metrics) + 1: range(_USAGE, _REVENUE + METRIC_MONTHS)}
