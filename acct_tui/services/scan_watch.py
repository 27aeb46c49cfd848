"""A headless scanner and the apps on a PostgreSQL database: who scans, and how the apps hear of it.

- `acct-tui scan --watch` holds a session advisory lock (`WATCH_LOCK_KEY`) on
  a connection of its own for as long as it runs (`watching`). The server
  lets go of it when that connection ends, a crash or a killed process
  included, so there is no heartbeat row to go stale. An app asks
  `headless_scanner_running` (is that lock granted to anyone, in `pg_locks`)
  before each scan of its own, and does not scan while it is.
- Every scan that wrote (not one skipped for another scanner's lock) sends
  `NOTIFY acct_tui_scan` (`notify_finished`) with a small JSON summary.
  Apps `LISTEN` on a connection of their own (`listen`) and reload.

On SQLite none of this applies: each app scans in its own child process.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import peewee

from acct_tui.db import database

#: The channel a finished scan is announced on.
CHANNEL = "acct_tui_scan"
#: The advisory lock a headless scanner (`scan --watch`) holds while it runs ("ACTW").
WATCH_LOCK_KEY = 0x41435457
#: How often a listener looks up to see whether it was told to stop.
POLL_SECONDS = 0.5


def on_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def own_connection():
    """A psycopg connection of its own (autocommit), with the parameters the app's database was opened with."""
    import psycopg

    db = database.obj
    return psycopg.connect(dbname=db.database, autocommit=True, **db.connect_params)


class Marker:
    """The headless scanner's marker: a session advisory lock on a connection of its own (PostgreSQL)."""

    def __init__(self) -> None:
        self.conn = None
        self.held = False

    def take(self) -> bool:
        """Take the marker, or check it is still held; whether this process holds it.

        Called before every scan: a connection lost to a server restart is
        opened again and the marker taken again, so the apps do not start
        scanning beside a scanner that is still running. False on SQLite,
        and while another headless scanner holds it.
        """
        if not on_postgres():
            return False
        import psycopg

        for _attempt in range(2):  # once more on a fresh connection if the old one was lost
            try:
                if self.conn is None or self.conn.closed:
                    self.conn, self.held = own_connection(), False
                if self.held:
                    self.conn.execute("SELECT 1")
                else:
                    self.held = bool(self.conn.execute("SELECT pg_try_advisory_lock(%s)", (WATCH_LOCK_KEY,)).fetchone()[0])
                return self.held
            except psycopg.OperationalError:
                self.release()
        return False

    def release(self) -> None:
        """Let go of the marker (closing its connection does)."""
        if self.conn is not None:
            self.conn.close()
        self.conn, self.held = None, False


@contextmanager
def watching() -> Iterator[Marker]:
    """Hold the headless scanner's marker while the block runs (`Marker.take` again before each scan).

    `marker.held` is False when another headless scanner already holds it
    (this one still scans: the scan lock keeps the two from writing the same
    scan). Nothing on SQLite.
    """
    marker = Marker()
    marker.take()
    try:
        yield marker
    finally:
        marker.release()


def headless_scanner_running() -> bool:
    """Whether some process holds the headless scanner's marker (always False on SQLite)."""
    if not on_postgres():
        return False
    # A bigint advisory key shows in pg_locks as classid (high half), objid (low half), objsubid 1.
    row = database.execute_sql(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
        "AND classid = %s AND objid = %s AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
        (WATCH_LOCK_KEY >> 32, WATCH_LOCK_KEY & 0xFFFFFFFF),
    ).fetchone()
    return bool(row[0])


def notify_finished(summary) -> None:
    """Announce a finished scan to every listening app (PostgreSQL; on the caller's connection)."""
    if not on_postgres():
        return
    payload = {"accounts": summary.accounts, "opened": summary.opened, "resolved": summary.resolved, "new_red": len(summary.new_red)}
    database.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, json.dumps(payload)))


def listen(stop: threading.Event, on_scan: Callable[[str], None], ready: Callable[[], None] | None = None) -> None:
    """Call `on_scan(payload)` for every finished scan until `stop` is set (blocks; from a thread).

    `ready` is called once the LISTEN is in place. A lost connection raises.
    """
    with own_connection() as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        if ready is not None:
            ready()
        while not stop.is_set():
            for note in conn.notifies(timeout=POLL_SECONDS, stop_after=1):
                on_scan(note.payload)
