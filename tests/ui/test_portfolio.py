"""The Portfolio screen: columns, sort, filters, summary line, opening an account."""

from __future__ import annotations

import datetime as dt

from acct_tui.models import Account, HealthSnapshot
from acct_tui.ui.screens.pick import PickScreen
from tests import factories
from tests.ui.conftest import settle, stop_blinking, table_text

TODAY = dt.date(2026, 11, 20)


def names_shown(app) -> list[str]:
    return [row.name for row in (app.screen.table.row_at(i) for i in range(app.screen.table.row_count))]


def summary(app) -> str:
    return str(app.screen.query_one("#portfolio-summary").render())


def health(account, score, band, days_ago=0):
    HealthSnapshot.create(account=account, taken_on=TODAY - dt.timedelta(days=days_ago), score=score, band=band)


async def test_columns_and_rows_are_shown(org, make_app):
    org["a1"].renewal_date = dt.date(2027, 1, 19)
    org["a1"].save()
    factories.activity(org["a1"], "visit", dt.datetime(2026, 11, 17, 9))
    health(org["a1"], 72, "green")
    health(org["a1"], 60, "yellow", days_ago=7)
    app = make_app("lena.lead")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        header, *rows = table_text(app)
        for label in ("Tier", "Account", "Owner", "Value", "Share", "Health", "Touch", "Next visit", "Renewal", "Alerts"):
            assert label in header
        acme = next(r for r in rows if "Acme Corp" in r)
        assert acme.startswith("STR")
        for cell in ("minh.pham", "10,000", "20.0%", "72 ↑12", "3d", "60d"):
            assert cell in acme, (cell, acme)
        assert len(rows) == 5


