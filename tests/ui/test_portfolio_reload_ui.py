"""The Portfolio over a reload (after a scan or a save): swap, then free.

The old portfolio sheds its caches but the sort in force while the new one loads;
the new one arrives with what its view needs and warms the rest once shown. The
rows, their order and the summary are those of the same view freshly loaded.
"""

from __future__ import annotations

import datetime as dt

from acct_tui.models import HealthSnapshot
from acct_tui.services.portfolio import SORT_COLUMNS
from tests import factories
from tests.ui.conftest import settle

TODAY = dt.date(2026, 11, 20)


def shown(app):
    table = app.screen.table
    return [table.row_at(i).name for i in range(table.row_count)], str(app.screen.query_one("#portfolio-summary").render())


async def test_a_reload_shows_the_view_in_force_as_a_fresh_load_does_and_warms_the_rest_after(org, make_app):
    HealthSnapshot.create(account=org["a1"], taken_on=TODAY, score=20, band="red")
    keys = ("s", "s", "S", "slash", "t", "enter")  # by last touch, reversed, names with a "t"
    app = make_app("lena.lead")
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press(*keys)
        await settle(app, pilot)
        before, old = shown(app), app.screen.portfolio
        assert old.complete and 1 < len(before[0]) < 5
        factories.activity(org["a2"], "call", dt.datetime(2026, 11, 19, 9))  # Beta Ltd
        HealthSnapshot.create(account=org["a2"], taken_on=TODAY, score=10, band="red")
        app.data_changed()
        # The old one kept only the order in force while the new one loaded.
        assert [key for key in old._cache if isinstance(key, tuple) and key[0] == "order"] == [("order", app.screen.sort)]
        await settle(app, pilot)
        new = app.screen.portfolio
        assert new is not old and all(("order", column) in new._cache for column in SORT_COLUMNS)
        reloaded = shown(app)
        assert reloaded[0] != before[0] and "1 red" in reloaded[1] and '(reversed) · filter: "t"' in reloaded[1]
        # Textual names a worker by the repr of its arguments unless told: never a whole portfolio's.
        assert all(len(worker.description) < 200 for worker in app.workers)

    fresh = make_app("lena.lead")
    async with fresh.run_test(size=(150, 40)) as pilot:
        await settle(fresh, pilot)
        await pilot.press(*keys)
        await settle(fresh, pilot)
        assert shown(fresh) == reloaded
