"""The Timeline screen: card, events around the TODAY rule, filter, open, and every action."""

from __future__ import annotations

import datetime as dt

from acct_tui.models import ActionItem, Activity, Contact, Milestone, Opportunity, PlannedVisit
from acct_tui.ui.screens.dialogs import RecordScreen
from acct_tui.ui.screens.form import EntryScreen
from acct_tui.ui.screens.pick import PickScreen
from acct_tui.ui.screens.timeline import TimelineScreen, TodayRule
from acct_tui.ui.screens.visit_form import VisitFormScreen
from tests import factories
from tests.ui.conftest import column_widths, settle, type_text

TODAY = dt.date(2026, 11, 20)


def rows(app) -> list:
    table = app.screen.table
    return [table.row_at(i) for i in range(table.row_count)]


def titles(app) -> list[str]:
    return ["TODAY" if isinstance(r, TodayRule) else r.title for r in rows(app)]


def card_text(app) -> str:
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(app.screen.query_one("#timeline-card").content)
    return console.export_text()


def story(org):
    a1 = org["a1"]
    factories.activity(a1, "visit", dt.datetime(2026, 11, 2, 9), subject="Kick-off")
    factories.case(a1, dt.datetime(2026, 10, 1, 8), subject="Outage")
    factories.action_item(a1, "Send deck", due_on=TODAY + dt.timedelta(days=3), created_at=dt.datetime(2026, 10, 20, 9))
    factories.milestone(a1, "Go-live", due_on=TODAY + dt.timedelta(days=10))
    factories.contact(a1, "Lan Tran", "champion")
    factories.contact(a1, "Bo Vu", "sponsor")
    return a1


async def open_timeline(app, pilot, account_id):
    await settle(app, pilot)
    app.open_account(account_id)
    await settle(app, pilot)
    assert isinstance(app.screen, TimelineScreen)


async def test_without_a_selected_account_it_says_how_to_pick_one(org, make_app):
    factories.user("new.starter", role="am", team=org["lead"].team, manager=org["lead"])  # no accounts yet
    app = make_app("new.starter")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        assert "No account selected" in card_text(app)
        await pilot.press("l")
        await pilot.pause()
        assert not isinstance(app.screen, VisitFormScreen)


async def test_3_opens_the_timeline_of_the_account_under_the_cursor(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.table
        await pilot.press("j", "j")
        await settle(app, pilot)
        under_cursor = table.row_at(table.cursor)
        assert table.cursor == 2
        await pilot.press("3")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert card_text(app).startswith(under_cursor.name)
        await pilot.press("2", "k")
        await settle(app, pilot)
        above = table.row_at(table.cursor)
        await pilot.press("3")
        await settle(app, pilot)
        assert card_text(app).startswith(above.name) and above.name != under_cursor.name


async def test_card_and_events_with_the_today_rule(org, make_app):
    a1 = story(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 40)) as pilot:
        await open_timeline(app, pilot, a1.id)
        card = card_text(app)
        for part in ("Acme Corp", "STRATEGIC", "owner minh.pham", "Lan Tran champion", "Bo Vu sponsor", "alerts none open"):
            assert part in card, part
        assert titles(app) == [
            "deliverable: Go-live", "commitment due: Send deck", "TODAY", "visit: Kick-off",
            "commitment made: Send deck", "case opened: Outage",
        ]
        # the cursor starts on the newest past event, just under the rule
        assert app.screen.table.current_row.title == "visit: Kick-off"
        assert "5 events · 2 upcoming" in str(app.screen.query_one("#timeline-summary").content)


async def test_filter_by_kind_and_by_text(org, make_app):
    a1 = story(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 40)) as pilot:
        await open_timeline(app, pilot, a1.id)
        await pilot.press("f")  # activity
        assert titles(app) == ["TODAY", "visit: Kick-off"]
        await pilot.press("f")  # case
        assert titles(app) == ["TODAY", "case opened: Outage"]
        for _ in range(len(("milestone", "commitment", "visit_plan", "opportunity", "alert", "health", "courtesy", "all"))):
            await pilot.press("f")
        assert len(titles(app)) == 6
        app.screen.filter_bar.value = "deck"  # the `/` line applies as it changes
        await pilot.pause()
        assert titles(app) == ["commitment due: Send deck", "TODAY", "commitment made: Send deck"]


async def test_enter_opens_the_full_record(org, make_app):
    a1 = story(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 40)) as pilot:
        await open_timeline(app, pilot, a1.id)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        assert app.screen.detail.title == "visit on 2026-11-02"
        assert ("subject / purpose", "Kick-off") in app.screen.detail.fields
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)


