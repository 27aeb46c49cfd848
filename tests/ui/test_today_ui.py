"""Today (mode 1): what it shows, for an AM and a lead, and every action from the row.

The data is tests/test_today.py's: Minh's Acme has a commitment 3 days late, a visit planned on
Tuesday, a touch 19 days old and its contract anniversary tomorrow; Beta a quiet renewal, a
milestone, a yellow alert, a touch 50 days old and a contact's birthday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.models import ActionItem, Alert, AuditLog, PlannedVisit
from acct_tui.ui.screens.dialogs import RecordScreen
from acct_tui.ui.screens.form import EntryScreen
from acct_tui.ui.screens.quick_capture import QuickCaptureScreen
from acct_tui.ui.screens.today import TodayScreen
from acct_tui.ui.screens.visit_form import VisitFormScreen
from tests import factories as f
from tests.ui.conftest import column_widths, settle, table_text, type_text


@pytest.fixture
def data(org):
    return f.today_book(org)


def shown(app) -> list[tuple[str, str, int]]:
    return [(r.account_name, r.top.kind, len(r.items)) for r in app.screen.rows]


async def test_an_am_opens_on_today_ranked_with_the_reasons(data, make_app):
    app = make_app("minh.pham", mode=None)
    # 170 columns: the account takes up to 36 cells and the reason the rest, whole with its "+3 more".
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, TodayScreen)
        assert shown(app) == [("Acme Corp", "commitment", 4), ("Beta Ltd", "renewal", 5)]
        lines = table_text(app, "#today-table")
        assert "Owner" not in lines[0]
        assert "104" in lines[1] and "commitment “Send proposal” 3 days late" in lines[1] and "+3 more" in lines[1]
        side = str(app.screen.query_one("#today-detail").render())
        assert "19 days since the last touch, target 14" in side and "3 years since the contract started" in side
        summary = str(app.screen.query_one("#today-summary").render())
        assert "2 accounts · 9 things to do" in summary


async def test_the_first_rows_show_before_the_whole_queue_is_ranked(data, make_app, monkeypatch):
    """The screen shows `build_today(first=FIRST_ROWS)` at once and says the rest is being counted;
    the whole queue replaces it when it is ranked, the cursor on the same account."""
    import threading

    from acct_tui.services import today as today_service
    from acct_tui.ui.screens import today as today_screen

    monkeypatch.setattr(today_screen, "FIRST_ROWS", 1)
    ranked = threading.Event()
    build_today = today_service.build_today

    def held(viewer, **kw):
        if kw.get("first") is None:
            assert ranked.wait(10), "the test never let the whole queue be ranked"
        return build_today(viewer, **kw)

    monkeypatch.setattr(today_service, "build_today", held)
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(170, 40)) as pilot:
        for _ in range(50):
            await pilot.pause()
            if app.screen.queue is not None:
                break
        assert shown(app) == [("Acme Corp", "commitment", 4)]
        summary = str(app.screen.query_one("#today-summary").render())
        assert "The first 1 account · counting the rest…" in summary
        ranked.set()
        await settle(app, pilot)
        assert shown(app) == [("Acme Corp", "commitment", 4), ("Beta Ltd", "renewal", 5)]
        assert "2 accounts · 9 things to do" in str(app.screen.query_one("#today-summary").render())
        assert app.screen.table.current_row.account_name == "Acme Corp"


@pytest.mark.parametrize("login", ["minh.pham", "lena.lead"])
async def test_at_80_columns_the_account_keeps_20_cells_and_the_reason_shows(data, make_app, login):
    data["a1"].name = "Acme Corporation International Trading"
    data["a1"].save()
    app = make_app(login, mode=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#today-table")
        widths = column_widths(table)
        assert widths["account_name"] >= 20 and widths["why"] >= 20
        header, first, *_ = table_text(app, "#today-table")
        assert "Acme Corporation Int" in first and "commitment “Send pro" in first
        assert "Why" in header
        hidden = [c.key for c in table.hidden_columns]
        if login == "lena.lead":  # the owner outranks the kind and the due date
            assert hidden == ["kind", "due"] and "Owner" in header and "+2 hidden" in header
        else:
            assert hidden == [] and "hidden" not in header
        side = app.screen.query_one("#today-side").region  # the reasons pane is below the table, not beside it
        assert side.width >= 78 and side.y > table.region.bottom - 1


async def test_a_lead_sees_owners_and_filters_by_one(data, make_app):
    app = make_app("lena.lead", mode=None)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        assert "Owner" in table_text(app, "#today-table")[0]
        assert {r.owner for r in app.screen.rows} == {"minh.pham", "an.nguyen"}
        await pilot.press("O")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # everyone, an.nguyen, minh.pham
        await settle(app, pilot)
        assert {r.owner for r in app.screen.rows} == {"minh.pham"}
        assert "owner minh.pham" in str(app.screen.query_one("#today-summary").render())


async def test_enter_and_w_show_every_term(data, make_app):
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        fields = dict(app.screen.detail.fields)
        assert fields["commitment 104.5"].startswith("commitment “Send proposal” 3 days late · due 2026-11-17")
        assert ("  days_late", "3 × 2 = 6") in app.screen.detail.fields
        assert ("  value_share", "75 × 0.5 = 37.5") in app.screen.detail.fields
        await pilot.press("escape", "w")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)


async def test_d_marks_the_commitment_done_and_the_row_re_ranks(data, make_app):
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        item = ActionItem.get(ActionItem.title == "Send proposal")
        assert (item.status, item.done_on) == ("done", dt.date(2026, 11, 20))
        acme = app.screen.rows[0]
        # The promise kept leaves; the visit is now Acme's top reason (the scan that followed may add alerts).
        assert (acme.account_name, acme.top.kind) == ("Acme Corp", "visit")
        assert "commitment" not in [i.kind for i in acme.items]


async def test_when_the_handled_row_goes_the_cursor_stays_at_its_place(data, make_app):
    app = make_app("lena.lead", mode=None)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        names = [r.account_name for r in app.screen.rows]
        gamma = names.index("Gamma Inc")  # only An's promise: done, the row goes
        assert gamma > 0
        app.screen.table.move_cursor(gamma)
        await pilot.press("d")
        await settle(app, pilot)
        assert "Gamma Inc" not in [r.account_name for r in app.screen.rows]
        assert app.screen.table.cursor == min(gamma, len(app.screen.rows) - 1) > 0


async def test_a_acknowledges_the_alert_and_it_leaves(data, make_app):
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")  # Acme has no alert: said so, nothing written
        await settle(app, pilot)
        assert AuditLog.select().count() == 0
        await pilot.press("j", "a")
        await settle(app, pilot)
        assert Alert.get().status == "acknowledged"
        assert AuditLog.get().action == "acknowledge"
        beta = next(r for r in app.screen.rows if r.account_name == "Beta Ltd")
        assert "alert" not in [i.kind for i in beta.items]


async def test_s_snoozes_the_alert_with_a_date_and_a_reason(data, make_app):
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "s")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        await type_text(pilot, "2026-12-01")
        await pilot.press("enter")
        await type_text(pilot, "waiting for the fix")
        await pilot.press("enter")
        await settle(app, pilot)
        alert = Alert.get()
        assert (alert.status, alert.snoozed_until, alert.snooze_reason) == ("snoozed", dt.datetime(2026, 12, 1), "waiting for the fix")
        assert isinstance(app.screen, TodayScreen)
        assert [len(r.items) for r in app.screen.rows] == [4, 4]


async def test_l_n_and_p_open_their_forms_on_the_account(data, make_app):
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen) and app.screen.account_id == data["a1"].id
        app.pop_screen()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuickCaptureScreen)
        assert app.screen.query_one("#entry-line").value == '"Acme Corp" '
        preview = str(app.screen.query_one("#capture-preview").render())
        assert preview.startswith("then the kind and what happened") and "no kind" not in preview
        await type_text(pilot, "call agreed the pilot")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TodayScreen)
        acme = app.screen.rows[0]
        assert "cadence" not in [i.kind for i in acme.items]  # touched today: within the target again
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        await type_text(pilot, "tue")
        await pilot.press("tab")
        await type_text(pilot, "bring the contract")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        plans = PlannedVisit.select().where(PlannedVisit.account == data["a1"].id, PlannedVisit.status == "planned")
        assert sorted(p.purpose for p in plans) == ["Quarterly review", "bring the contract"]


async def test_o_opens_the_timeline(data, make_app):
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "o")
        await settle(app, pilot)
        assert app.current_mode == "timeline" and app.selected_account_id == data["a2"].id


async def test_an_am_never_sees_another_ams_reasons(data, make_app):
    app = make_app("an.nguyen", mode=None)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        assert shown(app) == [("Gamma Inc", "commitment", 1)]


async def test_u_undoes_my_last_change_and_the_row_comes_back(data, make_app):
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("u")  # nothing done yet in this session
        await settle(app, pilot)
        assert AuditLog.select().where(AuditLog.action == "undo").count() == 0
        await pilot.press("d")
        await settle(app, pilot)
        assert ActionItem.get(ActionItem.title == "Send proposal").status == "done"
        await pilot.press("u")
        await settle(app, pilot)
        item = ActionItem.get(ActionItem.title == "Send proposal")
        assert (item.status, item.done_on) == ("open", None)
        assert AuditLog.select().where(AuditLog.action == "undo").count() == 1
        assert app.screen.rows[0].top.reason == "commitment “Send proposal” 3 days late"


@pytest.mark.parametrize("mode", [None, "portfolio", "visits"])
async def test_the_headers_first_count_waits_for_the_first_screenful(data, make_app, monkeypatch, mode):
    """The header's count (every open alert checked against its account: 18,000 at 100k accounts)
    would compete with the first screen's first paint: it starts once that is on the terminal."""
    from acct_tui.ui import risk_bridge

    count = risk_bridge.alert_counts
    app = make_app("minh.pham", mode=mode)
    seen = []

    def counting(viewer):
        seen.append(app.first_painted.is_set())
        return count(viewer)

    monkeypatch.setattr(risk_bridge, "alert_counts", counting)
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(app, pilot)
        assert seen == [True]
        assert app.alert_counts == count(app.viewer) and app.alert_counts["yellow"] == 1
        if mode is None:
            assert shown(app) == [("Acme Corp", "commitment", 4), ("Beta Ltd", "renewal", 5)]


async def test_todays_first_load_starts_once_its_first_frame_is_drawn(data, make_app, monkeypatch):
    """Started at mount, the first page's build (its queries hand the GIL back and forth at
    every row) competed with the styling and layout of the screen's first frame and came later."""
    from acct_tui.services import today as today_service
    from acct_tui.ui.widgets.virtual_table import VirtualTable

    drawn = []
    render_line = VirtualTable.render_line
    monkeypatch.setattr(VirtualTable, "render_line", lambda table, y: drawn.append(y) or render_line(table, y))
    build_today = today_service.build_today
    asked = []
    monkeypatch.setattr(today_service, "build_today", lambda viewer, **kw: asked.append((kw.get("first"), bool(drawn)))
                        or build_today(viewer, **kw))
    app = make_app("minh.pham", mode=None)
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(app, pilot)
        assert asked[:2] == [(100, True), (None, True)]
        assert shown(app) == [("Acme Corp", "commitment", 4), ("Beta Ltd", "renewal", 5)]
        app.data_changed()  # a later load starts at once (its first page, then the whole queue)
        await settle(app, pilot)
        assert asked[2:] == [(100, True), (None, True)]
