"""Snapshots of the screens and modals that had none: a person's portfolio
(MemberScreen), a record's full view, the short entry form, the picker and the
yes/no question.

On the small factories organisation with the clock pinned by conftest, as
its team lead. Update deliberately, after looking at the report:
`pytest tests/ui/test_snapshots_dialogs.py --snapshot-update`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.services import access, entry_forms
from acct_tui.services.account_card import RecordDetail
from acct_tui.ui.screens.dialogs import ConfirmScreen, RecordScreen
from acct_tui.ui.screens.form import EntryScreen
from acct_tui.ui.screens.member import MemberScreen
from acct_tui.ui.screens.pick import PickScreen
from tests import factories as f
from tests.ui.conftest import settle, stop_blinking

SIZE = (120, 32)


@pytest.fixture
def lead_app(org, make_app):
    acme = org["a1"]
    f.activity(acme, "visit", dt.datetime(2026, 11, 12, 14, 0), subject="QBR", sentiment=1)
    f.activity(org["b1"], "call", dt.datetime(2026, 10, 2, 9, 0), subject="Renewal call", sentiment=-1)
    f.alert(acme, "champion_left", "red", reason="Champion Lan Tran left on 2026-11-02")
    f.action_item(acme, "Send proposal", due_on=dt.date(2026, 11, 18))
    return make_app("lena.lead")


def shows(make_screen):
    """A `run_before` that pushes `make_screen(app)` over the settled Portfolio."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(app, pilot)
        app.push_screen(make_screen(app))
        await settle(app, pilot)
        stop_blinking(app)
        await pilot.pause()

    return run_before


def test_member_screen_snapshot(lead_app, snap_compare):
    assert snap_compare(lead_app, terminal_size=SIZE, run_before=shows(lambda app: MemberScreen("minh.pham", "Minh Pham")))


def test_record_screen_snapshot(lead_app, snap_compare):
    detail = RecordDetail(
        title="visit on 2026-11-12",
        fields=(("account", "Acme Corp"), ("kind", "visit"), ("when", "2026-11-12 14:00"), ("by", "minh.pham"),
                ("subject / purpose", "QBR"), ("summary", "")),
        history=("2026-11-12 15:02 minh.pham create",),
    )
    assert snap_compare(lead_app, terminal_size=SIZE, run_before=shows(lambda app: RecordScreen(detail)))


def test_entry_screen_snapshot(lead_app, org, snap_compare):
    def form(app):
        return EntryScreen(entry_forms.commitment_form(access.viewer_for("lena.lead"), org["a1"].id, "Acme Corp", "minh.pham"))

    assert snap_compare(lead_app, terminal_size=SIZE, run_before=shows(form))


def test_pick_screen_snapshot(lead_app, snap_compare):
    choices = [("1", "Lan Tran (champion)"), ("2", "Bao Le (sponsor)"), ("3", "Some User (user)")]
    assert snap_compare(lead_app, terminal_size=SIZE, run_before=shows(lambda app: PickScreen("Who left?", choices, "2")))


def test_confirm_screen_snapshot(lead_app, snap_compare):
    assert snap_compare(lead_app, terminal_size=SIZE, run_before=shows(lambda app: ConfirmScreen("Throw away the typed text?")))


def test_edit_visit_record_snapshot(lead_app, snap_compare):
    """The visit record form correcting a touch: filled in, its account fixed, no new next steps."""
    from acct_tui.models import Activity
    from acct_tui.services import edits
    from acct_tui.ui.screens.visit_form import VisitFormScreen

    qbr = Activity.get(Activity.subject == "QBR")
    values = edits.touch_values(access.viewer_for("lena.lead"), qbr.id)
    assert snap_compare(lead_app, terminal_size=(120, 40), run_before=shows(lambda app: VisitFormScreen(edit=(qbr.id, values))))