async def test_log_a_touch_from_the_timeline(org, make_app):
    a1 = story(org)
    plan = factories.planned_visit(a1, TODAY - dt.timedelta(days=2), purpose="QBR")
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, a1.id)
        app.screen.table.move_cursor(titles(app).index("visit: Kick-off"))
        await pilot.press("l")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen) and form.account_id == a1.id
        form.query_one("#entry-purpose").value = "Rescue visit"
        form.query_one("#entry-next_steps").text = "send pricing by fri"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        saved = Activity.get(Activity.subject == "Rescue visit")
        assert saved.account_id == a1.id and saved.author_id == org["am1"].id
        assert ActionItem.get(ActionItem.title == "send pricing").due_on == TODAY
        assert PlannedVisit.get_by_id(plan.id).status == "done"
        assert "visit: Rescue visit" in titles(app) and "planned visit done: QBR" in titles(app)
        assert app.screen.table.current_row.title == "visit: Kick-off"  # lines came above it; the cursor kept its line


async def test_plan_commit_and_milestone(org, make_app):
    a1 = story(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, a1.id)

        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        await pilot.press(*"fri")
        await pilot.pause()
        assert str(app.screen.query_one("#hint-date").content) == "Fri 2026-11-20"
        app.screen.query_one("#entry-purpose").value = "QBR"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert PlannedVisit.get(PlannedVisit.purpose == "QBR").scheduled_for == TODAY

        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#entry-title").value = "Call the CFO"
        app.screen.query_one("#entry-due_on").value = "yesterday"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EntryScreen)  # a past due date is refused, inline
        assert "already past" in str(app.screen.query_one("#error-due_on").content)
        assert not ActionItem.select().where(ActionItem.title == "Call the CFO").exists()
        app.screen.query_one("#entry-due_on").value = "in 2w"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert ActionItem.get(ActionItem.title == "Call the CFO").due_on == TODAY + dt.timedelta(days=14)

        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#entry-title").value = "Renewal 2027"
        app.screen.query_one("#entry-kind").value = "renewal"
        app.screen.query_one("#entry-due_on").value = "2027-03-01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Milestone.get(Milestone.title == "Renewal 2027").kind == "renewal"
        shown = titles(app)
        assert {"visit planned: QBR", "commitment due: Call the CFO", "renewal: Renewal 2027"} <= set(shown)


async def test_mark_a_commitment_and_a_milestone_done(org, make_app):
    a1 = story(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, a1.id)
        table = app.screen.table
        table.move_cursor(titles(app).index("commitment due: Send deck"))
        await pilot.press("d")
        await settle(app, pilot)
        assert ActionItem.get(ActionItem.title == "Send deck").status == "done"
        table.move_cursor(titles(app).index("deliverable: Go-live"))
        await pilot.press("d")
        await settle(app, pilot)
        assert Milestone.get(Milestone.title == "Go-live").status == "done"
        assert "commitment kept: Send deck" in titles(app) and "deliverable done: Go-live" in titles(app)
        table.move_cursor(titles(app).index("visit: Kick-off"))
        await pilot.press("d")
        await pilot.pause()
        assert any("open commitment or milestone" in str(n.message) for n in app._notifications)


async def test_record_a_contact_leaving(org, make_app):
    a1 = story(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, a1.id)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press("down", "enter")  # Lan Tran (champion) sorts first, Bo Vu (sponsor) second
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        app.screen.query_one("#entry-left_on").value = "3d ago"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Contact.get(Contact.name == "Bo Vu").left_on == TODAY - dt.timedelta(days=3)
        assert "Bo Vu (sponsor) left 17 Nov 2026" in card_text(app)


