"""An admin's Today build against the Portfolio's first page build, in the same process and run.

    python scripts/bench_today.py [--accounts 100000] [--db URL] [--runs 3]

Issue 10 asks that at 100,000 accounts an admin's Today (the app's first
screen) builds in the same time class as the Portfolio's first paint. What
Today builds for its first paint is its first rows
(`services.today.build_today(first=FIRST_ROWS)`, `services.today_page`;
the whole queue follows in the background, timed too and checked to begin
with the same rows). The baseline is what the Portfolio builds for its first paint: `services.portfolio.load(first=200)`,
the 200 most valuable accounts with every column, and the book's totals.
Both run as the first active admin, clock pinned, in one fresh process,
alternated, `--runs` times each; the medians are compared. The process's
VmHWM after the builds is printed too (the queue is what an admin's app
holds first). Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_db  # noqa: E402


def measure(url: str, runs: int) -> dict:
    """Seconds of each build (median and every run), the queue's size, this process's VmHWM."""
    from acct_tui import clock, db
    from acct_tui.core.policy import Policy
    from acct_tui.models import User
    from acct_tui.services import access, money, portfolio, today

    clock.pin(bench_db.NOW)
    db.connect(url)
    from acct_tui.ui.screens.today import FIRST_ROWS

    times: dict[str, list[float]] = {"today": [], "today_first": [], "portfolio_first": []}
    with db.database.connection_context():
        admin = User.select().where(User.role == "admin", User.active == True).order_by(User.id).first()  # noqa: E712
        viewer = access.from_user(admin)
        for _ in range(runs):
            started = time.perf_counter()
            portfolio.load(viewer, Policy(), bench_db.TODAY, money.rate_book("USD"), first=200)
            times["portfolio_first"].append(time.perf_counter() - started)
            started = time.perf_counter()
            page = today.build_today(viewer, first=FIRST_ROWS)
            times["today_first"].append(time.perf_counter() - started)
            started = time.perf_counter()
            queue = today.build_today(viewer)
            times["today"].append(time.perf_counter() - started)
            assert page.rows == queue.rows[:FIRST_ROWS], "the first page is the whole queue's first rows"
    db.database.close()
    return {"admin": admin.login, "items": len(queue.items), "rows": len(queue.rows), "runs": times, "first_rows": FIRST_ROWS,
            "today": statistics.median(times["today"]), "today_first": statistics.median(times["today_first"]),
            "portfolio_first": statistics.median(times["portfolio_first"]),
            "vm_hwm_mb": vm_hwm_mb()}


def vm_hwm_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def run_child(url: str, runs: int = 3) -> dict:
    """`measure` in a fresh process (its own VmHWM); its JSON answer."""
    argv = [sys.executable, __file__, "--child", "--db", url, "--runs", str(runs)]
    out = subprocess.run(argv, check=True, capture_output=True, text=True, env=dict(os.environ))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.db or bench_db.default_url(args.accounts)
    if args.child:
        print(json.dumps(measure(url, args.runs)))
        return 0
    bench_db.ensure(url, args.accounts)
    found = run_child(url, args.runs)
    print(f"Today, admin {found['admin']}: its first {found['first_rows']} rows {found['today_first']:.2f} s, "
          f"the whole queue ({found['items']:,} items, {found['rows']:,} accounts) {found['today']:.2f} s; "
          f"Portfolio first page: {found['portfolio_first']:.2f} s; "
          f"ratio {found['today_first'] / found['portfolio_first']:.1f}x; VmHWM {found['vm_hwm_mb']} MB")
    print(json.dumps(found, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
