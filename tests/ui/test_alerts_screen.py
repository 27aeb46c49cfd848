"""The Risk alerts screen: what it shows, every action (one and several), filters, access."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.models import Alert, AuditLog
from acct_tui.ui.screens.alerts import AlertsScreen
from acct_tui.ui.screens.dialogs import ConfirmScreen
from acct_tui.ui.screens.form import EntryScreen
from tests import factories as f
from tests.ui.conftest import settle, table_text, type_text


def make_alert(account, rule, severity, days_old, **kw):
    seen = dt.datetime(2026, 11, 20, 8, 0) - dt.timedelta(days=days_old)
    return Alert.create(account=account, rule=rule, severity=severity, status=kw.pop("status", "open"),
                        reason=kw.pop("reason", f"{rule} on {account.name}"), evidence=kw.pop("evidence", {}),
                        first_seen=seen, last_seen=seen, **kw)


@pytest.fixture
def alerts(org):
    """Alerts on the lead's team (minh.pham, an.nguyen) and one on another team."""
    return {
        "acme_red": make_alert(org["a1"], "champion_left", "red", 3, reason="Champion Lan Tran left",
                               evidence={"contact": "Lan Tran", "left_on": "2026-11-17"}),
        "beta_yellow": make_alert(org["a2"], "overdue_update", "yellow", 20, reason="No touch for 50 days"),
        "gamma_red": make_alert(org["b1"], "usage_drop", "red", 10, reason="Usage down 40%"),
        "delta_yellow": make_alert(org["b2"], "overdue_update", "yellow", 2, reason="No touch for 47 days"),
        "eta_red": make_alert(org["o1"], "late_payment", "red", 30, reason="Invoice 60 days late"),
    }


async def open_alerts(app, pilot):
    await settle(app, pilot)
    await pilot.press("5")
    await settle(app, pilot)
    assert isinstance(app.screen, AlertsScreen)
    return app.screen


def names(app) -> list[str]:
    return [r.account_name for r in app.screen.rows]


async def test_lead_sees_the_team_red_first_then_oldest(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)
        assert names(app) == ["Gamma Inc", "Acme Corp", "Beta Ltd", "Delta Co"]
        lines = table_text(app, "#alerts-table")
        assert "Account" in lines[0] and "Owner" in lines[0]
        assert "Gamma Inc" in lines[1] and "usage_drop" in lines[1] and "10d" in lines[1] and "an.nguyen" in lines[1]
        detail = str(screen.query_one("#alerts-detail").render())
        assert "Usage down 40%" in detail
        await pilot.press("j")
        await pilot.pause()
        detail = str(screen.query_one("#alerts-detail").render())
        assert "Champion Lan Tran left" in detail and "left on: 2026-11-17" in detail


async def test_an_am_sees_only_their_own_alerts_and_no_owner_filter(org, alerts, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)
        assert names(app) == ["Acme Corp", "Beta Ltd"]
        assert screen.check_action("pick_owner", ()) is False
        await pilot.press("w")
        await pilot.pause()
        assert app.screen is screen


