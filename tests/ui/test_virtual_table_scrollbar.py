"""`VirtualTable` repaints its scrollbar only when the thumb moves on screen: on a long table a
page down moves it a fraction of an eighth of a cell, and repainting the bar's every line
anyway was nearly half of what Textual drew for the page down's frame."""

from __future__ import annotations

from textual.geometry import Region

from acct_tui.ui.widgets.virtual_table import VirtualTable
from tests.ui.test_virtual_table_cache import Frozen, table_app


def drawn(bar) -> list[list[tuple]]:
    """The bar's lines as its widget now has them (repainted or not)."""
    return [[(s.text, s.style) for s in line] for line in bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))]


def count_renders(bar) -> list[int]:
    renders = [0]
    render = bar.render
    bar.render = lambda: (renders.__setitem__(0, renders[0] + 1), render())[1]
    return renders


async def test_a_page_down_on_a_long_table_draws_the_rows_and_not_the_scrollbar():
    app = table_app([Frozen(f"acct {i}", i) for i in range(50_000)])
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        bar = table.vertical_scrollbar
        renders = count_renders(bar)
        for page in range(1, 6):
            await pilot.press("pagedown")
            await pilot.pause()
            assert table.scroll_offset.y > 0 and table.visible_text()[-1].split()[1] == str(table.cursor)
            assert bar.position == table.scroll_offset.y  # kept for a grab of the thumb, not drawn
        assert renders == [0]


async def test_the_thumb_is_always_where_a_repaint_would_draw_it():
    app = table_app([Frozen(f"acct {i}", i) for i in range(2_000)])
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        bar = table.vertical_scrollbar
        for key in ["pagedown"] * 30 + ["pageup"] * 7 + ["end", "home"]:
            await pilot.press(key)
            await pilot.pause()
            shown = drawn(bar)
            bar.refresh()
            assert drawn(bar) == shown, f"after {key} at row {table.cursor}"
