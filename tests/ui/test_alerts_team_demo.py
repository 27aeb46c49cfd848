"""The Risk alerts and Team screens on the deterministic demo database after a scan."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui import demo
from acct_tui.models import Account, Alert, AuditLog, User
from acct_tui.services import access, alerts, scan, team
from acct_tui.ui.screens.alerts import AlertsScreen
from acct_tui.ui.screens.team import TeamScreen
from tests.ui.conftest import settle

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def demo_db(sqlite_db):
    demo.build(accounts=60, seed=1, today=TODAY)
    scan.scan_all(now=dt.datetime(2026, 11, 20, 10, 0))
    return sqlite_db


def lead_login() -> str:
    return demo.default_viewer_login()


def test_team_numbers_agree_with_the_alert_service(demo_db):
    lead = access.viewer_for(lead_login())
    rows = team.team_rows(lead)
    counts = alerts.alert_counts(lead)
    assert rows and sum(r.red for r in rows) == counts["red"] and sum(r.yellow for r in rows) == counts["yellow"]
    # The book: accounts the lead sees that have not churned (as the Portfolio counts them).
    visible = access.visible_account_ids(lead).where(Account.status != "churned").count()
    assert sum(r.accounts for r in rows) == visible
    assert all(0 <= r.covered <= r.accounts for r in rows)


async def test_a_lead_sees_the_teams_alerts_and_an_am_only_their_own(demo_db, make_app):
    login = lead_login()
    am = User.select().where((User.role == "am") & User.active).order_by(User.id).first().login
    for who in (login, am):
        app = make_app(who)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("5")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AlertsScreen)
            expected = alerts.list_alerts(access.viewer_for(who), statuses=("open", "acknowledged"))
            assert [r.id for r in screen.rows] == [r.id for r in expected]
            if who == am:
                assert {r.owner for r in screen.rows} <= {am}
            else:
                assert len({r.owner for r in screen.rows}) > 1


async def test_acknowledge_on_demo_data_is_audited(demo_db, make_app):
    app = make_app(lead_login())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        first = app.screen.rows[0]
        before = AuditLog.select().where(AuditLog.action == "acknowledge").count()
        await pilot.press("a")
        await settle(app, pilot)
        assert Alert.get_by_id(first.id).status == "acknowledged"
        assert AuditLog.select().where(AuditLog.action == "acknowledge").count() == before + 1
        await pilot.press("6")
        await settle(app, pilot)
        assert isinstance(app.screen, TeamScreen)
        assert len(app.screen.shown) == len(team.team_rows(access.viewer_for(lead_login())))
