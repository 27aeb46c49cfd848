"""The one place the shell reaches the risk engine (services.scan_child, scan_watch, alerts).

The header counts and the background scan go through here, so tests can
replace the engine with one `monkeypatch.setattr(risk_bridge, "scan", ...)`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.worker import NoActiveWorker, get_current_worker

from acct_tui.core.settings import RiskSettings
from acct_tui.services import alerts as alerts_service
from acct_tui.services.scan_watch import headless_scanner_running, listen, on_postgres

if TYPE_CHECKING:
    from acct_tui.services.scan_child import ScanOutcome

__all__ = ["MAX_RED_TOASTS", "ScanOutcome", "alert_counts", "headless_scanner_running", "listen", "on_postgres", "scan"]


def __getattr__(name: str):
    # The scan's machinery (services.scan and all it reads) loads with the first scan, not on
    # every start's way to the first paint: a fifth of the app's own imports.
    if name == "ScanOutcome":
        from acct_tui.services.scan_child import ScanOutcome

        return ScanOutcome
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: New red alerts from one scan notified one by one; more are summed up in one notification.
MAX_RED_TOASTS = 3


def alert_counts(viewer) -> dict[str, int] | None:
    """{"red": n, "yellow": n} of the viewer's open and acknowledged alerts."""
    return alerts_service.alert_counts(viewer)


def scan(viewer, now: datetime, settings: RiskSettings | None = None) -> ScanOutcome | None:
    """Run one scan of every account in a child process, and wait for it (from a thread worker).

    None when another scanner held the lock and this one skipped, or when the
    worker was cancelled (the app is closing: the child is stopped).
    """
    from acct_tui.services.scan_child import scan_in_child

    try:
        stop = get_current_worker().cancelled_event
    except NoActiveWorker:
        stop = None
    return scan_in_child(viewer, now, settings, keep_red=MAX_RED_TOASTS, stop=stop)
