"""How one scan's signals become alert rows: a chunk of accounts' signals diffed against their
alerts (`plan_alerts`), then written in the chunk's transaction (`write_alerts`), with the audit trail.

The rules of an alert's life (one per account and rule, snoozes honoured, a person's resolution
kept while the condition holds no worse, reopened with a note when it worsens or comes back) are
`services.scan`'s, which calls these a chunk at a time; `tally` is its running `_Tally`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Case

from acct_tui.db import database
from acct_tui.enums import SYSTEM_ACTOR
from acct_tui.models import Alert, stored_json
from acct_tui.services import alert_notes
from acct_tui.services.alerts import ACTIVE_STATUSES
from acct_tui.services.query import as_datetime, raw_rows


def alerts_of(lo: int, hi: int) -> tuple[dict[int, dict[str, tuple]], dict[int, dict[str, tuple]]]:
    """The non-resolved alerts of accounts lo..hi by account and rule, and those a person resolved
    (the newest per account and rule), which the scan keeps resolved while their condition holds
    no worse: one read of the accounts' alerts.

    Only the account range is in the WHERE clause (see `_alerts_in_range`); a resolved alert's
    words are not read.
    """
    resolved = Alert.status == "resolved"
    query = Alert.select(
        Alert.id, Alert.account, Alert.rule, Alert.severity, Alert.status,
        Case(None, [(resolved, None)], Alert.reason), Case(None, [(resolved, None)], Alert.evidence),
        Alert.snoozed_until, Alert.last_seen, Alert.resolved_severity, Alert.cleared_at, Alert.resolved_by, Alert.resolved_at,
    ).where((Alert.account >= lo) & (Alert.account <= hi)).order_by(Alert.id)
    existing: dict[int, dict[str, tuple]] = {}
    held: dict[int, dict[str, tuple]] = {}
    for row in raw_rows(query):
        status = row[4]
        if status in ACTIVE_STATUSES:
            existing.setdefault(row[1], {})[row[2]] = row[:9]
        elif status == "resolved" and row[9] is not None:
            held.setdefault(row[1], {})[row[2]] = (row[0], row[1], row[2], row[9], row[10], row[11], row[12])
    return existing, held


@dataclass
class AlertPlan:
    inserts: list
    updates: list
    reopens: list
    resolves: list
    entries: list
    #: Still firing, unchanged, but last seen before now.
    seen: list
    #: Resolved by a person and worse now, or back after clearing: (signal, alert id, note).
    revivals: list
    #: Resolved by a person, and the condition is gone now: remember when.
    cleared: list

    @property
    def has_work(self) -> bool:
        return bool(self.inserts or self.updates or self.reopens or self.resolves or self.seen or self.revivals or self.cleared)


def plan_alerts(chunk: list[int], signals, facts, existing, held, now: dt.datetime, tally) -> AlertPlan:
    """Diff one chunk's signals against its non-resolved alerts (and those a person resolved)."""
    plan = AlertPlan([], [], [], [], [], [], [], [])
    for aid in chunk:
        fired = signals.get(aid, {})
        mine = existing.get(aid, {})
        kept = held.get(aid, {})
        for rule_id, row in kept.items():
            if rule_id not in fired and rule_id not in mine and row[4] is None:
                plan.cleared.append(row[0])
        for rule_id, signal in fired.items():
            row = mine.get(rule_id)
            if row is None and rule_id in kept:
                resolved = kept[rule_id]
                note = alert_notes.reopen_note(resolved, signal, now)
                if note is not None:
                    plan.revivals.append((signal, resolved[0], note))
                    plan.entries.append(entry("reopen", resolved[0], {
                        "status": ["resolved", "open"], "severity": signal.severity, "note": note}, now))
                    if signal.severity == "red":
                        tally.new_red.append(resolved[0])
                continue
            if row is None:
                plan.inserts.append((aid, rule_id, signal))
                continue
            alert_id, _, _, severity, status, reason, evidence, snoozed_until, last_seen = row
            if status == "snoozed":
                if as_datetime(snoozed_until) is not None and as_datetime(snoozed_until) > now:
                    continue  # honour the snooze: no re-firing until it ends
                plan.reopens.append((signal, alert_id))
                plan.entries.append(entry("reopen", alert_id, {"status": ["snoozed", "open"], "severity": signal.severity}, now))
                if signal.severity == "red":
                    tally.new_red.append(alert_id)
                continue
            if (severity, reason, evidence) != (signal.severity, signal.reason, stored_json(signal.evidence)):
                plan.updates.append((signal, alert_id, status))
                if severity != signal.severity:
                    plan.entries.append(entry("severity", alert_id, {"severity": [severity, signal.severity]}, now))
                    if signal.severity == "red":
                        tally.new_red.append(alert_id)
            elif as_datetime(last_seen) < now:
                plan.seen.append(alert_id)
        for rule_id, row in mine.items():
            if rule_id not in fired:
                note = alert_notes.cleared_note(rule_id, facts.get(aid))
                plan.resolves.append((row[0], row[4], note))
                plan.entries.append(entry("resolve", row[0], {"status": [row[4], "resolved"], "note": note}, now))
    return plan


