"""The app while its own risk scan runs: the process's memory (VmHWM) and the event loop's lag.

    python scripts/bench_app_scan.py --db /tmp/demo-20k.db [--now 2026-11-20T09:00] [--user LOGIN]

Opens the app headless on the database, waits for the first screen to load,
reads VmHWM, then starts `app.run_scan()` and, until the scan's outcome is
back and the screens have reloaded, samples the event loop's lag (an asyncio
task asking to sleep 5 ms and timing how late it wakes): the lag while the
scan runs, and apart from it the worst lag of the reload that follows. Prints
one line of JSON. Run it on the same
database state each time (a second scan at the same --now writes nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))  # the checkout run from, not the installed copy

from acct_tui import clock, db  # noqa: E402
from acct_tui.config import Config  # noqa: E402
from acct_tui.services import access  # noqa: E402
from acct_tui.ui.app import AcctApp  # noqa: E402

TICK = 0.005


def vm(field: str) -> int:
    """A /proc/self/status figure in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise KeyError(field)


async def sample(lags: list[tuple[float, float]], stop: asyncio.Event) -> None:
    """(when, how late in ms) for every tick until `stop`."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(TICK)
        lags.append((start, (time.perf_counter() - start - TICK) * 1000))


class Timed(AcctApp):
    """The app, noting when the scan's outcome reached the event loop (what follows it is the screens' reload)."""

    CSS_PATH = str(Path(inspect.getfile(AcctApp)).with_name("app.tcss"))  # relative paths resolve against this script
    finished_at: float | None = None
    vmhwm_at_outcome: int | None = None

    def post_message(self, message) -> bool:
        if type(message).__name__ in ("Finished", "ScanFinished") and self.finished_at is None:  # after, before this change
            self.finished_at = time.perf_counter()
            self.vmhwm_at_outcome = vm("VmHWM")
        return super().post_message(message)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else 0.0


async def main(args) -> dict:
    clock.pin(clock.parse_pin(args.now))
    db.connect(db.as_url(args.db))
    with db.database.connection_context():
        viewer = access.viewer_for(args.user)
    app = Timed(viewer, config=Config(path=Path("/nonexistent/config.toml")), db_label="bench", scan=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        loaded = vm("VmHWM")
        lags: list[tuple[float, float]] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample(lags, stop))
        start = time.perf_counter()
        app.run_scan()
        while any(not w.is_finished for w in app.workers):
            await app.workers.wait_for_complete()
        seconds = time.perf_counter() - start
        await pilot.pause()
        stop.set()
        await sampler
        during = [lag for when, lag in lags if app.finished_at is None or when < app.finished_at]
        after = [lag for when, lag in lags if app.finished_at is not None and when >= app.finished_at]
        return {
            "db": args.db, "scan_s": round(seconds, 1), "vmhwm_loaded_mb": loaded, "vmhwm_at_outcome_mb": app.vmhwm_at_outcome,
            "vmhwm_after_reload_mb": vm("VmHWM"),
            "scan_lag_ms": {"p50": pct(during, 0.5), "p99": pct(during, 0.99), "max": pct(during, 1.0), "ticks": len(during)},
            "reload_after_lag_max_ms": pct(after, 1.0), "counts": app.alert_counts,
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--now", default="2026-11-20T09:00")
    parser.add_argument("--user", default=None)
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
