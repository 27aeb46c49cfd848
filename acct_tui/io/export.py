"""`acct-tui export accounts|activities|alerts|cases`: what a user may see, as rows.

Every query goes through `services/access.py`: accounts by `scope_accounts`,
activities by `scope_activities` (which also hides confidential records from
everyone but their author, the author's lead and the operator), alerts and
cases by the visible account ids. References are written as logins and
external ids, like every JSON listing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from peewee import JOIN

from acct_tui.enums import ALERT_STATUSES
from acct_tui.models import Account, Activity, CustomerCase, Contact, User
from acct_tui.services import accounts as account_service
from acct_tui.services.access import Viewer, scope_activities, visible_account_ids

KINDS = ("accounts", "activities", "alerts", "cases")


@dataclass(frozen=True)
class ActivityExport:
    id: int
    external_id: str | None
    account: str
    account_external_id: str | None
    kind: str
    occurred_at: dt.datetime
    author: str | None
    contact: str | None
    subject: str
    summary: str | None
    outcome: str | None
    sentiment: int | None
    duration_min: int | None
    intent_to_leave: bool
    confidential: bool


#: The alert export's columns, in order: the Alerts screen's row
#: (`services.alerts.AlertRow`), with the account named `account`.
ALERT_COLUMNS = (
    "id", "account", "account_external_id", "owner", "rule", "severity", "status", "reason", "evidence",
    "first_seen", "last_seen", "snoozed_until", "acknowledged_by", "resolved_by", "resolution_note", "escalated_to",
)


@dataclass(frozen=True)
class CaseExport:
    id: int
    external_id: str | None
    account: str
    account_external_id: str | None
    subject: str
    severity: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    escalated: bool


def export_accounts(viewer: Viewer) -> list[account_service.AccountRow]:
    return account_service.list_accounts(viewer)


def export_activities(viewer: Viewer) -> list[ActivityExport]:
    """Visible, readable activities, newest first."""
    query = (
        Activity.select(
            Activity, Account.name.alias("account_name"), Account.external_id.alias("account_external_id"),
            User.login.alias("author_login"), Contact.name.alias("contact_name"),
        )
        .join(Account, on=(Activity.account == Account.id))
        .switch(Activity)
        .join(User, JOIN.LEFT_OUTER, on=(Activity.author == User.id))
        .switch(Activity)
        .join(Contact, JOIN.LEFT_OUTER, on=(Activity.contact == Contact.id))
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
    )
    return [
        ActivityExport(
            id=r["id"], external_id=r["external_id"], account=r["account_name"],
            account_external_id=r["account_external_id"], kind=r["kind"], occurred_at=r["occurred_at"],
            author=r["author_login"], contact=r["contact_name"], subject=r["subject"], summary=r["summary"],
            outcome=r["outcome"], sentiment=r["sentiment"], duration_min=r["duration_min"],
            intent_to_leave=bool(r["intent_to_leave"]), confidential=bool(r["confidential"]),
        )
        for r in scope_activities(query, viewer).dicts()
    ]


def export_alerts(viewer: Viewer) -> list[dict]:
    """Every alert (all statuses) on visible accounts, red first, then oldest first.

    The rows are the alerts service's own (`AlertRow`), so the scoping and
    order match the Alerts screen; the evidence is written as compact JSON text.
    """
    from acct_tui.services.alerts import list_alerts

    rows = []
    for alert in list_alerts(viewer, statuses=ALERT_STATUSES):
        row = {column: getattr(alert, column, None) for column in ALERT_COLUMNS}
        row.update(account=alert.account_name, evidence=json.dumps(alert.evidence, sort_keys=True, default=str))
        rows.append(row)
    return rows


def export_cases(viewer: Viewer) -> list[CaseExport]:
    """Cases on visible accounts, newest first."""
    query = (
        CustomerCase.select(CustomerCase, Account.name.alias("account_name"), Account.external_id.alias("account_external_id"))
        .join(Account, on=(CustomerCase.account == Account.id))
        .where(CustomerCase.account.in_(visible_account_ids(viewer)))
        .order_by(CustomerCase.opened_at.desc(), CustomerCase.id.desc())
        .dicts()
    )
    return [
        CaseExport(
            id=r["id"], external_id=r["external_id"], account=r["account_name"],
            account_external_id=r["account_external_id"], subject=r["subject"], severity=r["severity"],
            opened_at=r["opened_at"], closed_at=r["closed_at"], escalated=bool(r["escalated"]),
        )
        for r in query
    ]


EXPORTERS = {
    "accounts": export_accounts,
    "activities": export_activities,
    "alerts": export_alerts,
    "cases": export_cases,
}
