"""Time the demo build on SQLite and compare it with this machine's raw insert speed.

    python scripts/bench_demo.py [N ...]        (default: 250 10000)

For each size, builds the demo into a fresh SQLite file in a temporary
folder and prints the seconds, the rows written, rows per second, and the
ratio of that rate to a baseline measured in the same run: plain `sqlite3`
`executemany` of similar rows into an unindexed table. The ratio, not the
seconds, is what to compare between machines. Nothing here asserts a time.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import tempfile
import time
from dataclasses import astuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acct_tui import db, demo  # noqa: E402

TODAY = dt.date(2026, 11, 20)


def baseline(folder: Path, rows: int = 200_000) -> float:
    """Rows per second for the simplest possible bulk insert on this machine."""
    conn = sqlite3.connect(folder / "baseline.db")
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a, b, c, d, e, f, g, h)")
    data = [(i, 1, "call", "2026-01-01 10:00:00", 30, "Check-in call", "Spoke with Lan", 1, 0) for i in range(rows)]
    started = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", data)
    seconds = time.perf_counter() - started
    conn.close()
    return rows / seconds


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = baseline(folder)
        print(f"baseline: {base:,.0f} rows/s (plain sqlite3 executemany)")
        for size in sizes:
            db.open_database(f"sqlite:///{folder / f'demo-{size}.db'}")
            summary = demo.build(accounts=size, seed=7, today=TODAY)
            rows = sum(astuple(summary)[:-1])
            rate = rows / summary.seconds
            print(f"{size:>7} accounts: {summary.seconds:7.1f} s, {summary.activities:,} activities, "
                  f"{rows:,} rows, {rate:,.0f} rows/s, {rate / base:.2f} x baseline")
            db.database.close()


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [250, 10_000])
