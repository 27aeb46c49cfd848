"""The Portfolio screen: columns, sort, filters, summary line, opening an account."""

from __future__ import annotations

import datetime as dt

from acct_tui.models import Account, HealthSnapshot
from acct_tui.ui.screens.pick import PickScreen
from tests import factories
from tests.ui.conftest import settle, table_text

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
        assert "1 accounts of 5" in summary(app) and "tier strategic, band red" in summary(app)
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
