"""`VirtualTable` keeps each drawn row (`RowCache`): a repaint of an unchanged row is a
lookup, and a row is drawn again when its content, the cursor or the look changes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from acct_tui.ui.widgets.virtual_table import Column, ListSource, VirtualTable


@dataclass(frozen=True)
class Frozen:
    name: str
    value: int


@dataclass
class Mutable:
    name: str
    value: int


def table_app(rows: list, columns: list[Column] | None = None) -> App:
    class TableApp(App):
        def compose(self) -> ComposeResult:
            yield VirtualTable(columns or [Column("name", "Name", 12), Column("value", "Value", 8, "right")],
                               ListSource(rows), id="t")

        def on_mount(self) -> None:
            self.query_one(VirtualTable).focus()

    return TableApp()


def cursor_lines(table: VirtualTable) -> list[int]:
    """The screen lines (1: the first row) drawn with the cursor's background."""
    cursor_bg = table.get_component_rich_style("virtual-table--cursor").bgcolor
    found = []
    for y in range(1, table.row_count + 1):
        backgrounds = {s.style.bgcolor for s in table.render_line(y) if s.style and s.text.strip()}
        if cursor_bg in backgrounds:
            found.append(y)
    return found


async def test_an_unchanged_row_is_not_drawn_again():
    app = table_app([Frozen(f"acct {i}", i) for i in range(5)])
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert table.render_line(2) is table.render_line(2)


@pytest.mark.parametrize("in_place", [False, True], ids=["new row", "changed in place"])
async def test_a_reload_with_a_changed_row_shows_the_new_value(in_place):
    rows = [(Mutable if in_place else Frozen)(f"acct {i}", i) for i in range(5)]
    app = table_app(rows)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert table.visible_text()[2].split() == ["acct", "1", "1"]
        if in_place:
            rows[1].value = 777  # the same object: only the reload says it changed
        else:
            rows[1] = Frozen("acct 1", 777)
        table.reload()
        await pilot.pause()
        assert table.visible_text()[2].split() == ["acct", "1", "777"]


async def test_refresh_rows_draws_what_a_column_reads_besides_the_row():
    marked: set[str] = set()
    columns = [Column("mark", "", 1, render=lambda r: Text("*" if r.name in marked else " ")), Column("name", "Name", 12)]
    app = table_app([Frozen(f"acct {i}", i) for i in range(5)], columns)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert not table.visible_text()[1].startswith("*")
        marked.add("acct 0")
        table.refresh_rows()
        await pilot.pause()
        assert table.visible_text()[1].startswith("* acct 0")


async def test_the_highlight_moves_with_the_cursor():
    app = table_app([Frozen(f"acct {i}", i) for i in range(5)])
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert cursor_lines(table) == [1]
        await pilot.press("down", "down")
        assert cursor_lines(table) == [3]
        await pilot.press("up")
        assert cursor_lines(table) == [2]


async def test_the_cache_keeps_about_a_screen_of_rows():
    app = table_app([Frozen(f"acct {i}", i) for i in range(1000)])
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        for _ in range(60):
            await pilot.press("pagedown")
        await pilot.pause()
        assert table.cursor > 400
        assert len(table._rendered._drawn) <= table._rendered.bound <= 2 * table.size.height + 16


@pytest.mark.parametrize("keep_drawn", [True, False])
async def test_a_new_source_sharing_rows_draws_only_the_rows_it_does_not_share(keep_drawn):
    rows = [Frozen(f"acct {i}", i) for i in range(6)]
    app = table_app(rows)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        before = table.render_line(3)  # rows[2], under no cursor
        table.set_source(ListSource(rows[1:]), keep_drawn=keep_drawn)  # a narrower filter: one line up
        await pilot.pause()
        after = table.render_line(2)
        assert after.text == before.text
        assert (after is before) is keep_drawn
        assert [line.split() for line in table.visible_text()[1:3]] == [["acct", "1", "1"], ["acct", "2", "2"]]
