"""The one place the UI reaches the risk engine (services.alerts, services.scan).

The risk engine lands on its own branch; until it does, these functions
answer "unknown" (None) instead of failing, so the shell, its header counts
and the background scan work either way. Nothing else in the UI imports
those two services directly for the shell's purposes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

try:  # guarded until the risk branch is merged into main
    from acct_tui.services import alerts as _alerts
except ImportError:  # pragma: no cover - depends on what has landed
    _alerts = None
try:
    from acct_tui.services import scan as _scan
except ImportError:  # pragma: no cover
    _scan = None


@dataclass(frozen=True)
class ScanOutcome:
    """What a background scan reports to the app."""

    summary: Any  # services.scan.ScanSummary
    new_red: tuple[Any, ...]  # AlertRow of new red alerts the viewer may see
    counts: dict[str, int] | None


def alerts_available() -> bool:
    return _alerts is not None


def scan_available() -> bool:
    return _scan is not None


def alert_counts(viewer) -> dict[str, int] | None:
    """{"red": n, "yellow": n} of the viewer's open alerts, or None when unknown."""
    if _alerts is None:
        return None
    return _alerts.alert_counts(viewer)


def scan(viewer, now: datetime) -> ScanOutcome | None:
    """Run one scan of every account (own connection; safe in a thread), or None."""
    if _scan is None:
        return None
    from acct_tui.db import database

    summary = _scan.scan_all(now=now)
    with database.connection_context():
        new_red: tuple[Any, ...] = ()
        if summary.new_red and _alerts is not None:
            wanted = set(summary.new_red)
            new_red = tuple(row for row in _alerts.list_alerts(viewer) if row.id in wanted)
        counts = _alerts.alert_counts(viewer) if _alerts is not None else None
    return ScanOutcome(summary=summary, new_red=new_red, counts=counts)
