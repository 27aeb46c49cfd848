"""What the scan writes when it resolves an alert whose condition cleared, or reopens one a
person resolved: the notes people read on the alert and in its audit trail."""

from __future__ import annotations

import datetime as dt

import peewee

from acct_tui.core.facts import AccountFacts
from acct_tui.core.rules import Signal
from acct_tui.models import Activity, User
from acct_tui.services.query import as_datetime


#: Severities in rising order: a resolved alert reopens only for a worse one.
_RANK = {"yellow": 1, "red": 2}


def reopen_note(row: tuple, signal: Signal, now: dt.datetime) -> str | None:
    """Why a resolved alert reopens now; None while it should stay resolved."""
    _, _, _, severity, cleared_at, who, when = row
    resolved = f"{who} resolved it on {as_datetime(when).date().isoformat()}" if when else f"{who} resolved it"
    if cleared_at is not None:
        return (f"Reopened on {now.date().isoformat()}: the condition cleared on "
                f"{as_datetime(cleared_at).date().isoformat()} after {resolved}, and has come back")
    if _RANK.get(signal.severity, 0) > _RANK.get(severity, 0):
        return f"Reopened on {now.date().isoformat()}: worse than when {resolved} ({severity} → {signal.severity})"
    return None


def cleared_note(rule_id: str, f: AccountFacts | None) -> str:
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
