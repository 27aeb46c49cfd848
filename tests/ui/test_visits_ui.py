"""The Visit log screen: the plan, the records, filters, opening, and access."""

from __future__ import annotations

import datetime as dt

from acct_tui.ui.screens.dialogs import RecordScreen
from acct_tui.ui.screens.form import EntryScreen
from acct_tui.ui.screens.timeline import TimelineScreen
from acct_tui.ui.screens.visits import VisitLogScreen
from tests import factories
from tests.ui.conftest import settle

TODAY = dt.date(2026, 11, 20)


def records(app) -> list:
    table = app.screen.records_table
    return [table.row_at(i) for i in range(table.row_count)]


def plan(app) -> list:
    table = app.screen.plan_table
    return [table.row_at(i) for i in range(table.row_count)]


def data(org):
    a1, a2, b1 = org["a1"], org["a2"], org["b1"]
    factories.planned_visit(a1, TODAY + dt.timedelta(days=4), purpose="QBR")
    factories.planned_visit(a2, TODAY - dt.timedelta(days=6), purpose="Renewal talk")
    factories.planned_visit(b1, TODAY + dt.timedelta(days=1), purpose="not mine")
    factories.activity(a1, "visit", dt.datetime(2026, 11, 18, 9), subject="Site visit", sentiment=2)
    factories.activity(a1, "call", dt.datetime(2026, 11, 10, 9), subject="Check-in", sentiment=-1)
    factories.activity(a2, "email", dt.datetime(2026, 11, 1, 9), subject="Sent quote")
    factories.activity(b1, "visit", dt.datetime(2026, 11, 19, 9), subject="Other AM visit")
    factories.activity(a1, "note", dt.datetime(2026, 11, 19, 9), subject="Lead's secret", confidential=True, author=org["lead"])


async def show(app, pilot):
    await settle(app, pilot)
    await pilot.press("4")
    await settle(app, pilot)
    assert isinstance(app.screen, VisitLogScreen)


async def test_plan_and_records_for_an_am(org, make_app):
    data(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await show(app, pilot)
        assert [(r.purpose, r.late) for r in plan(app)] == [("Renewal talk", True), ("QBR", False)]
        plan_text = "\n".join(app.screen.plan_table.visible_text())
        assert "6d late" in plan_text and "in 4d" in plan_text and "not mine" not in plan_text
        assert [r.subject for r in records(app)] == ["Site visit", "Check-in", "Sent quote"]
        assert "2 planned · 1 late or missed" in str(app.screen.query_one("#plan-summary").content)
        assert "3 newest first · all" in str(app.screen.query_one("#records-summary").content)


async def test_both_cursors_keep_their_row_when_rows_come_above_them(org, make_app):
    data(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await show(app, pilot)
        app.screen.plan_table.move_cursor(1)
        app.screen.records_table.move_cursor(1)
        assert app.screen.plan_table.current_row.purpose == "QBR"
        assert app.screen.records_table.current_row.subject == "Check-in"
        factories.planned_visit(org["a2"], TODAY + dt.timedelta(days=2), purpose="Follow-up")
        factories.activity(org["a1"], "call", dt.datetime(2026, 11, 20, 8), subject="Newest")
        app.data_changed()
        await settle(app, pilot)
        assert [r.purpose for r in plan(app)] == ["Renewal talk", "Follow-up", "QBR"]
        assert [r.subject for r in records(app)][:2] == ["Newest", "Site visit"]
        assert app.screen.plan_table.current_row.purpose == "QBR"
        assert app.screen.records_table.current_row.subject == "Check-in"


async def test_a_lead_sees_the_team_and_their_own_confidential_record(org, make_app):
    data(org)
    app = make_app("lena.lead")
    async with app.run_test(size=(140, 40)) as pilot:
        await show(app, pilot)
        assert [r.subject for r in records(app)] == ["Lead's secret", "Other AM visit", "Site visit", "Check-in", "Sent quote"]
        assert len(plan(app)) == 3


async def test_filters(org, make_app):
    data(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await show(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        app.screen.query_one("#entry-kind").value = "visit"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [r.subject for r in records(app)] == ["Site visit"]
        assert "kind visit" in str(app.screen.query_one("#records-summary").content)

        await pilot.press("x", "f")
        await pilot.pause()
        app.screen.query_one("#entry-account").value = "beta"
        app.screen.query_one("#entry-since").value = "30d ago"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [r.subject for r in records(app)] == ["Sent quote"]

        await pilot.press("x", "f")
        await pilot.pause()
        app.screen.query_one("#entry-sentiment").value = "negative"
        app.screen.query_one("#entry-since").value = "soon"
        app.screen.query_one("#entry-account").value = "gamma"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EntryScreen)  # bad fields are marked, the filter is not applied
        assert "not a date" in str(app.screen.query_one("#error-since").content)
        assert "no account you may see" in str(app.screen.query_one("#error-account").content)
        app.screen.query_one("#entry-since").value = ""
        app.screen.query_one("#entry-account").value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [r.subject for r in records(app)] == ["Check-in"]

        await pilot.press("x")
        await settle(app, pilot)
        app.screen.filter_bar.value = "quote"  # the `/` line applies as it changes
        await settle(app, pilot)
        assert [r.subject for r in records(app)] == ["Sent quote"]


async def test_enter_opens_a_record_and_o_its_timeline(org, make_app):
    data(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await show(app, pilot)
        app.screen.records_table.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen) and app.screen.detail.title == "visit on 2026-11-18"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen) and app.selected_account_id == org["a1"].id