async def test_an_am_sees_no_owner_column(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        assert "Owner" not in table_text(app)[0]
        assert sorted(names_shown(app)) == ["Acme Corp", "Beta Ltd"]


async def test_summary_line(org, make_app):
    factories.activity(org["a1"], "call", dt.datetime(2026, 11, 18, 9))
    health(org["a1"], 20, "red")
    health(org["b1"], 50, "yellow")
    app = make_app("lena.lead")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        text = summary(app)
        assert "5 accounts" in text and "50,000 USD value" in text and "coverage 20%" in text
        assert "1 red" in text and "1 yellow" in text and "sorted by value" in text


async def test_s_cycles_the_sort_and_S_reverses_it(org, make_app):
    org["b2"].annual_value = 90_000
    org["b2"].save()
    health(org["b1"], 15, "red")
    health(org["a1"], 40, "yellow")
    app = make_app("lena.lead")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        assert names_shown(app)[0] == "Delta Co"
        assert "Value USD▼" in table_text(app)[0]
        await pilot.press("s")
        await pilot.pause()
        assert names_shown(app)[:2] == ["Gamma Inc", "Acme Corp"]
        assert "Health▲" in table_text(app)[0] and "sorted by health" in summary(app)
        await pilot.press("S")
        await pilot.pause()
        assert names_shown(app)[-2:] == ["Acme Corp", "Gamma Inc"]
        assert "(reversed)" in summary(app)


async def test_a_new_sort_starts_at_the_top_a_filter_keeps_the_account(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j")
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.table.cursor == 0
        app.screen.table.move_cursor(names_shown(app).index("Theta"))
        await pilot.press("slash", "t")  # Beta Ltd, Delta Co, Theta
        await pilot.pause()
        assert app.screen.table.row_count == 3
        assert app.screen.table.current_row.name == "Theta"


async def test_a_sort_and_a_filter_keystroke_take_one_frame_and_no_layout(org, make_app):
    """The rows, the summary and the filter line change together: one refresh, no layout pass
    (each layout or late update was a whole extra frame after the key)."""
    app = make_app("lena.lead")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")  # showing the bar is a layout; typing in it is not
        stop_blinking(app)
        await settle(app, pilot)
        screen, frames, layouts = app.screen, [], []
        paint, lay_out = screen._compositor_refresh, screen._refresh_layout
        screen._compositor_refresh = lambda: frames.append(sorted(str(w.id) for w in screen._dirty_widgets)) or paint()
        screen._refresh_layout = lambda *a, **k: layouts.append(1) or lay_out(*a, **k)
        for key, shown in (("t", '"t"'), ("backspace", "5 accounts ·"), ("enter", None), ("s", "sorted by health")):
            frames.clear()
            await pilot.press(key)
            await pilot.pause()
            if shown is not None:  # enter moves the focus: not a key under test
                assert shown in summary(app) and (len(frames), len(layouts)) == (1, 0), (key, frames)
            layouts.clear()
        assert app.screen.table.row_count == 5


async def test_filters_combine_and_show_in_the_summary(org, make_app):
    health(org["a1"], 20, "red")
    health(org["b1"], 25, "red")
    health(org["a2"], 80, "green")
    app = make_app("lena.lead")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")  # band: red
        await pilot.pause()
        assert sorted(names_shown(app)) == ["Acme Corp", "Gamma Inc"]
        await pilot.press("t")  # tier: strategic
        await pilot.pause()
        assert names_shown(app) == ["Acme Corp"]
        assert "1 account of 5" in summary(app) and "tier strategic, band red" in summary(app)
        await pilot.press("x")
        await pilot.pause()
        assert len(names_shown(app)) == 5
        await pilot.press("slash", *"ta")
        await pilot.pause()
        assert sorted(names_shown(app)) == ["Beta Ltd", "Delta Co", "Theta"]
        await pilot.press("enter", "o")  # keep the text filter, then pick an owner
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        choices = [label for _value, label in app.screen.choices]
        assert choices == ["everyone", "an.nguyen", "lena.lead", "minh.pham"]
        await pilot.press("down", "down", "down", "enter")  # minh.pham
        await settle(app, pilot)
        assert names_shown(app) == ["Beta Ltd"]
        assert '"ta", owner minh.pham' in summary(app)


async def test_typing_narrows_and_backspace_widens_back_with_the_same_rows_and_summary(org, make_app):
    health(org["a1"], 20, "red")
    health(org["b1"], 80, "green")
    app = make_app("lena.lead")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        seen = []
        for key in "ta":
            await pilot.press(key)
            await pilot.pause()
            seen.append((names_shown(app), summary(app)))
        assert sorted(seen[1][0]) == ["Beta Ltd", "Delta Co", "Theta"]
        assert "3 accounts of 5" in seen[1][1] and '"ta"' in seen[1][1]
        await pilot.press("z")  # nothing matches "taz"
        await pilot.pause()
        assert names_shown(app) == [] and "0 accounts of 5" in summary(app)
        for expected in reversed(seen):
            await pilot.press("backspace")
            await pilot.pause()
            assert (names_shown(app), summary(app)) == expected
        await pilot.press("backspace")
        await pilot.pause()
        assert len(names_shown(app)) == 5 and " of 5" not in summary(app)


async def test_escape_clears_the_text_filter(org, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"acme")
        await pilot.pause()
        assert names_shown(app) == ["Acme Corp"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(names_shown(app)) == 5 and app.current_mode == "portfolio"
        assert app.focused is app.screen.table


async def test_enter_opens_the_accounts_timeline(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("G")
        target = app.screen.table.current_row
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "timeline" and app.selected_account_id == target.id
        from rich.console import Console

        console = Console(width=200, record=True)
        console.print(app.screen.query_one("#timeline-card").content)
        assert target.name in console.export_text()


async def test_reloads_after_a_data_change(org, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        assert len(names_shown(app)) == 2
        factories.account(org["am1"], "Kappa New")
        app.data_changed()
        await settle(app, pilot)
        assert "Kappa New" in names_shown(app)
        assert Account.select().where(Account.name == "Kappa New").count() == 1


async def test_other_currencies_show_in_base_beside_their_own_and_never_add_without_a_rate(org, make_app):
    from acct_tui.models import Opportunity, Rate

    org["a1"].currency, org["a1"].annual_value = "EUR", 10_000
    org["a1"].save()
    org["b1"].currency, org["b1"].annual_value = "XAF", 5_000_000
    org["b1"].save()
    Rate.create(currency="EUR", quote="USD", as_of=dt.date(2026, 11, 1), rate="1.10")
    Opportunity.create(account=org["a2"], kind="expansion", name="Seats", amount=4_000, currency="EUR", probability=50,
                       close_date=dt.date(2026, 12, 31))
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        header, *rows = table_text(app)
        assert "Own" in header and "Pipeline" in header
        acme = next(r for r in rows if "Acme Corp" in r)
        assert "11,000" in acme and "10,000 EUR" in acme
        gamma = next(r for r in rows if "Gamma Inc" in r)
        assert "no rate" in gamma and "5.00M XAF" in gamma and "★" not in gamma
        assert names_shown(app)[-1] == "Gamma Inc"  # cannot be ranked against the others: last
        beta = next(r for r in rows if "Beta Ltd" in r)
        assert "2,200" in beta  # 4,000 EUR at 50%, at 1.10
        text = summary(app)
        assert "41,000 USD value (1 account without a rate for XAF)" in text and "pipeline 2,200" in text


async def test_a_cursor_move_redraws_the_table_not_the_whole_screen(org, make_app, monkeypatch):
    """The highlighted account is the Timeline's (`app.selected_account_id`), which nothing draws:
    setting it must not repaint the screen (as a repainting reactive on the app did, every move)."""
    from textual.widget import Widget
    from textual.widgets._footer import FooterKey

    app = make_app("lena.lead")
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        drawn: list[str] = []
        render_lines = Widget.render_lines
        monkeypatch.setattr(Widget, "render_lines", lambda self, crop: drawn.append(type(self).__name__) or render_lines(self, crop))
        await pilot.press("j")
        await settle(app, pilot)
        assert app.selected_account_id == app.screen.table.current_row.id
        assert "VirtualTable" in drawn and FooterKey.__name__ not in drawn
