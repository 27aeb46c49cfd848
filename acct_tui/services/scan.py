"""The scan: turn every account's signals into alerts, and store health snapshots.

`scan_all` streams through the book a span of accounts at a time
(`ACCOUNTS_PER_SPAN`): it gathers a span's facts in a handful of grouped
queries (the next span's run meanwhile, on their own connections), evaluates
the rules and the health score in memory, then writes the differences in
short transactions, a chunk of accounts at a time, so the app and other
writers are never blocked for long, and the scan's memory is bounded by the
span, not the book:

- one non-resolved alert per (account, rule): a repeat signal updates the
  alert (severity, reason, evidence, last_seen), never duplicates it;
- an alert whose condition cleared resolves itself (resolved_by "system");
- a snoozed alert stays quiet until `snoozed_until`, then reopens if the
  condition still holds;
- an alert a person resolved stays resolved while its condition holds at
  the same or a lower severity; it reopens, with a note saying why, when the
  condition worsens, or when it clears and later comes back;
- a red alert left open (not acknowledged, not snoozed) for 3 days is
  escalated to the account owner's manager;
- at most one health snapshot per account per day (refreshed if the score
  moved during the day).

Running it twice at the same `now` changes nothing the second time. On
PostgreSQL an advisory lock keeps two scanners from writing the same scan:
the second one returns at once with `skipped=True`; a scan that ran sends
`NOTIFY acct_tui_scan` to the apps listening (`services.scan_watch`).
A chunk's signals are diffed against its alerts and written by `services.scan_alerts`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from peewee import chunked

from acct_tui import clock
from acct_tui.core import collector, health
from acct_tui.core.assess import assess_fast
from acct_tui.core.facts import AccountFacts
from acct_tui.core.rules import Signal
from acct_tui.core.settings import RiskSettings, loaded
from acct_tui.db import database
from acct_tui.enums import SYSTEM_ACTOR
from acct_tui.models import Account, Alert, AuditLog, User
from acct_tui.services import scan_alerts, scan_watch, snapshots
from acct_tui.services.facts import PARALLEL_QUERIES, Spans, existing_ids
from acct_tui.services.query import is_postgres, page_cache_at_most, raw_rows

#: Accounts per write transaction: small enough that other writers wait
#: milliseconds (a unit of work, not a statement's parameter limit).
ACCOUNTS_PER_TRANSACTION = 1000
#: Accounts whose facts are gathered, judged and written together (a multiple of the above):
#: the scan's memory is a span's (two spans', while the next is gathered), not the book's.
ACCOUNTS_PER_SPAN = 5 * ACCOUNTS_PER_TRANSACTION
#: SQLite: the scan's own connection's page cache (its reads and writes of alerts, snapshots and
#: the audit trail) while it scans, not the default 64 MB, which only raised its peak memory.
WRITE_PAGE_CACHE_KIB = 16 * 1024
#: Spans whose queries are sent before the scan gets to them: with one, the pool's second
#: connection idled while the first ran a span's metrics query (the longest of its queries).
SPANS_AHEAD = 2
#: The PostgreSQL advisory lock key held while a scan writes ("ACT3").
SCAN_LOCK_KEY = 0x41435433


@dataclass(frozen=True)
class ScanSummary:
    """What one scan did. `new_red` holds ids of alerts that became red in it."""

    accounts: int = 0
    opened: int = 0
    updated: int = 0
    resolved: int = 0
    escalated: int = 0
    new_red: tuple[int, ...] = ()
    snapshots: int = 0
    #: True when another scanner held the lock and this one wrote nothing.
    skipped: bool = False


class _Tally(Counter):
    """What the scan has done so far, counted by `ScanSummary`'s field names, and the
    alerts that became red in it."""

    def __init__(self) -> None:
        super().__init__()
        self.new_red: list[int] = []

    def summary(self, accounts: int) -> ScanSummary:
        return ScanSummary(accounts=accounts, new_red=tuple(sorted(self.new_red)), **self)


def evaluate_all(facts: dict[int, AccountFacts], settings: RiskSettings):
    """Signals (by rule) and (score, band, component values) for every account; pure, in memory.

    The score is capped by the red signals (`core.assess`), so health and alerts agree."""
    signals: dict[int, dict[str, Signal]] = {}
    scores: dict[int, tuple] = {}
    components = health.weighted(settings)
    for aid, f in facts.items():
        found, result = assess_fast(f, settings, components)
        signals[aid] = found
        if f.watched:
            scores[aid] = result
    return signals, scores


def scan_all(now: dt.datetime | None = None, settings: RiskSettings | None = None, account_ids: Iterable[int] | None = None,
             *, fetchers: int = PARALLEL_QUERIES) -> ScanSummary:
    """Scan every account (or only those in `account_ids`) at `now` (default: the clock) and write the alerts.

    Opens and closes its own connection context and transactions; safe to run
    in a thread worker beside the app and beside another scanner. A command
    that wrote to a few accounts rescans just those (`account_ids`).
    `fetchers`: the connections that gather facts at once (the app's own scan takes fewer, `scan_child`).
    """
    now = (now or clock.now()).replace(microsecond=0)
    settings = settings or loaded()
    with database.connection_context():
        if not _try_lock():
            return ScanSummary(skipped=True)
        try:
            summary = _scan(now, settings, None if account_ids is None else sorted(set(account_ids)), fetchers)
        finally:
            _unlock()
        scan_watch.notify_finished(summary)  # apps listening on PostgreSQL reload
        return summary


def _try_lock() -> bool:
    if not is_postgres():
        return True  # SQLite: every chunk is an IMMEDIATE transaction, re-checked inside
    return bool(database.execute_sql("SELECT pg_try_advisory_lock(%s)", (SCAN_LOCK_KEY,)).fetchone()[0])


def _unlock() -> None:
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_unlock(%s)", (SCAN_LOCK_KEY,))


def _scan(now: dt.datetime, settings: RiskSettings, account_ids: list[int] | None = None,
          fetchers: int = PARALLEL_QUERIES) -> ScanSummary:
    if account_ids == []:
        return ScanSummary()
    ids = existing_ids(account_ids)
    tally = _Tally()
    scanned = 0
    # The cyclic collector stays off: what a span leaves goes by reference counting as the next
    # begins, and the collector's passes over the spans' objects (a full one now and then)
    # would find nothing to free.
    with ThreadPoolExecutor(fetchers) as pool, ThreadPoolExecutor(1) as judge, \
            page_cache_at_most(WRITE_PAGE_CACHE_KIB), collector.paused():
        spans = Spans(now, settings, pool, whole_book=account_ids is None)
        parts = [ids[start : start + ACCOUNTS_PER_SPAN] for start in range(0, len(ids), ACCOUNTS_PER_SPAN)]
        # PostgreSQL: a span's facts are folded and judged on a thread of their own while this one writes
        # the span before. A batch of writes waits on the server without the interpreter lock (12.7 s of
        # a 25 s scan at 100k were the snapshots' inserts waiting on the pulse triggers, measured on
        # this thread), and the folding and judging had waited behind it. SQLite steps each written
        # row holding the lock between steps, so there the two would only take turns: judged here.
        submit = judge.submit if is_postgres() else _later
        ahead = deque(submit(_judged, spans.start(part), settings) for part in parts[:SPANS_AHEAD])
        for index, part in enumerate(parts):
            facts, signals, scores = ahead.popleft().result()
            if index + SPANS_AHEAD < len(parts):
                ahead.append(submit(_judged, spans.start(parts[index + SPANS_AHEAD]), settings))
            scanned += len(facts)
            existing, held = scan_alerts.alerts_of(part[0], part[-1])
            for chunk in chunked(part, ACCOUNTS_PER_TRANSACTION):
                # Plan outside any transaction; write only chunks with something to
                # write, each in its own short transaction.
                chunk = [aid for aid in chunk if aid in facts]
                plan = scan_alerts.plan_alerts(chunk, signals, facts, existing, held, now, tally)
                snaps = snapshots.plan(chunk, scores, now.date())
                if plan.has_work or snaps[0] or snaps[1]:
                    with database.atomic():
                        scan_alerts.write_alerts(plan, chunk[0], chunk[-1], now, tally)
                        tally["snapshots"] += snapshots.write(snaps)
            del facts, signals, scores, existing, held
    _escalate(now, settings, tally)
    return tally.summary(scanned)


class _Later:
    """A call made when its result is asked for, on the asking thread (`Future.result`'s shape)."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def result(self):
        return self.function(*self.args)


def _later(function, *args) -> _Later:
    return _Later(function, *args)


def _judged(gathered, settings: RiskSettings) -> tuple[dict, dict, dict]:
    """A span's facts (`gathered()`: waits for its queries and folds their rows), signals and scores."""
    facts = gathered()
    return (facts, *evaluate_all(facts, settings))


def _escalate(now: dt.datetime, settings: RiskSettings, tally: _Tally) -> None:
    """Red alerts left open past the threshold go to the owner's manager.

    "Red for 3 days" counts from when it turned red: an alert that turned red
    or was reopened after the cutoff (the audit trail says when) waits.
    """
    cutoff = now - dt.timedelta(days=settings.thresholds.escalate_after_days)
    manager = User.alias("manager")
    recent_change = AuditLog.select(AuditLog.row_id).where(
        (AuditLog.table == "alert") & AuditLog.action.in_(("severity", "reopen")) & (AuditLog.at > cutoff)
    )
    query = (
        Alert.select(Alert.id, manager.id, manager.login)
        .join(Account, on=(Alert.account == Account.id))
        .join(User, on=(Account.owner == User.id))
        .join(manager, on=(User.manager == manager.id))
        .where(
            (Alert.status == "open") & (Alert.severity == "red") & Alert.escalated_to.is_null()
            & (Alert.first_seen <= cutoff) & (manager.active == True)  # noqa: E712
            & Alert.id.not_in(recent_change)
        )
        # a stable order keeps the audit trail identical for identical scans
        .order_by(Alert.id)
    )
    todo = raw_rows(query)
    for part in chunked(todo, ACCOUNTS_PER_TRANSACTION):
        with database.atomic():
            by_manager: dict[int, list[int]] = {}
            for alert_id, manager_id, _ in part:
                by_manager.setdefault(manager_id, []).append(alert_id)
            done = 0
            for manager_id, alert_ids in by_manager.items():
                done += (
                    Alert.update(escalated_to=manager_id, escalated_at=now, escalated_by=SYSTEM_ACTOR)
                    .where(Alert.id.in_(alert_ids) & (Alert.status == "open") & Alert.escalated_to.is_null())
                    .execute()
                )
            scan_alerts.audit([scan_alerts.entry("escalate", alert_id, {"escalated_to": login, "auto": True}, now)
                               for alert_id, _, login in part])
            tally["escalated"] += done
