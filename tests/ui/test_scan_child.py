"""The app's risk scan runs in a child process: its result comes back, its failures are said, one runs at a time."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading

import pytest
from textual.worker import WorkerFailed

from acct_tui import clock
from acct_tui.config import Config
from acct_tui.services import access, scan_child
from acct_tui.ui import risk_bridge
from acct_tui.ui.app import AcctApp
from tests import factories
from tests.ui.conftest import settle

#: Not the suite's NOW: the child must scan at the app's pinned moment, not at its own clock.
PINNED = dt.datetime(2026, 11, 23, 8, 30)


def _app(login, tmp_path) -> AcctApp:
    return AcctApp(access.viewer_for(login), config=Config(path=tmp_path / "c.toml"), db_label="test", scan=False)


async def _scan_fails(app, pilot) -> list[str]:
    """Run a scan that is to fail; the error notifications that follow."""
    app.run_scan()
    with pytest.raises(WorkerFailed, match="ScanFailed"):
        await app.workers.wait_for_complete()
    await settle(app, pilot)
    return [str(n.message) for n in app._notifications if n.severity == "error"]


def _in_process_scan_is_forbidden(*args, **kwargs):
    raise AssertionError("the scan ran in the app's own process")


async def test_the_scan_runs_in_a_child_at_the_pinned_moment_and_its_outcome_reaches_the_app(db_url, tmp_path, monkeypatch):
    """On SQLite and on PostgreSQL."""
    from acct_tui.db import database
    from acct_tui.models import Alert

    with database.connection_context():
        org = factories.org()
        factories.activity(org["a1"], "call", dt.datetime(2026, 10, 15, 9))  # strategic, quiet for weeks: red
        factories.activity(org["b1"], "call", dt.datetime(2026, 10, 1, 9))  # an.nguyen's: red, not minh's
    clock.pin(PINNED)
    monkeypatch.setattr(scan_child, "scan_all", _in_process_scan_is_forbidden)  # the child imports its own
    app = _app("minh.pham", tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        version = app.data_version
        app.run_scan()
        await settle(app, pilot)
        with database.connection_context():
            red = list(Alert.select().where(Alert.severity == "red", Alert.status == "open"))
        assert {a.account_id for a in red} >= {org["a1"].id, org["b1"].id}
        assert {a.first_seen for a in red} == {PINNED}
        mine = [a for a in red if a.account_id in (org["a1"].id, org["a2"].id)]
        assert app.alert_counts["red"] == len(mine)
        assert app.data_version == version + 1
        messages = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Acme Corp: No touch for") for m in messages)
        assert not any(m.startswith("Gamma Inc") for m in messages)


@pytest.mark.parametrize(
    "program, said",
    [
        ("import sys; sys.stderr.write('out of memory\\n'); sys.exit(3)", "the scan process exited with status 3 and no answer: out of memory"),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "the scan process was killed (SIGKILL)"),
    ],
)
async def test_a_child_that_dies_is_reported(org, make_app, monkeypatch, program, said):
    monkeypatch.setattr(scan_child, "CHILD", program)
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert await _scan_fails(app, pilot) == [f"The risk scan failed: {said}"]


async def test_a_scan_that_fails_in_the_child_is_reported_with_its_reason(org, make_app, tmp_path, monkeypatch):
    from acct_tui.db import database

    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        garbage = tmp_path / "garbage.db"
        garbage.write_bytes(b"not a database" * 100)
        monkeypatch.setattr(database.obj, "acct_url", f"sqlite:///{garbage}")  # where the child connects
        failed = await _scan_fails(app, pilot)
        assert failed == [f"The risk scan failed: {garbage} is not an acct-tui database (file is not a database); nothing was changed"]


def test_a_stopped_scan_ends_its_child(sqlite_db, monkeypatch):
    started = []
    real = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(scan_child, "CHILD", "import time; time.sleep(60)")
    monkeypatch.setattr(subprocess, "Popen", popen)
    stop = threading.Event()
    stop.set()
    assert scan_child.scan_in_child(access.viewer_for(None), clock.now(), stop=stop) is None
    assert started and started[0].returncode is not None  # terminated and reaped, not left running


async def test_a_scan_asked_for_while_one_runs_starts_after_it_not_beside_it(org, make_app, monkeypatch):
    release, running, calls = threading.Event(), [], []

    def slow_scan(viewer, now, settings=None):
        running.append(1)
        calls.append(len(running))  # how many ran at once
        release.wait(10)
        running.pop()
        return None

    monkeypatch.setattr(risk_bridge, "scan", slow_scan)
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.run_scan()
        app.run_scan()
        app.run_scan()
        release.set()
        await settle(app, pilot)
        await settle(app, pilot)
        assert calls == [1, 1]


def test_the_child_steps_aside_for_the_app(db_url):
    """A lower CPU priority, and on PostgreSQL (whose server processes keep theirs) one connection for the facts."""
    import sys

    program = ("import os, sys; from acct_tui import db; from acct_tui.services.scan_child import _step_aside; "
               "db.connect(sys.argv[1]); before = os.nice(0); fetchers = _step_aside(); print(os.nice(0) - before, fetchers)")
    out = subprocess.run([sys.executable, "-c", program, db_url], check=True, capture_output=True, text=True).stdout.split()
    assert out == [str(scan_child.NICENESS), "1" if db_url.startswith("postgres") else str(scan_child.PARALLEL_QUERIES)]
