"""Every screen and form at 80x24 and at 200x50, as a team lead and as an account manager.

At 80x24 names keep at least 20 cells, the columns that do not fit are hidden
by priority with a "+N hidden" hint, forms scroll, and the mode tabs and the
footer show; at 200x50 the width goes to useful columns, never to one name
column of blanks. `test_layout_at_80_columns` asserts that on the Portfolio
without a snapshot.

The demo (60 accounts, seed 1, one scan) is built once per module and copied
for each test. Update deliberately, after looking at the report:
`pytest tests/ui/test_snapshots_sizes.py --snapshot-update`.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from acct_tui import clock, demo
from acct_tui import db as dbmod
from acct_tui.config import Config
from acct_tui.models import User
from acct_tui.services import access
from acct_tui.services.scan import scan_all
from acct_tui.ui.app import AcctApp
from tests.ui.conftest import column_widths, quiet, settle

NOW = dt.datetime(2026, 11, 20, 9, 0)
SIZES = {"80x24": (80, 24), "200x50": (200, 50)}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The demo database, built and scanned once for the module."""
    path = tmp_path_factory.mktemp("sized") / "demo.db"
    clock.pin(NOW)
    dbmod.open_database(f"sqlite:///{path}")
    with dbmod.database.connection_context():
        demo.build(accounts=60, seed=1, today=NOW.date())
        scan_all(NOW)
    dbmod.database.close()
    clock.pin(None)
    return path


@pytest.fixture
def app_as(template, tmp_path, config_path):
    """An app on a fresh copy of the demo, as `login` ("lead" or "am": the demo's first of each), opening on `mode`."""
    path = tmp_path / "demo.db"
    shutil.copy(template, path)
    dbmod.open_database(f"sqlite:///{path}")

    def make(who: str, mode: str | None = "portfolio") -> AcctApp:
        with dbmod.database.connection_context():
            login = User.select(User.login).where(User.role == who, User.active == True).order_by(User.login).scalar()  # noqa: E712
            viewer = access.viewer_for(login)
        return AcctApp(viewer, config=Config(path=config_path), db_label="file demo.db", scan=False, mode=mode)

    yield make
    if not dbmod.database.is_closed():
        dbmod.database.close()


#: Screen name -> (who, keys pressed over the settled Portfolio; the "today-" ones open on Today, the app's first mode).
SCREENS = {
    "today-lead": ("lead", ()),
    "today-am": ("am", ()),
    "portfolio-lead": ("lead", ()),
    "portfolio-am": ("am", ()),
    "timeline": ("lead", ("enter",)),
    "visits": ("lead", ("4",)),
    "alerts": ("lead", ("5",)),
    "team": ("lead", ("6",)),
    "team-kpis": ("lead", ("6", "K")),
    "my-kpis": ("am", ("6",)),
    "member": ("lead", ("6", "enter")),
    "reassign": ("lead", ("6", "R")),
    "help": ("lead", ("question_mark",)),
    "quick-capture": ("am", ("n",)),
    "visit-form": ("am", ("enter", "l")),
    "plan-visit": ("am", ("enter", "p")),
    "snooze": ("lead", ("5", "s")),
    "escalate": ("lead", ("5", "e")),
    "search": ("am", ("ctrl+f",)),
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_at_size(screen, size, app_as, snap_compare):
    who, keys = SCREENS[screen]

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot.app, pilot)
        await quiet(pilot)

    mode = None if screen.startswith("today-") else "portfolio"
    assert snap_compare(app_as(who, mode), terminal_size=SIZES[size], run_before=run_before)


async def test_layout_at_80_columns(app_as):
    """Names keep 20 cells, hidden columns are named, the tabs and the alert counts show whole."""
    app = app_as("lead")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#portfolio-table")
        widths = column_widths(table)
        assert widths["name"] >= 20
        hidden = [c.label for c in table.hidden_columns]
        assert hidden and "Renewal" not in hidden and "Alerts" not in hidden
        header = table.visible_text()[0]
        assert "Alerts" in header and f"+{len(hidden)} hidden" in header
        top = app.screen.query_one("AppHeader")
        tabs = str(top.query_one("#header-modes").render())
        assert all(label in tabs for label in ("1 Today", "2 Portfolio", "3 Timeline", "4 Visits", "5 Alerts", "6 Team"))
        counts = str(top.query_one("#header-alerts").render()).strip()
        assert counts.startswith("●") and "red" not in counts  # the dots and numbers only, whole
        assert app.screen._compositor.render_strips()[0].text.rstrip().endswith(counts)
        assert app.screen.query_one("Footer").region.y == 23
    app = app_as("lead")
    async with app.run_test(size=(250, 50)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#portfolio-table")
        widths = column_widths(table)
        assert not table.hidden_columns and widths["name"] <= 44
