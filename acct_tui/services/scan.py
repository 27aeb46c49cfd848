"""The scan: turn every account's signals into alerts, and store health snapshots.

`scan_all` gathers facts for the whole portfolio in a handful of grouped
queries, evaluates the rules and the health score in memory, then writes the
differences in short transactions, a chunk of accounts at a time, so the app
and other writers are never blocked for long:

- one non-resolved alert per (account, rule): a repeat signal updates the
  alert (severity, reason, evidence, last_seen), never duplicates it;
- an alert whose condition cleared resolves itself (resolved_by "system");
- a snoozed alert stays quiet until `snoozed_until`, then reopens if the
  condition still holds;
- a red alert left open (not acknowledged, not snoozed) for 3 days is
  escalated to the account owner's manager;
- at most one health snapshot per account per day (refreshed if the score
  moved during the day).

Running it twice at the same `now` changes nothing the second time. On
PostgreSQL an advisory lock keeps two scanners from writing the same scan:
the second one returns at once with `skipped=True`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
import peewee
from peewee import chunked

from acct_tui import clock
from acct_tui.core import health as health_core
from acct_tui.core import rules as rules_core
from acct_tui.core.facts import AccountFacts
from acct_tui.core.rules import Signal
from acct_tui.core.settings import RiskSettings, loaded
from acct_tui.db import database
from acct_tui.enums import SYSTEM_ACTOR
from acct_tui.models import Account, Activity, Alert, AuditLog, User, stored_json
from acct_tui.services import snapshots
from acct_tui.services.alerts import ACTIVE_STATUSES
from acct_tui.services.facts import gather
from acct_tui.services.query import as_datetime, raw_rows

#: Accounts per write transaction: small enough that other writers wait
#: milliseconds (a unit of work, not a statement's parameter limit).
ACCOUNTS_PER_TRANSACTION = 1000
#: The PostgreSQL advisory lock key held while a scan writes ("ACT3").
SCAN_LOCK_KEY = 0x41435433


@dataclass(frozen=True)
class ScanSummary:
    """What one scan did. `new_red` holds ids of alerts that became red in it."""

    accounts: int
    opened: int
    updated: int
    resolved: int
    escalated: int
    new_red: tuple[int, ...]
    snapshots: int = 0
    #: True when another scanner held the lock and this one wrote nothing.
    skipped: bool = False


@dataclass
class _Tally:
    opened: int = 0
    updated: int = 0
    resolved: int = 0
    escalated: int = 0
    snapshots: int = 0

    def __post_init__(self):
        self.new_red: list[int] = []


def evaluate_all(facts: dict[int, AccountFacts], settings: RiskSettings):
    """Signals (by rule) and (score, band, component values) for every account; pure, in memory."""
    signals: dict[int, dict[str, Signal]] = {}
    scores: dict[int, tuple] = {}
    rules = [(rule_id, rule) for rule_id, rule in rules_core.RULES.items() if rule_id != "renewal_risk"]
    renewal_risk = rules_core.renewal_risk
    for aid, f in facts.items():
        if not f.watched:
            signals[aid] = {}
            continue
        scores[aid] = result = health_core.score(f, settings)
        found = {}
        for rule_id, rule in rules:
            signal = rule(f, settings)
            if signal is not None:
                found[rule_id] = signal
        # renewal_risk needs the score; hand it over rather than compute it twice
        if f.renewal_date is not None and (signal := renewal_risk(f, settings, result[0])) is not None:
            found["renewal_risk"] = signal
        signals[aid] = {rule_id: found[rule_id] for rule_id in rules_core.RULES if rule_id in found}
    return signals, scores


def scan_all(now: dt.datetime | None = None, settings: RiskSettings | None = None) -> ScanSummary:
    """Scan every account at `now` (default: the clock) and write the alerts.

    Opens and closes its own connection context and transactions; safe to run
    in a thread worker beside the app and beside another scanner.
    """
    now = (now or clock.now()).replace(microsecond=0)
    settings = settings or loaded()
    with database.connection_context():
        if not _try_lock():
            return ScanSummary(0, 0, 0, 0, 0, (), skipped=True)
        try:
            return _scan(now, settings)
        finally:
            _unlock()


def _is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def _try_lock() -> bool:
    if not _is_postgres():
        return True  # SQLite: every chunk is an IMMEDIATE transaction, re-checked inside
    return bool(database.execute_sql("SELECT pg_try_advisory_lock(%s)", (SCAN_LOCK_KEY,)).fetchone()[0])


def _unlock() -> None:
    if _is_postgres():
        database.execute_sql("SELECT pg_advisory_unlock(%s)", (SCAN_LOCK_KEY,))


def _scan(now: dt.datetime, settings: RiskSettings) -> ScanSummary:
    facts = gather(now, settings=settings)
    signals, scores = evaluate_all(facts, settings)
    existing = _active_alerts()
    tally = _Tally()
    ids = sorted(facts)
    for chunk in chunked(ids, ACCOUNTS_PER_TRANSACTION):
        # Plan outside any transaction; write only chunks with something to
        # write, each in its own short transaction.
        plan = _plan_alerts(chunk, signals, facts, existing, now, tally)
        snaps = snapshots.plan(chunk, scores, now.date())
        if plan.has_work or snaps[0] or snaps[1]:
            with database.atomic():
                _write_alerts(plan, chunk[0], chunk[-1], now, tally)
                tally.snapshots += snapshots.write(snaps)
    _escalate(now, settings, tally)
    return ScanSummary(
        accounts=len(ids),
        opened=tally.opened,
        updated=tally.updated,
        resolved=tally.resolved,
        escalated=tally.escalated,
        new_red=tuple(sorted(tally.new_red)),
        snapshots=tally.snapshots,
    )


def _active_alerts() -> dict[int, dict[str, tuple]]:
    """Every non-resolved alert, by account and rule, in one read."""
    existing: dict[int, dict[str, tuple]] = {}
    query = Alert.select(
        Alert.id, Alert.account, Alert.rule, Alert.severity, Alert.status, Alert.reason, Alert.evidence, Alert.snoozed_until,
        Alert.last_seen,
    ).where(Alert.status.in_(ACTIVE_STATUSES))
    for row in raw_rows(query):
        existing.setdefault(row[1], {})[row[2]] = row
    return existing


@dataclass
class _AlertPlan:
    inserts: list
    updates: list
    reopens: list
    resolves: list
    entries: list
    #: Still firing, unchanged, but last seen before now.
    seen: list

    @property
    def has_work(self) -> bool:
        return bool(self.inserts or self.updates or self.reopens or self.resolves or self.seen)


def _plan_alerts(chunk: list[int], signals, facts, existing, now: dt.datetime, tally: _Tally) -> _AlertPlan:
    """Diff one chunk's signals against its non-resolved alerts."""
    plan = _AlertPlan([], [], [], [], [], [])
    for aid in chunk:
        fired = signals.get(aid, {})
        mine = existing.get(aid, {})
        for rule_id, signal in fired.items():
            row = mine.get(rule_id)
            if row is None:
                plan.inserts.append((aid, rule_id, signal))
                continue
            alert_id, _, _, severity, status, reason, evidence, snoozed_until, last_seen = row
            if status == "snoozed":
                if as_datetime(snoozed_until) is not None and as_datetime(snoozed_until) > now:
                    continue  # honour the snooze: no re-firing until it ends
                plan.reopens.append((signal, alert_id))
                plan.entries.append(_entry("reopen", alert_id, {"status": ["snoozed", "open"], "severity": signal.severity}, now))
                if signal.severity == "red":
                    tally.new_red.append(alert_id)
                continue
            if (severity, reason, evidence) != (signal.severity, signal.reason, stored_json(signal.evidence)):
                plan.updates.append((signal, alert_id, status))
                if severity != signal.severity:
                    plan.entries.append(_entry("severity", alert_id, {"severity": [severity, signal.severity]}, now))
                    if signal.severity == "red":
                        tally.new_red.append(alert_id)
            elif as_datetime(last_seen) < now:
                plan.seen.append(alert_id)
        for rule_id, row in mine.items():
            if rule_id not in fired:
                note = _cleared_note(rule_id, facts.get(aid))
                plan.resolves.append((row[0], row[4], note))
                plan.entries.append(_entry("resolve", row[0], {"status": [row[4], "resolved"], "note": note}, now))
    return plan