def write_alerts(plan: AlertPlan, lo: int, hi: int, now: dt.datetime, tally) -> None:
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
        tally["updated"] += len(plan.updates)
    if plan.reopens:
        database.cursor().executemany(
            f"UPDATE alert SET status = 'open', snoozed_until = NULL, severity = {param}, reason = {param}, "
            f"evidence = {param}, last_seen = {param} WHERE id = {param} AND status = 'snoozed'",
            [(s.severity, s.reason, stored_json(s.evidence), now, alert_id) for s, alert_id in plan.reopens],
        )
        tally["opened"] += len(plan.reopens)
    if plan.resolves:
        database.cursor().executemany(
            f"UPDATE alert SET status = 'resolved', resolved_by = {param}, resolved_at = {param}, "
            f"resolution_note = {param} WHERE id = {param} AND status = {param}",
            [(SYSTEM_ACTOR, now, note, alert_id, status) for alert_id, status, note in plan.resolves],
        )
        tally["resolved"] += len(plan.resolves)
    if plan.seen:
        Alert.update(last_seen=now).where(Alert.id.in_(plan.seen) & (Alert.last_seen < now)).execute()
    if plan.revivals:
        database.cursor().executemany(
            f"UPDATE alert SET status = 'open', severity = {param}, reason = {param}, evidence = {param}, "
            f"last_seen = {param}, reopen_note = {param}, resolved_severity = NULL, cleared_at = NULL, "
            f"resolved_by = NULL, resolved_at = NULL, resolution_note = NULL WHERE id = {param} AND status = 'resolved'",
            [(s.severity, s.reason, stored_json(s.evidence), now, note, alert_id) for s, alert_id, note in plan.revivals],
        )
        tally["opened"] += len(plan.revivals)
    if plan.cleared:
        Alert.update(cleared_at=now).where(
            Alert.id.in_(plan.cleared) & (Alert.status == "resolved") & Alert.cleared_at.is_null()
        ).execute()
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
            entries.append(entry("open", alert_id, {"rule": rule_id, "severity": severity}, now))
            if severity == "red":
                tally.new_red.append(alert_id)
        tally["opened"] += len(inserts)
    audit(entries)


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


def audit(entries: list[dict]) -> None:
    """`audit.record_many`, with plain executemany: a first scan audits 100,000s of opens."""
    if entries:
        param = database.param
        database.cursor().executemany(
            f'INSERT INTO audit_log (actor, action, table_name, row_id, changes, at) VALUES ({", ".join([param] * 6)})',
            [(e["actor"], e["action"], e["table"], e["row_id"], stored_json(e["changes"]), e["at"]) for e in entries],
        )


def entry(action: str, alert_id: int, changes: dict, now: dt.datetime) -> dict:
    return dict(actor=SYSTEM_ACTOR, action=action, table="alert", row_id=alert_id, changes=changes, at=now)
