"""The audit trail: who changed what, when. Every user-visible change writes here."""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
from typing import Any

from acct_tui.clock import now
from acct_tui.models import AuditLog
from acct_tui.services.query import chunks


@dataclass(frozen=True)
class AuditRow:
    id: int
    actor: str
    action: str
    table: str
    row_id: int | None
    changes: dict[str, Any]
    at: dt.datetime


def record(actor: str, action: str, table: str, row_id: int | None, changes: dict[str, Any] | None = None) -> None:
    """Append one entry; call inside the transaction that made the change."""
    AuditLog.create(actor=actor, action=action, table=table, row_id=row_id, changes=changes or {}, at=now())


def record_many(entries: list[dict[str, Any]]) -> None:
    """Append many entries at once (scans, handovers); each dict has record()'s arguments."""
    if not entries:
        return
    stamp = now()
    rows = [dict(e, changes=e.get("changes") or {}, at=e.get("at", stamp)) for e in entries]
    for part in chunks(rows, columns=6):
        AuditLog.insert_many(part).execute()


def history(table: str, row_id: int) -> list[AuditRow]:
    query = AuditLog.select().where((AuditLog.table == table) & (AuditLog.row_id == row_id)).order_by(AuditLog.at, AuditLog.id)
    return [AuditRow(r.id, r.actor, r.action, r.table, r.row_id, r.changes, r.at) for r in query]
