"""Snapshots of the Timeline, the Visit log, the visit record form and quick capture.

Deterministic demo data (`acct_tui.demo.build(accounts=60, seed=1)`), the
clock pinned by conftest, cursors not blinking. Update deliberately, after
looking at the report: `pytest tests/ui/test_snapshots_timeline.py --snapshot-update`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui import demo
from acct_tui.core.policy import Policy
from acct_tui.models import User
from acct_tui.services import portfolio
from acct_tui.services.access import viewer_for
from acct_tui.services.money import rate_book
from tests.ui.conftest import quiet, settle, type_text

SIZE = (150, 45)


@pytest.fixture
def lead(sqlite_db):
    """The demo's first team lead, and their most valuable account."""
    demo.build(accounts=60, seed=1, today=dt.date(2026, 11, 20))
    login = User.select(User.login).where(User.role == "lead").order_by(User.login).scalar()
    # The most valuable in dollars: amounts in other currencies are converted, never compared raw.
    book = portfolio.load(viewer_for(login), Policy(), dt.date(2026, 11, 20), rate_book("USD"))
    return login, book.ids[book.view("value")[0]]


def test_timeline_screen(lead, make_app, snap_compare):
    login, account_id = lead

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        pilot.app.open_account(account_id)
        await quiet(pilot)

    assert snap_compare(make_app(login), terminal_size=SIZE, run_before=run_before)


def test_visit_log_screen(lead, make_app, snap_compare):
    login, _ = lead

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("4")
        await quiet(pilot)

    assert snap_compare(make_app(login), terminal_size=SIZE, run_before=run_before)


def test_visit_form_with_inline_errors(lead, make_app, snap_compare):
    login, account_id = lead

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        pilot.app.open_account(account_id)
        await settle(pilot.app, pilot)
        await pilot.press("l")
        await settle(pilot.app, pilot)
        form = pilot.app.screen
        form.query_one("#entry-date").value = "31/02"
        form.query_one("#entry-duration").value = "45m"
        form.query_one("#entry-attendees").value = "Lan Tran, Minh"
        form.query_one("#entry-purpose").value = "Renewal talk"
        form.query_one("#entry-next_steps").text = "send proposal by fri\nfollow up by someday"
        await pilot.press("ctrl+s")
        await quiet(pilot)

    assert snap_compare(make_app(login), terminal_size=SIZE, run_before=run_before)


def test_quick_capture_with_the_parse(lead, make_app, snap_compare):
    login, account_id = lead

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        # Over the Timeline (this branch's screen), so other screens' changes leave it alone.
        pilot.app.open_account(account_id)
        await settle(pilot.app, pilot)
        await pilot.press("n")
        await pilot.pause()
        # The line starts with the Timeline's account; the rest is typed.
        await type_text(pilot, "visit 45m w/ Adam, Minh +pricing :) agreed a pilot next: send proposal by fri")
        await quiet(pilot)

    assert snap_compare(make_app(login), terminal_size=SIZE, run_before=run_before)


def test_team_kpis_tab(lead, make_app, snap_compare):
    login, _ = lead

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("6", "K")
        await quiet(pilot)

    assert snap_compare(make_app(login), terminal_size=SIZE, run_before=run_before)


def test_an_account_managers_own_kpis_for_a_month(lead, make_app, snap_compare):
    am = User.select(User.login).where(User.role == "am").order_by(User.login).scalar()

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("6", "p", "left_square_bracket")
        await quiet(pilot)

    assert snap_compare(make_app(am), terminal_size=SIZE, run_before=run_before)
