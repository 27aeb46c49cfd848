"""Snapshot tests of Today (mode 1) and its term breakdown, on the demo data as the team lead.

The same data and clock as tests/ui/test_snapshots.py (60 accounts, seed 1, 2026-11-20 09:00,
after one scan). Update deliberately: `pytest tests/ui/test_snapshots_today.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from acct_tui import clock
from acct_tui.db import database
from tests.ui.test_snapshots import NOW, SIZE, settled


@pytest.fixture
def today_app(sqlite_db, make_app):
    from acct_tui import demo
    from acct_tui.services.scan import scan_all

    clock.pin(NOW)
    demo.build(accounts=60, seed=1, today=NOW.date())
    scan_all(NOW)
    with database.connection_context():
        login = demo.default_viewer_login()
    return make_app(login, mode=None)


def test_today_snapshot(today_app, snap_compare):
    assert snap_compare(today_app, terminal_size=SIZE, run_before=settled)


def test_today_why_snapshot(today_app, snap_compare):
    async def run_before(pilot):
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)

    assert snap_compare(today_app, terminal_size=SIZE, run_before=run_before)
