"""The Team pane: rows, sorting, drill-down, the escalation inbox, and the reassign flow."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Select, SelectionList

from acct_tui.models import Account, ActionItem, AuditLog
from acct_tui.services import access, handover
from acct_tui.ui.screens.member import MemberScreen
from acct_tui.ui.screens.reassign import ReassignScreen
from acct_tui.ui.screens.team import TeamScreen
from tests import factories as f
from tests.ui.conftest import settle, table_text, type_text
from tests.ui.test_alerts_screen import make_alert


async def open_team(app, pilot) -> TeamScreen:
    await settle(app, pilot)
    await pilot.press("6")
    await settle(app, pilot)
    assert isinstance(app.screen, TeamScreen)
    return app.screen


def people(screen) -> list[str | None]:
    return [r.login for r in screen.shown]


async def test_one_row_per_person_with_their_numbers(org, make_app):
    make_alert(org["a1"], "champion_left", "red", 3)
    f.action_item(org["b1"], "Send quote", due_on=dt.date(2026, 11, 1))
    f.activity(org["a1"], kind="call", at=dt.datetime(2026, 11, 18, 9, 0))
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_team(app, pilot)
        assert people(screen) == ["an.nguyen", "lena.lead", "minh.pham"]
        lines = table_text(app, "#team-table")
        minh = next(line for line in lines if "minh.pham" in line)
        assert "Minh Pham" in minh and "20,000" in minh and "50%" in minh and "2d" in minh
        an = next(line for line in lines if "an.nguyen" in line)
        assert "never" in an
        assert "3 people · 5 accounts" in str(screen.query_one("#team-summary").render())


async def test_sort_by_any_column(org, make_app):
    make_alert(org["b1"], "usage_drop", "red", 3)
    make_alert(org["b2"], "usage_drop", "red", 3)
    make_alert(org["a1"], "usage_drop", "red", 3)
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_team(app, pilot)
        await pilot.press("s")  # accounts, most first
        await pilot.pause()
        assert people(screen)[-1] == "lena.lead"
        await pilot.press("s", "s")  # red, most first
        await pilot.pause()
        assert screen.sort_key == "red" and people(screen) == ["an.nguyen", "minh.pham", "lena.lead"]
        await pilot.press("S")
        await pilot.pause()
        assert people(screen) == ["lena.lead", "minh.pham", "an.nguyen"]
        assert "Red▲" in table_text(app, "#team-table")[0]


async def test_enter_opens_the_persons_accounts_and_alerts(org, make_app):
    make_alert(org["b1"], "usage_drop", "red", 3, reason="Usage down 40%")
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_team(app, pilot)
        await pilot.press("enter")  # an.nguyen
        await settle(app, pilot)
        assert isinstance(app.screen, MemberScreen)
        accounts = table_text(app, "#member-accounts")
        assert any("Delta Co" in line for line in accounts) and any("Gamma Inc" in line for line in accounts)
        assert not any("Acme" in line for line in accounts)
        assert any("Usage down 40%" in line for line in table_text(app, "#member-alerts"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "timeline" and app.selected_account_id == org["b2"].id


async def test_escalation_inbox_lists_what_was_escalated_to_me_oldest_first(org, make_app):
    newer = make_alert(org["a1"], "champion_left", "red", 1, escalated_to=org["lead"],
                       escalated_at=dt.datetime(2026, 11, 19, 9, 0))
    older = make_alert(org["b2"], "overdue_update", "yellow", 9, escalated_to=org["lead"],
                       escalated_at=dt.datetime(2026, 11, 12, 9, 0))
    make_alert(org["a2"], "overdue_update", "yellow", 9, escalated_to=org["admin"],
               escalated_at=dt.datetime(2026, 11, 12, 9, 0))
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_team(app, pilot)
        assert [a.id for a in screen.inbox] == [older.id, newer.id]
        inbox = table_text(app, "#inbox-table")
        assert "Delta Co" in inbox[1] and "8d" in inbox[1] and "Acme Corp" in inbox[2]
        await pilot.press("i", "enter")
        await settle(app, pilot)
        assert app.selected_account_id == org["b2"].id


async def test_the_inbox_acknowledges_and_resolves_what_was_escalated_to_me(org, make_app):
    from acct_tui.models import Alert
    from acct_tui.ui.screens.form import EntryScreen

    first = make_alert(org["b2"], "overdue_update", "yellow", 9, escalated_to=org["lead"],
                       escalated_at=dt.datetime(2026, 11, 12, 9, 0))
    second = make_alert(org["a1"], "champion_left", "red", 1, escalated_to=org["lead"],
                        escalated_at=dt.datetime(2026, 11, 19, 9, 0))
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_team(app, pilot)
        await pilot.press("a")  # the people table has the focus: nothing to acknowledge there
        await settle(app, pilot)
        assert Alert.get_by_id(first.id).status == "open"
        await pilot.press("i", "a")
        await settle(app, pilot)
        assert Alert.get_by_id(first.id).status == "acknowledged"
        assert "overdue_update ack" in table_text(app, "#inbox-table")[1]
        await pilot.press("j", "r")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        await type_text(pilot, "called the new sponsor")
        await pilot.press("enter")
        await settle(app, pilot)
        resolved = Alert.get_by_id(second.id)
        assert (resolved.status, resolved.resolution_note, resolved.resolved_by) == ("resolved", "called the new sponsor", "lena.lead")
        assert [a.id for a in screen.inbox] == [first.id]


async def test_an_am_cannot_reach_the_people_tab(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("6")
        await settle(app, pilot)
        assert isinstance(app.screen, TeamScreen) and not app.screen.query("#team-table")
        for key in ("K", "R", "s", "i"):  # the People tab's keys do nothing here
            await pilot.press(key)
            await settle(app, pilot)
        assert not app.screen.query("#team-table") and not app.screen.query("#team-tabs")


async def test_reassign_preview_then_confirm(org, make_app):
    item = f.action_item(org["a1"], "Send proposal", due_on=dt.date(2026, 11, 25))
    call = f.activity(org["a1"], kind="call", at=dt.datetime(2026, 11, 18, 9, 0))
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_team(app, pilot)
        screen.table.move_cursor(people(screen).index("minh.pham"))
        await pilot.press("R")
        await settle(app, pilot)
        modal = app.screen
        assert isinstance(modal, ReassignScreen)
        accounts = modal.query_one(SelectionList)
        assert sorted(accounts.selected) == sorted([org["a1"].id, org["a2"].id])
        await pilot.press("ctrl+s")  # no owner chosen, no preview yet: it says so, nothing happens
        await settle(app, pilot)
        assert str(modal.query_one("#reassign-error").render()) == (
            "Choose the new owner, then preview (ctrl+r): nothing is handed over unseen.")
        await pilot.press("ctrl+r")  # no owner chosen yet
        await settle(app, pilot)
        assert "Choose the new owner" in str(modal.query_one("#reassign-error").render())
        accounts.deselect(org["a2"].id)
        modal.query_one(Select).value = "an.nguyen"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert modal.plan is not None and modal.plan.account_ids == (org["a1"].id,)
        assert "## Acme Corp" in modal.query_one("#reassign-briefs")._markdown
        assert Account.get_by_id(org["a1"].id).owner_id == org["am1"].id
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TeamScreen)
        assert Account.get_by_id(org["a1"].id).owner_id == org["am2"].id
        assert Account.get_by_id(org["a2"].id).owner_id == org["am1"].id
        assert ActionItem.get_by_id(item.id).owner_id == org["am2"].id
        assert call.author_id == org["am1"].id
        assert AuditLog.select().where(AuditLog.action == "reassign").count() == 2
        rows = {r.login: r.accounts for r in app.screen.shown}
        assert rows["an.nguyen"] == 3 and rows["minh.pham"] == 1


async def test_changing_the_choice_discards_the_preview(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_team(app, pilot)
        screen.table.move_cursor(people(screen).index("minh.pham"))
        await pilot.press("R")
        await settle(app, pilot)
        modal = app.screen
        modal.query_one(Select).value = "an.nguyen"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert modal.plan is not None
        modal.query_one(SelectionList).deselect(org["a2"].id)
        await pilot.pause()
        assert modal.plan is None
        await pilot.press("ctrl+s", "escape")
        await settle(app, pilot)
        assert AuditLog.select().count() == 0


async def test_deactivated_persons_accounts_show_unowned_and_can_be_reassigned(org, make_app):
    handover.deactivate(access.viewer_for("lena.lead"), "minh.pham")
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_team(app, pilot)
        assert people(screen) == ["an.nguyen", "lena.lead", None]
        assert "(unowned)" in table_text(app, "#team-table")[3]
        assert "2 unowned" in str(screen.query_one("#team-summary").render())
        await pilot.press("G", "R")
        await settle(app, pilot)
        modal = app.screen
        assert "from (unowned)" in str(modal.query_one("#reassign-title").render())
        modal.query_one(Select).value = "an.nguyen"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert people(app.screen) == ["an.nguyen", "lena.lead"]
        assert Account.select().where(Account.owner == org["am2"].id).count() == 4


async def test_p_shows_the_person_in_the_portfolio_with_the_owner_filter(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_team(app, pilot)
        screen.table.move_cursor(people(screen).index("minh.pham"))
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert app.current_mode == "portfolio"
        assert app.screen.filters.owner == "minh.pham"
        shown = table_text(app, "#portfolio-table")
        assert any("Acme Corp" in line for line in shown) and not any("Gamma Inc" in line for line in shown)
