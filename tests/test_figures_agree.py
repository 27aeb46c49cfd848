"""One figure, one definition: every screen's service counts the same accounts, coverage, red and
yellow alerts (snoozed red apart), escalations waiting and late commitments, for every user.

On the demo (after a scan), with what made them drift before: a churned account that still has
an open alert, an escalation and a late commitment; a snoozed red alert; an escalation to a lead.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from acct_tui import clock, demo
from acct_tui.cli import main
from acct_tui.core.periods import quarter_of
from acct_tui.core.policy import Policy
from acct_tui.models import Account, ActionItem, Alert, User
from acct_tui.services import access, alerts, handover, kpi, money, portfolio, scan, team
from acct_tui.services.portfolio import Filters

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def demo_book(db, db_url):
    clock.pin(NOW)
    demo.build(accounts=80, seed=3, today=TODAY)
    scan.scan_all(now=NOW)
    operator = access.viewer_for(None)
    # A churned account that still carries an open alert, an escalation and a late commitment:
    # the Team pane used to count it, the Portfolio did not.
    gone = Account.select().where(Account.status == "active", Account.owner.is_null(False)).order_by(Account.id).first()
    Account.update(status="churned", churned_on=TODAY - dt.timedelta(days=3)).where(Account.id == gone.id).execute()
    alert = Alert.create(account=gone.id, rule="usage_drop", severity="red", status="open", reason="usage fell",
                         evidence={}, first_seen=NOW, last_seen=NOW)
    alerts.escalate(operator, alert.id, User.get_by_id(gone.owner_id).login)
    ActionItem.create(account=gone.id, owner=gone.owner_id, title="send the renewal terms", status="open",
                      due_on=TODAY - dt.timedelta(days=10), created_at=NOW - dt.timedelta(days=20))
    # A snoozed red alert (counted apart from red, the same everywhere) and an escalation on a live account.
    live = (
        Alert.select().join(Account)
        .where(Alert.status == "open", Alert.severity == "red", Account.status == "active", Account.id != gone.id)
        .order_by(Alert.id)
    )
    first, second = list(live)[:2]
    alerts.snooze(operator, first.id, TODAY + dt.timedelta(days=14), "waiting for the budget round")
    owner = Account.get_by_id(second.account_id).owner
    alerts.escalate(operator, second.id, owner.manager.login if owner.manager else None)
    return db_url


def _cli(capsys, db_url, login, *argv):
    assert main([*argv, "--db", db_url, "--user", login, "-f", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_screen_counts_each_figure_the_same_way(demo_book, capsys):
    checked = 0
    for user in User.select().where(User.active == True).order_by(User.login):  # noqa: E712
        viewer = access.viewer_for(user.login)
        rows = team.team_rows(viewer, Policy(), money.rate_book("USD"))
        book = portfolio.load(viewer, Policy(), TODAY, money.rate_book("USD"))
        report = kpi.report(viewer, quarter_of(TODAY), money.rate_book("USD"), by="owner", today=TODAY)
        cli_team = {r["login"]: r for r in _cli(capsys, demo_book, user.login, "team")}
        cli_accounts = _cli(capsys, demo_book, user.login, "accounts")

        # The whole book, every way it is listed.
        assert len(book) == sum(r.accounts for r in rows) == len(cli_accounts), user.login
        whole = book.summary(book.view())
        assert whole.alerts == sum(r.red + r.yellow for r in rows), user.login
        # The header's counts (`alerts.alert_counts`) are the same figures over the whole book.
        assert alerts.alert_counts(viewer) == {
            "red": sum(r.red for r in rows), "yellow": sum(r.yellow for r in rows),
            "snoozed": sum(r.snoozed_red for r in rows)}, user.login
        assert whole.coverage == _ratio(sum(r.covered for r in rows), sum(r.judged for r in rows)), user.login

        for row in rows:
            checked += 1
            where = (user.login, row.login)
            # `acct-tui team` is the pane's rows.
            listed = cli_team[row.login or team.UNOWNED_LABEL]
            for name in ("accounts", "red", "yellow", "snoozed_red", "late_commitments", "escalations_waiting", "covered", "judged"):
                assert listed[name] == getattr(row, name), (where, name)
            # The member drill-down lists and counts the same.
            accounts, listed_alerts = team.member_portfolio(viewer, row.login)
            figures = team.member_figures(accounts, listed_alerts)
            assert (figures.accounts, figures.red, figures.yellow, figures.snoozed_red, figures.escalations_waiting) == (
                row.accounts, row.red, row.yellow, row.snoozed_red, row.escalations_waiting), where
            if row.login is None:
                continue
            # The Portfolio with its owner filter (what `p` on the drill-down opens).
            filters = Filters(owner=row.login)
            summary = book.summary(book.view(filters=filters), filters)
            assert summary.accounts == row.accounts, where
            assert summary.coverage == row.coverage or summary.coverage == pytest.approx(row.coverage), where
            assert summary.alerts == row.red + row.yellow, where
            assert sum(1 for a in cli_accounts if a["owner"] == row.login) == row.accounts, where
            # The KPI report where it overlaps: customers judged and coverage, at today.
            kpi_row = report.row(row.login)
            if row.judged:
                assert kpi_row is not None and kpi_row.accounts == row.judged, where
                assert kpi_row.coverage == pytest.approx(row.coverage, abs=1e-4), where
            # The handover preview of all their accounts.
            if access.may_reassign(viewer) and row.accounts:
                target = next(r.login for r in rows if r.login not in (None, row.login))
                figures = handover.preview(viewer, row.login, target).figures()
                assert figures["accounts"] == row.accounts, where
                assert figures["escalations_waiting"] == row.escalations_waiting, where
    assert checked > 20
    # The cases that used to drift are in the data.
    assert Alert.select().where(Alert.status == "snoozed", Alert.severity == "red").count() == 1
    assert Account.select().where(Account.status == "churned").count() >= 1


def _ratio(part, whole):
    return part / whole if whole else None


def test_a_snoozed_red_alert_counts_apart_from_red_on_the_team_row_and_the_drill_down(demo_book):
    snoozed = Alert.get((Alert.status == "snoozed") & (Alert.severity == "red"))
    owner = Account.get_by_id(snoozed.account_id).owner
    lead = access.viewer_for(owner.manager.login)
    row = next(r for r in team.team_rows(lead) if r.login == owner.login)
    accounts, listed = team.member_portfolio(lead, owner.login)
    figures = team.member_figures(accounts, listed)
    assert row.snoozed_red == figures.snoozed_red == 1
    assert figures.red == row.red == sum(1 for a in listed if a.severity == "red" and a.status != "snoozed")


def test_the_handover_preview_counts_the_escalations_the_team_row_shows(demo_book):
    lead_login = demo.default_viewer_login()
    lead = access.viewer_for(lead_login)
    rows = [r for r in team.team_rows(lead) if r.login and r.escalations_waiting]
    assert rows
    row = rows[0]
    target = next(r.login for r in team.team_rows(lead) if r.login not in (None, row.login))
    plan = handover.preview(lead, row.login, target)
    assert plan.figures()["escalations_waiting"] == row.escalations_waiting
    assert f"{row.escalations_waiting} escalation" in plan.figures_text()
