"""The app's risk scan in a child process, so a whole-book scan never shares the UI's interpreter.

At 100,000 accounts a scan holds hundreds of megabytes of facts, and its
garbage collections pause every thread of the process it runs in, the event
loop included. `scan_in_child` runs `scan_for` in a fresh interpreter
(`python -c CHILD`: nothing of the app is inherited) that opens
its own connection from the URL the app connected with (`db.connect`, so the
same pragmas, and on PostgreSQL the same role), installs the app's risk
settings and its clock, scans at the moment it is given, and sends back only
what the app shows: the header's counts and the first few new red alerts this
viewer may see, with how many there were.

A child that fails, dies or exits without an answer raises `ScanFailed` with
the reason. When the waiting thread is told to stop (the app quits), the
child is terminated: every chunk of the scan is its own transaction, so a
scan cut short leaves whole chunks written and none half-written.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from acct_tui import clock
from acct_tui.core.settings import RiskSettings, use as use_settings
from acct_tui.db import database, translate_error
from acct_tui.errors import AcctError
from acct_tui.services import alerts as alerts_service
from acct_tui.services.facts import PARALLEL_QUERIES
from acct_tui.services.query import is_postgres
from acct_tui.services.scan import scan_all

#: The child's program: this module's `_child_main`, imported by name so its answer unpickles here.
CHILD = "from acct_tui.services.scan_child import _child_main; _child_main()"
#: How often the waiting thread looks up to see whether it was told to stop.
POLL_SECONDS = 0.2


class ScanFailed(AcctError):
    """The scan's child process failed, died, or ended without an answer."""


@dataclass(frozen=True)
class ScanOutcome:
    """What a scan reports to the app: its summary, the new red alerts to show, the header's counts."""

    summary: Any  # services.scan.ScanSummary
    #: AlertRow of new red alerts this viewer may see (the first `keep_red` of them).
    new_red: tuple[Any, ...]
    counts: dict[str, int] | None
    #: How many new red alerts this viewer may see in all (None: `len(new_red)`).
    new_red_total: int | None = None

    @property
    def red_total(self) -> int:
        return len(self.new_red) if self.new_red_total is None else self.new_red_total


def scan_for(viewer, now: datetime, settings: RiskSettings | None = None, keep_red: int | None = None,
             fetchers: int = PARALLEL_QUERIES) -> ScanOutcome | None:
    """Scan every account at `now` here (own connection), and what `viewer` should be told of it.

    None when another scanner held the lock and this one skipped.
    """
    summary = scan_all(now=now, settings=settings, fetchers=fetchers)
    if summary.skipped:
        return None
    with database.connection_context():
        new_red: tuple[Any, ...] = ()
        if summary.new_red:
            wanted = set(summary.new_red)
            new_red = tuple(row for row in alerts_service.list_alerts(viewer, severity="red") if row.id in wanted)
        counts = alerts_service.alert_counts(viewer)
    total = len(new_red)
    return ScanOutcome(summary=summary, new_red=new_red if keep_red is None else new_red[:keep_red], counts=counts, new_red_total=total)


def scan_in_child(
    viewer, now: datetime, settings: RiskSettings | None = None, *, keep_red: int | None = None,
    stop: threading.Event | None = None,
) -> ScanOutcome | None:
    """`scan_for` in a child process on the database `database` is connected to; blocks until it answers.

    Returns None when another scanner held the lock, or when `stop` was set
    (the child is then terminated). Raises `ScanFailed` naming the reason.
    """
    url = getattr(database.obj, "acct_url", None)
    if url is None:
        raise ScanFailed("no database is open")
    job = pickle.dumps((url, viewer, now, clock.pinned(), settings, keep_red))
    # A plain subprocess, not multiprocessing: its pipes are its own, whatever the app did to sys.stdout and sys.stderr.
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        sent = False
        while True:
            try:
                out, err = child.communicate(None if sent else job, timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                sent = True  # communicate keeps what it read and what is left to send
                if stop is not None and stop.is_set():
                    return None
    finally:
        if child.poll() is None:
            child.terminate()
            child.wait()
    return _answer(child.returncode, out, err)


def _answer(code: int, out: bytes, err: bytes) -> ScanOutcome | None:
    if code == 0 and out:
        kind, value = pickle.loads(out)
        if kind == "failed":
            raise ScanFailed(value)
        return value
    lines = err.decode(errors="replace").strip().splitlines()
    said = f": {lines[-1]}" if lines else ""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        raise ScanFailed(f"the scan process was killed ({name}){said}")
    raise ScanFailed(f"the scan process exited with status {code} and no answer{said}")


#: How far the child steps aside for the app (`os.nice`): the scan is background work, the app the person at the keys.
NICENESS = 10


def _step_aside() -> int:
    """Run at a lower CPU priority than the app (where the system has priorities: POSIX); the
    connections to gather the scan's facts with.

    On two cores the scan's threads, and on PostgreSQL the server's processes answering them, kept
    every core busy, and the app's event loop, waking for a key or a timer, waited behind them.
    At a lower priority the child gives the app a core at once. The server's processes keep
    theirs, so on PostgreSQL the child gathers on one connection, not `PARALLEL_QUERIES`: at
    100,000 accounts the event loop woke at most 9-13 ms late, not 15-39 ms, and the scan took
    13-19 s, not 11-12 (measured)."""
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    return 1 if is_postgres() else PARALLEL_QUERIES


def _child_main() -> None:
    """The child: read the job on stdin, connect as the app did, scan, write one answer on stdout.

    The answer is ("done", outcome) or ("failed", reason); anything else printed goes to stderr.
    """
    answer_to = sys.stdout.buffer
    sys.stdout = sys.stderr
    url, viewer, now, pinned, settings, keep_red = pickle.loads(sys.stdin.buffer.read())
    from acct_tui import db

    try:
        clock.pin(pinned)
        use_settings(settings)
        db.connect(url)
        answer: tuple[str, Any] = ("done", scan_for(viewer, now, settings, keep_red, fetchers=_step_aside()))
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the app as one line
        known = translate_error(exc)
        answer = ("failed", str(known) if known is not None else f"{type(exc).__name__}: {exc}")
    answer_to.write(pickle.dumps(answer))
    answer_to.flush()

