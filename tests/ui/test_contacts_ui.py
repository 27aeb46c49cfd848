"""`C` on the Timeline: add a contact, edit one; a bad field is marked and nothing is saved."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input

from acct_tui.models import AuditLog, Contact
from acct_tui.ui.screens.form import EntryScreen
from acct_tui.ui.screens.pick import PickScreen
from acct_tui.ui.screens.timeline import TimelineScreen
from tests import factories as f
from tests.ui.conftest import settle, stop_blinking

SIZE = (150, 45)


async def open_contacts(app, pilot, account_id):
    await settle(app, pilot)
    app.open_account(account_id)
    await settle(app, pilot)
    assert isinstance(app.screen, TimelineScreen)
    await pilot.press("C")
    await settle(app, pilot)
    assert isinstance(app.screen, PickScreen)


def fill(app, **typed):
    for key, text in typed.items():
        app.screen.query_one(f"#entry-{key}").value = text


async def test_add_a_contact_from_the_timeline(org, make_app):
    acme = org["a1"]
    app = make_app("minh.pham")
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, pilot, acme.id)
        await pilot.press("enter")  # "+ New contact" comes first
        await settle(app, pilot)
        assert isinstance(app.screen, EntryScreen)
        fill(app, name="Lan Trần", title="Head of IT", email="lan@acme", birthday="1985-03-14")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # The bad email is marked; nothing is saved; the form stays.
        assert isinstance(app.screen, EntryScreen)
        assert "not an email address" in str(app.screen.query_one("#error-email").render())
        assert Contact.select().count() == 0
        fill(app, email="lan@acme.vn")
        app.screen.query_one("#entry-role").value = "champion"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        lan = Contact.get(Contact.name == "Lan Trần")
        assert (lan.account_id, lan.title, lan.email, lan.role, lan.birthday, lan.added_on) == (
            acme.id, "Head of IT", "lan@acme.vn", "champion", dt.date(1985, 3, 14), dt.date(2026, 11, 20))
        assert AuditLog.select().where((AuditLog.table == "contact") & (AuditLog.action == "create")).count() == 1


async def test_edit_a_contact_from_the_timeline(org, make_app):
    acme = org["a1"]
    bo = f.contact(acme, "Bo Vu", "user", phone="0903 123 456", added_on=dt.date(2025, 2, 1))
    app = make_app("minh.pham")
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, pilot, acme.id)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EntryScreen)
        assert app.screen.query_one("#entry-phone", Input).value == "0903 123 456"
        fill(app, title="CFO", phone="+84 903 123 456")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        stored = Contact.get_by_id(bo.id)
        assert (stored.name, stored.title, stored.phone, stored.added_on) == ("Bo Vu", "CFO", "+84 903 123 456", dt.date(2025, 2, 1))
        entry = AuditLog.get((AuditLog.table == "contact") & (AuditLog.row_id == bo.id))
        assert entry.changes == {"title": [None, "CFO"], "phone": ["0903 123 456", "+84 903 123 456"]}


def test_contact_form_snapshot(org, make_app, snap_compare):
    acme = org["a1"]
    f.contact(acme, "Bo Vu", "sponsor", title="CFO", email="bo@acme.vn", added_on=dt.date(2025, 2, 1))

    async def run_before(pilot) -> None:
        app = pilot.app
        await open_contacts(app, pilot, acme.id)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        fill(app, email="bo@")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        stop_blinking(app)
        await pilot.pause()

    assert snap_compare(make_app("minh.pham"), terminal_size=SIZE, run_before=run_before)