def _write_alerts(plan: _AlertPlan, lo: int, hi: int, now: dt.datetime, tally: _Tally) -> None:
    """Write one chunk's plan; every statement re-checks the status it expects,
    so a person's change made since the plan was read wins."""
    param = database.param
    entries = list(plan.entries)
    if plan.updates:
        database.cursor().executemany(
            f"UPDATE alert SET severity = {param}, reason = {param}, evidence = {param}, last_seen = {param} "
            f"WHERE id = {param} AND status = {param}",
            [(s.severity, s.reason, stored_json(s.evidence), now, alert_id, status) for s, alert_id, status in plan.updates],
        )
        tally.updated += len(plan.updates)
    if plan.reopens:
        database.cursor().executemany(
            f"UPDATE alert SET status = 'open', snoozed_until = NULL, severity = {param}, reason = {param}, "
            f"evidence = {param}, last_seen = {param} WHERE id = {param} AND status = 'snoozed'",
            [(s.severity, s.reason, stored_json(s.evidence), now, alert_id) for s, alert_id in plan.reopens],
        )
        tally.opened += len(plan.reopens)
    if plan.resolves:
        database.cursor().executemany(
            f"UPDATE alert SET status = 'resolved', resolved_by = {param}, resolved_at = {param}, "
            f"resolution_note = {param} WHERE id = {param} AND status = {param}",
            [(SYSTEM_ACTOR, now, note, alert_id, status) for alert_id, status, note in plan.resolves],
        )
        tally.resolved += len(plan.resolves)
    if plan.seen:
        Alert.update(last_seen=now).where(Alert.id.in_(plan.seen) & (Alert.last_seen < now)).execute()
    inserts = plan.inserts
    if inserts:
        # Inside the write transaction: skip any alert another scanner opened
        # since the plan was read (SQLite has no advisory lock to prevent it).
        taken = {(aid, rule_id) for _, aid, rule_id, status, _ in _alerts_in_range(lo, hi) if status in ACTIVE_STATUSES}
        inserts = [item for item in inserts if (item[0], item[1]) not in taken]
    if inserts:
        database.cursor().executemany(
            "INSERT INTO alert (account_id, rule, severity, reason, evidence, status, first_seen, last_seen) "
            f"VALUES ({', '.join([param] * 8)})",
            [(aid, rule_id, s.severity, s.reason, stored_json(s.evidence), "open", now, now) for aid, rule_id, s in inserts],
        )
        keys = {(aid, rule_id): s.severity for aid, rule_id, s in inserts}
        for alert_id, account_id, rule_id, status, first_seen in _alerts_in_range(lo, hi):
            severity = keys.get((account_id, rule_id))
            if severity is None or status != "open" or as_datetime(first_seen) != now:
                continue
            entries.append(_entry("open", alert_id, {"rule": rule_id, "severity": severity}, now))
            if severity == "red":
                tally.new_red.append(alert_id)
        tally.opened += len(inserts)
    _audit(entries)


