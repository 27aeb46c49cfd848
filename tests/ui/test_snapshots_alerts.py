"""Snapshots of the Risk alerts and Team screens and their modals (pinned clock, fixed data, no blink).

Update deliberately, after looking at the report: `pytest tests/ui/test_snapshots_alerts.py --snapshot-update`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Select

from acct_tui.models import HealthSnapshot
from tests import factories as f
from tests.ui.conftest import quiet
from tests.ui.test_alerts_screen import make_alert

SIZE = (150, 40)


@pytest.fixture
def scene(org):
    """A small, fixed team with touches, promises, contacts, health and alerts."""
    a1, a2, b1, b2 = org["a1"], org["a2"], org["b1"], org["b2"]
    a1.renewal_date = dt.date(2027, 1, 15)
    a1.save()
    f.activity(a1, kind="visit", at=dt.datetime(2026, 10, 2, 14, 0))
    f.activity(b1, kind="call", at=dt.datetime(2026, 11, 12, 9, 0))
    f.activity(b2, kind="email", at=dt.datetime(2026, 11, 18, 9, 0))
    f.action_item(a1, "Send the renewal proposal", due_on=dt.date(2026, 11, 18))
    f.action_item(b1, "Share the usage report", due_on=dt.date(2026, 11, 30))
    f.planned_visit(a1, dt.date(2026, 12, 3), purpose="QBR")
    f.contact(a1, "Lan Tran", "champion", title="Head of IT", left_on=dt.date(2026, 11, 2))
    f.contact(a1, "Bao Le", "sponsor", title="CFO")
    HealthSnapshot.create(account=a1, taken_on=dt.date(2026, 11, 20), score=38, band="red", components={"touch": 0.2})
    make_alert(a1, "champion_left", "red", 3, reason="Champion Lan Tran left on 2026-11-02; no new champion",
               evidence={"contact": "Lan Tran", "left_on": "2026-11-02"}, escalated_to=org["lead"],
               escalated_at=dt.datetime(2026, 11, 18, 9, 0))
    make_alert(a1, "overdue_update", "red", 12, reason="No touch for 49 days; strategic expects 14, at most 21",
               evidence={"days_since": 49, "target": 14, "max": 21})
    make_alert(a2, "overdue_update", "yellow", 20, reason="No touch for 50 days; standard expects 45",
               status="acknowledged", acknowledged_by=org["am1"])
    make_alert(b1, "usage_drop", "red", 10, reason="Usage down 40% over three months",
               evidence={"from": 1000, "to": 600, "months": 3})
    make_alert(b2, "late_payment", "yellow", 2, reason="Invoice of 4,000 USD is 12 days late",
               escalated_to=org["lead"], escalated_at=dt.datetime(2026, 11, 12, 9, 0))
    return org


def test_alerts_screen(scene, make_app, snap_compare):
    async def run_before(pilot):
        await quiet(pilot)
        await pilot.press("5")
        await quiet(pilot)
        await pilot.press("j", "v", "j")  # the second alert marked, the cursor on the third
        await quiet(pilot)

    assert snap_compare(make_app("lena.lead"), terminal_size=SIZE, run_before=run_before)


def test_snooze_modal_with_inline_errors(scene, make_app, snap_compare):
    async def run_before(pilot):
        await quiet(pilot)
        await pilot.press("5")
        await quiet(pilot)
        await pilot.press("s")
        await quiet(pilot)
        pilot.app.screen.query_one("#entry-until").value = "2026-11-01"
        await pilot.press("ctrl+s")
        await quiet(pilot)

    assert snap_compare(make_app("lena.lead"), terminal_size=SIZE, run_before=run_before)


def test_team_screen(scene, make_app, snap_compare):
    async def run_before(pilot):
        await quiet(pilot)
        await pilot.press("6")
        await quiet(pilot)

    assert snap_compare(make_app("lena.lead"), terminal_size=SIZE, run_before=run_before)


def test_reassign_modal_preview(scene, make_app, snap_compare):
    async def run_before(pilot):
        await quiet(pilot)
        await pilot.press("6")
        await quiet(pilot)
        await pilot.press("j", "j", "R")  # minh.pham
        await quiet(pilot)
        modal = pilot.app.screen
        modal.query_one(Select).value = "an.nguyen"
        await pilot.press("ctrl+r")
        await quiet(pilot)

    assert snap_compare(make_app("lena.lead"), terminal_size=SIZE, run_before=run_before)
