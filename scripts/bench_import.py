"""Importing our own format against `executemany` of the same rows, measured in the same run.

    python scripts/bench_import.py [--accounts 3000] [--db URL]

Builds the demo (`--accounts`) in a temporary SQLite file (or the empty
database `--db`), exports it with `export dir`, empties the database and
imports the folder with `--commit`, recording every statement sent
(`bench_capture`) to find the longest write transaction. The baseline then
reads back every row the import wrote, empties the tables again and writes
the same rows with one `executemany` per table in one transaction, on a raw
DB-API cursor. Throughput ratio = baseline seconds / import seconds (1.0:
as fast as `executemany`). Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_db  # noqa: E402
from bench_capture import longest_transaction, recorded  # noqa: E402

from acct_tui import clock, db as dbmod, demo  # noqa: E402
from acct_tui.io import importer  # noqa: E402
from acct_tui.io.csvdir import export_dir  # noqa: E402
from acct_tui.models import ALL_MODELS, AccountPulse  # noqa: E402

#: Tables the database's triggers fill as the others are written (migration 0011): the baseline's
#: writes fill them again, as the import's did, so they are not written a second time.
DERIVED = (AccountPulse,)
from acct_tui.services.access import OPERATOR  # noqa: E402


def _empty() -> None:
    with dbmod.database.atomic():
        for model in reversed(ALL_MODELS):
            model.delete().execute()


def _placeholder() -> str:
    return "%s" if dbmod.database.obj.param == "%s" else "?"


def executemany_same_rows() -> tuple[float, int]:
    """Read back every row in the database, empty it, write the rows again with executemany; (seconds, rows)."""
    tables = []
    with dbmod.database.connection_context():
        for model in ALL_MODELS:
            if model in DERIVED:
                continue
            columns = [f.column_name for f in model._meta.sorted_fields]
            rows = dbmod.database.execute_sql(
                f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{model._meta.table_name}"').fetchall()
            if rows:
                tables.append((model._meta.table_name, columns, rows))
        _empty()
        mark = _placeholder()
        connection = dbmod.database.connection()
        cursor = connection.cursor()
        started = time.perf_counter()
        with dbmod.database.atomic():
            for table, columns, rows in tables:
                cursor.executemany(f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
                                   f'VALUES ({", ".join([mark] * len(columns))})', rows)
        seconds = time.perf_counter() - started
    return seconds, sum(len(rows) for _, _, rows in tables)


def import_vs_executemany(accounts: int, url: str | None = None) -> dict:
    """{"import": s, "write_transaction": s, "executemany": s, "rows": n, "accounts": n}."""
    clock.pin(bench_db.NOW)
    with tempfile.TemporaryDirectory() as tmp:
        dbmod.open_database(url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        with dbmod.database.connection_context():
            demo.build(accounts, seed=bench_db.SEED, today=bench_db.TODAY, fresh=True)
        folder = Path(tmp) / "export"
        export_dir(folder, OPERATOR)
        with dbmod.database.connection_context():
            _empty()
        with recorded(dbmod.database.obj) as log:
            started = time.perf_counter()
            report = importer.run("dir", folder, commit=True)
            ended = time.perf_counter()
        if not report.committed:
            raise RuntimeError(report.render())
        baseline, rows = executemany_same_rows()
        dbmod.database.close()
    return {"import": ended - started, "write_transaction": longest_transaction(log, ended), "executemany": baseline,
            "rows": rows, "accounts": accounts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3000)
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    found = import_vs_executemany(args.accounts, args.db)
    print(f"{found['accounts']:,} accounts, {found['rows']:,} rows: import --commit {found['import']:.2f} s "
          f"(longest write transaction {found['write_transaction']:.2f} s); executemany of the same rows "
          f"{found['executemany']:.2f} s; throughput {found['executemany'] / found['import']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