async def test_acknowledge_one_audits_and_refreshes_counts(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_alerts(app, pilot)
        assert app.alert_counts == {"red": 2, "yellow": 2, "snoozed": 0}
        await pilot.press("a")
        await settle(app, pilot)
        gamma = Alert.get_by_id(alerts["gamma_red"].id)
        assert gamma.status == "acknowledged" and gamma.acknowledged_by_id == org["lead"].id
        entry = AuditLog.get(AuditLog.row_id == gamma.id)
        assert (entry.actor, entry.action, entry.table) == ("lena.lead", "acknowledge", "alert")
        assert "acknowledged" in table_text(app, "#alerts-table")[1]
        assert Alert.select().where(Alert.status == "acknowledged").count() == 1


async def test_mark_several_then_resolve_them_with_one_note(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)
        await pilot.press("v", "j", "space")  # Gamma, skip Acme, Beta
        await pilot.pause()
        assert screen.targets() == [alerts["gamma_red"].id, alerts["beta_yellow"].id]
        assert "2 marked" in str(screen.query_one("#alerts-summary").render())
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        await pilot.press("enter")  # an empty note is refused
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        assert "note is required" in str(app.screen.query_one("#error-note").render())
        await type_text(pilot, "called them")
        await pilot.press("enter")
        await settle(app, pilot)
        resolved = {a.id: a.resolution_note for a in Alert.select().where(Alert.status == "resolved")}
        assert resolved == {alerts["gamma_red"].id: "called them", alerts["beta_yellow"].id: "called them"}
        assert names(app) == ["Acme Corp", "Delta Co"]
        assert app.alert_counts == {"red": 1, "yellow": 1, "snoozed": 0}
        assert AuditLog.select().where(AuditLog.action == "resolve").count() == 2


@pytest.mark.parametrize(
    "until, reason, until_error, reason_error",
    [
        ("", "waiting for budget", "a date is required", ""),
        ("2026-11-20", "waiting for budget", "not in the future", ""),
        ("someday", "waiting for budget", "someday", ""),
        ("2026-12-01", "", "", "a reason is required"),
    ],
)
async def test_invalid_snooze_writes_nothing(org, alerts, make_app, until, reason, until_error, reason_error):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_alerts(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, EntryScreen)
        modal.query_one("#entry-until").value = until
        modal.query_one("#entry-reason").value = reason
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is modal
        assert until_error in str(modal.query_one("#error-until").render())
        assert reason_error in str(modal.query_one("#error-reason").render())
        assert Alert.select().where(Alert.status == "snoozed").count() == 0
        assert AuditLog.select().count() == 0
        await pilot.press("escape")  # typed text is not thrown away unasked
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, AlertsScreen)
        assert AuditLog.select().count() == 0


