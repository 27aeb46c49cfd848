"""The benchmarks' shared demo database: built once per size, reused, and its build measured.

    python scripts/bench_db.py --accounts 100000 [--db URL] [--fresh]

The build runs in a child process (`python scripts/bench_db.py --child ...`)
so its peak memory is that process's own VmHWM (read from
/proc/self/status at the end, never estimated); the wall time, the rows
written and the peak are kept beside the database (`<file>.build.json` for
SQLite) so a later run that reuses the database still reports how its build
went, saying when it was measured. After the build it scans once (health
and alerts come from a scan), outside the build's timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from dataclasses import astuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime.combine(TODAY, dt.time(9, 0))
SEED = 1


def default_url(accounts: int) -> str:
    return f"sqlite:////tmp/acct-tui-bench-{accounts}.db"


def record_path(url: str) -> Path:
    """Where the build's measurements are kept: beside a SQLite file, else in /tmp by database name."""
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):] + ".build.json")
    return Path("/tmp") / f"acct-tui-bench-{url.rsplit('/', 1)[-1]}.build.json"


def clone(url: str, tag: str) -> str:
    """A copy of the database at `url` (SQLite: the backup API; PostgreSQL: CREATE DATABASE ... TEMPLATE)."""
    from acct_tui import db

    if url.startswith("sqlite:///"):
        import sqlite3

        source = url[len("sqlite:///"):]
        target = f"{source}.{tag}"
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"sqlite:///{target}"
    base, name = url.rsplit("/", 1)
    target = f"{name}_{tag}"
    if db.database.obj is not None and not db.database.is_closed():
        db.database.close()
    _pg_admin(base, f'DROP DATABASE IF EXISTS "{target}"', f'CREATE DATABASE "{target}" TEMPLATE "{name}"')
    return f"{base}/{target}"


def drop(url: str) -> None:
    """Remove a copy made by `clone`."""
    from acct_tui import db

    if db.database.obj is not None and not db.database.is_closed():
        db.database.close()
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
    else:
        base, name = url.rsplit("/", 1)
        _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}"')


def _pg_admin(base: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def vm_hwm_mb(pid: int | str = "self") -> float:
    """The process's peak resident set (VmHWM), in MB, as the kernel counts it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status (not Linux?)")


def ensure(url: str, accounts: int, fresh: bool = False) -> dict:
    """Build the demo at `url` unless it holds `accounts` accounts already; return the build's record."""
    record = record_path(url)
    if not fresh and record.exists():
        found = json.loads(record.read_text())
        if found.get("accounts") == accounts and found.get("url") == url and account_count(url) == found["account_rows"]:
            found["reused"] = True
            return found
    print(f"building the demo database ({accounts:,} accounts; about 4 minutes at 100k)...", file=sys.stderr, flush=True)
    out = subprocess.run([sys.executable, __file__, "--child", "--db", url, "--accounts", str(accounts)],
                         check=True, capture_output=True, text=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    found.update(url=url, accounts=accounts, measured_on=dt.datetime.now(dt.timezone.utc).isoformat(timespec="minutes"))
    record.write_text(json.dumps(found, indent=1))
    found["reused"] = False
    return found


def account_count(url: str) -> int:
    from acct_tui import db

    db.open_database(url)
    from acct_tui.models import Account

    try:
        with db.database.connection_context():
            return Account.select().count()
    except Exception:  # no schema yet
        return -1
    finally:
        db.database.close()


def _child(url: str, accounts: int) -> None:
    """Build (timed, VmHWM read at the end of the build), then scan once; print the record as JSON."""
    from acct_tui import clock, db, demo

    clock.pin(NOW)
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm", ".build.json", ".build.targets.json"):  # targets: bench_paint's
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
    db.open_database(url)
    started = time.perf_counter()
    with db.database.connection_context():
        summary = demo.build(accounts=accounts, seed=SEED, today=TODAY, fresh=not demo.is_empty())
    seconds = time.perf_counter() - started
    peak = vm_hwm_mb()
    from acct_tui.models import Account
    from acct_tui.services.scan import scan_all

    scan_all(NOW)
    with db.database.connection_context():
        account_rows = Account.select().count()
    print(json.dumps(dict(seconds=round(seconds, 1), vm_hwm_mb=round(peak), rows=sum(astuple(summary)[:-1]),
                          activities=summary.activities, account_rows=account_rows, pid=os.getpid())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.db or default_url(args.accounts)
    if args.child:
        _child(url, args.accounts)
    else:
        print(json.dumps(ensure(url, args.accounts, args.fresh), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
