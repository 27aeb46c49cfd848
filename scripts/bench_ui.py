"""Keys, event-loop lag and memory of the running app, each in its own process.

    python scripts/bench_ui.py [--accounts 100000] [--db URL]

A child process (`--child app`) opens the app headlessly (`App.run_test`,
160x50) as an admin on the benchmark database, on Today, switches to the
Portfolio and waits until the whole book is loaded, then records:

- VmHWM (its own /proc/self/status) with the book loaded;
- a key bound to nothing: the harness's own wait for the screen to settle,
  which every key timing includes and which is subtracted from each;
- sort (`s`), a filter keystroke (`/` then `a`), page down: medians of 3;
  page down also to its frame (`Frames`: from the key to the first frame the
  app writes with the cursor moved), as the 200-row DataTable's; the
  harness's wait cannot time it: it waits in 20 ms steps (`wait_for_idle`:
  a step in which the process used 1 ms of CPU is followed by another), so
  any key that costs 1 ms or more reads about 20 ms past the key bound to
  nothing, whatever it costs below 20;
- event-loop lag: a task asking to sleep 2 ms, 2 s while the app idles
  (the baseline), then while the app's own background scan runs: how late
  each wake-up was, p99 and max;
- VmHWM again once the scan is done: the peak including the scan.

A second child (`--child datatable`) runs an empty Textual app with a
200-row DataTable the same way and records its VmHWM and idle key: the
memory baseline. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_db  # noqa: E402

SIZE = (160, 50)
SLEEP = 0.002


async def wait_until(pilot, condition, timeout: float = 300.0) -> None:
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


class Frames:
    """When the headless app writes each frame (after its `_display`), with `state()` at that moment."""

    def __init__(self, app, state):
        self.state = state
        self.seen: list[tuple[float, object]] = []
        shown = app._display

        def display(screen, renderable):
            result = shown(screen, renderable)
            if renderable is not None:
                self.seen.append((time.perf_counter(), state()))
            return result

        app._display = display

    async def press(self, pilot, key: str) -> tuple[float, float]:
        """Press `key`, then the harness's wait: (seconds from the key to the first frame written
        whose state differs from before it, seconds until the wait was over)."""
        before = self.state()
        started = time.perf_counter()
        await pilot.press(key)
        await pilot.pause()
        waited = time.perf_counter() - started
        for at, state in self.seen:
            if at >= started and state != before:
                return at - started, waited
        raise RuntimeError(f"no frame showed {key}")


class LagProbe:
    """How late the event loop wakes a task that sleeps `SLEEP` seconds, over and over."""

    def __init__(self):
        self.lags: list[float] = []
        self._task = None

    async def _run(self):
        while True:
            started = time.perf_counter()
            await asyncio.sleep(SLEEP)
            self.lags.append(max(0.0, time.perf_counter() - started - SLEEP))

    def start(self):
        self.lags = []
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> dict:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        ordered = sorted(self.lags)
        return dict(p99=ordered[int(0.99 * (len(ordered) - 1))], max=ordered[-1], samples=len(ordered))


def _median_key(samples: list[float], idle: float) -> float:
    return max(0.0, statistics.median(samples) - idle)


async def bench_app(url: str) -> dict:
    from acct_tui import clock, db
    from acct_tui.config import Config
    from acct_tui.models import User
    from acct_tui.services import access
    from acct_tui.ui.app import AcctApp

    clock.pin(bench_db.NOW)
    db.connect(url)
    with db.database.connection_context():
        admin = User.select().where(User.role == "admin", User.active == True).order_by(User.id).first()  # noqa: E712
    app = AcctApp(access.from_user(admin), config=Config(path=Path("/nonexistent/bench.toml")), db_label="bench", scan=False)
    found: dict = {}
    probe = LagProbe()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("2")
        await wait_until(pilot, lambda: getattr(app.screen, "portfolio", None) is not None and app.screen.portfolio.complete)
        await app.workers.wait_for_complete()
        await pilot.pause()
        found["rows"] = len(app.screen.portfolio)
        found["vm_hwm_loaded"] = bench_db.vm_hwm_mb()
        idle = statistics.median([await timed_press(pilot, "f12") for _ in range(5)])
        found["idle_key"] = idle
        found["sort"] = _median_key([await timed_press(pilot, "s") for _ in range(3)], idle)
        filters = []
        await pilot.press("slash")
        for key in ("a", "n", "backspace"):
            filters.append(await timed_press(pilot, key))
        await pilot.press("enter")
        found["filter"] = _median_key(filters, idle)
        frames = Frames(app, lambda: app.screen.table.cursor)
        pages = [await frames.press(pilot, "pagedown") for _ in range(3)]
        found["page_down"] = _median_key([waited for _frame, waited in pages], idle)
        found["page_down_frame"] = statistics.median(frame for frame, _waited in pages)
        probe.start()
        await asyncio.sleep(2.0)
        found["lag_idle"] = await probe.stop()
        probe.start()
        started = time.perf_counter()
        app.run_scan()
        await pilot.pause()
        await wait_until(pilot, lambda: not any(w.group == "scan" for w in app.workers), timeout=1800)
        found["scan_seconds"] = time.perf_counter() - started
        found["lag_scan"] = await probe.stop()
        await pilot.pause()
        found["vm_hwm_scan"] = bench_db.vm_hwm_mb()
    return found


def table_app(names: list[str]):
    """The baseline: an empty Textual app holding one DataTable of a row per name (200 of them)."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class TableApp(App):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("tier", "name", "owner", "value", "health", "touch", "renewal", "alerts")
            table.add_rows([("key", name, "Lan Pham", f"{1000 * (i + 1):,}", "72", "12", "90", "0") for i, name in enumerate(names)])
            table.focus()

    return TableApp()


async def bench_datatable() -> dict:
    app = table_app([f"Account {i}" for i in range(200)])
    found: dict = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        found["idle_key"] = statistics.median([await timed_press(pilot, "f12") for _ in range(5)])
        frames = Frames(app, lambda: app.query_one("DataTable").cursor_row)
        pages = [await frames.press(pilot, "pagedown") for _ in range(3)]
        found["page_down"] = _median_key([waited for _frame, waited in pages], found["idle_key"])
        found["page_down_frame"] = statistics.median(frame for frame, _waited in pages)
        found["vm_hwm_loaded"] = bench_db.vm_hwm_mb()
    return found


def run_child(kind: str, url: str | None = None) -> dict:
    """Run one of the benchmarks above in a fresh process; its JSON answer."""
    argv = [sys.executable, __file__, "--child", kind] + (["--db", url] if url else [])
    out = subprocess.run(argv, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--child", choices=("app", "datatable"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.db or bench_db.default_url(args.accounts)
    if args.child == "app":
        print(json.dumps(asyncio.run(bench_app(url))))
        return 0
    if args.child == "datatable":
        print(json.dumps(asyncio.run(bench_datatable())))
        return 0
    bench_db.ensure(url, args.accounts)
    print(json.dumps({"app": run_child("app", url), "datatable": run_child("datatable")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
