"""How long importing and exporting our own format takes, against a baseline from the same run.

    python scripts/bench_import.py [--accounts 250] [--db URL]

Builds the demo database, exports it with `export dir`, then imports that
folder into an emptied database: a dry run, the commit, and a re-import (all
unchanged). The baseline is the demo generator writing the same data with
raw `insert_many`; each step prints its time and its ratio to the baseline,
so the numbers mean something on any machine. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from acct_tui import clock, db as dbmod, demo  # noqa: E402
from acct_tui.io import importer  # noqa: E402
from acct_tui.io.csvdir import export_dir  # noqa: E402
from acct_tui.models import ALL_MODELS  # noqa: E402
from acct_tui.services.access import OPERATOR  # noqa: E402


def timed(label: str, fn, baseline: float | None = None):
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    ratio = f"  x{seconds / baseline:5.2f} baseline" if baseline else ""
    print(f"{label:<34} {seconds:8.2f} s{ratio}")
    return result, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=250)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    today = dt.date(2026, 11, 20)
    clock.pin(dt.datetime.combine(today, dt.time(10, 0)))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        dbmod.open_database(url)
        summary, baseline = timed("baseline: demo build (insert_many)", lambda: demo.build(args.accounts, today=today, fresh=True))
        rows = sum(v for k, v in vars(summary).items() if k != "seconds" and isinstance(v, int))
        print(f"{rows} rows")
        folder = Path(tmp) / "export"
        timed("export dir", lambda: export_dir(folder, OPERATOR), baseline)
        with dbmod.database.atomic():
            for model in reversed(ALL_MODELS):
                model.delete().execute()
        report, _ = timed("import dir, dry run (empty db)", lambda: importer.run("dir", folder), baseline)
        report, _ = timed("import dir --commit", lambda: importer.run("dir", folder, commit=True), baseline)
        assert report.committed, report.render()
        totals = report.totals()
        print(f"  new {totals.new}, rejected {totals.rejected}")
        report, _ = timed("re-import, dry run (all unchanged)", lambda: importer.run("dir", folder), baseline)
        print(f"  unchanged {report.totals().unchanged}, new {report.totals().new}, updated {report.totals().updated}")
        dbmod.database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