async def test_an_am_cannot_open_another_ams_account(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.open_account(org["b1"].id)
        await settle(app, pilot)
        assert app.selected_account_id != org["b1"].id and not isinstance(app.screen, TimelineScreen)
        app.selected_account_id = org["b1"].id  # even forced, the screen shows nothing of it
        await pilot.press("3")
        await settle(app, pilot)
        assert "Gamma" not in card_text(app) and app.screen.table.row_count == 0


async def test_add_an_opportunity_then_move_its_stage_and_win_it(org, make_app):
    a1 = story(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, a1.id)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        assert app.screen.query_one("#entry-currency").value == "USD"  # the account's own
        app.screen.query_one("#entry-name").value = "Second site"
        app.screen.query_one("#entry-amount").value = "40,000"
        app.screen.query_one("#entry-currency").value = "EURO"
        app.screen.query_one("#entry-close_date").value = "in 6w"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EntryScreen)  # refused inline, what was typed kept
        assert "ISO 4217" in str(app.screen.query_one("#error-currency").content)
        assert app.screen.query_one("#entry-name").value == "Second site"
        app.screen.query_one("#entry-currency").value = "eur"
        app.screen.query_one("#entry-stage").value = "Proposal"
        app.screen.query_one("#entry-probability").value = "30"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        opp = Opportunity.get(Opportunity.name == "Second site")
        assert (opp.amount, opp.currency, opp.close_date, opp.status) == (40_000, "EUR", TODAY + dt.timedelta(days=42), "open")
        assert "opportunity closes, expansion: Second site" in titles(app)

        app.screen.table.move_cursor(titles(app).index("opportunity closes, expansion: Second site"))
        await pilot.press("e")
        await settle(app, pilot)
        assert app.screen.query_one("#entry-stage").value == "Proposal"
        app.screen.query_one("#entry-status").value = "won"
        app.screen.query_one("#entry-stage").value = ""
        app.screen.query_one("#entry-probability").value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        opp = Opportunity.get_by_id(opp.id)
        assert (opp.status, opp.stage, opp.probability, opp.closed_on) == ("won", "Closed Won", 100, TODAY)
        shown = titles(app)
        assert "opportunity won, expansion: Second site" in shown
        assert "opportunity stage Proposal → Closed Won: Second site" in shown

        # `e` edits whatever is under the cursor; the TODAY rule is nothing to edit.
        app.screen.table.move_cursor(titles(app).index("TODAY"))
        await pilot.press("e")
        await pilot.pause()
        assert any("Put the cursor on a touch, commitment, milestone, planned visit or opportunity" in str(n.message)
                   for n in app._notifications)


async def test_the_alert_line_lists_red_first_and_never_cuts_a_red_alert(org, make_app):
    from rich.console import Console

    a1 = org["a1"]
    long = "Something the account manager should read about, at length, " * 3
    factories.alert(a1, "visit_overdue", "yellow", reason=long, first_seen=dt.datetime(2026, 10, 1, 9))
    factories.alert(a1, "renewal_risk", "yellow", status="acknowledged", reason=long, first_seen=dt.datetime(2026, 10, 2, 9))
    factories.alert(a1, "overdue_update", "red", reason="No touch for 34 days", first_seen=dt.datetime(2026, 11, 19, 9))
    app = make_app("minh.pham")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_timeline(app, pilot, a1.id)
        card = app.screen.query_one("#timeline-card")
        console = Console(width=card.content_region.width, record=True)
        console.print(card.content)
        line = next(text for text in console.export_text().splitlines() if text.startswith("alerts"))
        assert line.startswith("alerts overdue_update  visit_overdue  renewal_risk (acknowledged)  ·  No touc"), line
        assert len(line) <= card.content_region.width


async def test_escape_asks_before_throwing_typed_text_away(org, make_app):
    from acct_tui.ui.screens.dialogs import ConfirmScreen

    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, org["a1"].id)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, (EntryScreen, ConfirmScreen))

        await pilot.press("c")
        await pilot.pause()
        await type_text(pilot, "Call the CFO")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it: back in the form with what was typed
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        assert app.screen.query_one("#entry-title").value == "Call the CFO"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, (EntryScreen, ConfirmScreen))
        assert not ActionItem.select().where(ActionItem.title == "Call the CFO").exists()


async def test_a_wide_terminal_gives_the_detail_the_width_past_the_event(org, make_app):
    a1 = story(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(200, 50)) as pilot:
        await open_timeline(app, pilot, a1.id)
        widths = column_widths(app.screen.table)
        assert widths["title"] == 72 and widths["detail"] > 72
    app = make_app("minh.pham")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_timeline(app, pilot, a1.id)
        widths = column_widths(app.screen.table)
        assert widths["title"] >= 24 and widths["detail"] >= 16


async def test_n_on_the_timeline_starts_the_line_with_its_account(org, make_app):
    from acct_tui.ui.screens.quick_capture import QuickCaptureScreen

    a1 = story(org)
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 45)) as pilot:
        await open_timeline(app, pilot, a1.id)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, QuickCaptureScreen)
        assert app.screen.query_one("#entry-line").value == '"Acme Corp" '
        await type_text(pilot, "call agreed the pilot")
        await pilot.press("enter")
        await settle(app, pilot)
        assert Activity.get(Activity.subject == "agreed the pilot").account_id == a1.id
