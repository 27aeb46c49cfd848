"""`acct-tui scan --watch` on PostgreSQL: holds the headless scanner's marker while it runs, announces each scan."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from acct_tui.db import database
from acct_tui.services import scan_watch
from tests import factories
from tests.conftest import open_backend


def test_the_headless_scanner_holds_its_marker_and_notifies_each_scan(tmp_path):
    url = open_backend("postgres", tmp_path)
    with database.connection_context():
        factories.org()
    with scan_watch.own_connection() as listener:
        listener.execute(f"LISTEN {scan_watch.CHANNEL}")
        watcher = subprocess.Popen(
            [sys.executable, "-m", "acct_tui", "scan", "--watch", "--interval", "3600", "--db", url, "--now", "2026-11-20T10:00"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            first = watcher.stdout.readline()  # the first scan is done: the marker was taken before it
            assert "scanned 8 accounts" in first, (first, watcher.stderr.read() if watcher.poll() is not None else "")
            with database.connection_context():
                assert scan_watch.headless_scanner_running()
            notes = list(listener.notifies(timeout=10, stop_after=1))
            assert [json.loads(n.payload)["accounts"] for n in notes] == [8]
        finally:
            watcher.send_signal(signal.SIGTERM)
            out, err = watcher.communicate(timeout=30)
    assert watcher.returncode == 0 and "scanner stopped" in out, err
    with database.connection_context():
        assert not scan_watch.headless_scanner_running()  # the server let go of it with the connection
    database.close()
