"""Alerts: listing what needs attention, and what people do about it.

Every action is access-checked (an alert on an account the viewer may not see
is simply "not found") and audited in the same transaction as the change.
The scan (`services/scan.py`) opens, updates and auto-resolves alerts; this
module is the human side: acknowledge, snooze, resolve, escalate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from peewee import JOIN, Case, fn

from acct_tui.clock import now, today
from acct_tui.core.settings import loaded
from acct_tui.core.text import clean_text
from acct_tui.db import database
from acct_tui.enums import ALERT_STATUSES, SEVERITIES
from acct_tui.errors import NotFound, UsageError
from acct_tui.models import Account, Activity, Alert, AuditLog, User
from acct_tui.services import audit, kpi_facts, users
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.query import chunks

#: Statuses that still need someone: everything but resolved.
ACTIVE_STATUSES = ("open", "acknowledged", "snoozed")


@dataclass(frozen=True)
class AlertRow:
    """One alert as screens and listings show it; people as logins."""

    id: int
    account_id: int
    account_name: str
    account_external_id: str | None
    owner: str | None
    rule: str
    severity: str
    status: str
    reason: str
    evidence: dict
    first_seen: dt.datetime
    last_seen: dt.datetime
    snoozed_until: dt.datetime | None
    snooze_reason: str | None
    acknowledged_by: str | None
    resolved_by: str | None
    resolution_note: str | None
    escalated_to: str | None
    escalated_at: dt.datetime | None
    #: Why the scan reopened it after a person resolved it (worse, or back after clearing).
    reopen_note: str | None = None


def _base_query():
    owner = User.alias("owner")
    acker = User.alias("acker")
    target = User.alias("target")
    return (
        Alert.select(
            Alert,
            Account.name.alias("account_name"),
            Account.external_id.alias("account_external_id"),
            owner.login.alias("owner_login"),
            acker.login.alias("acker_login"),
            target.login.alias("target_login"),
        )
        .join(Account, on=(Alert.account == Account.id))
        .join(owner, JOIN.LEFT_OUTER, on=(Account.owner == owner.id))
        .switch(Alert)
        .join(acker, JOIN.LEFT_OUTER, on=(Alert.acknowledged_by == acker.id))
        .switch(Alert)
        .join(target, JOIN.LEFT_OUTER, on=(Alert.escalated_to == target.id))
    ), owner


def _to_row(r: dict) -> AlertRow:
    evidence = r["evidence"]
    if isinstance(evidence, str):  # .dicts() skips the field converter on some paths
        import json

        evidence = json.loads(evidence)
    return AlertRow(
        id=r["id"],
        account_id=r["account"],
        account_name=r["account_name"],
        account_external_id=r["account_external_id"],
        owner=r["owner_login"],
        rule=r["rule"],
        severity=r["severity"],
        status=r["status"],
        reason=r["reason"],
        evidence=evidence or {},
        first_seen=r["first_seen"],
        last_seen=r["last_seen"],
        snoozed_until=r["snoozed_until"],
        snooze_reason=r["snooze_reason"],
        acknowledged_by=r["acker_login"],
        resolved_by=r["resolved_by"],
        resolution_note=r["resolution_note"],
        escalated_to=r["target_login"],
        escalated_at=r["escalated_at"],
        reopen_note=r["reopen_note"],
    )


def list_alerts(
    viewer: Viewer,
    *,
    statuses: Iterable[str] = ACTIVE_STATUSES,
    rule: str | None = None,
    severity: str | None = None,
    owner: str | None = None,
    escalated_to_me: bool = False,
) -> list[AlertRow]:
    """Alerts on accounts `viewer` may see, red first, then the oldest first.

    `owner` narrows to one account owner's login; `escalated_to_me` to the
    alerts escalated to the viewer.
    """
    statuses = tuple(statuses)
    bad = [s for s in statuses if s not in ALERT_STATUSES]
    if bad:
        raise UsageError(f"unknown alert status {bad[0]!r} (use {', '.join(ALERT_STATUSES)})")
    if severity is not None and severity not in SEVERITIES:
        raise UsageError(f"unknown severity {severity!r} (use {', '.join(SEVERITIES)})")
    query, owner_alias = _base_query()
    query = query.where(Alert.status.in_(statuses))
    if rule:
        query = query.where(Alert.rule == rule)
    if severity:
        query = query.where(Alert.severity == severity)
    if owner:
        query = query.where(owner_alias.login == owner)
    if escalated_to_me:
        query = query.where(Alert.escalated_to == viewer.user_id) if viewer.user_id else query.where(False)
    red_first = Case(None, [(Alert.severity == "red", 0)], 1)
    query = scope_accounts(query, viewer).order_by(red_first, Alert.first_seen, Alert.id)
    return [_to_row(r) for r in query.dicts()]


def alerts_on(account_ids, statuses: Iterable[str] = ACTIVE_STATUSES) -> dict[int, list[AlertRow]]:
    """{account_id: its alerts in `statuses`, red first, then the oldest}, for accounts the
    caller has access-checked (the account card, a handover's briefs)."""
    found: dict[int, list[AlertRow]] = {}
    red_first = Case(None, [(Alert.severity == "red", 0)], 1)
    for part in chunks(account_ids):
        query, _ = _base_query()
        query = query.where(Alert.account.in_(part) & Alert.status.in_(tuple(statuses)))
        for r in query.order_by(red_first, Alert.first_seen, Alert.id).dicts():
            found.setdefault(r["account"], []).append(_to_row(r))
    return found


def alert_counts(viewer: Viewer) -> dict[str, int]:
    """`{"red": n, "yellow": n, "snoozed": n}` over the alerts the viewer may see on accounts in
    the book: the figures of `kpi_facts.alert_figures` (red and yellow count open and
    acknowledged ones; `snoozed` the red ones snoozed, silenced but still there)."""
    ((red, yellow, snoozed, _escalations),) = kpi_facts.alert_figures(viewer)
    return {"red": int(red or 0), "yellow": int(yellow or 0), "snoozed": int(snoozed or 0)}


def get_alert(viewer: Viewer, alert_id: int) -> AlertRow:
    """One alert the viewer may see; `NotFound` otherwise."""
    query, _ = _base_query()
    found = scope_accounts(query.where(Alert.id == alert_id), viewer).dicts().first()
    if found is None:
        raise NotFound(f"no alert #{alert_id}")
    return _to_row(found)


def _load_for_change(viewer: Viewer, alert_id: int) -> Alert:
    visible = scope_accounts(Alert.select(Alert.id).join(Account).where(Alert.id == alert_id), viewer)
    alert = Alert.select().where(Alert.id.in_(visible)).first()
    if alert is None:
        raise NotFound(f"no alert #{alert_id}")
    return alert


def _change(viewer: Viewer, alert_id: int, action: str, apply) -> AlertRow:
    """Load, check, change, audit, all in one transaction; the fresh row back."""
    with database.atomic():
        alert = _load_for_change(viewer, alert_id)
        changes = apply(alert)
        alert.save()
        audit.record(viewer.actor, action, "alert", alert.id, changes)
    return get_alert(viewer, alert_id)


def _require_active(alert: Alert, verb: str) -> None:
    if alert.status == "resolved":
        raise UsageError(f"alert #{alert.id} is resolved; nothing to {verb}")


def acknowledge(viewer: Viewer, alert_id: int) -> AlertRow:
    """Mark the alert as seen and being handled (it stays in the counts)."""

    def apply(alert: Alert) -> dict:
        _require_active(alert, "acknowledge")
        before = alert.status
        alert.status = "acknowledged"
        alert.acknowledged_by = viewer.user_id
        alert.acknowledged_at = now()
        return {"status": [before, "acknowledged"]}

    return _change(viewer, alert_id, "acknowledge", apply)


def snooze(viewer: Viewer, alert_id: int, until: dt.date, reason: str) -> AlertRow:
    """Silence the alert until `until` (a future date) for a stated reason."""
    reason = clean_text(reason or "", multiline=True).strip()
    problems = []
    if until is None:
        problems.append("a date to snooze until is required")
    elif until <= today():
        problems.append(f"snooze until {until.isoformat()} is not in the future")
    elif (until - today()).days > (limit := loaded().thresholds.snooze_max_days):
        latest = today() + dt.timedelta(days=limit)
        problems.append(f"a snooze lasts at most {limit} days (until {latest.isoformat()} at the latest; "
                        "the config's thresholds.snooze_max_days)")
    if not reason:
        problems.append("a reason for the snooze is required")
    if problems:
        raise UsageError("; ".join(problems))

    def apply(alert: Alert) -> dict:
        _require_active(alert, "snooze")
        before = alert.status
        alert.status = "snoozed"
        alert.snoozed_until = dt.datetime.combine(until, dt.time())
        alert.snooze_reason = reason
        return {"status": [before, "snoozed"], "snoozed_until": until.isoformat(), "snooze_reason": reason}

    return _change(viewer, alert_id, "snooze", apply)


def resolve(viewer: Viewer, alert_id: int, note: str) -> AlertRow:
    """Close the alert by hand with a note saying what was done.

    While the condition holds at the same or a lower severity the alert stays
    resolved (the scan does not raise it again); it reopens, with a note saying
    why, when the condition worsens, or when it clears and later returns.
    """
    note = clean_text(note or "", multiline=True).strip()
    if not note:
        raise UsageError("a resolution note is required")

    def apply(alert: Alert) -> dict:
        _require_active(alert, "resolve")
        if alert.rule == "departure_intent" and not _visited_after_intent(alert):
            raise UsageError(DEPARTURE_NEEDS_VISIT)
        before = alert.status
        alert.status = "resolved"
        alert.resolved_by = viewer.actor
        alert.resolved_at = now()
        alert.resolution_note = note
        # Remembered so the scan keeps it resolved while the condition holds no worse.
        alert.resolved_severity = alert.severity
        alert.cleared_at = None
        return {"status": [before, "resolved"], "note": note}

    return _change(viewer, alert_id, "resolve", apply)


def _visited_after_intent(alert: Alert) -> bool:
    """Whether a visit followed the latest intent to leave (read from the records: the evidence
    of an alert raised from a confidential record does not carry its date)."""
    touches = Activity.select(fn.MAX(Activity.occurred_at)).where(Activity.account == alert.account_id)
    intent = touches.where(Activity.intent_to_leave == True).scalar()  # noqa: E712
    if intent is None:
        return True
    if isinstance(intent, str):
        intent = dt.datetime.fromisoformat(intent)
    return touches.where((Activity.kind == "visit") & (Activity.occurred_at > intent)).scalar() is not None


def escalation_target(to_login: str) -> User:
    """The active person a typed login names, whatever its case; `NotFound` with the closest login otherwise."""
    target = users.find_login(to_login, active_only=False)
    if target is None:
        raise NotFound(users.unknown_login(to_login))
    if not target.active:
        raise UsageError(f"{target.login} is deactivated: escalate to someone else")
    return target


def escalate(viewer: Viewer, alert_id: int, to_login: str | None = None, note: str | None = None) -> AlertRow:
    """Hand the alert up to `to_login` (any case), by default the account owner's manager, with an optional note."""
    note = clean_text(note or "", multiline=True).strip() or None
    if note and len(note) > MAX_NOTE:
        raise UsageError(f"the note is too long: {len(note)} characters, at most {MAX_NOTE}")
    target = escalation_target(to_login) if to_login else None

    def apply(alert: Alert) -> dict:
        _require_active(alert, "escalate")
        chosen = target or _owners_manager(alert)
        alert.escalated_to = chosen.id
        alert.escalated_at = now()
        alert.escalated_by = viewer.actor
        return {"escalated_to": chosen.login, **({"note": note} if note else {})}

    return _change(viewer, alert_id, "escalate", apply)


#: The longest note an escalation keeps (it travels in the audit entry).
MAX_NOTE = 2000


def _owners_manager(alert: Alert) -> User:
    owner = alert.account.owner
    manager = owner.manager if owner is not None else None
    if manager is None or not manager.active:
        raise UsageError(f"{alert.account.name}: the account owner has no manager; name someone to escalate to")
    return manager


def escalate_problem(viewer: Viewer, alert_ids: Iterable[int], to_login: str | None) -> str | None:
    """Why escalating these alerts to `to_login` (None: each owner's manager) would be refused, before
    anything is written; None when it would go through. What a form checks before it closes."""
    if to_login:
        try:
            escalation_target(to_login)
        except (NotFound, UsageError) as exc:
            return str(exc)
        return None
    for alert in _visible_alerts(viewer, alert_ids):
        try:
            _owners_manager(alert)
        except UsageError as exc:
            return str(exc)
    return None


def resolve_problem(viewer: Viewer, alert_ids: Iterable[int]) -> str | None:
    """Why resolving these alerts by hand would be refused (a departure intent with no visit
    since), before anything is written; None when it would go through."""
    for alert in _visible_alerts(viewer, alert_ids):
        if alert.rule == "departure_intent" and alert.status != "resolved" and not _visited_after_intent(alert):
            return f"{alert.account.name}: {DEPARTURE_NEEDS_VISIT}"
    return None


DEPARTURE_NEEDS_VISIT = "a departure intent is resolved by a visit logged after it (must-visit); log the visit first"


def _visible_alerts(viewer: Viewer, alert_ids: Iterable[int]) -> list[Alert]:
    found: list[Alert] = []
    for part in chunks(list(alert_ids)):
        visible = scope_accounts(Alert.select(Alert.id).join(Account).where(Alert.id.in_(part)), viewer)
        found.extend(Alert.select(Alert, Account).join(Account).where(Alert.id.in_(visible)).order_by(Alert.id))
    return found


@dataclass(frozen=True)
class Escalation:
    """One escalation of an alert: who handed it to whom, when, and why."""

    by: str
    to: str
    at: dt.datetime
    note: str | None = None
    #: Escalated by the scan (a red alert left open too long).
    auto: bool = False


def escalations(viewer: Viewer, alert_ids: Iterable[int]) -> dict[int, list[Escalation]]:
    """{alert_id: every escalation of it, oldest first} for the alerts the viewer may see (from the audit log)."""
    ids = [a.id for a in _visible_alerts(viewer, alert_ids)]
    found: dict[int, list[Escalation]] = {}
    for part in chunks(ids):
        query = (
            AuditLog.select(AuditLog.row_id, AuditLog.actor, AuditLog.changes, AuditLog.at)
            .where((AuditLog.table == "alert") & (AuditLog.action == "escalate") & AuditLog.row_id.in_(part))
            .order_by(AuditLog.at, AuditLog.id)
        )
        for entry in query:
            changes = entry.changes or {}
            found.setdefault(entry.row_id, []).append(
                Escalation(by=entry.actor, to=str(changes.get("escalated_to") or "?"), at=entry.at,
                           note=changes.get("note"), auto=bool(changes.get("auto")))
            )
    return found
