"""Benchmark the Portfolio at scale against a plain DataTable, measured in the same run.

    python scripts/bench_ui.py [--accounts 100000] [--db sqlite:///PATH] [--fresh]

Builds (or reuses) the demo database with `acct_tui.demo.build`, opens the
app headlessly (App.run_test) as an admin, who sees every account, and
measures: the first paint (rows on screen), the whole portfolio loaded, a
sort (`s`), a filter keystroke and a page down. The baseline is an empty
Textual app with a DataTable holding the same rows (as text), timed the
same way: first paint after `add_rows`, `DataTable.sort`, rebuilding the
rows for a filter, and a page down. Prints each with the ratio.

"idle key" is a key nothing is bound to: the test harness's own cost per
key press (waiting for the screen to settle), included in every key timing.
Timings are printed, never asserted (a slow machine is not a bug).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from acct_tui import clock, db  # noqa: E402
from acct_tui.config import Config  # noqa: E402
from acct_tui.core.policy import Policy  # noqa: E402
from acct_tui.services import access, money, portfolio  # noqa: E402

TODAY = dt.date(2026, 11, 20)
FILTER_TEXT = "a"


def build_database(url: str, accounts: int, fresh: bool) -> None:
    db.connect(url)
    db.upgrade()
    try:
        from acct_tui import demo
    except ImportError:  # the generator lives on the demo branch until it lands
        from acct_tui.models import Account

        with db.database.connection_context():
            if Account.select().exists():
                print("acct_tui.demo is not installed: reusing the accounts already in the database")
                return
        raise SystemExit("acct_tui.demo is not available (git merge main) and the database is empty")
    if fresh or demo.is_empty():
        started = time.perf_counter()
        print(f"building the demo database ({accounts:,} accounts, about 10 minutes at 100k)…", flush=True)
        with db.database.connection_context():
            demo.build(accounts=accounts, seed=1, today=TODAY, fresh=fresh)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    from acct_tui.models import HealthSnapshot
    from acct_tui.services.scan import scan_all

    with db.database.connection_context():
        scanned = HealthSnapshot.select().exists()
    if not scanned:  # health and alerts come from a scan
        print("scanning once for health and alerts…", flush=True)
        scan_all(dt.datetime.combine(TODAY, dt.time(9, 0)))


def admin_viewer() -> access.Viewer:
    from acct_tui.models import User

    with db.database.connection_context():
        admin = User.select().where(User.role == "admin", User.active == True).first()  # noqa: E712
        return access.from_user(admin) if admin else access.OPERATOR


async def wait_until(pilot, condition, timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(0.02)


async def timed_press(pilot, *keys: str) -> float:
    started = time.perf_counter()
    await pilot.press(*keys)
    await pilot.pause()
    return time.perf_counter() - started


async def bench_app(viewer) -> dict[str, float]:
    from acct_tui.ui.app import AcctApp

    app = AcctApp(viewer, config=Config(path=Path("/nonexistent/bench.toml")), db_label="bench", scan=False)
    results = {}
    started = time.perf_counter()
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: getattr(app.screen, "portfolio", None) is not None and app.screen.table.row_count > 0)
        results["first paint"] = time.perf_counter() - started
        await wait_until(pilot, lambda: app.screen.portfolio.complete)
        await app.workers.wait_for_complete()
        await pilot.pause()
        results["all loaded"] = time.perf_counter() - started
        results["rows"] = app.screen.table.row_count
        results["idle key"] = await timed_press(pilot, "f12")
        results["sort"] = await timed_press(pilot, "s")
        await pilot.press("slash")
        results["filter"] = await timed_press(pilot, FILTER_TEXT)
        await pilot.press("enter")
        results["page down"] = await timed_press(pilot, "pagedown")
    return results


class TableApp(App):
    """The baseline: an empty app with one DataTable of every row."""

    def __init__(self, rows: list[tuple[str, ...]]):
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("tier", "name", "owner", "value", "health", "touch", "renewal", "alerts"):
            table.add_column(label, key=label)
        table.add_rows(self.rows)
        table.focus()


async def bench_datatable(rows: list[tuple[str, ...]]) -> dict[str, float]:
    app = TableApp(rows)
    results = {}
    started = time.perf_counter()
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count > 0)
        await pilot.pause()
        results["first paint"] = results["all loaded"] = time.perf_counter() - started
        results["rows"] = table.row_count
        results["idle key"] = await timed_press(pilot, "f12")
        started = time.perf_counter()
        table.sort("health")
        await pilot.pause()
        results["sort"] = time.perf_counter() - started
        started = time.perf_counter()
        kept = [row for row in rows if FILTER_TEXT in row[1].lower()]
        table.clear()
        table.add_rows(kept)
        await pilot.pause()
        results["filter"] = time.perf_counter() - started
        results["page down"] = await timed_press(pilot, "pagedown")
    return results


def baseline_rows(viewer) -> list[tuple[str, ...]]:
    with db.database.connection_context():
        p = portfolio.load(viewer, Policy(), TODAY, money.rate_book("USD"))
    rows = []
    for i in range(len(p)):
        r = p.row(i)
        value = "" if r.annual_value is None else f"{r.annual_value:,.0f}"
        rows.append((r.tier, r.name, r.owner or "", value, str(r.health or ""), str(r.days_since_touch or ""),
                     str(r.days_to_renewal or ""), str(r.open_alerts)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="database URL (default: a SQLite file in /tmp)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    args = parser.parse_args()
    url = args.db or f"sqlite:////tmp/acct-tui-bench-{args.accounts}.db"
    clock.pin(dt.datetime.combine(TODAY, dt.time(9, 0)))
    build_database(url, args.accounts, args.fresh)
    viewer = admin_viewer()
    print(f"database {db.describe(url)}, viewer {viewer.login} ({viewer.role})", flush=True)
    ours = asyncio.run(bench_app(viewer))
    rows = baseline_rows(viewer)
    theirs = asyncio.run(bench_datatable(rows))
    print(f"\n{'':14}{'acct-tui':>12}{'DataTable':>12}{'ratio':>9}")
    print(f"{'rows':14}{ours['rows']:>12,}{theirs['rows']:>12,}")
    for key in ("first paint", "all loaded", "idle key", "sort", "filter", "page down"):
        a, b = ours[key], theirs[key]
        print(f"{key:14}{a * 1000:>10.0f}ms{b * 1000:>10.0f}ms{a / b:>8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
