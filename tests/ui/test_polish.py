"""Small things people notice: the cursor stays put after an action, a fixed field loses its
error, counts read "1 alert", a sorted header shows whole, the selected row is readable in every
built-in theme, and help names the keys as they are mapped now."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.color import Color
from textual.theme import BUILTIN_THEMES

from acct_tui.core.text import days_late, in_days, noun_for, plural
from acct_tui.models import Alert
from acct_tui.ui.screens.alerts import AlertsScreen
from acct_tui.ui.screens.help import HelpScreen
from acct_tui.ui.screens.form import EntryScreen
from tests.ui.conftest import settle, table_text, type_text


def make_alert(account, rule, severity, days_old, **kw):
    seen = dt.datetime(2026, 11, 20, 8, 0) - dt.timedelta(days=days_old)
    return Alert.create(account=account, rule=rule, severity=severity, status="open", reason=f"{rule} on {account.name}",
                        evidence={}, first_seen=seen, last_seen=seen, **kw)


@pytest.fixture
def alerts(org):
    return [
        make_alert(org["b1"], "usage_drop", "red", 10),
        make_alert(org["a1"], "champion_left", "red", 3),
        make_alert(org["a2"], "overdue_update", "yellow", 20),
        make_alert(org["b2"], "overdue_update", "yellow", 2),
    ]


async def open_alerts(app, pilot) -> AlertsScreen:
    await settle(app, pilot)
    await pilot.press("5")
    await settle(app, pilot)
    assert isinstance(app.screen, AlertsScreen)
    return app.screen


async def test_after_resolving_a_row_the_cursor_stays_where_it_was(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)
        assert [r.account_name for r in screen.rows] == ["Gamma Inc", "Acme Corp", "Beta Ltd", "Delta Co"]
        await pilot.press("j", "j")
        await pilot.pause()
        assert screen.table.current_row.account_name == "Beta Ltd"
        await pilot.press("r")
        await pilot.pause()
        await type_text(pilot, "called them")
        await pilot.press("enter")
        await settle(app, pilot)
        assert [r.account_name for r in screen.rows] == ["Gamma Inc", "Acme Corp", "Delta Co"]
        # Beta left the list: the cursor is on the row that took its place, never back on row 1.
        assert screen.table.cursor == 2 and screen.table.current_row.account_name == "Delta Co"
        await pilot.press("a")  # acknowledged stays listed: the cursor stays on it
        await settle(app, pilot)
        assert screen.table.current_row.account_name == "Delta Co"


async def test_a_fixed_field_loses_its_error_before_saving(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_alerts(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EntryScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        def error(key: str) -> str:
            return str(form.query_one(f"#error-{key}").render()).strip()

        assert "a date is required" in error("until") and "a reason is required" in error("reason")
        form.query_one("#entry-until").value = "someday"
        await pilot.pause()
        assert "required" in error("until")  # not a date: not fixed yet
        form.query_one("#entry-until").value = "2026-12-01"
        await pilot.pause()
        assert error("until") == "" and "a reason is required" in error("reason")
        assert "1 field to fix" in str(form.query_one("#form-status").render())
        form.query_one("#entry-reason").value = "budget"
        await pilot.pause()
        assert error("reason") == ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AlertsScreen)
        assert Alert.select().where(Alert.status == "snoozed").count() == 1


@pytest.mark.parametrize(
    "count, noun, many, expected",
    [(0, "account", None, "0 accounts"), (1, "account", None, "1 account"), (2, "opportunity", None, "2 opportunities"),
     (2, "day", None, "2 days"), (1, "person", "people", "1 person"), (1204, "person", "people", "1,204 people"),
     (2, "match", None, "2 matches"), (1, "escalation", None, "1 escalation")],
)
def test_plural(count, noun, many, expected):
    assert plural(count, noun, many) == expected
    assert noun_for(count, noun, many) == expected.split(" ", 1)[1]


def test_days_late_and_in_days_read_in_the_singular_too():
    assert [days_late(n) for n in (1, 2)] == ["1 day late", "2 days late"]
    assert [in_days(n) for n in (0, 1, 2)] == ["today", "tomorrow", "in 2 days"]


async def test_counts_read_in_the_singular_for_one(org, alerts, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)
        await pilot.press("slash", *"Gamma", "enter")
        await settle(app, pilot)
        assert "1 alert ·" in str(screen.query_one("#alerts-summary").render())
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("slash", *"Acme", "enter")
        await settle(app, pilot)
        assert "1 account of " in str(app.screen.query_one("#portfolio-summary").render())


async def test_a_sorted_column_header_shows_whole(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        for _ in range(10):
            if screen.sort == "next_visit":
                break
            await pilot.press("s")
            await settle(app, pilot)
        assert screen.sort == "next_visit"
        header = table_text(app)[0]
        assert "Next visit▲" in header or "Next visit▼" in header
        while screen.sort != "alerts":
            await pilot.press("s")
            await settle(app, pilot)
        header = table_text(app)[0]
        assert "Alerts▲" in header or "Alerts▼" in header


def _contrast(fg: Color, bg: Color) -> float:
    def luminance(color: Color) -> float:
        def channel(c: int) -> float:
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = color.get_truecolor()
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", sorted(BUILTIN_THEMES))
async def test_the_selected_row_is_readable_in_every_builtin_theme(org, alerts, make_app, theme):
    app = make_app("lena.lead", theme=theme)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_alerts(app, pilot)  # red and yellow cells on the first rows
        app.theme = theme
        await pilot.pause()
        table = screen.table
        strip = table.render_line(1)  # the cursor row: the first alert, a red one
        worst = min(
            _contrast(seg.style.color, seg.style.bgcolor)
            for seg in strip
            if seg.text.strip() and seg.style and seg.style.color and seg.style.bgcolor
        )
        assert worst >= 3.0, f"{theme}: the selected row's text has contrast {worst:.2f}"


async def test_help_names_the_keys_as_mapped_now(org, make_app):
    app = make_app("lena.lead", keys={"portfolio.sort": "z", "portfolio.clear": "ctrl+x"})
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        intro = str(app.screen.query_one("#help-intro").render())
        assert "z/S sort" in intro and "s/S sort" not in intro
        assert "^x clears the filters" in intro and " x clears" not in intro
        assert "{" not in intro and "?" not in intro.replace("? ", "")


async def test_help_shows_bracket_keys_and_fits_80_columns(org, make_app):
    """`[`/`]` and "[urgency]" were read as markup and vanished; the box was 84 cells wide."""
    app = make_app("lena.lead", mode=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        intro = str(app.screen.query_one("#help-intro").render())
        assert "(the config's [urgency])" in intro
        box = app.screen.query_one("VerticalScroll").region
        assert box.x >= 0 and box.right <= 80
        await pilot.press("escape", "6")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        intro = str(app.screen.query_one("#help-intro").render())
        assert "[ and ] move the period" in intro


async def test_the_narrow_footer_ends_with_the_palette_key_and_nothing_after_it(org, make_app):
    app = make_app("lena.lead", mode=None)
    async with app.run_test(size=(80, 24)) as pilot:
        for mode in "123456":
            await pilot.press(mode)
            await settle(app, pilot)
            footer = app.screen._compositor.render_strips()[23].text
            assert footer.endswith("▏^p Palette"), (mode, footer)


async def test_hints_and_titles_name_the_keys_as_mapped_now(org, make_app):
    """Today's "why" hint, the KPI title and the handover title were written with fixed keys."""
    from tests import factories as f
    from tests.ui.test_kpi_view import open_kpis

    f.today_book(org)
    remaps = {"today.why": "y", "kpi.earlier": "comma", "kpi.later": "full_stop", "kpi.kind": "ctrl+k",
              "reassign.preview": "ctrl+v", "reassign.confirm": "ctrl+o", "reassign.cancel": "ctrl+c"}
    app = make_app("lena.lead", mode=None, keys=remaps)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        side = str(app.screen.query_one("#today-detail").render())
        assert "⏎ or y: why (every term)" in side
        await open_kpis(app, pilot)
        title = str(app.screen.kpi_view.query_one("#kpi-title").content)
        assert ", . period" in title.replace("\u00a0", " ") and "^k by" in title and "[ ]" not in title
        await pilot.press("K")  # back to the people
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        intro = str(app.screen.query_one("#reassign-title").render())
        assert "^v previews, ^o confirms, ^c cancels" in intro


@pytest.mark.parametrize("burst, kept", [
    ((("a", "a"), ("c", "c"), ("enter", "\r"), ("s", "s")), "ac"),
    ((("a", "a"), ("escape", "\x1b"), ("s", "s")), ""),
], ids=["enter keeps", "escape clears"])
async def test_keys_typed_ahead_of_the_filters_enter_or_escape_reach_the_list(org, make_app, burst, kept):
    """`/ac`, enter and `s` typed in one burst, as a fast typist or a paste does: the `s`
    sorts the list. The bar's enter and escape used to act only after bubbling, once the
    `s` had already gone into the filter line."""
    from textual import events

    from acct_tui.ui.widgets.filter_bar import FilterBar

    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        screen = app.screen
        sort_before = screen.sort
        await pilot.press("slash")
        for key, char in burst:
            app.post_message(events.Key(key, char))
        await settle(app, pilot)
        assert screen.query_one(FilterBar).value == kept
        assert screen.sort != sort_before