async def test_snooze_with_date_and_reason(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_alerts(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        await type_text(pilot, "2026-12-01")
        await pilot.press("enter")
        await type_text(pilot, "budget in december")
        await pilot.press("enter")
        await settle(app, pilot)
        gamma = Alert.get_by_id(alerts["gamma_red"].id)
        assert (gamma.status, gamma.snoozed_until, gamma.snooze_reason) == (
            "snoozed", dt.datetime(2026, 12, 1), "budget in december")
        assert "Gamma Inc" not in names(app)  # snoozed leaves the active list...
        await pilot.press("t", "t", "t")  # ...and shows under the snoozed status
        await settle(app, pilot)
        assert names(app) == ["Gamma Inc"]


async def test_escalate_to_the_default_and_to_a_named_person(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_alerts(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # empty: the owner's manager (lena.lead)
        await settle(app, pilot)
        assert Alert.get_by_id(alerts["gamma_red"].id).escalated_to_id == org["lead"].id
        await pilot.press("j", "e")
        await pilot.pause()
        await pilot.press(*"ada.admin", "enter")
        await settle(app, pilot)
        assert Alert.get_by_id(alerts["acme_red"].id).escalated_to_id == org["admin"].id
        await pilot.press("j", "e")
        await pilot.pause()
        await pilot.press(*"ghost", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EntryScreen)  # the form stays, the error on its field
        assert "no active user with login 'ghost'" in str(app.screen.query_one("#error-to").render())
        assert Alert.get_by_id(alerts["beta_yellow"].id).escalated_to_id is None


async def test_escalating_marked_alerts_to_an_unknown_login_keeps_the_form_the_text_and_the_marks(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)
        await pilot.press("v", "v")  # Gamma and Acme marked
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        form.query_one("#entry-to").value = "ada.admn"
        form.query_one("#entry-note").value = "two red on one team, need a call"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        error = str(form.query_one("#error-to").render())
        assert error == "no active user with login 'ada.admn': did you mean ada.admin?"
        assert "#" not in error
        assert form.query_one("#entry-note").value == "two red on one team, need a call"
        assert screen.marked == {alerts["gamma_red"].id, alerts["acme_red"].id}
        assert AuditLog.select().where(AuditLog.action == "escalate").count() == 0
        form.query_one("#entry-to").value = "Ada.Admin"  # any case
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AlertsScreen) and screen.marked == set()
        for key in ("gamma_red", "acme_red"):
            assert Alert.get_by_id(alerts[key].id).escalated_to_id == org["admin"].id
        notes = {e.changes.get("note") for e in AuditLog.select().where(AuditLog.action == "escalate")}
        assert notes == {"two red on one team, need a call"}
        # the side pane lists every escalation: who, to whom, when, and the note
        await pilot.press("g")
        await settle(app, pilot)
        detail = str(screen.query_one("#alerts-detail").render())
        assert "escalated by lena.lead to ada.admin on 2026-11-20" in detail and "need a call" in detail


async def test_resolving_a_departure_intent_without_a_visit_is_refused_inside_the_form(org, alerts, make_app):
    intent = make_alert(org["a1"], "departure_intent", "red", 1, reason="Intends to leave")
    f.activity(org["a1"], "call", dt.datetime(2026, 11, 19, 9), intent_to_leave=True)
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)
        for index, row in enumerate(screen.rows):  # mark the intent and Beta's yellow alert
            if row.id in (intent.id, alerts["beta_yellow"].id):
                screen.table.move_cursor(index)
                await pilot.press("v")
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        await type_text(pilot, "called them")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        assert str(form.query_one("#error-note").render()) == (
            "Acme Corp: a departure intent is resolved by a visit logged after it (must-visit); log the visit first")
        assert form.query_one("#entry-note").value == "called them"
        assert screen.marked == {intent.id, alerts["beta_yellow"].id}
        assert Alert.select().where(Alert.status == "resolved").count() == 0


async def test_several_escalations_are_all_in_the_side_pane(org, alerts, make_app):
    from acct_tui import clock
    from acct_tui.services import alerts as alert_service
    from acct_tui.services.access import from_user

    alert_service.escalate(from_user(org["am2"]), alerts["gamma_red"].id, note="they want a discount")
    clock.pin(dt.datetime(2026, 11, 20, 11, 30))
    alert_service.escalate(from_user(org["lead"]), alerts["gamma_red"].id, "ada.admin")
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)
        assert screen.table.current_row.id == alerts["gamma_red"].id
        detail = str(screen.query_one("#alerts-detail").render())
        assert "escalated by an.nguyen to lena.lead on 2026-11-20 10:00\n  they want a discount" in detail
        assert "escalated by lena.lead to ada.admin on 2026-11-20 11:30" in detail


async def test_filters_combine_and_clear(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)
        await pilot.press("l")  # red only
        await settle(app, pilot)
        assert names(app) == ["Gamma Inc", "Acme Corp"]
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("down", "enter")  # everyone, an.nguyen, minh.pham
        await settle(app, pilot)
        assert names(app) == ["Gamma Inc"]
        assert "severity red, owner an.nguyen" in str(screen.query_one("#alerts-summary").render())
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # any, champion_left, overdue_update, usage_drop
        await settle(app, pilot)
        assert names(app) == ["Beta Ltd", "Delta Co"]
        await pilot.press("slash", *"delta")
        await pilot.pause()
        assert names(app) == ["Delta Co"]


async def test_o_opens_the_accounts_timeline(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_alerts(app, pilot)
        await pilot.press("j", "o")
        await settle(app, pilot)
        assert app.current_mode == "timeline"
        assert app.selected_account_id == org["a1"].id


async def test_snooze_understands_human_dates_and_shows_the_date(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_alerts(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"in 2w")
        await pilot.pause()
        assert "Fri 2026-12-04" in str(app.screen.query_one("#hint-until").render())
        await pilot.press("enter", *"after the board meeting", "enter")
        await settle(app, pilot)
        gamma = Alert.get_by_id(alerts["gamma_red"].id)
        assert (gamma.status, gamma.snoozed_until) == ("snoozed", dt.datetime(2026, 12, 4))
