"""The app leaves its startup objects, and then each big load, out of the collector's full passes."""

from __future__ import annotations

import gc
import weakref

from acct_tui.ui import memory
from tests.ui.conftest import settle


async def test_the_first_paint_freezes_the_startup_objects_once_a_process(org, make_app, monkeypatch):
    frozen: list[int] = []
    monkeypatch.setattr(memory, "_startup_frozen", False)
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
    monkeypatch.setattr(memory, "_startup_frozen", True)  # the startup freeze is the test above's
    monkeypatch.setattr(memory, "SETTLE_AT", 0)  # the operator's queue here is short
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    app = make_app(mode=None)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert app.screen.queue.complete
        # the whole queue, not its first page; nothing frozen uncollected, nothing left frozen that died since
        assert calls == ["unfreeze", "collect", "freeze"]


def test_what_a_settle_froze_alive_and_has_died_since_is_collected_at_the_next():
    """A reload must not leak what the last one froze (a closed dialog: cyclic, so only the collector frees it)."""

    class Dialog:
        pass

    dialog = Dialog()
    dialog.me = dialog
    alive = weakref.ref(dialog)
    try:
        memory.settle(memory.SETTLE_AT)
        del dialog
        memory.settle(memory.SETTLE_AT)
        assert alive() is None
    finally:
        gc.unfreeze()


async def test_a_small_whole_load_is_left_to_the_collector(org, make_app, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(memory, "_startup_frozen", True)
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    app = make_app(mode=None)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert app.screen.queue.complete and calls == []
