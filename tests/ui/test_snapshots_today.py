"""Snapshot tests of Today (mode 1) and its term breakdown, on the demo data as the team lead.

The same data and clock as tests/ui/test_snapshots.py (60 accounts, seed 1, 2026-11-20 09:00,
after one scan). Update deliberately: `pytest tests/ui/test_snapshots_today.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from tests.ui.test_snapshots import SIZE, settled


@pytest.fixture
def today_app(scanned_demo, make_app):
    return make_app(scanned_demo, mode=None)


def test_today_snapshot(today_app, snap_compare):
    assert snap_compare(today_app, terminal_size=SIZE, run_before=settled)


def test_today_why_snapshot(today_app, snap_compare):
    async def run_before(pilot):
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)

    assert snap_compare(today_app, terminal_size=SIZE, run_before=run_before)
