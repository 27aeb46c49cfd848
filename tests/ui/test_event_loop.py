"""No database work on the event loop: with every query slowed down, keys are
still handled at once, and no query ever runs on the event loop's thread.

The slowed database is a wrapper around the connection's `execute_sql` (the
one door every peewee query goes through) that sleeps and records which
thread asked. While the workers sleep in it, key presses must be handled
within a frame: a press that waited for a query would take the whole sleep.
"""

from __future__ import annotations

import threading
import time

import pytest
from textual.command import CommandPalette

from acct_tui.db import database
from tests import factories
from tests.ui.conftest import settle

#: How long each query takes while the database is slowed.
SLOW = 0.2
#: A key must be handled within a frame (1/60 s at Textual's 60 fps); allowed
#: three, for a loaded 2-core machine's scheduling: still far below one slowed query.
FRAME_BUDGET = 3 / 60


class SlowDatabase:
    """Wraps `execute_sql`: every query sleeps `delay` and notes whether it ran on the event loop."""

    def __init__(self, monkeypatch) -> None:
        self.monkeypatch = monkeypatch
        self.delay = 0.0
        self.on_loop: list[str] = []
        self.queries = 0

    def install(self) -> None:
        """From now on (after the test's own set-up), watch every query."""
        real = database.obj.execute_sql
        loop_thread = threading.main_thread()

        def execute_sql(sql, params=None, *args, **kwargs):
            self.queries += 1
            if threading.current_thread() is loop_thread:
                self.on_loop.append(sql[:120])
            if self.delay:
                time.sleep(self.delay)
            return real(sql, params, *args, **kwargs)

        self.monkeypatch.setattr(database.obj, "execute_sql", execute_sql)


@pytest.fixture
def slow_db(monkeypatch, org):
    for n in range(30):
        factories.account(org["am1"], f"Account {n:02d}")
    return SlowDatabase(monkeypatch)


async def handling_time(pilot, node, action: str, key: str) -> float:
    """Seconds from pressing `key` until `node`'s `action_<action>` runs (the key handled)."""
    handled: list[float] = []
    name = f"action_{action}" if hasattr(node, f"action_{action}") else f"_action_{action}"  # Textual's own are private
    real = getattr(node, name)

    def spy(*args):
        handled.append(time.perf_counter())
        return real(*args)

    setattr(node, name, spy)
    start = time.perf_counter()
    try:
        await pilot.press(key)
    finally:
        delattr(node, name)
    assert handled, f"{key} did not reach {action}"
    return handled[0] - start


async def test_keys_are_handled_within_a_frame_while_every_query_is_slow(slow_db, make_app):
    app = make_app("lena.lead")
    slow_db.install()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#portfolio-table")
        slow_db.delay = SLOW
        app.data_changed()  # every screen reloads, the header recounts: workers busy in slow queries
        await pilot.pause()
        busy = [w for w in app.workers if w.is_running]
        assert busy, "the reload should be running in workers"
        before = table.cursor
        await pilot.press("j")
        took = [
            await handling_time(pilot, table, "cursor_down", "j"),
            await handling_time(pilot, table, "cursor_up", "k"),
            await handling_time(pilot, table, "cursor_down", "j"),
            await handling_time(pilot, screen, "filter", "slash"),
        ]
        assert table.cursor == before + 2
        # A key waiting behind a query on the loop would take the whole SLOW.
        assert max(took) < FRAME_BUDGET, took
        assert any(w.is_running for w in busy), "the workers should still be in their slow queries"
        slow_db.delay = 0
        await settle(app, pilot)
    assert slow_db.queries > 0
    assert slow_db.on_loop == []


async def test_palette_open_account_and_counts_query_off_the_loop(slow_db, make_app, org):
    app = make_app("lena.lead")
    slow_db.install()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        slow_db.delay = SLOW
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*"acme")  # every key starts a search whose queries sleep in a worker
        searching = [w for w in app.workers if w.group == "palette" and w.is_running]
        took = [await handling_time(pilot, palette, "cursor_down", "down")]
        assert searching and any(w.is_running for w in searching), "the search should still be in its slow query"
        await settle(app, pilot)
        await pilot.press("enter")  # app.open_account: its visibility check runs in a worker
        start = time.perf_counter()
        app.refresh_alert_counts()  # the header's counts: a worker too
        took.append(time.perf_counter() - start)
        await settle(app, pilot)
        assert app.current_mode == "timeline"
        assert app.selected_account_id == org["a1"].id
        assert app.alert_counts == {"red": 0, "yellow": 0, "snoozed": 0}
        start = time.perf_counter()
        app.open_account(org["b1"].id)
        took.append(time.perf_counter() - start)
        # A key or a call waiting behind a query on the loop would take the whole SLOW.
        assert max(took) < FRAME_BUDGET, took
        await settle(app, pilot)
        assert app.selected_account_id == org["b1"].id
        slow_db.delay = 0
    assert slow_db.on_loop == []
