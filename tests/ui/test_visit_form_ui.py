"""The visit record form and quick capture, driven by keys; asserting on the screen and the database."""

from __future__ import annotations

import datetime as dt

from acct_tui.models import ActionItem, Activity, PlannedVisit
from acct_tui.ui.screens.dialogs import ConfirmScreen
from acct_tui.ui.screens.quick_capture import QuickCaptureScreen
from acct_tui.ui.screens.visit_form import VisitFormScreen
from acct_tui.ui.screens.visits import VisitLogScreen
from tests import factories
from tests.ui.conftest import settle, type_text

TODAY = dt.date(2026, 11, 20)


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).content)


async def open_form(app, pilot):
    await settle(app, pilot)
    await pilot.press("4")
    await settle(app, pilot)
    assert isinstance(app.screen, VisitLogScreen)
    app.screen.records_table.blur()
    app.screen.set_focus(None)
    await pilot.press("l")
    await settle(app, pilot)
    assert isinstance(app.screen, VisitFormScreen)
    return app.screen


async def test_log_a_visit_in_the_form(org, make_app):
    plan = factories.planned_visit(org["a1"], TODAY + dt.timedelta(days=2))
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 45)) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#entry-account").value = ""
        form.query_one("#entry-account").focus()
        await pilot.press(*"acme")
        await settle(app, pilot)
        assert shown(app, "#hint-account") == "✓ Acme Corp"
        form.query_one("#entry-date").value = "yesterday"
        await pilot.pause()
        assert shown(app, "#hint-date") == "= Thu 2026-11-19"
        form.query_one("#entry-duration").value = "1h30"
        form.query_one("#entry-attendees").value = "Lan Tran, Minh"
        form.query_one("#entry-purpose").value = "Quarterly review"
        form.query_one("#entry-summary").text = "Went through usage."
        form.query_one("#entry-outcome").text = "Pilot agreed."
        form.query_one("#entry-sentiment").value = "2"
        form.query_one("#entry-next_steps").text = "send proposal by fri\ncall back @lena.lead by 2026-12-01"
        form.query_one("#entry-confirmed_by").value = "Lan Tran"
        form.query_one("#entry-confidential").value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitLogScreen)
        saved = Activity.get()
        assert (saved.account_id, saved.kind, saved.occurred_at, saved.duration_min) == (org["a1"].id, "visit", dt.datetime(2026, 11, 19, 12), 90)
        assert (saved.subject, saved.summary, saved.outcome, saved.sentiment, saved.attendees) == ("Quarterly review", "Went through usage.", "Pilot agreed.", 2, "Lan Tran, Minh")
        assert (saved.confirmed_by, saved.confidential, saved.intent_to_leave) == ("Lan Tran", True, False)
        items = {i.title: (i.owner_id, i.due_on) for i in ActionItem.select()}
        assert items == {"send proposal": (org["am1"].id, TODAY), "call back": (org["lead"].id, dt.date(2026, 12, 1))}
        assert PlannedVisit.get_by_id(plan.id).status == "done"
        assert "Quarterly review" in " ".join(app.screen.records_table.visible_text())


async def test_an_invalid_form_writes_nothing_and_marks_each_field(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 45)) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#entry-account").value = "gamma"  # another AM's account
        form.query_one("#entry-date").value = "31/02"
        form.query_one("#entry-duration").value = "forever"
        form.query_one("#entry-next_steps").text = "ok\nlate by 3d ago"
        await pilot.pause()
        assert shown(app, "#hint-date") == "? not a date"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert shown(app, "#error-account") == "no account you may see matches 'gamma'"
        assert "day 31 does not exist in February 2026" in shown(app, "#error-date")
        assert "not a duration" in shown(app, "#error-duration")
        assert shown(app, "#error-next_steps") == "line 2: due 2026-11-17 is already past"
        assert shown(app, "#error-purpose") == "say what it was about: a purpose or a summary"
        assert shown(app, "#form-status") == "5 fields to fix; nothing was saved"
        assert form.query_one("#entry-date").has_class("-invalid") and not form.query_one("#entry-attendees").has_class("-invalid")
        assert form.query_one("#error-attendees").has_class("-empty")
        assert app.screen.focused is form.query_one("#entry-account")
        assert Activity.select().count() == 0 and ActionItem.select().count() == 0
        # fixing every field saves it
        form.query_one("#entry-account").value = "acme"
        form.query_one("#entry-date").value = "today"
        form.query_one("#entry-duration").value = "45"
        form.query_one("#entry-next_steps").text = "ok"
        form.query_one("#entry-purpose").value = "Check-in"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitLogScreen) and Activity.select().count() == 1


