"""The one place the shell reaches the risk engine (services.scan, services.alerts).

The header counts and the background scan go through here, so tests can
replace the engine with one `monkeypatch.setattr(risk_bridge, "scan", ...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from acct_tui.core.settings import RiskSettings
from acct_tui.db import database
from acct_tui.services import alerts as alerts_service
from acct_tui.services import scan_process


@dataclass(frozen=True)
class ScanOutcome:
    """What a background scan reports to the app."""

    summary: Any  # services.scan.ScanSummary
    new_red: tuple[Any, ...]  # AlertRow of the new red alerts this viewer may see
    counts: dict[str, int] | None


def alert_counts(viewer) -> dict[str, int] | None:
    """{"red": n, "yellow": n} of the viewer's open and acknowledged alerts."""
    return alerts_service.alert_counts(viewer)


def scan(viewer, now: datetime, settings: RiskSettings | None = None) -> ScanOutcome | None:
    """Run one scan of every account (own connection; safe in a thread; a big book in a child process).

    None when another scanner held the lock and this one skipped.
    """
    summary = scan_process.scan(now, settings)
    if getattr(summary, "skipped", False):
        return None
    with database.connection_context():
        new_red: tuple[Any, ...] = ()
        if summary.new_red:
            wanted = set(summary.new_red)
            new_red = tuple(row for row in alerts_service.list_alerts(viewer) if row.id in wanted)
        counts = alerts_service.alert_counts(viewer)
    return ScanOutcome(summary=summary, new_red=new_red, counts=counts)
