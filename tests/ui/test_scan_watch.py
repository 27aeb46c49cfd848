"""PostgreSQL: apps hear of scans finished elsewhere (LISTEN/NOTIFY), and leave scanning to a headless scanner."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.config import Config
from acct_tui.db import database
from acct_tui.services import access, scan_watch
from acct_tui.services.scan import scan_all
from acct_tui.ui import risk_bridge
from acct_tui.ui.app import AcctApp
from tests import factories
from tests.conftest import NOW, open_backend


@pytest.fixture
def pg(tmp_path):
    open_backend("postgres", tmp_path)
    with database.connection_context():
        org = factories.org()
        factories.activity(org["a1"], "call", dt.datetime(2026, 10, 15, 9))  # strategic, quiet for weeks: red
    yield org
    if not database.is_closed():
        database.close()


def _app(login, tmp_path) -> AcctApp:
    """An app with its background duties on (the listener), and no scan of its own unless asked."""
    app = AcctApp(access.viewer_for(login), config=Config(path=tmp_path / "c.toml"), db_label="test", scan=True)
    app.FIRST_SCAN_DELAY = 3600
    return app


async def _settle(app, pilot) -> None:
    """Let every worker but the listener (which runs until the app ends) finish."""
    others = [w for w in app.workers if w.group != "scan-listen"]
    if others:  # an empty list would mean every worker
        await app.workers.wait_for_complete(others)
    await pilot.pause()


async def _until(pilot, condition, what: str) -> None:
    """Wait for something another process or thread does (bounded)."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    pytest.fail(f"waited 10 s for {what}")


async def test_a_scan_finished_elsewhere_reaches_a_listening_app_and_it_reloads(pg, tmp_path):
    app = _app("minh.pham", tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await _until(pilot, app.listening_for_scans.is_set, "the app to LISTEN")
        assert app.alert_counts["red"] == 0
        version = app.data_version
        scan_all(NOW)  # as the headless scanner does: it sends NOTIFY acct_tui_scan
        await _until(pilot, lambda: app.data_version > version, "the app to reload")
        await _settle(app, pilot)
        assert app.alert_counts["red"] == 1  # Acme's, counted again after the notice


async def test_the_app_does_not_scan_while_a_headless_scanner_holds_its_marker(pg, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(risk_bridge, "scan", lambda viewer, now, settings=None: calls.append(now) or None)
    app = _app(None, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        with scan_watch.watching() as marker:
            assert marker.held
            with database.connection_context():
                assert scan_watch.headless_scanner_running()
            app.run_scan()
            await _settle(app, pilot)
            assert calls == []
        with database.connection_context():
            assert not scan_watch.headless_scanner_running()
        app.run_scan()
        await _settle(app, pilot)
        assert calls == [NOW]


def test_a_second_headless_scanner_does_not_get_the_marker(pg):
    with scan_watch.watching() as first, scan_watch.watching() as second:
        assert (first.held, second.held) == (True, False)
        assert (first.take(), second.take()) == (True, False)


def test_a_scanner_whose_connection_was_lost_takes_its_marker_again(pg):
    with scan_watch.watching() as marker, database.connection_context():
        assert marker.held
        database.execute_sql("SELECT pg_terminate_backend(%s, 10000)", (marker.conn.info.backend_pid,))
        assert not scan_watch.headless_scanner_running()  # the server let go of it with the connection
        assert marker.take()
        assert scan_watch.headless_scanner_running()