async def test_escape_asks_before_discarding_typed_text(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 45)) as pilot:
        form = await open_form(app, pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, VisitLogScreen)
        form = await open_form(app, pilot)
        form.query_one("#entry-summary").focus()
        await type_text(pilot, "they are unhappy")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and form.query_one("#entry-summary").text == "they are unhappy"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitLogScreen)
        assert Activity.select().count() == 0


async def test_quick_capture_shows_the_parse_and_saves(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuickCaptureScreen)
        await type_text(pilot, "acme visit 45m w/ Lan, Minh +pricing :) agreed next: send proposal by fri")
        await settle(app, pilot)
        preview = app.screen.query_one("#capture-preview").content
        from rich.console import Console

        console = Console(width=120, record=True)
        console.print(preview)
        text = console.export_text()
        for part in ("Acme Corp", "visit", "Fri 2026-11-20", "45 min", "Lan, Minh", "+pricing", ":) good", "send proposal  (by Fri 2026-11-20)"):
            assert part in text, part
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickCaptureScreen)
        saved = Activity.get()
        assert (saved.account_id, saved.duration_min, saved.tags, saved.sentiment, saved.summary) == (org["a1"].id, 45, "pricing", 1, "agreed")
        assert ActionItem.get().title == "send proposal"


async def test_quick_capture_saves_the_summary_as_typed(org, make_app):
    typed = 'prices: 1,200 vs 1,500 "quoted,text" =HYPERLINK("http://x","click")  done'
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#entry-line").value = f"acme call +pricing {typed}"
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickCaptureScreen)
        assert (Activity.get().summary, Activity.get().tags) == (typed, "pricing")


async def test_quick_capture_marks_a_bad_line_and_saves_nothing(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, QuickCaptureScreen)
        await type_text(pilot, "acme visit @31/02")
        await pilot.pause()
        preview = str(app.screen.query_one("#capture-preview").content)
        assert "           ^" in preview and "day 31 does not exist" in preview
        await pilot.press("enter")
        await settle(app, pilot)
        assert "fix the line first" in shown(app, "#form-status")
        await pilot.press("escape")  # a typed line is not thrown away unasked
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, QuickCaptureScreen)
        assert Activity.select().count() == 0


async def test_quick_capture_asks_when_the_account_is_ambiguous(org, make_app):
    holdings = factories.account(org["am1"], "Acme Holdings")
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await type_text(pilot, "acme call :(")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        choices = app.screen.query_one("#capture-choices")
        assert choices.has_class("-shown") and app.screen.focused is choices
        assert [str(choices.get_option_at_index(i).prompt).split("  ")[0] for i in range(choices.option_count)] == ["Acme Corp", "Acme Holdings"]
        assert Activity.select().count() == 0
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickCaptureScreen)
        assert Activity.get().account_id == holdings.id


async def test_quick_capture_never_offers_another_ams_account(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await pilot.press(*"gamma call")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, QuickCaptureScreen)
        assert "no account you may see matches" in shown(app, "#error-line")
        assert Activity.select().count() == 0


async def test_saving_a_visit_rescans_and_resolves_departure_intent(org, make_app):
    from acct_tui.models import Alert
    from acct_tui.services.scan import scan_all

    factories.activity(org["a1"], "call", dt.datetime(2026, 11, 18, 9), intent_to_leave=True)
    scan_all()
    assert Alert.get((Alert.account == org["a1"].id) & (Alert.rule == "departure_intent")).status == "open"
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await type_text(pilot, "acme visit met the CFO, they stay :)")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        alert = Alert.get((Alert.account == org["a1"].id) & (Alert.rule == "departure_intent"))
        assert (alert.status, alert.resolved_by) == ("resolved", "system")
