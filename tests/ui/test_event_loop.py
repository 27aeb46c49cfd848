"""No database work on the event loop: while every query is held, keys are
still handled, answers come back only once their query ran, and no query ever
runs on the event loop's thread.

The database is slowed to a stop: a wrapper around the connection's
`execute_sql` (the one door every peewee query goes through) records which
thread asked and holds every worker's query at a gate (`SlowDatabase.gated`)
until the test opens it. What is proved is an order of events, not a time
(a timed budget failed on a loaded machine): a worker is inside its query, a
key is handled, the answer is not back; the gate opens, the answer arrives.
A query on the event loop is never held (that would hang the app): it is
recorded, and the worker the test waits for never arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

import pytest
from textual.command import CommandPalette

from acct_tui.db import database
from tests import factories
from tests.ui.conftest import settle

#: How long a held query or a test waiting for one waits before giving up (a failure, not a pass).
GATE_TIMEOUT = 10


class SlowDatabase:
    """Wraps `execute_sql`: notes whether a query ran on the event loop; holds workers' queries at a gate."""

    def __init__(self, monkeypatch) -> None:
        self.monkeypatch = monkeypatch
        self.on_loop: list[str] = []
        self.queries = 0
        self.gate: threading.Event | None = None
        self.parked = 0
        self._arrived = threading.Condition()

    def install(self) -> None:
        """From now on (after the test's own set-up), watch every query."""
        real = database.obj.execute_sql
        loop_thread = threading.main_thread()

        def execute_sql(sql, params=None, *args, **kwargs):
            self.queries += 1
            gate = self.gate
            if threading.current_thread() is loop_thread:
                self.on_loop.append(sql[:120])
            elif gate is not None:
                with self._arrived:
                    self.parked += 1
                    self._arrived.notify_all()
                gate.wait(GATE_TIMEOUT)
            return real(sql, params, *args, **kwargs)

        self.monkeypatch.setattr(database.obj, "execute_sql", execute_sql)

    @contextlib.contextmanager
    def gated(self):
        """Hold every worker's query until the block ends (queries on the loop pass, recorded)."""
        self.gate = threading.Event()
        try:
            yield self
        finally:
            gate, self.gate = self.gate, None
            gate.set()

    async def worker_in_query(self, since: int) -> None:
        """Wait until a worker query is held at the gate after the `since`th (`self.parked` before the action)."""
        wanted = since + 1

        def wait() -> bool:
            with self._arrived:
                return self._arrived.wait_for(lambda: self.parked >= wanted, GATE_TIMEOUT)

        assert await asyncio.to_thread(wait), "no worker reached a query: did it run on the event loop?"


@pytest.fixture
def slow_db(monkeypatch, org):
    for n in range(30):
        factories.account(org["am1"], f"Account {n:02d}")
    return SlowDatabase(monkeypatch)


async def key_handled(pilot, node, action: str, key: str) -> bool:
    """Whether pressing `key` ran `node`'s `action_<action>` (the key handled)."""
    handled: list[bool] = []
    name = f"action_{action}" if hasattr(node, f"action_{action}") else f"_action_{action}"  # Textual's own are private
    real = getattr(node, name)

    def spy(*args):
        handled.append(True)
        return real(*args)

    setattr(node, name, spy)
    try:
        await pilot.press(key)
    finally:
        delattr(node, name)
    return bool(handled)


async def test_keys_are_handled_while_every_query_is_held(slow_db, make_app):
    app = make_app("lena.lead")
    slow_db.install()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#portfolio-table")
        before = table.cursor
        with slow_db.gated():
            held = slow_db.parked
            app.data_changed()  # every screen reloads, the header recounts: workers held in their queries
            await slow_db.worker_in_query(held)
            busy = [w for w in app.workers if w.is_running]
            assert busy, "the reload should be running in workers"
            # A key waiting behind a query would wait for the gate: these are handled while it is shut.
            assert await key_handled(pilot, table, "cursor_down", "j")
            assert await key_handled(pilot, table, "cursor_up", "k")
            assert await key_handled(pilot, table, "cursor_down", "j")
            assert await key_handled(pilot, table, "cursor_down", "j")
            assert await key_handled(pilot, screen, "filter", "slash")
            assert table.cursor == before + 2
            assert any(w.is_running for w in busy), "the workers should still be held in their queries"
        await settle(app, pilot)
    assert slow_db.queries > 0
    assert slow_db.on_loop == []


async def test_palette_open_account_and_counts_query_off_the_loop(slow_db, make_app, org):
    app = make_app("lena.lead")
    slow_db.install()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        with slow_db.gated():
            await pilot.press("ctrl+p")
            await pilot.pause()
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            held = slow_db.parked
            await pilot.press(*"acme")  # every key starts a search whose queries are held in a worker
            await slow_db.worker_in_query(held)
            # The search is held in its query, and a key is still handled.
            assert await key_handled(pilot, palette, "cursor_down", "down")
            assert any(w.group == "palette" and w.is_running for w in app.workers)
        await settle(app, pilot)
        with slow_db.gated():
            held = slow_db.parked
            await pilot.press("enter")  # app.open_account: its visibility check runs in a worker
            await slow_db.worker_in_query(held)
            assert app.selected_account_id != org["a1"].id, "the check's answer came back before its query ran"
            app.alert_counts = None
            held = slow_db.parked
            app.refresh_alert_counts()  # the header's counts: a worker too
            await slow_db.worker_in_query(held)
            await pilot.pause()
            assert app.alert_counts is None, "the counts came back before their query ran"
        await settle(app, pilot)
        assert app.current_mode == "timeline"
        assert app.selected_account_id == org["a1"].id
        assert app.alert_counts == {"red": 0, "yellow": 0, "snoozed": 0}
        with slow_db.gated():
            held = slow_db.parked
            app.open_account(org["b1"].id)
            await slow_db.worker_in_query(held)
            await pilot.pause()
            assert app.selected_account_id == org["a1"].id, "the check's answer came back before its query ran"
        await settle(app, pilot)
        assert app.selected_account_id == org["b1"].id
    assert slow_db.on_loop == []
