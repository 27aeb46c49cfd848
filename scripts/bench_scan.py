"""The risk scan against its own SQL run directly, measured in the same run.

    python scripts/bench_scan.py [--accounts 100000] [--db URL]

With `--db` and no `--accounts`, the database is used at the size it has
(never rebuilt); `--accounts` alone picks the shared demo of that size.

On two copies of the benchmark database (`bench_db`), each emptied of
alerts, health snapshots and audit entries (a first scan, the heaviest):

- on the first, `scan_all` runs with every statement it sends recorded
  (`bench_capture`: reads, `executemany` writes, BEGIN and COMMIT);
- on the second, the same statements with the same parameters are sent
  on raw DB-API cursors, fetching every row (the fact queries two at a time
  on their own connections, as the scan runs them): the scan's own fact
  queries and writes, with no ORM, no fact objects, no rules.

The ratio is what the scan adds to the database work it needs. Timings are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_db  # noqa: E402
from bench_capture import recorded, replay  # noqa: E402

from acct_tui import clock, db  # noqa: E402


def _first_scan_state(url: str) -> None:
    """Empty what a scan writes, so the copy's scan is a first scan."""
    from acct_tui.models import Alert, AuditLog, HealthSnapshot

    db.connect(url)
    with db.database.atomic():
        Alert.delete().execute()
        HealthSnapshot.delete().execute()
        AuditLog.delete().execute()
    db.database.close()


def _cpu() -> float:
    """CPU seconds this process has used, every thread's (SQLite's work included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def scan_vs_sql(url: str) -> dict:
    """{"scan": s, "sql": s, "scan_cpu": s, "sql_cpu": s, "statements": n, "rows": fetched, "summary": ...}:
    a first scan and its replay (wall and CPU seconds; CPU says more on a busy machine)."""
    from acct_tui.services.scan import scan_all

    clock.pin(bench_db.NOW)
    first = bench_db.clone(url, "scan")
    try:
        _first_scan_state(first)
        second = bench_db.clone(first, "replay")
        try:
            db.connect(first)
            with recorded(db.database.obj) as log:
                started, cpu = time.perf_counter(), _cpu()
                summary = scan_all(bench_db.NOW)
                scan_s, scan_cpu = time.perf_counter() - started, _cpu() - cpu
            db.database.close()
            db.connect(second)
            started, cpu = time.perf_counter(), _cpu()
            fetched = replay(db.database, log)
            sql_s, sql_cpu = time.perf_counter() - started, _cpu() - cpu
            db.database.close()
        finally:
            bench_db.drop(second)
    finally:
        bench_db.drop(first)
    return dict(scan=scan_s, sql=sql_s, scan_cpu=scan_cpu, sql_cpu=sql_cpu, statements=len(log), rows=fetched,
                summary=dict(accounts=summary.accounts, opened=summary.opened, snapshots=summary.snapshots))


def scan_process_memory(url: str) -> dict:
    """VmHWM of a process that runs one scan at the database's own moment (as the app's scan child
    does): {"vm_hwm_mb": MB, "seconds": s}. Nothing changes: the database was scanned at that moment."""
    out = subprocess.run([sys.executable, __file__, "--child-memory", "--db", url], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child_memory(url: str) -> None:
    from acct_tui.services.scan import scan_all

    clock.pin(bench_db.NOW)
    db.connect(url)
    started = time.perf_counter()
    scan_all(bench_db.NOW)
    print(json.dumps({"vm_hwm_mb": bench_db.vm_hwm_mb(), "seconds": time.perf_counter() - started}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=None,
                        help="demo size (default: the size of the --db database, else 100,000)")
    parser.add_argument("--db", default=None, help="database URL (default: a SQLite file in /tmp)")
    parser.add_argument("--child-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.db or bench_db.default_url(args.accounts or 100_000)
    if args.child_memory:
        _child_memory(url)
        return 0
    if args.db and args.accounts is None:
        # a database given as it is: measured at its size, never rebuilt at another
        if bench_db.account_count(url) <= 0:
            parser.error(f"{db.describe(url)} holds no accounts: build the demo in it with --accounts N")
    else:
        bench_db.ensure(url, args.accounts or 100_000)
    found = scan_vs_sql(url)
    print(f"{db.describe(url)}: first scan of {found['summary']['accounts']:,} accounts "
          f"(opened {found['summary']['opened']:,}, snapshots {found['summary']['snapshots']:,})")
    print(f"scan {found['scan']:.2f} s; its {found['statements']:,} statements run directly "
          f"({found['rows']:,} rows fetched) {found['sql']:.2f} s; ratio {found['scan'] / found['sql']:.2f}x")
    print(f"CPU (every thread): scan {found['scan_cpu']:.2f} s, statements run directly {found['sql_cpu']:.2f} s; "
          f"ratio {found['scan_cpu'] / found['sql_cpu']:.2f}x; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
