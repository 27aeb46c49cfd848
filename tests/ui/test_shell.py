"""The shell: modes, keys, help, palette, keymap, theme, background scan."""

from __future__ import annotations

import io
import tomllib

import pytest
from rich.console import Console
from textual.command import CommandPalette

from acct_tui.errors import UsageError
from acct_tui.ui import risk_bridge
from acct_tui.ui.screens.help import HelpScreen
from acct_tui.ui.screens.portfolio import PortfolioScreen
from acct_tui.ui.widgets.header import AppHeader
from tests.ui.conftest import settle, table_text


def header_text(app) -> str:
    header = app.screen.query_one(AppHeader)
    return " ".join(str(static.render()) for static in header.query("Static"))


def header_line(app) -> str:
    """The header's row as painted on the terminal (what is cut does not show)."""
    return app.screen._compositor.render_strips()[0].text


async def test_the_app_opens_on_today_and_keys_1_to_6_switch_modes_for_a_lead(org, make_app):
    app = make_app("lena.lead", mode=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert (app.current_mode, type(app.screen).__name__) == ("today", "TodayScreen")
        seen = []
        for key in "234561":
            await pilot.press(key)
            await pilot.pause()
            seen.append((app.current_mode, type(app.screen).__name__))
        assert seen == [
            ("portfolio", "PortfolioScreen"),
            ("timeline", "TimelineScreen"),
            ("visits", "VisitLogScreen"),
            ("alerts", "AlertsScreen"),
            ("team", "TeamScreen"),
            ("today", "TodayScreen"),
        ]


async def test_mode_6_is_an_account_managers_own_kpis(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("6")
        await settle(app, pilot)
        assert app.current_mode == "team"
        assert "6 My KPIs" in header_text(app) and "6 Team" not in header_text(app)
        assert not app.screen.query("#team-table")  # no People tab: only their own figures
        rows = app.screen.kpi_view.table
        assert [rows.row_at(i).row.group for i in range(rows.row_count)] == ["minh.pham"]


async def test_header_shows_who_and_database_and_alert_counts(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        text = header_text(app)
        assert "Lena Lead" in text and "(lead)" in text and "file test.db" in text
        app.alert_counts = {"red": 3, "yellow": 5}
        await pilot.pause()
        assert "3 red" in header_text(app) and "5 yellow" in header_text(app)


async def test_the_alert_counts_show_whole_at_80_columns_and_with_their_words_when_wide(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.alert_counts = {"red": 123, "yellow": 4567, "snoozed": 8}
        await pilot.pause()
        line = header_line(app)
        assert "6 Team" in line and line.rstrip().endswith("● 123 ● 4,567"), line
        assert "red" not in line and "yell" not in line and "snoozed" not in line
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        line = header_line(app)
        assert line.rstrip().endswith("● 123 red  ● 4,567 yellow  +8 snoozed"), line
        assert "Lena Lead (lead)" in line
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert header_line(app).rstrip().endswith("● 123 ● 4,567")


async def test_escape_goes_back_to_the_previous_mode(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "3")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "alerts"
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "portfolio"


async def test_help_screen_lists_every_binding_of_the_screen(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {row.binding_id for row in app.screen.rows}
        assert {"portfolio.sort", "portfolio.tier", "screen.filter", "screen.back", "table.down", "mode.team", "app.quit", "app.palette"} <= ids
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen._table())
        shown = console.export_text()
        assert "Sort" in shown and "portfolio.sort" in shown and "j" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PortfolioScreen)


async def test_help_for_an_am_has_no_owner_filter(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "portfolio.owner" not in {row.binding_id for row in app.screen.rows}


async def palette_results(app, pilot, text: str) -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*text)
    # The palette searches asynchronously; give it a few turns.
    for _ in range(20):
        await pilot.pause(0.05)
    from textual.command import CommandList

    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_palette_finds_visible_accounts_and_opens_the_timeline(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        found = await palette_results(app, pilot, "acme")
        assert any("Acme Corp" in item for item in found)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "timeline"
        assert app.selected_account_id == org["a1"].id


async def test_palette_offers_the_screens_actions(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        found = await palette_results(app, pilot, "reverse")
        assert any("Reverse" in item for item in found)


async def test_an_am_cannot_reach_another_ams_account(org, make_app):
    """Not in the table, not through the filter, not in the palette, not by id."""
    other = org["b1"]  # Gamma Inc, owned by an.nguyen
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        rows = "\n".join(table_text(app))
        assert "Acme Corp" in rows and "Gamma Inc" not in rows and "Zeta" not in rows
        await pilot.press("slash", *"gamma")
        await pilot.pause()
        assert app.screen.query_one("#portfolio-table").row_count == 0
        await pilot.press("escape")
        await pilot.pause()
        found = await palette_results(app, pilot, "gamma")
        assert not any("Gamma" in item for item in found)
        await pilot.press("escape")
        await pilot.pause()
        app.open_account(other.id)
        await pilot.pause()
        assert app.selected_account_id != other.id and app.current_mode == "portfolio"


async def test_keymap_from_config_remaps_a_binding(org, make_app):
    app = make_app("lena.lead", keys={"portfolio.sort": "z"})
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("s")
        await pilot.pause()
        assert screen.sort == "value"
        await pilot.press("z")
        await pilot.pause()
        assert screen.sort == "health"


def test_an_unknown_binding_id_in_the_config_is_refused(org, make_app):
    with pytest.raises(UsageError, match=r"keys\.portfolio\.sorty: no binding has this id.*portfolio\.sort"):
        make_app("lena.lead", keys={"portfolio.sorty": "z"})


def test_no_remaps_checks_nothing_and_imports_no_screen_before_the_first_paint():
    import subprocess
    import sys

    code = (
        "import sys; from acct_tui.ui.app import AcctApp; from acct_tui.ui.keymap import check_keymap; "
        "assert check_keymap({}, AcctApp) == {}; "
        "print(sorted(m for m in sys.modules if m.startswith('acct_tui.ui.screens.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_unknown_theme_in_the_config_is_refused(org, make_app):
    with pytest.raises(UsageError, match="not a known theme"):
        make_app("lena.lead", theme="no-such-theme")


async def test_theme_choice_is_saved_to_the_config_and_applied_at_start(org, make_app, config_path):
    app = make_app("lena.lead")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.theme = "nord"
        await pilot.pause()
    assert tomllib.loads(config_path.read_text())["theme"] == "nord"
    again = make_app("lena.lead", theme="nord")
    async with again.run_test(size=(140, 40)) as pilot:
        assert again.theme == "nord"


class FakeSummary:
    def __init__(self, new_red):
        self.new_red = new_red


class FakeAlert:
    def __init__(self, id, account_name, reason):
        self.id, self.account_name, self.reason = id, account_name, reason


async def test_background_scan_notifies_new_red_alerts_and_refreshes_counts(org, make_app, monkeypatch):
    calls = []

    def fake_scan(viewer, now, settings=None):
        calls.append((viewer.login, now))
        return risk_bridge.ScanOutcome(
            summary=FakeSummary((7,)), new_red=(FakeAlert(7, "Acme Corp", "no touch for 40 days"),), counts={"red": 1, "yellow": 2, "snoozed": 3}
        )

    monkeypatch.setattr(risk_bridge, "scan", fake_scan)
    app = make_app("minh.pham")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        version = app.data_version
        app.run_scan()
        await settle(app, pilot)
        assert calls and calls[0][0] == "minh.pham"
        assert app.alert_counts == {"red": 1, "yellow": 2, "snoozed": 3}
        assert app.data_version == version + 1
        assert any("Acme Corp: no touch for 40 days" in str(n.message) for n in app._notifications)
        assert "1 red" in header_text(app) and "+3 snoozed" in header_text(app)


async def test_scan_starts_at_launch_unless_disabled(org, make_app, monkeypatch):
    calls = []
    monkeypatch.setattr(risk_bridge, "scan", lambda viewer, now, settings=None: calls.append(now) or None)
    app = make_app("minh.pham", scan=True)
    app.FIRST_SCAN_DELAY = 0.05
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert len(calls) == 1
    quiet = make_app("minh.pham", scan=False)
    async with quiet.run_test(size=(140, 40)) as pilot:
        await settle(quiet, pilot)
        assert len(calls) == 1


async def test_a_real_scan_raises_alerts_updates_the_header_and_notifies_only_my_red_ones(org, make_app):
    import datetime as dt

    from acct_tui.models import Alert
    from tests import factories

    factories.activity(org["a1"], "call", dt.datetime(2026, 10, 15, 9))  # strategic, 36 days: red
    factories.activity(org["b1"], "call", dt.datetime(2026, 10, 1, 9))  # an.nguyen's: red, not mine
    app = make_app("minh.pham")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        app.run_scan()
        await settle(app, pilot)
        mine = {org["a1"].id, org["a2"].id}
        red = Alert.select().where(Alert.severity == "red", Alert.status == "open")
        assert {a.account_id for a in red} >= {org["a1"].id, org["b1"].id}
        my_red = [a for a in red if a.account_id in mine]
        assert app.alert_counts["red"] == len(my_red)
        messages = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Acme Corp: No touch for 36 days") for m in messages)
        assert not any(m.startswith(("Gamma Inc", "Zeta", "Eta Group")) for m in messages)
        assert f"{len(my_red)} red" in header_text(app)


async def test_many_new_red_alerts_come_as_one_notification(org, make_app, monkeypatch):
    alerts = tuple(FakeAlert(i, f"Account {i}", "late") for i in range(10))
    monkeypatch.setattr(
        risk_bridge, "scan", lambda viewer, now, settings=None: risk_bridge.ScanOutcome(FakeSummary(()), alerts, {"red": 10, "yellow": 0})
    )
    app = make_app("lena.lead")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.run_scan()
        await settle(app, pilot)
        reds = [n for n in app._notifications if "red alert" in (n.title or "")]
        assert len(reds) == 1
        assert reds[0].title == "10 new red alerts" and "Account 0, Account 1, Account 2 and 7 more" in str(reds[0].message)
