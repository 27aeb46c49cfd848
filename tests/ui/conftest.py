"""UI test helpers: an app on the SQLite test database, as a given user, with no timers."""

from __future__ import annotations

import datetime as dt

import pytest
from textual import events
from textual.keys import _character_to_key  # the key name `pilot.press` gives a typed character
from textual.widgets import Input, TextArea

from acct_tui.config import Config
from acct_tui.services import access
from acct_tui.ui.app import AcctApp
from tests import factories


@pytest.fixture
def org(sqlite_db):
    """The small organisation from tests/factories.org() on SQLite."""
    return factories.org()


@pytest.fixture
def config_path(tmp_path):
    return tmp_path / "config.toml"


@pytest.fixture
def make_app(sqlite_db, config_path):
    """Build an `AcctApp` as `login` (None: the operator) with no background scan.

    It opens on `mode`: by default the Portfolio, which most screen tests
    start from; `mode=None` is the app's own first area, Today.
    """

    def make(login: str | None = None, *, keys: dict | None = None, theme: str | None = None, scan: bool = False,
             mode: str | None = "portfolio") -> AcctApp:
        viewer = access.viewer_for(login)
        config = Config(path=config_path, keys=dict(keys or {}), theme=theme)
        return AcctApp(viewer, config=config, db_label="file test.db", scan=scan, mode=mode)

    return make


async def settle(app, pilot) -> None:
    """Let workers finish and the screen repaint."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """Type `text` as keys that arrive together (a fast typist, a terminal's burst), then wait once.

    Each is the key event `pilot.press` sends, handled the same way and in order; only the
    harness's wait for the app to go idle after every key is left out (40-80 ms a key, most of
    the time of a test that types a line)."""
    for char in text:
        pilot.app.post_message(events.Key(char if char.isalnum() else _character_to_key(char), char))
    await pilot.pause()


def stop_blinking(app) -> None:
    """Stop every blinking cursor on the screen, so two runs render the same."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False


async def quiet(pilot) -> None:
    """Finish loading and stop every blinking cursor: a screen ready for a snapshot."""
    await settle(pilot.app, pilot)
    stop_blinking(pilot.app)
    await pilot.pause()


#: The snapshots' demo: 60 accounts, seed 1, the clock at this moment, after one scan.
DEMO_NOW = dt.datetime(2026, 11, 20, 9, 0)


@pytest.fixture
def scanned_demo(sqlite_db) -> str:
    """The demo at `DEMO_NOW` (clock pinned) after one scan; the login of its default viewer (a team lead)."""
    from acct_tui import clock, demo
    from acct_tui.db import database
    from acct_tui.services.scan import scan_all

    clock.pin(DEMO_NOW)
    demo.build(accounts=60, seed=1, today=DEMO_NOW.date())
    scan_all(DEMO_NOW)
    with database.connection_context():
        return demo.default_viewer_login()


def table_text(app, selector: str = "#portfolio-table") -> list[str]:
    """The header and visible rows of a VirtualTable on the current screen, as text."""
    return app.screen.query_one(selector).visible_text()


def column_widths(table) -> dict[str, int | None]:
    """A VirtualTable's column widths at its current size, by column key (None: hidden)."""
    return dict(zip((c.key for c in table.columns), table._widths()))