def _alerts_in_range(lo: int, hi: int) -> list[tuple]:
    """(id, account, rule, status, first_seen) of every alert on accounts lo..hi.

    Only the account range is in the WHERE clause, on purpose: with a status
    condition too, SQLite picks the status index and reads every open alert
    for each chunk (seconds per scan at 100k accounts).
    """
    query = Alert.select(Alert.id, Alert.account, Alert.rule, Alert.status, Alert.first_seen).where(
        (Alert.account >= lo) & (Alert.account <= hi)
    )
    return raw_rows(query)


def _audit(entries: list[dict]) -> None:
    """`audit.record_many`, with plain executemany: a first scan audits 100,000s of opens."""
    if entries:
        param = database.param
        database.cursor().executemany(
            f'INSERT INTO audit_log (actor, action, table_name, row_id, changes, at) VALUES ({", ".join([param] * 6)})',
            [(e["actor"], e["action"], e["table"], e["row_id"], stored_json(e["changes"]), e["at"]) for e in entries],
        )


def _entry(action: str, alert_id: int, changes: dict, now: dt.datetime) -> dict:
    return dict(actor=SYSTEM_ACTOR, action=action, table="alert", row_id=alert_id, changes=changes, at=now)


def _cleared_note(rule_id: str, f: AccountFacts | None) -> str:
    if f is None or not f.watched:
        return f"Account is {f.status if f else 'gone'}; no longer watched"
    if rule_id == "departure_intent" and f.last_visit is not None:
        # Everyone who sees the alert reads its note: a confidential visit's date stays with its readers.
        secret = _confidential_visit_author(f.account_id, f.last_visit)
        if secret is not None:
            return f"Visited after the intent to leave (a confidential record by {secret})"
        return f"Visited on {f.last_visit.date().isoformat()}, after the intent to leave"
    return "Condition cleared"


def _confidential_visit_author(account_id: int, at: dt.datetime) -> str | None:
    """Whose the account's newest visit (at `at`) is, when it is confidential; None when it is not.
    Run only when a departure alert clears (rare): one small query."""
    newest = (
        Activity.select(Activity.confidential, User.login)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(Activity.author == User.id))
        .where((Activity.account == account_id) & (Activity.kind == "visit") & (Activity.occurred_at >= at))
        .order_by(Activity.occurred_at.desc())
        .tuples()
        .first()
    )
    if newest is None or not newest[0]:
        return None
    return newest[1] or "someone"


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
            _audit([_entry("escalate", alert_id, {"escalated_to": login, "auto": True}, now) for alert_id, _, login in part])
            tally.escalated += done
