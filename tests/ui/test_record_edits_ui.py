"""Fixing what was typed in the app: `e` edits and `D` deletes the entry under the cursor, from
the Timeline and the Visit log (the forms filled in, the database afterwards, the refusal for
someone else's record, undo); quick capture and the alert forms ask before throwing text away."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.models import ActionItem, Activity, AuditLog, PlannedVisit
from acct_tui.services.timeline import TimelineEvent
from acct_tui.ui.screens.dialogs import ConfirmScreen
from acct_tui.ui.screens.alerts import AlertsScreen
from acct_tui.ui.screens.form import EntryScreen
from acct_tui.ui.screens.quick_capture import QuickCaptureScreen
from acct_tui.ui.screens.visit_form import VisitFormScreen
from acct_tui.ui.screens.visits import VisitLogScreen
from tests import factories
from tests.ui.conftest import settle, table_text, type_text
from tests.ui.test_alerts_screen import alerts, open_alerts  # noqa: F401 - the fixture
from tests.ui.test_timeline_ui import open_timeline, rows

AT = dt.datetime(2026, 11, 18, 9, 30)


async def press_on(app, pilot, key: str, source: str, source_id: int) -> None:
    """Put the timeline's cursor on a record's line, press `key` and let the worker answer."""
    index = next(i for i, r in enumerate(rows(app)) if isinstance(r, TimelineEvent) and (r.source, r.source_id) == (source, source_id))
    app.screen.table.move_cursor(index)
    await pilot.pause()
    await pilot.press(key)
    await settle(app, pilot)


async def test_e_edits_a_touch_in_the_visit_form_and_the_timeline_says_edited(org, make_app):
    touch = factories.activity(org["a1"], "visit", AT, subject="Pricng review", summary="old words", sentiment=-1)
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, org["a1"].id)
        await press_on(app, pilot, "e", "activity", touch.id)
        form = app.screen
        assert isinstance(form, VisitFormScreen) and form.edit[0] == touch.id
        assert form.query_one("#entry-account").disabled and form.query_one("#entry-account").value == "Acme Corp"
        assert (form.query_one("#entry-purpose").value, form.query_one("#entry-date").value) == ("Pricng review", "2026-11-18")
        assert form.query_one("#entry-summary").text == "old words"
        form.query_one("#entry-purpose").value = "Pricing review"
        form.query_one("#entry-date").value = "tomorrow"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "future" in str(form.query_one("#error-date").render())  # same checks as logging
        assert Activity.get_by_id(touch.id).subject == "Pricng review"
        form.query_one("#entry-date").value = "2026-11-18"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, VisitFormScreen)
        row = Activity.get_by_id(touch.id)
        assert (row.subject, row.summary, row.occurred_at, row.edited_at is not None) == ("Pricing review", "old words", AT, True)
        event = next(r for r in rows(app) if isinstance(r, TimelineEvent) and r.source_id == touch.id and r.source == "activity")
        assert event.title == "visit: Pricing review" and "edited" in event.detail

        await pilot.press("u")  # undo: the old words come back
        await settle(app, pilot)
        assert Activity.get_by_id(touch.id).subject == "Pricng review"
        assert AuditLog.select().where(AuditLog.action == "undo").count() == 1


async def test_d_deletes_a_commitment_after_asking_and_u_brings_it_back(org, make_app):
    item = factories.action_item(org["a1"], "Send deck", dt.date(2026, 11, 25), owner=org["am1"])
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, org["a1"].id)
        await press_on(app, pilot, "D", "action_item", item.id)
        assert isinstance(app.screen, ConfirmScreen) and app.screen.question == "Delete the commitment “Send deck”?"
        await pilot.press("n")
        await settle(app, pilot)
        assert ActionItem.get_or_none(ActionItem.id == item.id) is not None
        await pilot.press("D")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert ActionItem.get_or_none(ActionItem.id == item.id) is None
        assert AuditLog.get(AuditLog.action == "delete").changes["old"]["row"]["title"] == "Send deck"
        assert not any(isinstance(r, TimelineEvent) and r.source == "action_item" for r in rows(app))
        await pilot.press("u")
        await settle(app, pilot)
        assert ActionItem.get_by_id(item.id).title == "Send deck"
        assert any(isinstance(r, TimelineEvent) and r.source_id == item.id for r in rows(app))


async def test_e_on_a_commitment_opens_its_form_filled_in_and_someone_elses_is_refused(org, make_app):
    mine = factories.action_item(org["a1"], "Send deck", dt.date(2026, 11, 25), owner=org["am1"])
    leads = factories.action_item(org["a1"], "The lead's promise", dt.date(2026, 11, 26), owner=org["lead"])
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, org["a1"].id)
        await press_on(app, pilot, "e", "action_item", leads.id)
        assert not isinstance(app.screen, EntryScreen)
        assert any("lena.lead's" in str(n.message) for n in app._notifications)
        await press_on(app, pilot, "e", "action_item", mine.id)
        form = app.screen
        assert isinstance(form, EntryScreen)
        assert [form.query_one(f"#entry-{k}").value for k in ("title", "due_on", "owner")] == ["Send deck", "2026-11-25", "minh.pham"]
        form.query_one("#entry-title").value = "Send the new deck"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert (ActionItem.get_by_id(mine.id).title, ActionItem.get_by_id(leads.id).title) == ("Send the new deck", "The lead's promise")


async def test_the_visit_log_edits_and_deletes_its_rows(org, make_app):
    touch = factories.activity(org["a1"], "call", AT, subject="Wrong call")
    plan = factories.planned_visit(org["a1"], dt.date(2026, 11, 25), owner=org["am1"], purpose="QBR")
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, VisitLogScreen)
        screen.plan_table.focus()
        await pilot.pause()
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, EntryScreen)
        app.screen.query_one("#entry-purpose").value = "QBR and renewal"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert PlannedVisit.get_by_id(plan.id).purpose == "QBR and renewal"
        assert any("QBR and renewal · edited" in line for line in table_text(app, "#plan-table"))
        assert not any("edited" in line for line in table_text(app, "#records-table"))
        screen.records_table.focus()
        await pilot.pause()
        await pilot.press("D")
        await settle(app, pilot)
        assert app.screen.question == "Delete the call of 2026-11-18 “Wrong call”?"
        await pilot.press("y")
        await settle(app, pilot)
        assert Activity.get_or_none(Activity.id == touch.id) is None


@pytest.mark.parametrize("key, field, text", [("s", "reason", "waiting for the CFO"), ("r", "note", "called them"),
                                              ("e", "note", "please call the CFO")])
async def test_the_alert_forms_ask_before_throwing_typed_text_away(org, alerts, make_app, key, field, text):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_alerts(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, EntryScreen)
        form.query_one(f"#entry-{field}").value = text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it: back in the form with what was typed
        await pilot.pause()
        assert app.screen is form and form.query_one(f"#entry-{field}").value == text
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, AlertsScreen) and AuditLog.select().count() == 0


async def test_quick_capture_asks_before_throwing_the_line_away(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        capture = app.screen
        assert isinstance(capture, QuickCaptureScreen)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, (QuickCaptureScreen, ConfirmScreen))
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "acme call agreed a pilot")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuickCaptureScreen)
        assert app.screen.query_one("#entry-line").value == "acme call agreed a pilot"
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert not isinstance(app.screen, (QuickCaptureScreen, ConfirmScreen)) and Activity.select().count() == 0
