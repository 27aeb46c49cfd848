"""Regenerate the SVG screenshots of every screen into `screenshots/`.

    python scripts/screenshots.py [--only NAME ...] [--out DIR]

Deterministic: the demo database (`demo.build(accounts=60, seed=1,
today=2026-11-20)`) plus one risk scan, the clock pinned to 2026-11-20
09:00, viewed as the demo's team lead, at 160x45.

Adding a screen is one entry in `SHOTS`: a file name, the keys to press
after the app has settled, and optionally a `prepare(app)` callback (run
before the keys) and another login. Look at each SVG before committing it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acct_tui import clock, db  # noqa: E402
from acct_tui.config import Config  # noqa: E402

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 9, 0)
SIZE = (160, 45)


@dataclass(frozen=True)
class Shot:
    """One screenshot: `name`.svg after `keys`, as `login` (None: the demo's team lead)."""

    name: str
    keys: tuple[str, ...] = ()
    prepare: Callable | None = None
    login: str | None = None
    #: The area the app opens on (the Portfolio unless said; the app's own first is Today).
    mode: str = "portfolio"


def _open_most_valuable(app) -> None:
    """Select the lead's most valuable account, as if picked in the Portfolio."""
    table = app.screen.query_one("#portfolio-table")
    app.selected_account_id = table.row_at(0).id


SHOTS: list[Shot] = [
    Shot("today", mode="today"),
    Shot("today-why", keys=("enter",), mode="today"),
    Shot("portfolio"),
    Shot("portfolio-help", keys=("question_mark",)),
    Shot("portfolio-filtered", keys=("b", "t")),
    Shot("palette", keys=("ctrl+p", "h", "a", "n", "o", "i")),
    Shot("timeline", keys=("3",), prepare=_open_most_valuable),
    Shot("visits", keys=("4",)),
    Shot("visit-form", keys=("3", "l"), prepare=_open_most_valuable),
    Shot("visits-edit", keys=("4", "e")),
    Shot("quick-capture", keys=("n", *"horizon visit 45m w/ Adam, Minh +pricing :) agreed a pilot next: send proposal by fri")),
    Shot("alerts", keys=("5",)),
    Shot("alerts-snooze", keys=("5", "s", "i", "n", "space", "2", "w")),
    Shot("team", keys=("6",)),
    Shot("team-reassign", keys=("6", "R", "tab", "enter", "down", "enter", "ctrl+r")),
    Shot("team-kpis", keys=("6", "K", "down")),
    Shot("my-kpis", keys=("6", "p", "left_square_bracket"), login="role:am"),
    Shot("timeline-opportunity", keys=("3", "o", *"Second site"), prepare=_open_most_valuable),
    Shot("search", keys=("ctrl+f", *"pricing", "enter")),
]


def build_demo(path: Path) -> str:
    from acct_tui import demo
    from acct_tui.services.scan import scan_all

    url = f"sqlite:///{path}"
    db.open_database(url)
    with db.database.connection_context():
        demo.build(accounts=60, seed=1, today=TODAY)
    scan_all(NOW)
    return url


async def take(shot: Shot, url: str, out: Path) -> Path:
    from acct_tui import demo
    from acct_tui.services import access
    from acct_tui.ui.app import AcctApp

    with db.database.connection_context():
        viewer = access.viewer_for(_login(shot.login) or demo.default_viewer_login())
    app = AcctApp(viewer, config=Config(path=out / ".no-config.toml"), db_label=db.describe(url), scan=False,
                  mode=shot.mode)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        if shot.prepare:
            shot.prepare(app)
            await settle(app, pilot)
        for key in shot.keys:
            await pilot.press(key)
            await settle(app, pilot)
        await pilot.pause(0.3)  # the palette searches asynchronously
        app.save_screenshot(f"{shot.name}.svg", str(out))
    return out / f"{shot.name}.svg"


def _login(login: str | None) -> str | None:
    """A login, or `role:ROLE` for the first user of that role who owns accounts."""
    if not login or not login.startswith("role:"):
        return login
    from acct_tui.models import Account, User

    owner = (User.select(User.login).join(Account, on=(Account.owner == User.id))
             .where(User.role == login[5:]).order_by(User.id).first())
    return owner.login if owner else None


async def settle(app, pilot) -> None:
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="only these shots (names)")
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    clock.pin(NOW)
    with tempfile.TemporaryDirectory() as tmp:
        url = build_demo(Path(tmp) / "demo.db")
        for shot in SHOTS:
            if args.only and shot.name not in args.only:
                continue
            print(asyncio.run(take(shot, url, out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
