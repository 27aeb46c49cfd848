"""ctrl+f: search what was written from any screen, and open a result in its timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, OptionList

from acct_tui.ui.screens.search import SearchScreen
from acct_tui.ui.screens.timeline import TimelineEvent, TimelineScreen
from tests import factories as f
from tests.ui.conftest import settle

SIZE = (120, 32)


@pytest.fixture
def written(org):
    acme, gamma = org["a1"], org["b1"]
    f.activity(acme, "visit", dt.datetime(2026, 11, 12, 14, 0), subject="Gặp Công ty Sữa", summary="Bàn về hợp đồng mới")
    f.activity(acme, "call", dt.datetime(2026, 11, 2, 9, 0), subject="Pricing call", outcome="Công ty sẽ ký hợp đồng 合同 tuần sau")
    f.activity(acme, "note", dt.datetime(2026, 10, 2, 9, 0), subject="Unrelated")
    f.activity(gamma, "email", dt.datetime(2026, 11, 3, 9, 0), subject="Công ty Gamma hợp đồng")
    f.case(acme, dt.datetime(2026, 10, 1, 8), subject="Hợp đồng bị trễ")
    return org


async def search_for(app, pilot, words: str) -> None:
    await settle(app, pilot)
    await pilot.press("ctrl+f")
    await settle(app, pilot)
    assert isinstance(app.screen, SearchScreen)
    app.screen.query_one(Input).value = words
    await pilot.press("enter")
    await settle(app, pilot)


def results(app) -> list[str]:
    options = app.screen.query_one("#search-results", OptionList)
    return [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]


async def test_ctrl_f_finds_what_this_person_may_read_and_enter_opens_it_in_the_timeline(written, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=SIZE) as pilot:
        await search_for(app, pilot, "hop dong")
        found = results(app)
        # Acme's three records (minh.pham's); never Gamma's (an.nguyen's account).
        assert len(found) == 3 and all("Acme Corp" in line for line in found)
        assert any("case: Hợp đồng bị trễ" in line for line in found)
        await pilot.press("down")  # to the results
        index = next(i for i, line in enumerate(found) if "Pricing call" in line)
        app.screen.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert app.selected_account_id == written["a1"].id
        row = app.screen.table.row_at(app.screen.table.cursor)
        assert isinstance(row, TimelineEvent) and row.title == "call: Pricing call"


async def test_a_bad_search_says_why_and_escape_goes_back(written, make_app):
    app = make_app("lena.lead")
    async with app.run_test(size=SIZE) as pilot:
        await search_for(app, pilot, '"" **')
        assert "at least one word" in str(app.screen.query_one("#search-status").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, SearchScreen)


async def test_ctrl_f_is_not_taken_over_a_form(written, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        assert app.screen is form


async def test_at_80_columns_the_search_hint_shows_whole(written, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        painted = " ".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "accents optional" in painted and "合同" in painted


def test_search_screen_snapshot(written, make_app, snap_compare):
    async def run_before(pilot) -> None:
        app = pilot.app
        await search_for(app, pilot, "cong ty hop dong")
        app.screen.query_one(Input).cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app("lena.lead"), terminal_size=SIZE, run_before=run_before)
