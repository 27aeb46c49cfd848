"""The app's part of the risk scan: when to scan, the scan's child process, what the app shows after.

The scan itself never runs in the app's interpreter: a thread worker starts
it in a child process (`services.scan_child`) and waits, and the child sends
back only the summary, the header's counts and the first few new red alerts.
One scan at a time: asking while one runs queues one more, which starts when
it ends (a save's rescan is never lost, and never cuts a scan short).

On PostgreSQL the app also listens for scans finished elsewhere (`LISTEN
acct_tui_scan`, on a connection of its own) and reloads when one is
announced; and while a headless scanner (`acct-tui scan --watch`) holds its
marker, the app does not scan at all (`services/scan_watch.py`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from acct_tui import clock
from acct_tui.ui import risk_bridge
from acct_tui.ui.background import call


class BackgroundScan:
    """Mixed into `AcctApp`: `run_scan`, the timers that call it, and what follows a scan."""

    #: Seconds after start before the first background scan.
    FIRST_SCAN_DELAY = 5.0

    @dataclass
    class Finished(Message):
        """A background scan is done; `outcome` is None when another scanner held the lock."""

        outcome: risk_bridge.ScanOutcome | None

    @dataclass
    class Announced(Message):
        """A scan finished elsewhere (PostgreSQL `NOTIFY`); `payload` is its JSON summary."""

        payload: str

    def init_scanning(self) -> None:
        #: A scan was asked for while one ran: it starts when that one ends.
        self._scan_queued = False
        #: Set once the app listens for scans finished elsewhere (PostgreSQL).
        self.listening_for_scans = threading.Event()

    def start_scanning(self) -> None:
        """The first scan (after the first screen's own loading), the periodic ones, and the listener."""
        if self.viewer.may_scan:
            self.set_timer(self.FIRST_SCAN_DELAY, self.run_scan, name="first-scan")
        self.set_interval(self.config.scan_interval_minutes * 60, self._periodic, name="scan")
        self.listen_for_scans()

    def _periodic(self) -> None:
        self.listen_for_scans()  # again, if a lost connection ended it
        # On a team database the operator's scanner scans; the app reloads what it wrote.
        if self.viewer.may_scan:
            self.run_scan()
        else:
            self.data_changed()

    def _scan_running(self) -> bool:
        return any(worker.group == "scan" and not worker.is_finished for worker in self.workers)

    def listen_for_scans(self) -> None:
        """On PostgreSQL, hear of every scan finished elsewhere and reload (a thread worker, its own connection)."""
        if risk_bridge.on_postgres() and not any(w.group == "scan-listen" and not w.is_finished for w in self.workers):
            self._listen_worker()

    @work(thread=True, exclusive=True, group="scan-listen", exit_on_error=False)
    def _listen_worker(self) -> None:
        self.listening_for_scans.clear()
        risk_bridge.listen(
            get_current_worker().cancelled_event, lambda payload: self.post_message(self.Announced(payload)), self.listening_for_scans.set,
        )

    def on_background_scan_announced(self, message: Announced) -> None:
        if not self._scan_running():  # our own scan's outcome is on its way
            self.data_changed()

    def run_scan(self) -> None:
        """Start a background risk scan now, or once the running one ends (one at a time).

        On a team database only the operator scans (`Viewer.may_scan`): for
        anyone else this does nothing (the save already reloaded the screens).
        """
        if not self.viewer.may_scan:
            return
        if self._scan_running():
            self._scan_queued = True
            return
        self._scan_queued = False
        self._scan_worker()

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _scan_worker(self) -> None:
        if call(risk_bridge.headless_scanner_running):
            return  # the operator's scanner scans; its NOTIFY reloads this app
        # The clock is read here, not in the child: a pinned clock (tests, --now) is the scan's moment.
        outcome = risk_bridge.scan(self.viewer, clock.now(), self.risk_settings)
        self.post_message(self.Finished(outcome))

    def on_background_scan_finished(self, message: Finished) -> None:
        outcome = message.outcome
        if outcome is None:
            return
        self._notify_new_red(outcome)
        self.alert_counts = outcome.counts
        self.data_version += 1

    def _notify_new_red(self, outcome: risk_bridge.ScanOutcome) -> None:
        # A first scan of a big book can raise thousands: one toast each would bury the screen.
        alerts, total = outcome.new_red, outcome.red_total
        if total <= risk_bridge.MAX_RED_TOASTS:
            for alert in alerts:
                self.notify(f"{alert.account_name}: {alert.reason}", title="New red alert", severity="error", timeout=10, markup=False)
            return
        names = ", ".join(alert.account_name for alert in alerts[:risk_bridge.MAX_RED_TOASTS])
        self.notify(
            f"{names} and {total - risk_bridge.MAX_RED_TOASTS:,} more (5: Alerts)", title=f"{total:,} new red alerts", severity="error",
            timeout=10, markup=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "scan-listen" and event.state == WorkerState.ERROR:
            self.notify(f"Not hearing of other scans: {event.worker.error}", severity="warning", timeout=10, markup=False)
        if event.worker.group != "scan" or not event.worker.is_finished:
            return
        if event.state == WorkerState.ERROR:
            self.notify(f"The risk scan failed: {event.worker.error}", severity="error", timeout=10, markup=False)
        if self._scan_queued and event.state != WorkerState.CANCELLED:
            self.run_scan()
