"""`VirtualTable.call_after_paint`: work that would slow a frame waits until the rows are drawn."""

from __future__ import annotations

from acct_tui.ui.widgets.virtual_table import ListSource, VirtualTable
from tests.ui.test_virtual_table_cache import Frozen, table_app


async def test_the_callback_runs_once_after_the_new_rows_are_drawn():
    app = table_app([Frozen(f"acct {i}", i) for i in range(5)])
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        log: list[str] = []
        render_lines = table.render_lines
        table.render_lines = lambda crop: (log.append("drawn"), render_lines(crop))[1]
        table.set_source(ListSource([Frozen("new", 1)]))
        table.call_after_paint(lambda: log.append("callback"))
        assert log == []
        await pilot.pause()
        assert log[0] == "drawn" and log.count("callback") == 1
        table.refresh()
        await pilot.pause()
        assert log.count("callback") == 1 and log.count("drawn") >= 2
