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
`services.activity_facts`, the other records' (metrics, cases, commitments,
milestones, champions, receivables, missed visits) `services.record_facts`;
the accounts' own and the gathering are here.
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_left, bisect_right
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from operator import itemgetter
from typing import Callable, Iterable

from peewee import Case as When, Select, fn

from acct_tui.core.facts import AccountFacts, Draft, finish
from acct_tui.core.settings import RiskSettings, Thresholds, loaded
from acct_tui.db import database
from acct_tui.models import Account, ActionItem, Activity, Contact, CustomerCase, MetricSample, Milestone, PlannedVisit, Receivable
from acct_tui.services import activity_facts, record_facts, sql_template
from acct_tui.services.query import as_date, chunks, ids_in, is_postgres, page_cache_at_most

#: Whole-portfolio queries run on this many connections at once (SQLite and
#: psycopg release the GIL while a query runs, so two cores both work).
PARALLEL_QUERIES = 2
#: SQLite: the page cache of a connection that runs one fact query and closes. Each reads its pages
#: once; the default 64 MB only filled up, twice at once, in the scan's peak memory (measured).
QUERY_PAGE_CACHE_KIB = 8 * 1024


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
        scoped(record_facts.metric_query(today), MetricSample.account),
        scoped(record_facts.receivable_query(today), Receivable.account),
        scoped(activity_facts.intent_query(now), Activity.account),
        scoped(record_facts.missed_visit_query(now, today), PlannedVisit.account),
        scoped(record_facts.commitment_query(today), ActionItem.account),
        scoped(record_facts.milestone_query(today), Milestone.account),
        scoped(record_facts.case_query(now, today, thresholds.complaint_spike_days), CustomerCase.account),
        scoped(record_facts.contact_query(today), Contact.account),
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


#: How each query of `_queries` after the accounts' is folded into the facts, in the order they
#: are folded (missed visits need the last visit from the activity query before them; the
#: heaviest queries go first so that, on the whole portfolio, they start first).
_APPLY = (
    activity_facts.apply_activity, activity_facts.apply_sentiments, record_facts.apply_metrics,
    record_facts.apply_receivables, activity_facts.apply_intent, record_facts.apply_missed_visits,
    record_facts.apply_commitments, record_facts.apply_milestones, record_facts.apply_cases, record_facts.apply_contacts,
)
#: Steps (indexes into `_queries`) whose query `Spans` runs once for the whole book and folds a span at a
#: time: few rows for the book, and narrowed to a span SQLite still walks its status index over the whole
#: book (1.3 s a span for milestones at 100k accounts, against 1.6 s once; measured).
_BOOK_STEPS = (_APPLY.index(record_facts.apply_missed_visits) + 1, _APPLY.index(record_facts.apply_milestones) + 1)
#: Columns of a `_queries` step that hold reals (`_packed`): the metric query's months.
_EXACT = {_APPLY.index(record_facts.apply_metrics) + 1: record_facts.METRIC_COLUMNS}
