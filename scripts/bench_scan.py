"""Benchmark: `scan_all` over a large portfolio, against a baseline measured in the same run.

    /work/venv/bin/python scripts/bench_scan.py                       # 100k accounts, SQLite
    /work/venv/bin/python scripts/bench_scan.py --db postgresql://... # the same on PostgreSQL
    /work/venv/bin/python scripts/bench_scan.py --accounts 20000 --fresh

Builds the database once with `acct_tui.demo.build` (accounts with two years
of history) and reuses it on later runs. Then times, in one process:

- the baselines: `SELECT COUNT(*)` over activities, and a full read of the
  activity table (every row's account, kind, time and sentiment);
- the first scan (opens alerts, stores snapshots) and a second scan at the same
  moment (idempotent: it must change nothing);

and prints each scan's time and its ratio to the baselines, so the numbers
mean the same thing on a fast or a slow machine. Timings are never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acct_tui import clock, db  # noqa: E402
from acct_tui.models import Account, Activity, Alert, HealthSnapshot  # noqa: E402

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 9, 0)


def build(accounts: int, fresh: bool) -> str:
    with db.database.connection_context():
        have = Account.select().count()
        if have == accounts and not fresh:
            return f"reusing {have} accounts"
        started = time.perf_counter()
        from acct_tui import demo

        demo.build(accounts=accounts, seed=7, today=TODAY, fresh=bool(have))
        return f"built {accounts} accounts with acct_tui.demo.build in {time.perf_counter() - started:.0f} s"


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    return elapsed, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:////tmp/acct-bench/demo100k.db", help="database URL (default: a SQLite file in /tmp)")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="rebuild the data even if it is there")
    args = parser.parse_args()

    from acct_tui.services.scan import scan_all

    clock.pin(NOW)
    db.open_database(args.db)
    print(build(args.accounts, args.fresh), flush=True)
    with db.database.connection_context():
        n_activities = Activity.select().count()
        Alert.delete().execute()  # every run starts from "no alerts yet"
        HealthSnapshot.delete().execute()
        from acct_tui.models import AuditLog

        AuditLog.delete().execute()
        count_s, _ = timed("count", lambda: db.database.execute_sql("SELECT COUNT(*) FROM activity").fetchone())
        read_s, rows = timed("read", lambda: len(db.database.execute_sql(
            "SELECT account_id, kind, occurred_at, sentiment FROM activity").fetchall()))
    first_s, first = timed("first", lambda: scan_all(NOW))
    second_s, second = timed("second", lambda: scan_all(NOW))
    later_s, later = timed("later", lambda: scan_all(NOW + dt.timedelta(days=1)))
    with db.database.connection_context():
        open_alerts = Alert.select().where(Alert.status != "resolved").count()

    print(f"database: {db.describe(args.db)}; {args.accounts:,} accounts, {n_activities:,} activities")
    print(f"baseline COUNT(*) over activities: {count_s:.2f} s; full read of {rows:,} activity rows: {read_s:.2f} s")
    for label, seconds, summary in (("first scan", first_s, first), ("second scan, same now", second_s, second),
                                    ("next day's scan", later_s, later)):
        print(f"{label:24s} {seconds:6.1f} s  = {seconds / read_s:5.1f}x the full read, {seconds / count_s:6.0f}x the count;"
              f" opened {summary.opened}, updated {summary.updated}, resolved {summary.resolved},"
              f" escalated {summary.escalated}, snapshots {summary.snapshots}")
    print(f"non-resolved alerts after the scans: {open_alerts:,}")
    if (second.opened, second.updated, second.resolved, second.escalated, second.snapshots) != (0, 0, 0, 0, 0):
        print("WARNING: the second scan at the same moment changed something", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
