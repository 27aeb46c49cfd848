"""The app leaves its startup objects out of the collector's full passes, once a process."""

from __future__ import annotations

import gc

from acct_tui.ui import app as app_module
from tests.ui.conftest import settle


async def test_the_first_paint_freezes_the_startup_objects_once_a_process(org, make_app, monkeypatch):
    frozen: list[int] = []
    monkeypatch.setattr(app_module, "_startup_frozen", False)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(len(frozen)))
    first = make_app()
    async with first.run_test() as pilot:
        await settle(first, pilot)
        assert frozen == [0]
    second = make_app()
    async with second.run_test() as pilot:
        await settle(second, pilot)
    assert frozen == [0]  # a second app in the process would freeze the first one's garbage


async def test_a_big_whole_load_is_collected_then_frozen_once(org, make_app, monkeypatch):
    """Today's whole queue (130,000 named tuples at 100k accounts) is left out of later full passes."""
    calls: list[str] = []
    monkeypatch.setattr(app_module, "_startup_frozen", True)  # the startup freeze is the test above's
    monkeypatch.setattr(app_module, "SETTLE_AT", 0)  # the operator's queue here is short
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    app = make_app(mode=None)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert app.screen.queue.complete
        assert calls == ["collect", "freeze"]  # the whole queue, not its first page; nothing frozen uncollected


async def test_a_small_whole_load_is_left_to_the_collector(org, make_app, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(app_module, "_startup_frozen", True)
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    app = make_app(mode=None)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert app.screen.queue.complete and calls == []
