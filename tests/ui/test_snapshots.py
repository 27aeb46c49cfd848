"""Snapshot tests (pytest-textual-snapshot) of the Portfolio and the help screen.

On the deterministic demo data (`tests/ui/conftest.scanned_demo`: 60 accounts, seed 1, today 2026-11-20) after
one scan, the clock pinned to 2026-11-20 09:00, as the demo's team lead.
Update deliberately: `pytest tests/ui/test_snapshots.py --snapshot-update`,
then look at the report.
"""

from __future__ import annotations

import pytest

SIZE = (150, 40)


@pytest.fixture
def demo_app(scanned_demo, make_app):
    return make_app(scanned_demo)


async def settled(pilot) -> None:
    app = pilot.app
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


def test_portfolio_snapshot(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=settled)


def test_portfolio_sorted_and_filtered_snapshot(demo_app, snap_compare):
    async def run_before(pilot):
        await settled(pilot)
        await pilot.press("s", "b", "b")  # sort by health, yellow band only
        await settled(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_help_screen_snapshot(demo_app, snap_compare):
    async def run_before(pilot):
        await settled(pilot)
        await pilot.press("question_mark")
        await settled(pilot)

    assert snap_compare(demo_app, terminal_size=(150, 50), run_before=run_before)
