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
